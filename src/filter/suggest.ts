/**
 * "Did you mean" for misspelt words: the closest candidate by edit distance, counting a swap
 * of two neighbouring letters as one edit (`prot` → `port`), since that is the commonest typo.
 */

/** Words longer than this get no suggestion: the distance table would be waste. */
const MAX_WORD = 32;

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return m;
  if (m === 0) return n;
  // Three rolling rows: the transposition step looks two rows back.
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/**
 * The candidate closest to `word` (case-insensitive), or null when none is close enough to be
 * a plausible typo: at most one edit for candidates of up to four letters, two for longer ones.
 * A word of three or more letters that starts a candidate (`proc`, `stat`) also counts.
 * Ties go to the earlier candidate, so callers list the likelier words first.
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  if (word.length === 0 || word.length > MAX_WORD) return null;
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (c === w) return candidate;
    let d = editDistance(w, c);
    if (w.length >= 3 && c.startsWith(w)) d = Math.min(d, 1);
    const allowed = c.length <= 4 ? 1 : 2;
    if (d <= allowed && d < w.length && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
