import { makeStyle } from '../../core/terminal-style.js';
import { layoutSize } from './screen-size.js';

/** What the home screen says while the home is read (ui/screens/home-screen.tsx draws the same words). */
export const READING_TEXT = 'Reading the configuration and keystores...';

/**
 * The wizard's first frame, the home screen while the home is read (its header, with the SANDBOX / DRY RUN tag at the
 * right edge, and one line saying what it is doing), made without Ink or React: commands/wizard.ts draws it on the
 * alternate screen before Ink, React and yoga load, which is most of the wait before anything shows (a fifth of a
 * second and more over SSH). Ink's first frame then replaces only the rows that differ (FullScreenTerminal).
 * test/ui/reading-frame.test.tsx holds its text equal to Ink's first frame at several widths.
 */
export function readingFrame(options: { columns: number; rows: number; tag?: string; colour: boolean }): string {
  const { columns } = layoutSize(options.columns, options.rows);
  const style = makeStyle(options.colour);
  const title = 'ei-keystore';
  const tag = options.tag ? `  ${options.tag}` : '';
  const gap = ' '.repeat(Math.max(0, columns - title.length - tag.length));
  const header = `${style.bold(title)}${tag ? `${gap}${style.bold(style.yellow(tag))}` : ''}`;
  return `${header}\n${style.dim(READING_TEXT)}\n`;
}
