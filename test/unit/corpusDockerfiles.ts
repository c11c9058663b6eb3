// The corpus Dockerfiles (../shared/corpus/dockerfile) for tests that compare hpclint's speed-ups of dockerfile-ast
// and dockerfile-utils with the libraries' own results.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

const CORPUS = join(__dirname, '../../../shared/corpus');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** The text of every file of a corpus folder; none where the corpus is absent (the test then says it ran on its edge cases only). */
export function corpusTexts(t: TestContext, folder: 'dockerfile' | 'singularity'): string[] {
  const dir = join(CORPUS, folder);
  if (!existsSync(dir)) {
    t.diagnostic(`corpus not found at ${dir}: edge cases only`);
    return [];
  }
  return files(dir).map((path) => readFileSync(path, 'utf8'));
}

/** The text of every corpus Dockerfile (`corpusTexts`). */
export function corpusDockerfileTexts(t: TestContext): string[] {
  return corpusTexts(t, 'dockerfile');
}
