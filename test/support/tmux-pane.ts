import { execFileSync, spawnSync } from 'node:child_process';

export const haveTmux = spawnSync('tmux', ['-V']).status === 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stepOf = (screen: string) => /step (\d+) of/.exec(screen)?.[1];

/**
 * A real terminal for the bundled binary: a command in a detached tmux pane of a given size (80x24 unless told),
 * driven with send-keys and read with capture-pane. Each pane has its own tmux server (socket), killed by kill().
 */
export class TmuxPane {
  readonly socket = `eik-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  /** Every screen read so far (a secret must be in none). */
  private readonly frames: string[] = [];
  constructor(command: string, size: { columns: number; rows: number } = { columns: 80, rows: 24 }) {
    this.tmux('new-session', '-d', '-x', String(size.columns), '-y', String(size.rows), '-s', 'w', command);
  }
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
  /** The visible rows, trailing blanks trimmed per row and at the end. */
  screen(): string {
    const text = this.tmux('capture-pane', '-p', '-t', 'w')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trimEnd();
    this.frames.push(text);
    return text;
  }
  /** Every screen read so far. */
  allFrames(): readonly string[] {
    return this.frames;
  }
  /** Lines that scrolled off the top into the scrollback: a frame taller than the pane would put some there. */
  history(): number {
    return Number(this.tmux('display-message', '-p', '-t', 'w', '#{history_size}').trim());
  }
  /** The scrollback and the screen together. */
  everything(): string {
    return this.tmux('capture-pane', '-p', '-t', 'w', '-S', '-', '-E', '-');
  }
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'w', ...keys);
  }
  text(text: string): void {
    this.tmux('send-keys', '-t', 'w', '-l', text);
  }
  resize(columns: number, rows: number): void {
    this.tmux('resize-window', '-t', 'w', '-x', String(columns), '-y', String(rows));
  }
  async until(test: (screen: string) => boolean, what: string, timeout = 30_000): Promise<string> {
    const start = Date.now();
    for (;;) {
      const screen = this.screen();
      if (test(screen)) return screen;
      if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}:\n${screen}`);
      await sleep(60);
    }
  }
  /** Waits until the screen stops changing (a redraw after a resize has landed). */
  async settled(what: string): Promise<string> {
    let last = this.screen();
    let same = 0;
    const start = Date.now();
    while (same < 4) {
      await sleep(80);
      const now = this.screen();
      same = now === last ? same + 1 : 0;
      last = now;
      if (Date.now() - start > 30_000) throw new Error(`the screen never settled: ${what}`);
    }
    return last;
  }
  /** Presses Enter and waits for the step counter to change (or the review to show). */
  async next(what: string): Promise<void> {
    const step = stepOf(this.screen());
    this.keys('Enter');
    await this.until((screen) => stepOf(screen) !== step || screen.includes('Review:'), what);
  }
  /**
   * Enter on each question (its default) until the screen shows `heading`, reading the screen rather than
   * counting questions; fails after `maxSteps` presses with the last screen.
   */
  async enterUntil(heading: string, maxSteps = 30): Promise<string> {
    for (let pressed = 0; pressed < maxSteps; pressed++) {
      if (this.screen().includes(heading)) return this.screen();
      await this.next(`question ${pressed + 1} on the way to "${heading}"`);
    }
    return this.until((screen) => screen.includes(heading), `"${heading}" after ${maxSteps} presses of Enter`, 2_000);
  }
  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}
