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

/** The work measured for a shape (anything it needs first is done here, unmeasured). */
function measuredWork(shape: Shape, text: string): () => unknown {
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
 * The CPU time (ms) of one analysis of the shape at `units` repetitions: the least, over `runs` tries, of
 * `repeat` back-to-back analyses divided by `repeat`. The least is the try load disturbed least; repeating
 * a small input keeps each timed block long enough that the kernel's CPU accounting (which can tick in
 * milliseconds) and one GC pause do not decide the ratio. Each block starts on a collected heap, so it does not
 * pay for the garbage of the work before it.
 */
export function shapeCpuMs(shape: Shape, units: number, runs = 3, repeat = 1): number {
  const work = measuredWork(shape, shapeText(shape, units));
  let least = Infinity;
  for (let run = 0; run < runs; run++) {
    collectGarbage();
    const started = process.cpuUsage();
    for (let i = 0; i < repeat; i++) {
      work();
    }
    const used = process.cpuUsage(started);
    least = Math.min(least, (used.user + used.system) / 1000 / repeat);
  }
  return least;
}

/** A full garbage collection, without starting node with `--expose-gc`. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}
