// A seeded, repeatable fuzzer for the engine, the front ends and the converter. Case `seed:index` is
// always the same bytes (given the same seed recipes), so any finding can be replayed. Cases run in a
// child process that is killed when it hangs and restarted when it dies.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import * as esbuild from 'esbuild';
import type { CaseMessage, ResultMessage } from './worker';

export const ROOT = join(__dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'fuzz');

// ------------------------------------------------------------------ randomness

/** mulberry32: small, fast, good enough for test inputs, and the same on every platform. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  /** An integer in [1, max], small values far more likely (sizes spread over orders of magnitude). */
  size(max: number): number {
    return Math.max(1, Math.floor(Math.exp(this.next() * Math.log(max + 1))));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** `Random`'s numbers in [0, 1) as a function: the same sequence for the same seed. */
export function seededNumbers(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

/**
 * A seeded test's fixed seed, or another one derived from it when `HPCLINT_FUZZ_SEED` is a non-zero integer: the
 * memo-equivalence tests then try other random edits (a soak run; README, Testing).
 */
export function testSeed(seed: number): number {
  const shift = Number(process.env.HPCLINT_FUZZ_SEED ?? 0);
  return Number.isInteger(shift) && shift !== 0 ? caseSeed(seed, shift) : seed;
}

/** The seed of case `index` of a run: cases are independent of each other. */
export function caseSeed(seed: number, index: number): number {
  return createHash('sha256').update(`${seed}:${index}`).digest().readUInt32LE(0);
}

// ------------------------------------------------------------------ seed recipes

export interface SeedRecipe {
  name: string;
  bytes: Buffer;
}

/** Corpus recipes when `../shared/corpus` is there, else the project's examples and rule fixtures. */
export function loadSeeds(): SeedRecipe[] {
  const corpus = join(ROOT, '..', 'shared', 'corpus');
  const dirs = existsSync(corpus)
    ? [join(corpus, 'dockerfile'), join(corpus, 'singularity')]
    : [join(ROOT, 'examples'), join(ROOT, 'test', 'fixtures', 'rules')];
  const seeds: SeedRecipe[] = [];
  for (const dir of dirs.filter((d) => existsSync(d))) {
    for (const path of listFiles(dir)) {
      seeds.push({ name: relative(ROOT, path), bytes: readFileSync(path) });
    }
  }
  return seeds;
}

function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      files.push(...listFiles(path));
    } else if (entry.isFile() && statSync(path).size < 256 * 1024) {
      files.push(path);
    }
  }
  return files;
}

// ------------------------------------------------------------------ cases

export interface Limits {
  /** Largest generated input in bytes (the engine skips inputs above 2 MB). */
  maxBytes: number;
  /** Most stages / sections / lines / nesting levels a generator makes. */
  maxStages: number;
  maxLines: number;
  maxDepth: number;
}

/** Sizes for `npm test`: the shapes of the long run, small enough for seconds. */
export const QUICK_LIMITS: Limits = { maxBytes: 64 * 1024, maxStages: 500, maxLines: 5_000, maxDepth: 2_000 };
/** Sizes for `npm run fuzz`: 100k-line files, 1 MB lines, tens of thousands of stages. */
export const LONG_LIMITS: Limits = { maxBytes: 2 * 1024 * 1024 - 1, maxStages: 40_000, maxLines: 100_000, maxDepth: 20_000 };

export interface FuzzCase {
  id: string;
  /** What was done to which seed, for the report. */
  description: string;
  fileName: string;
  bytes: Buffer;
  position: { line: number; character: number };
}

/**
 * Texts are handled as Latin-1 strings inside the fuzzer: one character per byte, so a mutation can put
 * any byte anywhere (NULs, invalid UTF-8) and `Buffer.from(text, 'latin1')` gives back the exact bytes.
 */
const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

const FILE_NAMES = ['Dockerfile', 'Containerfile.gpu', 'app.dockerfile', 'Singularity', 'Apptainer.def', 'recipe.def', 'notes.txt', 'build'];

