// "Did you mean …?": the known name closest to a misspelt one (header keys, bootstrap agents, stage names).

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions (`dokcer` → `docker` is 1). */
export function typoDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) {
    rows[0][j] = j;
  }
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

/**
 * The unique candidate closest to `name` (case-insensitive) within a small edit distance: 1 for names
 * up to 8 characters, 2 for longer ones (so `Exclude` is not "corrected" to `Include`).
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const limit = lower.length >= 9 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  let tie = false;
  for (const candidate of candidates) {
    // The distance is at least the difference in length: a name too long or too short is no typo of this
    // candidate, and is not measured (a header value of 2 MB took 40 s of CPU time against the agents' names).
    const candidateLower = candidate.toLowerCase();
    if (Math.abs(lower.length - candidateLower.length) > limit) {
      continue;
    }
    const distance = typoDistance(lower, candidateLower);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance && candidate.toLowerCase() !== best?.toLowerCase()) {
      tie = true;
    }
  }
  return best !== undefined && !tie ? best : undefined;
}
