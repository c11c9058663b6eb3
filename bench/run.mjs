// npm run bench [-- --strict] [--runs N] [--rounds N] [--corpus DIR]
// Measures, in one run, the performance budgets of the architecture notes:
//   (a) analysis of every corpus recipe (parse + every rule) vs dockerfile-utils' validate of the same Dockerfiles;
//   (b) keystroke latency: lint of a 4,000-line Dockerfile / definition file after a one-character edit;
//   (c) language-server memory with 50 corpus recipes open (VmRSS of dist/server.js).
// Ratios matter, not absolute timings. Exits 0 unless --strict and a budget fails.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const strict = args.includes('--strict');
const runs = Number(optionValue('--runs') ?? 30);
const corpusDir = resolve(optionValue('--corpus') ?? process.env.HPCLINT_CORPUS ?? join(root, '../shared/corpus'));

const KEYSTROKE_BUDGET_MS = 100;
const MEMORY_BUDGET_MB = 100;
const OPEN_DOCUMENTS = 50;
const ROUNDS = Number(optionValue('--rounds') ?? 3);

function optionValue(name) {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

function listFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      found.push(...listFiles(path));
    } else {
      found.push(path);
    }
  }
  return found;
}

function corpusRecipes() {
  if (!existsSync(corpusDir)) {
    console.error(`bench: corpus not found at ${corpusDir} (use --corpus DIR or HPCLINT_CORPUS)`);
    process.exit(2);
  }
  const recipes = [];
  for (const format of ['dockerfile', 'singularity']) {
    const dir = join(corpusDir, format);
    if (existsSync(dir)) {
      for (const path of listFiles(dir)) {
        recipes.push({ path, format: format === 'dockerfile' ? 'dockerfile' : 'apptainer', text: readFileSync(path, 'utf8') });
      }
    }
  }
  return recipes;
}