export function makeCase(seed: number, index: number, seeds: readonly SeedRecipe[], limits: Limits): FuzzCase {
  const random = new Random(caseSeed(seed, index));
  const steps: string[] = [];
  let text: string;
  if (seeds.length === 0 || random.chance(0.15)) {
    const generator = random.pick(GENERATORS);
    text = generator.make(random, limits);
    steps.push(generator.name);
  } else {
    const base = random.pick(seeds);
    text = base.bytes.toString('latin1');
    steps.push(base.name);
  }
  const mutations = random.int(5);
  for (let i = 0; i < mutations; i++) {
    const mutator = random.pick(MUTATORS);
    text = mutator.apply(text, random, { seeds, limits });
    steps.push(mutator.name);
  }
  if (text.length > limits.maxBytes) {
    text = text.slice(0, limits.maxBytes);
    steps.push('truncated to the limit');
  }
  const lines = text.split('\n').length;
  return {
    id: `${seed}:${index}`,
    description: steps.join(' → '),
    fileName: random.pick(FILE_NAMES),
    bytes: Buffer.from(text, 'latin1'),
    position: { line: random.int(lines + 2), character: random.int(120) },
  };
}

interface MutationContext {
  seeds: readonly SeedRecipe[];
  limits: Limits;
}

interface Mutator {
  name: string;
  apply: (text: string, random: Random, context: MutationContext) => string;
}

function splitLines(text: string): string[] {
  return text.split('\n');
}

function insertAt(text: string, random: Random, piece: string): string {
  const at = random.int(text.length + 1);
  return text.slice(0, at) + piece + text.slice(at);
}

function lineStartOf(text: string, random: Random): number {
  const at = random.int(text.length + 1);
  const start = text.lastIndexOf('\n', at - 1);
  return start + 1;
}

const DOCKERFILE_LINES = [
  'FROM ubuntu:24.04',
  'FROM --platform=$BUILDPLATFORM golang:1.22 AS build',
  'FROM build',
  'FROM scratch',
  'FROM ${BASE:-centos:7}@sha256:0123',
  'ARG BASE=ubuntu:18.04',
  'ARG TOKEN',
  'ENV PATH=/opt/bin OMPI_MCA_btl=^openib UCX_TLS=tcp',
  'ENV A="x" B=\'y\' \\',
  'RUN gcc -march=native -O3 -o app app.c',
  'RUN pip install numpy && curl -fsSL https://x.sh | bash',
  'RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt',
  'RUN <<EOF\nset -e\nmake -j\nEOF',
  'RUN <<-"EOT" bash\n\techo $HOME\n\tEOT',
  'RUN ["/bin/bash", "-c", "echo hi"]',
  'COPY --from=build --chown=1000:1000 /src /dst/',
  'ADD --checksum=sha256:abc https://example.org/a.tgz /tmp/',
  'ADD https://github.com/x/y/archive/master.tar.gz /opt/',
  'USER root',
  'WORKDIR relative/path',
  'ENTRYPOINT ["mpirun", "-np", "4", "app"]',
  'CMD exec "$@"',
  'HEALTHCHECK CMD nvidia-smi',
  'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
  'ONBUILD RUN make',
  'EXPOSE 22',
  'LABEL org.opencontainers.image.licenses="MIT"',
  'MAINTAINER someone',
  '# syntax=docker/dockerfile:1.7',
  '# escape=`',
  '# hpclint ignore=HPC-PORT-001,no-such-rule -- reason',
  '# hpclint global ignore=',
];

