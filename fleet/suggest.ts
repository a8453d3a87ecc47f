/**
 * "Did you mean …?" for a misspelt key, region or value: the closest candidate by edit
 * distance (insertions, deletions, substitutions and swaps of two neighbours), if it is close
 * enough to be a typo rather than a different word.
 */
export function closest(given: string, candidates: readonly string[]): string | undefined {
  const typed = given.toLowerCase();
  // A third of the word, at least one edit: `instanceType` → `instanceTypes`, `us-est-1` → `us-east-1`.
  const allowed = Math.max(1, Math.floor(typed.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (distance <= allowed && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** `; did you mean 'x'?`, or nothing. */
export function didYouMean(given: string, candidates: readonly string[]): string {
  const match = closest(given, candidates);
  return match && match !== given ? `; did you mean '${match}'?` : "";
}

/** Optimal string alignment distance: Levenshtein plus the swap of two adjacent characters. */
export function editDistance(a: string, b: string): number {
  let twoBack: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) current[j] = Math.min(current[j], twoBack[j - 2] + 1);
    }
    [twoBack, previous] = [previous, current];
  }
  return previous[b.length];
}
