import { printable, printableLines } from '../../core/printable.js';
import { wrapWords } from '../../core/text-wrap.js';
import { layoutSize } from '../terminal/screen-size.js';
import { useRawTerminalSize } from '../terminal/terminal-size.js';

/** The terminal's size, kept current on resize, never less than the wizard's minimum; columns at most 120. */
export function useTerminalSize(): { columns: number; rows: number } {
  const { columns, rows } = useRawTerminalSize();
  return layoutSize(columns, rows);
}

/**
 * Breaks text into lines of at most `width` characters at spaces. Control characters (from an alias, a
 * subject, a path of the home) are shown as escapes: in a frame they would move the cursor or clear the screen.
 */
export function wrapText(text: string, width: number): string[] {
  return wrapWords(printableLines(text).replaceAll('\t', ' '), width, { breakLongWords: true });
}

/** One line of at most `width` characters, control characters shown as escapes (see wrapText). */
export function truncate(text: string, width: number): string {
  const shown = printable(text);
  return shown.length <= width ? shown : `${shown.slice(0, Math.max(0, width - 1))}…`;
}

/** Wraps a plan line to the width, continuation lines indented under the text, so nothing is cut off. */
export function hangingWrap(line: string, width: number): string[] {
  const indent = /^(\s*(?:\d+\.|-)?\s*)/.exec(line)?.[1] ?? '';
  const [first, ...rest] = wrapText(line.slice(indent.length), Math.max(20, width - indent.length));
  return [indent + (first ?? ''), ...rest.map((part) => ' '.repeat(indent.length) + part)];
}

/**
 * Wraps a diff line to the width instead of cutting it: continuation rows start with "↳ ", so they read as the rest
 * of the line above (the review colours them like it).
 */
export function wrapDiffLine(line: string, width: number): string[] {
  const shown = printable(line).replaceAll('\t', '    ');
  if (shown.length <= width) return [shown];
  const rows = [shown.slice(0, width)];
  const room = Math.max(10, width - 2);
  for (let start = width; start < shown.length; start += room) rows.push(`↳ ${shown.slice(start, start + room)}`);
  return rows;
}
