// The CLI bench's baseline: a process that reads each Dockerfile given on the command line and runs
// dockerfile-utils' validate on it (as dockerfile-utils' users do), printing the number of findings.
import { readFileSync } from 'node:fs';
import { validate } from 'dockerfile-utils';

let findings = 0;
for (const file of process.argv.slice(2)) {
  findings += validate(readFileSync(file, 'utf8')).length;
}
process.stdout.write(`${findings}\n`);
