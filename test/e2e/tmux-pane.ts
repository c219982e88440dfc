import { execFileSync, spawnSync } from 'node:child_process';

/** A real terminal for the bundled binary: a detached tmux pane, driven with send-keys, read with capture-pane. */
export class TmuxPane {
  readonly socket = `eik-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  constructor(command: string, size: { columns: number; rows: number } = { columns: 80, rows: 24 }) {
    this.tmux('new-session', '-d', '-x', String(size.columns), '-y', String(size.rows), '-s', 'w', command);
  }
  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
  /** The visible rows, trailing blanks trimmed per row and at the end. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'w')
      .split('\n')
      .map((line) => line.trimEnd())
      .join('\n')
      .trimEnd();
  }
  /** Lines that scrolled off the top into the scrollback. */
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
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  }
  /** Waits until the screen stops changing (a redraw after a resize has landed). */
  async settled(what: string): Promise<string> {
    let last = this.screen();
    let same = 0;
    const start = Date.now();
    while (same < 4) {
      await new Promise((resolve) => setTimeout(resolve, 80));
      const now = this.screen();
      same = now === last ? same + 1 : 0;
      last = now;
      if (Date.now() - start > 30_000) throw new Error(`the screen never settled: ${what}`);
    }
    return last;
  }
  /** Presses Enter and waits for the step counter to change (or the review to show). */
  async next(what: string): Promise<void> {
    const step = /step (\d+) of/.exec(this.screen())?.[1];
    this.keys('Enter');
    await this.until((screen) => /step (\d+) of/.exec(screen)?.[1] !== step || screen.includes('Review:'), what);
  }
  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}

export const haveTmux = spawnSync('tmux', ['-V']).status === 0;