async function loadEngine() {
  const outfile = join(root, 'bench/out/engine.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'bench/entry.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    minify: true,
    logLevel: 'warning',
    loader: { '.md': 'text' },
  });
  return createRequire(import.meta.url)(outfile);
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function ms(value) {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

// (a) ------------------------------------------------------------------------------------------
function measureAnalysis(engine, recipes, config) {
  const dockerfiles = recipes.filter((r) => r.format === 'dockerfile');
  const lintAll = (list) => {
    let findings = 0;
    for (const recipe of list) {
      findings += engine.lint(recipe.text, { fileName: recipe.path, format: recipe.format, config }).diagnostics.length;
    }
    return findings;
  };
  const validateAll = (list) => {
    let findings = 0;
    for (const recipe of list) {
      findings += engine.dockerfileUtilsValidate(recipe.text).length;
    }
    return findings;
  };
  // Warm-up pass so the JIT has seen both code paths.
  lintAll(dockerfiles.slice(0, 50));
  validateAll(dockerfiles.slice(0, 50));

  // Interleaved rounds; the best round of each counts (least disturbed by GC and JIT tiering).
  const best = { hpclintDocker: undefined, utils: undefined, hpclintAll: undefined };
  const keep = (key, fn) => {
    const start = performance.now();
    const result = fn();
    const elapsed = performance.now() - start;
    if (best[key] === undefined || elapsed < best[key].ms) {
      best[key] = { ms: elapsed, result };
    }
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    keep('hpclintDocker', () => lintAll(dockerfiles));
    keep('utils', () => validateAll(dockerfiles));
    keep('hpclintAll', () => lintAll(recipes));
  }
  return { dockerfiles: dockerfiles.length, all: recipes.length, ...best };
}

// (b) ------------------------------------------------------------------------------------------
function syntheticDockerfile(lines) {
  const out = ['# syntax=docker/dockerfile:1', 'FROM ubuntu:24.04 AS build', 'ARG JOBS=4', 'ENV PREFIX=/opt/app'];
  let n = 0;
  while (out.length < lines - 2) {
    n += 1;
    out.push(
      `RUN apt-get update && apt-get install -y --no-install-recommends libfoo${n}-dev \\`,
      ` && curl -fsSL -o /tmp/src${n}.tar.gz https://example.org/src-${n}.tar.gz \\`,
      ` && tar xzf /tmp/src${n}.tar.gz -C /tmp && cd /tmp/src-${n} \\`,
      ` && ./configure --prefix=$PREFIX CFLAGS="-O2 -march=x86-64-v3" && make -j$JOBS install`,
      `COPY config-${n}.yaml /etc/app/config-${n}.yaml`,
      `ENV APP_OPTION_${n}=value${n}`,
      `# step ${n}`,
    );
  }
  out.push('WORKDIR /opt/app', 'ENTRYPOINT ["/opt/app/bin/run"]');
  return out.slice(0, lines).join('\n') + '\n';
}

function syntheticDefinition(lines) {
  const out = ['Bootstrap: docker', 'From: ubuntu:24.04', '', '%post'];
  let n = 0;
  const tail = ['', '%environment', '    export PATH=/opt/app/bin:$PATH', '', '%runscript', '    exec /opt/app/bin/run "$@"'];
  while (out.length < lines - tail.length) {
    n += 1;
    out.push(
      `    apt-get update && apt-get install -y --no-install-recommends libfoo${n}-dev`,
      `    curl -fsSL -o /tmp/src${n}.tar.gz https://example.org/src-${n}.tar.gz`,
      `    tar xzf /tmp/src${n}.tar.gz -C /tmp && cd /tmp/src-${n}`,
      `    ./configure --prefix=/opt/app CFLAGS="-O2 -march=x86-64-v3" && make -j4 install`,
      `    # step ${n}`,
    );
  }
  return [...out.slice(0, lines - tail.length), ...tail].join('\n') + '\n';
}

function measureKeystrokes(engine, config, format, text) {
  // Edit a character in the middle of the file, alternating so every lint sees new text.
  const middle = text.indexOf('libfoo', Math.floor(text.length / 2));
  const samples = [];
  for (let i = 0; i < runs + 3; i += 1) {
    const edited = text.slice(0, middle) + String.fromCharCode(97 + (i % 26)) + text.slice(middle + 1);
    const start = performance.now();
    engine.lint(edited, { fileName: format === 'dockerfile' ? 'Dockerfile' : 'app.def', format, config });
    const elapsed = performance.now() - start;
    if (i >= 3) {
      samples.push(elapsed);
    }
  }
  samples.sort((a, b) => a - b);
  return { median: quantile(samples, 0.5), p95: quantile(samples, 0.95), lines: text.split('\n').length - 1 };
}

// Where the time of one lint goes: parsing alone, then each rule on top of parsing (median of a few runs).
function breakdown(engine, config, format, text) {
  const medianOf = (rules) => {
    const samples = [];
    for (let i = 0; i < 7; i += 1) {
      const start = performance.now();
      engine.lint(text, { format, config, rules });
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    return quantile(samples, 0.5);
  };
  const parse = medianOf([]);
  const rules = engine.allRules
    .filter((rule) => rule.meta.formats.includes(format))
    .map((rule) => ({ code: rule.meta.code, ms: Math.max(0, medianOf([rule]) - parse) }))
    .sort((a, b) => b.ms - a.ms);
  return { parse, rules };
}

// (c) ------------------------------------------------------------------------------------------
function frame(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

function readRssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

async function measureServerMemory(recipes) {
  const serverPath = join(root, 'dist/server.js');
  if (!existsSync(serverPath)) {
    return { error: 'dist/server.js missing (run npm run build)' };
  }
  const child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let buffer = Buffer.alloc(0);
  const waiting = new Map();
  const published = new Set();
  let onPublish = () => {};
  child.stderr.on('data', () => {});

  const send = (message) => child.stdin.write(frame(message));
  const handle = (message) => {
    if (message.id !== undefined && message.method === undefined) {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    } else if (message.id !== undefined) {
      // A request from the server: configuration → defaults; anything else → null.
      const result = message.method === 'workspace/configuration' ? (message.params?.items ?? []).map(() => null) : null;
      send({ id: message.id, result });
    } else if (message.method === 'textDocument/publishDiagnostics') {
      published.add(message.params.uri);
      onPublish();
    }
  };
  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) {
        return;
      }
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (buffer.length < headerEnd + 4 + length) {
        return;
      }
      const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      buffer = buffer.subarray(headerEnd + 4 + length);
      handle(JSON.parse(body));
    }
  });
  const request = (id, method, params) =>
    new Promise((resolveRequest) => {
      waiting.set(id, resolveRequest);
      send({ id, method, params });
    });
  const withTimeout = (promise, seconds, what) =>
    Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), seconds * 1000))]);

  try {
    const rootUri = pathToFileURL(corpusDir).href;
    await withTimeout(
      request(1, 'initialize', { processId: process.pid, rootUri, capabilities: { workspace: { configuration: true } }, workspaceFolders: null }),
      20,
      'initialize',
    );
    send({ method: 'initialized', params: {} });
    const baseline = readRssMb(child.pid);
    // Spread the 50 documents over the corpus: both formats, a mix of sizes.
    const step = Math.max(1, Math.floor(recipes.length / OPEN_DOCUMENTS));
    const chosen = recipes.filter((_, i) => i % step === 0).slice(0, OPEN_DOCUMENTS);
    const uris = new Set();
    for (const recipe of chosen) {
      const uri = pathToFileURL(recipe.path).href;
      uris.add(uri);
      send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: recipe.format, version: 1, text: recipe.text } } });
    }
    await withTimeout(
      new Promise((done) => {
        onPublish = () => {
          if ([...uris].every((u) => published.has(u))) {
            done();
          }
        };
        onPublish();
      }),
      60,
      'diagnostics for all open documents',
    );
    await new Promise((done) => setTimeout(done, 500));
    const rss = readRssMb(child.pid);
    await withTimeout(request(2, 'shutdown', null), 10, 'shutdown').catch(() => {});
    send({ method: 'exit' });
    return { baseline, rss, opened: chosen.length };
  } catch (error) {
    return { error: error.message };
  } finally {
    setTimeout(() => child.kill(), 1000).unref();
  }
}

