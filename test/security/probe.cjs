// Preloaded (`node --require`) into hpclint's bundles by test/security/trust.test.ts. Records, as JSON
// lines in $HPCLINT_PROBE_LOG, every attempt to start a process, open a network connection or listen,
// resolve a host name, fetch a URL, load code from outside the bundle's directory, and every file
// opened for reading. It changes nothing else: the calls still go through.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, loaded with node --require */
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const logFile = process.env.HPCLINT_PROBE_LOG;
const bundleDir = process.env.HPCLINT_PROBE_BUNDLE_DIR;
const appendFileSync = fs.appendFileSync;
let recording = false;

function record(kind, detail) {
  if (!logFile || recording) {
    return;
  }
  recording = true;
  try {
    appendFileSync(logFile, `${JSON.stringify({ kind, detail: String(detail), pid: process.pid })}\n`);
  } finally {
    recording = false;
  }
}

function wrap(object, name, kind, describe) {
  const original = object[name];
  if (typeof original !== 'function') {
    return;
  }
  object[name] = function probed(...args) {
    record(kind, describe(args));
    return original.apply(this, args);
  };
}

const first = (args) => (typeof args[0] === 'object' && args[0] !== null ? JSON.stringify(args[0]) : args[0]);

const childProcess = require('node:child_process');
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  wrap(childProcess, name, 'process', first);
}
const net = require('node:net');
for (const name of ['connect', 'createConnection', 'createServer']) {
  wrap(net, name, 'socket', first);
}
wrap(net.Socket.prototype, 'connect', 'socket', first);
wrap(require('node:tls'), 'connect', 'socket', first);
wrap(require('node:dgram'), 'createSocket', 'socket', first);
for (const module of ['node:http', 'node:https']) {
  const http = require(module);
  wrap(http, 'request', 'network', first);
  wrap(http, 'get', 'network', first);
  wrap(http, 'createServer', 'socket', () => module);
}
wrap(require('node:http2'), 'connect', 'network', first);
const dns = require('node:dns');
for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  wrap(dns, name, 'network', first);
  wrap(dns.promises, name, 'network', first);
}
if (typeof globalThis.fetch === 'function') {
  wrap(globalThis, 'fetch', 'network', first);
}

for (const name of ['openSync', 'readFileSync', 'readFile', 'open', 'createReadStream', 'readdirSync', 'readdir']) {
  wrap(fs, name, 'read', (args) => (typeof args[0] === 'number' ? `fd ${args[0]}` : String(args[0])));
}
for (const name of ['readFile', 'open', 'readdir', 'opendir']) {
  wrap(fs.promises, name, 'read', (args) => String(args[0]));
}

const load = Module._load;
Module._load = function probedLoad(request, parent, isMain) {
  if (!Module.isBuiltin(request) && !request.startsWith('node:')) {
    let resolved = request;
    try {
      resolved = Module._resolveFilename(request, parent, isMain);
    } catch {
      // let the real load report it
    }
    if (!bundleDir || !path.resolve(resolved).startsWith(bundleDir + path.sep)) {
      record('code', resolved);
    }
  }
  return load.apply(this, [request, parent, isMain]);
};

record('start', process.argv.slice(1).join(' '));
