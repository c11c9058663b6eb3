// `hpclint convert` puts every copied file where Docker would: a directory-tree simulation of Docker's COPY/ADD next to
// Apptainer's `%files` (internal/pkg/build/files/copy.go: makeParentDir, then `cp -fLr src dst`) and the copy lines the
// converter writes into `%post`, run over a synthetic build context for each corpus Dockerfile (and a few hand cases).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { convertDockerfile, EXISTING_DIRECTORIES } from '../../server/src/convert/dockerfileToDefinition';
import { parseDefinitionFile } from '../../server/src/recipe/apptainer';
import { parseDockerfile } from '../../server/src/recipe/dockerfile';
import type { CopyStep, RunStep, Stage, Step } from '../../server/src/recipe/model';

const CORPUS = resolve(__dirname, '..', '..', '../shared/corpus/dockerfile');
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;
const STAGING = '/opt/.hpclint-staging';

// ---------------------------------------------------------------- a tiny file system

type Node = { kind: 'dir' } | { kind: 'file'; content: string };

class Tree {
  readonly nodes = new Map<string, Node>([['/', { kind: 'dir' }]]);

  static withBaseImage(): Tree {
    const tree = new Tree();
    for (const dir of EXISTING_DIRECTORIES) {
      tree.mkdirp(dir);
    }
    return tree;
  }

  isDir(path: string): boolean {
    return this.nodes.get(norm(path))?.kind === 'dir';
  }

  exists(path: string): boolean {
    return this.nodes.has(norm(path));
  }

  mkdirp(path: string): void {
    const parts = norm(path).split('/').filter(Boolean);
    let current = '';
    for (const part of parts) {
      current += `/${part}`;
      const node = this.nodes.get(current);
      if (node?.kind === 'file') {
        throw new Error(`mkdir -p ${path}: ${current} is a file`);
      }
      this.nodes.set(current, { kind: 'dir' });
    }
  }

  writeFile(path: string, content: string): void {
    const target = norm(path);
    if (this.isDir(target)) {
      throw new Error(`cannot overwrite directory ${target} with a file`);
    }
    if (!this.isDir(parent(target))) {
      throw new Error(`${parent(target)}: no such directory`);
    }
    this.nodes.set(target, { kind: 'file', content });
  }

  /** Entries directly below `dir`. */
  children(dir: string): string[] {
    const prefix = norm(dir) === '/' ? '/' : `${norm(dir)}/`;
    return [...this.nodes.keys()].filter((path) => path !== '/' && path.startsWith(prefix) && !path.slice(prefix.length).includes('/')).map((path) => path.slice(prefix.length));
  }

  remove(path: string): void {
    const target = norm(path);
    for (const key of [...this.nodes.keys()]) {
      if (key === target || key.startsWith(`${target}/`)) {
        this.nodes.delete(key);
      }
    }
  }

  /** Every file as `path=content`, sorted, except under `skip`. */
  files(skip?: string): string[] {
    return [...this.nodes]
      .filter(([path, node]) => node.kind === 'file' && !(skip && path.startsWith(`${skip}/`)))
      .map(([path, node]) => `${path}=${(node as { content: string }).content}`)
      .sort();
  }
}

function norm(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return `/${parts.join('/')}`;
}

function parent(path: string): string {
  const normalized = norm(path);
  return normalized.slice(0, normalized.lastIndexOf('/')) || '/';
}

function base(path: string): string {
  return norm(path).split('/').pop() ?? '';
}

/** Copies the file or directory tree `from` (in `source`) to `to` (in `target`), creating `to`. */
function copyNode(source: Tree, from: string, target: Tree, to: string): void {
  if (source.isDir(from)) {
    if (!target.isDir(to)) {
      if (target.exists(to)) {
        throw new Error(`cannot overwrite non-directory ${to} with directory ${from}`);
      }
      target.mkdirp(to);
    }
    for (const child of source.children(from)) {
      copyNode(source, `${norm(from)}/${child}`, target, `${norm(to)}/${child}`);
    }
    return;
  }
  const node = source.nodes.get(norm(from));
  if (!node) {
    throw new Error(`cannot stat ${from}: no such file or directory`);
  }
  target.writeFile(to, (node as { content: string }).content);
}

/** GNU `cp -r src dst` (also `-fLr`: the context has no symlinks): `src/.` copies the contents. */
function cpR(source: Tree, src: string, target: Tree, dst: string): void {
  const contents = /(^|\/)\.$/.test(src);
  if (!source.exists(src)) {
    throw new Error(`cp: cannot stat '${src}': No such file or directory`);
  }
  if (contents) {
    if (!target.exists(dst)) {
      target.mkdirp(dst);
    }
    copyNode(source, src, target, dst);
    return;
  }
  copyNode(source, src, target, target.isDir(dst) ? `${norm(dst)}/${base(src)}` : dst);
}

