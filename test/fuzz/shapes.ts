// Input shapes that once made the analysis super-linear, kept as regression fixtures: a head, a body
// repeated `units` times (with `{i}` / `{i+1}` numbered) and a tail, analysed by the part that was slow.
// The fuzz test checks that eight times the input costs about eight times the CPU time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { convertDockerfile } from '../../server/src/convert/dockerfileToDefinition';
import { applySafeFixes } from '../../server/src/engine/fixes';
import { lint } from '../../server/src/engine/lint';
import type { RecipeFormat } from '../../server/src/recipe/model';
import { allRules } from '../../server/src/rules/index';
import { FIXTURES } from './fuzzer';

export const SHAPES = join(FIXTURES, 'shapes');

export interface Shape {
  name: string;
  /** What was super-linear, and the fuzz case that found it. */
  why: string;
  fileName: string;
  format: RecipeFormat;
  /** `lint`: the engine with `rules` only (none: the front end alone); `fix`: applying the safe fixes of `rules` (one fix-all pass); `convert`: the Dockerfile converter. */
  target: 'lint' | 'fix' | 'convert';
  rules: string[];
  /** Repetitions of `body` in the smaller of the two inputs measured. */
  units: number;
  head: string;
  body: string;
  tail: string;
}

export function loadShapes(): Shape[] {
  return readdirSync(SHAPES)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ name: name.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(join(SHAPES, name), 'utf8')) as Omit<Shape, 'name'>) }));
}

export function shapeText(shape: Shape, units: number): string {
  const parts = [shape.head];
  for (let i = 0; i < units; i++) {
    parts.push(shape.body.replaceAll('{i+1}', String(i + 1)).replaceAll('{i}', String(i)));
  }
  parts.push(shape.tail);
  return parts.join('');
}

/** The work measured for a shape at `units` repetitions (anything it needs first is done here, unmeasured). */
export function shapeWork(shape: Shape, units: number): () => unknown {
  const text = shapeText(shape, units);
  const rules = allRules.filter((rule) => shape.rules.includes(rule.meta.code));
  if (rules.length !== shape.rules.length) {
    throw new Error(`${shape.name}: unknown rule in ${shape.rules.join(', ')}`);
  }
  const options = { fileName: shape.fileName, format: shape.format, rules };
  switch (shape.target) {
    case 'convert':
      return () => convertDockerfile(text);
    case 'fix': {
      const { diagnostics } = lint(text, options);
      if (!diagnostics.some((d) => d.fixes.some((fix) => fix.safe))) {
        throw new Error(`${shape.name}: no safe fix to apply`);
      }
      return () => applySafeFixes(text, diagnostics);
    }
    default:
      return () => lint(text, options);
  }
}

/**
 * CPU time (ms) of `runs` back-to-back calls of `work`. The block starts on a collected heap, so it does not pay for
 * the garbage of the work before it (the collection also drops some compiled code: the first call pays for compiling
 * it again, in every block alike).
 */
export function cpuMs(work: () => unknown, runs: number): number {
  collectGarbage();
  const started = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    work();
  }
  return cpuMsSince(started);
}

/**
 * Back-to-back calls of `work` until they took `minMs` of CPU time (on a collected heap, as `cpuMs`): that time and
 * the calls made. A block that long is not rounded away by the kernel's CPU accounting (which can tick in milliseconds)
 * nor decided by one GC pause.
 */
export function cpuMsUntil(work: () => unknown, minMs: number): { ms: number; runs: number } {
  collectGarbage();
  const started = process.cpuUsage();
  let runs = 0;
  let ms: number;
  do {
    work();
    runs++;
    ms = cpuMsSince(started);
  } while (ms < minMs);
  return { ms, runs };
}

function cpuMsSince(started: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** A full garbage collection, without starting node with `--expose-gc`. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