const DEFINITION_LINES = [
  'Bootstrap: docker',
  'Bootstrap: library',
  'Bootstrap: localimage',
  'Bootstrap: yum',
  'From: ubuntu:{{ VERSION }}',
  'From: {{ BASE }}',
  'Stage: build',
  'Fingerprints: 1234ABCD',
  'IncludeCmd: yes',
  'MirrorURL: http://mirror.centos.org/centos-%{OSVERSION}/%{OSVERSION}/os/$basearch/',
  '%post',
  '%post -c /bin/bash',
  '%post -c "/bin/bash -e"',
  '%environment',
  '%runscript',
  '%startscript',
  '%test',
  '%setup',
  '%pre',
  '%files from build',
  '%files',
  '%labels',
  '%help',
  '%arguments',
  '%appinstall app1',
  '%apprun app1',
  '%appenv',
  '%enviroment',
  '    exec "$@"',
  '    export PATH=/opt/bin:$PATH',
  '    mpirun -np 2 ./app "$@"',
  '    pip install --user numpy',
  '    /src /dst',
  '    VERSION=24.04',
  '    {{ VERSION }}',
  '  %notasection',
];

const NESTING = ['$(', '`', '"', "'", '${A:-', '$((', '(', '{ ', '\\', '<<EOF\n', '"$(echo "'];
const CLOSING: Record<string, string> = { '$(': ')', '`': '`', '"': '"', "'": "'", '${A:-': '}', '$((': '))', '(': ')', '{ ': ' }', '\\': '', '<<EOF\n': '\nEOF', '"$(echo "': '")"' };

const INVALID_UTF8 = ['\xc3', '\xed\xa0\x80', '\xf8\x88\x80\x80\x80', '\xc0\xaf', '\xe2\x82', '\xff\xfe', '\xef\xbb\xbf', '\xf4\x90\x80\x80'];

