// Preloaded into the language server by test/soak/soak.test.ts (node --expose-gc --require): on SIGUSR2 it
// collects garbage and writes the main thread's memory use to $HPCLINT_SOAK_MEMORY as JSON.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, loaded with node --require */
const { writeFileSync } = require('node:fs');

process.on('SIGUSR2', () => {
  const gc = globalThis.gc;
  if (typeof gc === 'function') {
    gc();
    gc();
  }
  writeFileSync(process.env.HPCLINT_SOAK_MEMORY, JSON.stringify(process.memoryUsage()));
});
