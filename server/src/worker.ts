// Entry point of dist/worker.js: a lint worker thread for the language server and the CLI.
import { parentPort, workerData } from 'node:worker_threads';
import { allRules } from './rules/index';
import { injectFaults } from './service/faultInjection';
import { serveLintJobs } from './service/workerMain';

if (parentPort) {
  if (process.env.HPCLINT_FAULT_INJECTION === '1') {
    injectFaults(parentPort);
  }
  serveLintJobs(parentPort, allRules, (workerData as { cancel?: Int32Array } | undefined)?.cancel);
}