const MUTATORS: Mutator[] = [
  {
    name: 'delete lines',
    apply: (text, random) => {
      const lines = splitLines(text);
      const start = random.int(lines.length);
      lines.splice(start, random.size(Math.max(1, lines.length >> 2)));
      return lines.join('\n');
    },
  },
  {
    name: 'duplicate lines',
    apply: (text, random, { limits }) => {
      const lines = splitLines(text);
      const start = random.int(lines.length);
      const chunk = lines.slice(start, start + random.size(20));
      const copies = random.size(Math.max(1, Math.floor(limits.maxLines / Math.max(chunk.length, 1) / 4)));
      const at = random.int(lines.length + 1);
      const repeated: string[] = [];
      // Bounded in bytes too: a chunk of 1 MB lines copied thousands of times is more than a string can hold.
      const chunkBytes = chunk.reduce((sum, line) => sum + line.length + 1, 0);
      for (let i = 0, bytes = 0; i < copies && repeated.length < limits.maxLines && bytes <= limits.maxBytes; i++, bytes += chunkBytes) {
        repeated.push(...chunk);
      }
      lines.splice(at, 0, ...repeated);
      return lines.join('\n');
    },
  },
  {
    name: 'swap lines',
    apply: (text, random) => {
      const lines = splitLines(text);
      const a = random.int(lines.length);
      const b = random.int(lines.length);
      [lines[a], lines[b]] = [lines[b], lines[a]];
      return lines.join('\n');
    },
  },
  {
    name: 'cut continuations',
    apply: (text, random) => {
      const ends = [...text.matchAll(/\\\r?\n/g)].map((m) => m.index);
      if (ends.length === 0) {
        return text.slice(0, random.int(text.length + 1)) + '\\';
      }
      const at = random.pick(ends);
      return random.chance(0.5) ? text.slice(0, at + 1) : text.slice(0, at) + text.slice(at + 1);
    },
  },
  {
    name: 'add continuations',
    apply: (text, random) =>
      splitLines(text)
        .map((line) => (random.chance(0.2) ? `${line} \\` : line))
        .join('\n'),
  },
  {
    name: 'random bytes',
    apply: (text, random) => {
      let result = text;
      const count = random.size(64);
      for (let i = 0; i < count; i++) {
        result = insertAt(result, random, String.fromCharCode(random.int(256)));
      }
      return result;
    },
  },
  {
    name: 'NUL bytes',
    apply: (text, random) => insertAt(text, random, '\0'.repeat(random.size(4))),
  },
  {
    name: 'invalid UTF-8',
    apply: (text, random) => {
      let result = text;
      const count = random.size(8);
      for (let i = 0; i < count; i++) {
        result = insertAt(result, random, random.pick(INVALID_UTF8));
      }
      return random.chance(0.2) ? result + '\xe2\x82' : result;
    },
  },
  {
    name: 'line endings',
    apply: (text, random) => {
      const style = random.int(4);
      const lines = text.split(/\r\n|\r|\n/);
      const endings = ['\n', '\r\n', '\r'];
      return lines.reduce((out, line, i) => out + (i === 0 ? '' : style < 3 ? endings[style] : random.pick(endings)) + line, '');
    },
  },
  {
    name: 'deep nesting',
    apply: (text, random, { limits }) => {
      const opener = random.pick(NESTING);
      const depth = random.size(limits.maxDepth);
      const closed = random.chance(0.5) ? CLOSING[opener].repeat(depth) : '';
      const at = lineStartOf(text, random);
      const prefix = random.chance(0.5) ? 'RUN echo ' : '    echo ';
      return text.slice(0, at) + prefix + opener.repeat(depth) + 'gcc -march=native x.c' + closed + '\n' + text.slice(at);
    },
  },
  {
    name: 'recipe lines',
    apply: (text, random) => {
      const count = random.size(10);
      let result = text;
      for (let i = 0; i < count; i++) {
        const at = lineStartOf(result, random);
        const line = random.pick(random.chance(0.5) ? DOCKERFILE_LINES : DEFINITION_LINES);
        result = result.slice(0, at) + utf8(line) + '\n' + result.slice(at);
      }
      return result;
    },
  },
  {
    name: 'splice another recipe',
    apply: (text, random, { seeds }) => {
      if (seeds.length === 0) {
        return text;
      }
      const other = random.pick(seeds).bytes.toString('latin1');
      const from = random.int(other.length + 1);
      const piece = other.slice(from, from + random.size(4096));
      return insertAt(text, random, piece);
    },
  },
  {
    name: 'truncate',
    apply: (text, random) => text.slice(0, random.int(text.length + 1)),
  },
  {
    name: 'whitespace',
    apply: (text, random) => {
      const replacement = random.pick(['\t', '  ', '', utf8('\u00a0'), utf8('\u3000'), ' \t ', '\v', '\f']);
      return text.replace(/^[ \t]+/gm, (match) => (random.chance(0.5) ? replacement : match));
    },
  },
  {
    name: 'stray quotes',
    apply: (text, random) => {
      let result = text;
      const count = random.size(16);
      for (let i = 0; i < count; i++) {
        result = insertAt(result, random, random.pick(['"', "'", '`', '\\', '$', '${', '{{', '}}', '#', '%', '[', ']', '\\\n', '=']));
      }
      return result;
    },
  },
  {
    name: 'byte-order mark',
    apply: (text, random) => random.pick(['\xef\xbb\xbf', '\xff\xfe', '\xfe\xff']) + text,
  },
];

interface Generator {
  name: string;
  make: (random: Random, limits: Limits) => string;
}

function repeatUpTo(limits: Limits, count: number, piece: (i: number) => string): string {
  const parts: string[] = [];
  let bytes = 0;
  for (let i = 0; i < count && bytes < limits.maxBytes; i++) {
    const part = piece(i);
    parts.push(part);
    bytes += part.length;
  }
  return parts.join('');
}

