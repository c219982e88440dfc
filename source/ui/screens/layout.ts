import { useStdout } from 'ink';
import { printable, printableLines } from '../../core/printable.js';

/** The terminal's size, never less than the wizard's minimum (smaller terminals get plain mode). */
export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  return { columns: Math.max(60, Math.min(stdout.columns || 80, 120)), rows: Math.max(15, stdout.rows || 24) };
}

/**
 * Breaks text into lines of at most `width` characters at spaces. Control characters (from an alias, a
 * subject, a path of the home) are shown as escapes: in a frame they would move the cursor or clear the screen.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of printableLines(text).replaceAll('\t', ' ').split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
      while (line.length > width) {
        lines.push(line.slice(0, width));
        line = line.slice(width);
      }
    }
    lines.push(line);
  }
  return lines;
}

/** One line of at most `width` characters, control characters shown as escapes (see wrapText). */
export function truncate(text: string, width: number): string {
  const shown = printable(text);
  return shown.length <= width ? shown : `${shown.slice(0, Math.max(0, width - 1))}…`;
}