// main -----------------------------------------------------------------------------------------
const build = spawnSync(process.execPath, [join(root, 'esbuild.mjs')], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('bench: npm run build failed; the server memory measurement uses whatever dist/server.js exists');
}
const engine = await loadEngine();
const config = { ...engine.defaultConfig(), syntaxValidation: false };
const recipes = corpusRecipes();
console.log(`corpus: ${relative(process.cwd(), corpusDir) || corpusDir} (${recipes.length} recipes), ${runs} keystroke runs\n`);

const rows = [];
const analysis = measureAnalysis(engine, recipes, config);
const ratio = analysis.hpclintDocker.ms / analysis.utils.ms;
console.log(`(a) analysis over the corpus (best of ${ROUNDS} interleaved rounds)`);
console.log(`    hpclint, ${analysis.dockerfiles} Dockerfiles: ${ms(analysis.hpclintDocker.ms)} total, ${ms(analysis.hpclintDocker.ms / analysis.dockerfiles)}/file, ${analysis.hpclintDocker.result} findings`);
console.log(`    dockerfile-utils validate, same files: ${ms(analysis.utils.ms)} total, ${ms(analysis.utils.ms / analysis.dockerfiles)}/file, ${analysis.utils.result} findings`);
console.log(`    hpclint, all ${analysis.all} recipes: ${ms(analysis.hpclintAll.ms)} total, ${ms(analysis.hpclintAll.ms / analysis.all)}/file, ${analysis.hpclintAll.result} findings`);
rows.push(['analysis / dockerfile-utils validate', `${ratio.toFixed(2)}x`, '< 1.00x', ratio < 1]);

console.log('(b) keystroke latency (lint after a one-character edit)');
const defaults = engine.defaultConfig();
for (const [format, text] of [
  ['dockerfile', syntheticDockerfile(4000)],
  ['apptainer', syntheticDefinition(4000)],
]) {
  const result = measureKeystrokes(engine, config, format, text);
  console.log(`    ${format}, ${result.lines} lines, hpclint rules: median ${ms(result.median)}, p95 ${ms(result.p95)}`);
  const parts = breakdown(engine, config, format, text);
  const slowest = parts.rules.slice(0, 3).map((r) => `${r.code} ${ms(r.ms)}`).join(', ');
  console.log(`      parse ${ms(parts.parse)}; slowest rules: ${slowest || 'none'}`);
  rows.push([`keystroke p95, 4,000-line ${format}`, ms(result.p95), `< ${KEYSTROKE_BUDGET_MS} ms`, result.p95 < KEYSTROKE_BUDGET_MS]);
  if (format === 'dockerfile' && defaults.syntaxValidation) {
    // What the editor does with default settings: hpclint plus dockerfile-utils' syntax checks.
    const withSyntax = measureKeystrokes(engine, defaults, format, text);
    console.log(`    ${format}, default settings (+ dockerfile-utils syntax): median ${ms(withSyntax.median)}, p95 ${ms(withSyntax.p95)}`);
    rows.push([`keystroke p95, 4,000-line ${format}, defaults`, ms(withSyntax.p95), `< ${KEYSTROKE_BUDGET_MS} ms`, withSyntax.p95 < KEYSTROKE_BUDGET_MS]);
  }
}

console.log(`(c) language server memory with ${OPEN_DOCUMENTS} recipes open`);
const memory = await measureServerMemory(recipes);
if (memory.error) {
  console.log(`    error: ${memory.error}`);
  rows.push([`server RSS, ${OPEN_DOCUMENTS} documents`, 'n/a', `< ${MEMORY_BUDGET_MB} MB`, false]);
} else {
  console.log(`    RSS after initialize ${memory.baseline.toFixed(1)} MB, after ${memory.opened} documents ${memory.rss.toFixed(1)} MB`);
  rows.push([`server RSS, ${memory.opened} documents`, `${memory.rss.toFixed(1)} MB`, `< ${MEMORY_BUDGET_MB} MB`, memory.rss < MEMORY_BUDGET_MB]);
}

const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['budget', 'measured', 'limit'][i].length));
const line = (cells) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  ');
console.log('\n' + line(['budget', 'measured', 'limit', 'result']));
for (const row of rows) {
  console.log(line([row[0], row[1], row[2], row[3] ? 'PASS' : 'FAIL']));
}
const failed = rows.filter((r) => !r[3]).length;
console.log(failed === 0 ? '\nall budgets met' : `\n${failed} budget(s) missed`);
process.exit(strict && failed > 0 ? 1 : 0);