const GENERATORS: Generator[] = [
  {
    name: 'many stages',
    make: (random, limits) =>
      repeatUpTo(limits, random.size(limits.maxStages), (i) => `FROM ${i === 0 ? 'ubuntu:24.04' : `s${i - 1}`} AS s${i}\nRUN echo ${i}\n`),
  },
  {
    name: 'many definition stages',
    make: (random, limits) =>
      repeatUpTo(limits, random.size(limits.maxStages), (i) => `Bootstrap: docker\nFrom: ubuntu:24.04\nStage: s${i}\n%files from s${Math.max(0, i - 1)}\n    /a /b\n%post\n    echo ${i}\n`),
  },
  {
    name: 'many sections',
    make: (random, limits) =>
      'Bootstrap: docker\nFrom: ubuntu:24.04\n' +
      repeatUpTo(limits, random.size(limits.maxStages), (i) => `${random.pick(['%post', '%environment', '%labels', '%runscript', `%apprun app${i}`, `%appenv app${i}`, '%test', '%files'])}\n    echo ${i}\n`),
  },
  {
    name: 'many lines',
    make: (random, limits) =>
      random.chance(0.5)
        ? 'FROM ubuntu:24.04\n' + repeatUpTo(limits, random.size(limits.maxLines), (i) => `RUN echo ${i}\n`)
        : 'Bootstrap: docker\nFrom: ubuntu:24.04\n%post\n' + repeatUpTo(limits, random.size(limits.maxLines), (i) => `    echo ${i}\n`),
  },
  {
    name: 'many continuation lines',
    make: (random, limits) => 'FROM ubuntu:24.04\nRUN true \\\n' + repeatUpTo(limits, random.size(limits.maxLines), (i) => `    && echo ${i} \\\n`) + '    && true\n',
  },
  {
    name: 'one long line',
    make: (random, limits) => {
      const words = ['echo', 'gcc', '-march=native', '$(x)', '"a b"', "'c'", '\\', 'pip', 'install', '&&', '|', ';', '${A}', 'https://x.org/a.tgz'];
      const target = random.size(limits.maxBytes - 64);
      const parts: string[] = [];
      let length = 0;
      while (length < target) {
        const word = random.pick(words);
        parts.push(word);
        length += word.length + 1;
      }
      return (random.chance(0.5) ? 'FROM ubuntu:24.04\nRUN ' : 'Bootstrap: docker\nFrom: x\n%post\n    ') + parts.join(' ') + '\n';
    },
  },
  {
    name: 'unterminated heredocs',
    make: (random, limits) => 'FROM ubuntu:24.04\n' + repeatUpTo(limits, random.size(limits.maxStages), (i) => `RUN <<EOF${i} cat\nline ${i}\n`),
  },
];

// ------------------------------------------------------------------ running cases

/** CPU time one case may take: a fixed allowance plus a cost proportional to the input's size. */
export function timeBoundMs(bytes: number): number {
  return 1000 + (20 * bytes) / 1024;
}

export type Outcome =
  | { kind: 'ok'; cpuMs: number }
  | { kind: 'error'; message: string; stack: string; cpuMs: number }
  | { kind: 'slow'; cpuMs: number; boundMs: number }
  | { kind: 'hang'; wallMs: number }
  | { kind: 'died'; detail: string };

/** The failure in one line (used to tell whether a reduced input still fails the same way). */
export function signature(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'error':
      return `error: ${outcome.message.split('\n')[0].replace(/\d+/g, 'N').slice(0, 200)}`;
    case 'died':
      return `died: ${outcome.detail.split('\n')[0].slice(0, 200)}`;
    default:
      return outcome.kind;
  }
}

/** What a fresh child analyses before its first measured case. */
const WARM_UP: Pick<FuzzCase, 'bytes' | 'fileName' | 'position'> = {
  bytes: Buffer.from(
    [
      'FROM ubuntu:24.04 AS build',
      'RUN apt-get update && apt-get install -y gcc && gcc -march=native -O3 -o /app app.c',
      'FROM ubuntu:24.04',
      'COPY --from=build /app /app',
      'ENV OMP_NUM_THREADS=4',
      'ENTRYPOINT ["mpirun", "-np", "4", "/app"]',
      'Bootstrap: docker',
      'From: ubuntu:24.04',
      '%post',
      '    pip install numpy',
      '%runscript',
      '    exec /app "$@"',
      '',
    ].join('\n'),
  ),
  fileName: 'Dockerfile',
  position: { line: 1, character: 10 },
};

export interface RunnerOptions {
  /** Extra environment of the child process. */
  env?: Record<string, string>;
  /** Wall time after which a case counts as hanging (default: five times its CPU bound plus 10 s). */
  hangAfterMs?: number;
}

