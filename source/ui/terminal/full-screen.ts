import { EventEmitter } from 'node:events';

const ESC = '\u001B[';
/**
 * The alternate screen: the shell's lines (npm's, the command line) stay untouched, and come back on exit. Auto-wrap
 * is off while the wizard draws, so a row laid out for a wider terminal (the one frame drawn between a resize and
 * the re-layout) is clipped at the edge instead of spilling into the row below.
 */
const enterAlternate = `${ESC}?1049h${ESC}?7l${ESC}?25l${ESC}H${ESC}2J`;
const leaveAlternate = `${ESC}?7h${ESC}?1049l${ESC}?25h`;

/**
 * What Ink writes to: a stand-in for the terminal that owns the alternate screen and draws each frame Ink hands it
 * (Ink runs in debug mode, so every write is a whole frame) by rewriting only the rows that changed, each at its
 * absolute position.
 *
 * Why not Ink's own log-update: it moves the cursor relative to where the last frame ended, which is wrong after a
 * resize (the terminal has reflowed or cut the old frame), and it scrolls when a frame is taller than the terminal.
 * Here a resize clears the screen and redraws everything at the new size, and a frame is cut at the last row, so
 * the header never scrolls away and nothing lands in the scrollback.
 */
export class FullScreenTerminal extends EventEmitter {
  readonly isTTY = true;
  private shown: string[] = [];
  private active = false;

  constructor(private readonly real: NodeJS.WriteStream) {
    super();
  }

  get columns(): number {
    return this.real.columns || 80;
  }

  get rows(): number {
    return this.real.rows || 24;
  }

  enter(): void {
    if (this.active) return;
    this.active = true;
    // Entered anew (after a prompt on the shell's screen, say): the screen is blank, so every row is drawn again.
    this.shown = [];
    this.real.write(enterAlternate);
    this.real.on('resize', this.resized);
  }

  leave(): void {
    if (!this.active) return;
    this.active = false;
    this.real.off('resize', this.resized);
    this.real.write(leaveAlternate);
  }

  /** One frame from Ink: the rows that differ from what is on the screen are rewritten, the rest left alone. */
  write = (frame: string): boolean => {
    if (!this.active) return true;
    const lines = frame.replace(/\n$/, '').split('\n').slice(0, this.rows);
    let out = '';
    for (let row = 0; row < Math.max(lines.length, this.shown.length); row++) {
      const line = lines[row] ?? '';
      if (line === (this.shown[row] ?? '')) continue;
      // Erase the row first: erasing after the text would take the last column with it when the row is full.
      out += `${ESC}${row + 1};1H${ESC}2K${line}`;
    }
    this.shown = lines;
    if (out) this.real.write(out);
    return true;
  };

  private readonly resized = (): void => {
    // The terminal has reflowed or cut what was drawn: start from a blank screen and draw every row again.
    this.real.write(`${ESC}H${ESC}2J`);
    this.shown = [];
    this.emit('resize');
  };
}
