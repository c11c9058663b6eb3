// Entry point of dist/cli.js (the `hpclint` command).
import { main } from './cli/main';

void main();
