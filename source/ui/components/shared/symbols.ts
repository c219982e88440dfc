/** Glyphs in one place, so a front end for a limited terminal can swap them. All are one column wide. */
export const symbols = {
  pointer: '>',
  done: '✓',
  failed: '✗',
  pending: '·',
  scrollUp: '↑',
  scrollDown: '↓',
  mask: '*',
} as const;

/** Braille spinner frames: one column, readable over SSH with any UTF-8 locale. */
export const spinnerFrames: readonly string[] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