/** Bundles the worker (as the shipped bundles are built) and runs it in a child process. */
export class Runner {
  private child?: ChildProcess;
  private nextId = 0;
  private stderr = '';

  private constructor(
    private readonly script: string,
    private readonly directory: string,
    private readonly options: RunnerOptions,
  ) {}

  static async create(options: RunnerOptions = {}): Promise<Runner> {
    const directory = mkdtempSync(join(tmpdir(), 'hpclint-fuzz-'));
    const script = join(directory, 'worker.cjs');
    await esbuild.build({
      entryPoints: [join(__dirname, 'worker.ts')],
      outfile: script,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      sourcemap: 'inline',
      logLevel: 'warning',
      loader: { '.md': 'text' },
    });
    return new Runner(script, directory, options);
  }

  /**
   * Analyses one case in the child. `hangAfterMs` lowers the wall time after which the child is killed and the
   * case counts as a hang (a reduction passes what is left of its budget, so that it ends within it).
   */
  async run(fuzzCase: Pick<FuzzCase, 'bytes' | 'fileName' | 'position'>, hangAfterMs = Infinity): Promise<Outcome> {
    if (!this.child) {
      // Compiling the bundle's code costs a second or more of CPU time; that belongs to no case, so a
      // fresh child analyses a small recipe first and the case after it is measured warm.
      this.start();
      await this.measure(WARM_UP, Infinity);
    }
    return this.measure(fuzzCase, hangAfterMs);
  }

  private async measure(fuzzCase: Pick<FuzzCase, 'bytes' | 'fileName' | 'position'>, hangAfterMs: number): Promise<Outcome> {
    const child = this.start();
    const id = this.nextId++;
    const bound = timeBoundMs(fuzzCase.bytes.length);
    const hardLimit = Math.max(0, Math.min(this.options.hangAfterMs ?? 5 * bound + 10_000, hangAfterMs));
    const started = Date.now();
    return new Promise<Outcome>((resolve) => {
      const finish = (outcome: Outcome): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(outcome);
      };
      const onMessage = (message: ResultMessage): void => {
        if (message.id !== id) {
          return;
        }
        if (message.error) {
          finish({ kind: 'error', message: `${message.error.name}: ${message.error.message}`, stack: message.error.stack, cpuMs: message.cpuMs });
        } else if (message.cpuMs > bound) {
          finish({ kind: 'slow', cpuMs: message.cpuMs, boundMs: bound });
        } else {
          finish({ kind: 'ok', cpuMs: message.cpuMs });
        }
      };
      const onExit = (code: number | null, signal: string | null): void => {
        this.child = undefined;
        finish({ kind: 'died', detail: `exit ${code ?? signal}: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` });
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        child.kill('SIGKILL');
        this.child = undefined;
        finish({ kind: 'hang', wallMs: Date.now() - started });
      }, hardLimit);
      child.on('message', onMessage);
      child.on('exit', onExit);
      const message: CaseMessage = { id, bytes: fuzzCase.bytes, fileName: fuzzCase.fileName, position: fuzzCase.position };
      child.send(message);
    });
  }

  close(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
    rmSync(this.directory, { recursive: true, force: true });
  }

  private start(): ChildProcess {
    if (!this.child) {
      this.stderr = '';
      const child = fork(this.script, [], {
        execArgv: ['--enable-source-maps', '--max-old-space-size=3072'],
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        env: { ...process.env, HPCLINT_TODAY: '2026-01-15', ...this.options.env },
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        this.stderr = (this.stderr + chunk.toString()).slice(-4096);
      });
      this.child = child;
    }
    return this.child;
  }
}

// ------------------------------------------------------------------ reducing a failure

/**
 * Delta debugging over lines, then over characters of what is left: the smallest input found (within
 * `budget` runs and `budgetMs` of wall time: a large crash that takes seconds per run would otherwise
 * keep a ten-minute run busy for hours) for which `fails` still holds.
 */
