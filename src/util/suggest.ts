// "Did you mean" hints for misspelled names (options, commands, presets, models).

/** Levenshtein distance, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const al = a.toLowerCase();
  const bl = b.toLowerCase();
  const prev = Array.from({ length: bl.length + 1 }, (_, j) => j);
  for (let i = 1; i <= al.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= bl.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (al[i - 1] === bl[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[bl.length]!;
}

/** The closest candidate within a third of the word's length (at least 2 edits), or a candidate that starts
 *  with the word; undefined when nothing is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  if (best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3))) return best;
  const prefix = word.length >= 3 ? candidates.filter((c) => c.toLowerCase().startsWith(word.toLowerCase())) : [];
  return prefix.length === 1 ? prefix[0] : undefined;
}

/** ` (did you mean "x"?)` or "". */
export function didYouMean(word: string, candidates: readonly string[], prefix = ""): string {
  const c = closest(word, candidates);
  return c === undefined ? "" : ` (did you mean "${prefix}${c}"?)`;
}
