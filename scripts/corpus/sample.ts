// `corpus:sample`: N findings of one code, spread over repositories, each with the recipe lines around it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryOf, type CorpusFinding } from './findings';

export interface SampleOptions {
  count: number;
  seed: number;
  /** Lines shown above and below the finding. */
  context: number;
  severities?: ReadonlySet<string>;
}

/**
 * Picks `count` findings of `code`: one per repository in a seeded order, then a second round, and
 * so on, so that one prolific repository does not fill the sample.
 */
export function pickSample(
  findings: readonly CorpusFinding[],
  code: string,
  options: SampleOptions,
): { picked: CorpusFinding[]; total: number } {
  const wanted = code.toLowerCase();
  const matching = findings.filter(
    (f) => f.code.toLowerCase() === wanted && (!options.severities || options.severities.has(f.severity)),
  );
  const random = seededRandom(options.seed);
  const byRepository = new Map<string, CorpusFinding[]>();
  for (const finding of matching) {
    const repository = repositoryOf(finding.path);
    byRepository.set(repository, [...(byRepository.get(repository) ?? []), finding]);
  }
  const queues = shuffle([...byRepository.keys()].sort(), random).map((repository) =>
    shuffle(byRepository.get(repository) ?? [], random),
  );
  const picked: CorpusFinding[] = [];
  while (picked.length < options.count && queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next && picked.length < options.count) {
        picked.push(next);
      }
    }
  }
  return { picked, total: matching.length };
}

export function formatSample(corpus: string, picked: readonly CorpusFinding[], total: number, options: SampleOptions): string {
  const out: string[] = [];
  const texts = new Map<string, string[]>();
  picked.forEach((finding, index) => {
    let lines = texts.get(finding.path);
    if (!lines) {
      lines = readFileSync(join(corpus, finding.path), 'utf8').split(/\r?\n/);
      texts.set(finding.path, lines);
    }
    out.push(
      `[${index + 1}/${picked.length}] ${finding.code} ${finding.severity}  ${finding.path}:${finding.line}:${finding.column}  (${repositoryOf(finding.path)})`,
      `    ${finding.message}`,
    );
    const last = Math.max(finding.line, finding.endColumn === 1 && finding.endLine > finding.line ? finding.endLine - 1 : finding.endLine);
    const from = Math.max(1, finding.line - options.context);
    const to = Math.min(lines.length, last + options.context);
    const width = String(to).length;
    for (let n = from; n <= to; n++) {
      const marker = n >= finding.line && n <= last ? '>' : ' ';
      out.push(`  ${marker} ${String(n).padStart(width)} | ${lines[n - 1]}`);
    }
    out.push('');
  });
  const repositories = new Set(picked.map((f) => repositoryOf(f.path))).size;
  out.push(`${picked.length} of ${total} findings shown, from ${repositories} repositories (seed ${options.seed}).`);
  return out.join('\n') + '\n';
}

/** mulberry32: a small deterministic generator, so the same seed gives the same sample. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