/** Docker's `tar -x` of a context archive: the simulated archive holds one file named after it. */
function unpack(tree: Tree, archive: Node | undefined, directory: string): void {
  assert.ok(archive?.kind === 'file' && archive.content.startsWith('archive:'), `not an archive: ${JSON.stringify(archive)}`);
  tree.mkdirp(directory);
  tree.writeFile(`${norm(directory)}/${archive.content.slice('archive:'.length)}-member`, 'member');
}

// ---------------------------------------------------------------- the build context

interface Context {
  tree: Tree;
  /** Glob matches of a source pattern, context-relative. */
  expand(pattern: string): string[];
}

const contextPath = (source: string): string => norm(source.replace(/\/\.$/, ''));
/** Extension-less names that are files (other extension-less sources are made directories; glob matches are files). */
const FILE_NAMES = /^(Dockerfile|Containerfile|Makefile|LICENSE|COPYING|README|NOTICE|AUTHORS|Gemfile|Pipfile|Procfile|VERSION|entrypoint|docker-entrypoint|run|start)$/i;

/** Creates every local source: a path with an extension is a file, others (or `dir/`) directories with two files. */
function buildContext(sources: readonly string[]): Context {
  const tree = new Tree();
  const paths = sources.filter((source) => !source.includes('*')).map(contextPath);
  const globs = sources.filter((source) => source.includes('*'));
  for (const glob of globs) {
    paths.push(norm(glob.replace(/\*/g, 'g1')), norm(glob.replace(/\*/g, 'g2')));
  }
  const globMatches = new Set(paths.slice(paths.length - 2 * globs.length));
  const looksLikeDirectory = (path: string): boolean => !/\.[^/]+$/.test(base(path)) && !FILE_NAMES.test(base(path)) && !globMatches.has(path);
  const dirs = new Set(paths.filter((path) => path === '/' || looksLikeDirectory(path) || paths.some((other) => other.startsWith(`${path}/`))));
  for (const source of sources) {
    if (/\/\.?$/.test(source) && !source.includes('*')) {
      dirs.add(contextPath(source));
    }
  }
  for (const path of paths) {
    if (dirs.has(path)) {
      tree.mkdirp(path);
      tree.writeFile(`${path === '/' ? '' : path}/f1`, `${path}/f1`);
      tree.mkdirp(`${path === '/' ? '' : path}/sub`);
      tree.writeFile(`${path === '/' ? '' : path}/sub/f2`, `${path}/sub/f2`);
    } else {
      tree.mkdirp(parent(path));
      tree.writeFile(path, ARCHIVE.test(path) ? `archive:${base(path)}` : path);
    }
  }
  const expand = (pattern: string): string[] => {
    if (!pattern.includes('*')) {
      return [pattern];
    }
    const regex = new RegExp(`^${norm(pattern).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
    return [...tree.nodes.keys()].filter((path) => regex.test(path)).sort();
  };
  return { tree, expand };
}

// ---------------------------------------------------------------- Docker

interface DockerCopy {
  add: boolean;
  sources: string[];
  destination: string;
}

/** The local COPY/ADD steps of the target stage (and the stages it is built FROM), or a reason to skip the file. */
function dockerCopies(text: string): { copies: DockerCopy[]; workdirs: string[] } | string {
  const recipe = parseDockerfile(text);
  const stages = recipe.stages;
  if (stages.length === 0) {
    return 'no FROM';
  }
  const chain: Stage[] = [stages[stages.length - 1]];
  while (chain[0].base.stageRef !== undefined) {
    const ref = chain[0].base.stageRef.toLowerCase();
    const earlier = stages.find((stage) => stage.index < chain[0].index && stage.name?.value.toLowerCase() === ref);
    if (!earlier) {
      return 'unknown parent stage';
    }
    chain.unshift(earlier);
  }
  const copies: DockerCopy[] = [];
  const workdirs: string[] = [];
  let workdir = '/';
  const steps: Step[] = chain.flatMap((stage) => stage.steps);
  for (const step of steps) {
    if (step.kind === 'workdir' && step.value) {
      if (/[$'"\\]/.test(step.value.text)) {
        return 'variable WORKDIR';
      }
      workdir = step.value.value.startsWith('/') ? norm(step.value.value) : norm(`${workdir}/${step.value.value}`);
      workdirs.push(workdir);
    }
    if (step.kind !== 'copy' || step.from) {
      continue;
    }
    const words = [...step.sources, ...(step.destination ? [step.destination] : [])];
    if (!step.destination || words.some((word) => /[$'"\\?[\]{}]|^<</.test(word.text)) || step.flags.some((flag) => ['parents', 'exclude'].includes(flag.name))) {
      return 'variables, quotes, heredocs or flags';
    }
    const add = step.keyword.toUpperCase() === 'ADD';
    const sources = step.sources.map((word) => word.value).filter((source) => !(add && /^(https?|ftp|git):\/\/|^git@/i.test(source)));
    if (sources.some((source) => source.includes('..'))) {
      return 'source outside the context';
    }
    const raw = step.destination.value;
    const destination = raw.startsWith('/') ? raw : `${workdir === '/' ? '' : workdir}/${raw}`;
    if (sources.length > 0) {
      copies.push({ add, sources, destination: raw.endsWith('/') || raw === '.' ? `${norm(destination)}/` : destination });
    }
  }
  return copies.length > 0 ? { copies, workdirs } : 'no local copies';
}

/** Docker's COPY/ADD, in order, onto a base image. */
function dockerBuild(context: Context, copies: readonly DockerCopy[], workdirs: readonly string[]): Tree {
  const image = Tree.withBaseImage();
  for (const dir of workdirs) {
    image.mkdirp(dir);
  }
  for (const copy of copies) {
    const matches = copy.sources.flatMap((source) => context.expand(source));
    const intoDirectory = copy.destination.endsWith('/') || copy.sources.length > 1 || matches.length > 1 || image.isDir(copy.destination);
    for (const match of matches) {
      const node = context.tree.nodes.get(norm(match));
      if (copy.add && node?.kind === 'file' && ARCHIVE.test(match)) {
        unpack(image, node, intoDirectory ? copy.destination : copy.destination);
        continue;
      }
      if (context.tree.isDir(match)) {
        image.mkdirp(copy.destination);
        copyNode(context.tree, match, image, copy.destination);
      } else if (intoDirectory) {
        image.mkdirp(copy.destination);
        copyNode(context.tree, match, image, `${norm(copy.destination)}/${base(match)}`);
      } else {
        image.mkdirp(parent(copy.destination));
        copyNode(context.tree, match, image, copy.destination);
      }
    }
  }
  return image;
}

// ---------------------------------------------------------------- Apptainer

const unquote = (word: string): string => (word.startsWith("'") && word.endsWith("'") ? word.slice(1, -1).replace(/'\\''/g, "'") : word);

/** `%files` (host copies) then the converter's copy lines of `%post`, on a base image, for the last stage of `definition`. */
function apptainerBuild(context: Context, definition: string): Tree {
  const recipe = parseDefinitionFile(definition);
  const stage = recipe.stages[recipe.stages.length - 1];
  const rootfs = Tree.withBaseImage();
  const fromStage = new Set<string>();
  for (const step of stage.steps) {
    if (step.kind !== 'copy' || !step.keyword.startsWith('%files')) {
      continue;
    }
    const files = step as CopyStep;
    const src = files.sources[0]?.value;
    const dst = files.destination?.value ?? src;
    if (!src || !dst) {
      continue;
    }
    if (files.from) {
      fromStage.add(dst.startsWith(STAGING) ? dst.split('/').slice(0, 4).join('/') : dst);
      continue;
    }
    for (const match of context.expand(src.replace(/^\.\//, ''))) {
      // makeParentDir: a trailing slash makes the whole path a directory, otherwise only its parent.
      if (!rootfs.exists(dst)) {
        rootfs.mkdirp(dst.endsWith('/') ? dst : parent(dst));
      }
      cpR(context.tree, /(^|\/)\.$/.test(src) ? `${contextPath(match)}/.` : contextPath(match), rootfs, dst);
    }
  }
  const post = stage.steps.find((step): step is RunStep => step.kind === 'run' && step.keyword.toLowerCase().startsWith('%post'));
  for (const line of post?.script.text.split('\n') ?? []) {
    const copy = /^\s*mkdir -p (\S+) && cp -r (\S+) (\S+) && rm -rf (\S+)$/.exec(line);
    if (copy) {
      const [, directory, from, to, staging] = copy.slice(0, 5).map(unquote);
      if (fromStage.has(staging)) {
        continue;
      }
      rootfs.mkdirp(directory);
      cpR(rootfs, from, rootfs, to);
      rootfs.remove(staging);
      continue;
    }
    const tar = /^\s*mkdir -p (\S+) && tar -xf (\S+) -C (\S+) && rm -(?:r)?f (\S+)$/.exec(line);
    if (tar) {
      const [, directory, archive, into, cleanUp] = tar.slice(0, 5).map(unquote);
      rootfs.mkdirp(directory);
      unpack(rootfs, rootfs.nodes.get(norm(archive)), into);
      rootfs.remove(cleanUp);
      continue;
    }
    const workdir = /^\s*mkdir -p (\S+) && cd \S+$/.exec(line);
    if (workdir) {
      rootfs.mkdirp(unquote(workdir[1]));
    }
  }
  return rootfs;
}

/** Converts `text` and compares both builds; undefined when they agree, else the difference. */
function compare(text: string): { skipped?: string; tmp?: boolean; difference?: string } {
  const docker = dockerCopies(text);
  if (typeof docker === 'string') {
    return { skipped: docker };
  }
  const context = buildContext(docker.copies.flatMap((copy) => copy.sources));
  const isDirectory = (source: string): boolean | undefined => (source.includes('*') ? undefined : context.tree.isDir(contextPath(source)));
  const tmp = docker.copies.some((copy) => /^\/(var\/)?tmp(\/|$)/.test(copy.destination));
  let expected: string[];
  try {
    expected = dockerBuild(context, docker.copies, docker.workdirs).files();
  } catch (error) {
    return { skipped: `Docker itself fails: ${String(error)}` };
  }
  const { text: definition } = convertDockerfile(text, { isDirectory });
  let actual: string[];
  try {
    actual = apptainerBuild(context, definition).files(STAGING);
  } catch (error) {
    return { tmp, difference: `the converted build fails: ${String(error)}\n${definition}` };
  }
  const missing = expected.filter((file) => !actual.includes(file));
  const extra = actual.filter((file) => !expected.includes(file));
  if (missing.length === 0 && extra.length === 0) {
    return { tmp };
  }
  return { tmp, difference: `missing ${JSON.stringify(missing)}, not in Docker's image ${JSON.stringify(extra)}\n${definition}` };
}

test('converted COPY/ADD put every file where Docker does (hand cases)', () => {
  const cases = [
    'FROM python:3.12-slim\nCOPY requirements.txt install.sh /tmp/\nRUN pip install -r /tmp/requirements.txt && sh /tmp/install.sh\n',
    'FROM ubuntu:24.04\nCOPY mpich_patches.tgz /tmp/\nCOPY Dockerfile cache* /tmp/\nCOPY conf /var/tmp/conf\nCOPY a.txt b.txt /opt/app/\n',
    'FROM ubuntu:24.04\nWORKDIR /app\nCOPY . .\nCOPY src ./src\nCOPY main.c /app/bin/main.c\nADD pkg.tar.gz /tmp/\nADD lib.tgz /opt/lib/\n',
    'FROM alpine:3.20\nCOPY data/ /tmp/data/\nCOPY /etc-files/app.conf /etc/app.conf\nCOPY x.sh /var/tmp\nCOPY *.py /opt/py/\n',
    'FROM alpine:3.20 AS base\nCOPY setup.sh /tmp/setup.sh\nFROM base\nCOPY run.sh /usr/local/bin/\n',
  ];
  for (const text of cases) {
    const result = compare(text);
    assert.equal(result.skipped, undefined, text);
    assert.equal(result.difference, undefined, text);
  }
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}

test('converted COPY/ADD put every file where Docker does (corpus Dockerfiles)', (t) => {
  if (!existsSync(CORPUS)) {
    t.skip(`corpus not found at ${CORPUS}`);
    return;
  }
  const failures: string[] = [];
  let simulated = 0;
  let tmp = 0;
  for (const file of listFiles(CORPUS).sort()) {
    const text = readFileSync(file, 'utf8');
    if (!/^\s*(COPY|ADD)\s/im.test(text)) {
      continue;
    }
    const result = compare(text);
    if (result.skipped) {
      continue;
    }
    simulated++;
    if (result.tmp) {
      tmp++;
    }
    if (result.difference) {
      failures.push(`${relative(CORPUS, file)}: ${result.difference}`);
    }
  }
  t.diagnostic(`${simulated} corpus Dockerfiles simulated, ${tmp} of them copy into /tmp or /var/tmp`);
  assert.ok(simulated > 300 && tmp >= 20, `too few cases: ${simulated} (${tmp} into /tmp)`);
  assert.deepEqual(failures, []);
});
