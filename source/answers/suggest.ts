/**
 * "Did you mean" for misspelled keys. Distance is the optimal-string-alignment form of Damerau-Levenshtein,
 * so a swapped pair of letters ("alais") costs one edit like a missing one ("passwrd"); case, "-" and "_" are
 * ignored because "keyPassword" and "key-password" are the same slip as "key_password".
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

/** Edits between two keys, ignoring case, "-" and "_". */
export function keyDistance(a: string, b: string): number {
  return editDistance(normalize(a), normalize(b));
}

/** How many edits still look like a slip rather than a different word. */
function tolerance(length: number): number {
  if (length <= 3) return 1;
  if (length <= 6) return 2;
  return 3;
}

/**
 * The valid key nearest to `key`, or undefined when none is close. A key that is a whole word of a longer
 * valid key ("size" for "key_size") also counts as near.
 */
export function nearestKey(key: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(key);
  if (wanted === '') return undefined;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalize(candidate));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (best && best.distance <= tolerance(wanted.length)) return best.candidate;
  if (wanted.length >= 4) return candidates.find((candidate) => candidate.toLowerCase().split(/[-_]/).includes(key.toLowerCase()));
  return undefined;
}