export async function reduce(
  bytes: Buffer,
  fails: (candidate: Buffer, remainingMs: number) => Promise<boolean>,
  budget = 400,
  budgetMs = 120_000,
): Promise<Buffer> {
  let runs = 0;
  const deadline = Date.now() + budgetMs;
  const tryCandidate = async (candidate: Buffer): Promise<boolean> => {
    const remainingMs = deadline - Date.now();
    if (runs >= budget || remainingMs <= 0) {
      return false;
    }
    runs++;
    // `fails` gets the time that is left: one candidate must not run past the budget (a 2 MB one may take
    // its whole hang limit, over three minutes).
    return fails(candidate, remainingMs);
  };
  const text = bytes.toString('latin1');
  const lines = await ddmin(text.split(/(?<=\n)/), (parts) => tryCandidate(Buffer.from(parts.join(''), 'latin1')));
  const chars = await ddmin([...lines.join('')], (parts) => tryCandidate(Buffer.from(parts.join(''), 'latin1')));
  return Buffer.from(chars.join(''), 'latin1');
}

async function ddmin<T>(items: T[], fails: (items: T[]) => Promise<boolean>): Promise<T[]> {
  let current = items;
  let chunks = 2;
  while (current.length >= 2) {
    const size = Math.ceil(current.length / chunks);
    let reduced = false;
    for (let start = 0; start < current.length; start += size) {
      const complement = [...current.slice(0, start), ...current.slice(start + size)];
      if (complement.length > 0 && (await fails(complement))) {
        current = complement;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (chunks >= current.length) {
        break;
      }
      chunks = Math.min(current.length, chunks * 2);
    }
  }
  return current;
}

// ------------------------------------------------------------------ regression fixtures

export interface Fixture {
  name: string;
  bytes: Buffer;
}

/** Reduced crashes kept by earlier runs: each is analysed on every `npm test`. */
export function loadFixtures(): Fixture[] {
  if (!existsSync(FIXTURES)) {
    return [];
  }
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'README.md')
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(FIXTURES, name)) }));
}

/** File name of a fixture: what failed, plus a hash of the bytes (stable, collision-free enough). */
export function fixtureName(outcome: Outcome, bytes: Buffer): string {
  const what = signature(outcome)
    .replace(/^(error|died): /, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 48)
    .toLowerCase();
  return `${what || 'crash'}-${createHash('sha256').update(bytes).digest('hex').slice(0, 10)}.txt`;
}

// ------------------------------------------------------------------ a run

export interface RunOptions {
  seed: number;
  limits: Limits;
  /** Stop after this many cases … */
  cases?: number;
  /** … or at this time (ms since the epoch), whichever comes first. */
  until?: number;
  /** Called after each case (progress). */
  onCase?: (fuzzCase: FuzzCase, outcome: Outcome) => void;
}

export interface Failure {
  fuzzCase: FuzzCase;
  outcome: Outcome;
}

export interface RunSummary {
  cases: number;
  failures: Failure[];
  /** The slowest case relative to its bound (cpuMs / boundMs). */
  worstRatio: number;
  /** That case (to replay it). */
  worstCase?: FuzzCase;
}

export async function fuzz(runner: Runner, seeds: readonly SeedRecipe[], options: RunOptions): Promise<RunSummary> {
  const failures: Failure[] = [];
  let worstRatio = 0;
  let worstCase: FuzzCase | undefined;
  let index = 0;
  for (; (options.cases === undefined || index < options.cases) && (options.until === undefined || Date.now() < options.until); index++) {
    const fuzzCase = makeCase(options.seed, index, seeds, options.limits);
    const outcome = await runner.run(fuzzCase);
    if (outcome.kind === 'ok') {
      const ratio = outcome.cpuMs / timeBoundMs(fuzzCase.bytes.length);
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worstCase = fuzzCase;
      }
    } else {
      failures.push({ fuzzCase, outcome });
    }
    options.onCase?.(fuzzCase, outcome);
  }
  return { cases: index, failures, worstRatio, worstCase };
}
