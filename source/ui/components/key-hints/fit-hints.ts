export type KeyHint = { readonly key: string; readonly label: string };

export const hintSeparator = '  ';

function hintWidth(hint: KeyHint): number {
  return Array.from(`${hint.key} ${hint.label}`).length;
}

/** The hints that fit in `width` columns, whole: a hint cut in half reads as a different key. */
export function fitHints(hints: readonly KeyHint[], width: number): KeyHint[] {
  const fitted: KeyHint[] = [];
  let used = 0;
  for (const hint of hints) {
    const needed = (fitted.length > 0 ? hintSeparator.length : 0) + hintWidth(hint);
    if (used + needed > width) break;
    fitted.push(hint);
    used += needed;
  }
  return fitted;
}
