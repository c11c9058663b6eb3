// Entry point of dist/worker.js: a lint worker thread for the language server and the CLI.
import { parentPort } from 'node:worker_threads';
import { allRules } from './rules/index';
import { serveLintJobs } from './service/workerMain';

if (parentPort) {
  serveLintJobs(parentPort, allRules);
}
