import { execFileSync, spawnSync } from 'node:child_process';

export const haveTmux = spawnSync('tmux', ['-V']).status === 0;

/** A command in a detached tmux pane of a given size, driven with send-keys and read with capture-pane. */
export class TmuxPane {
  private readonly socket = `eik-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  constructor(command: string, size: { columns: number; rows: number } = { columns: 80, rows: 24 }) {
    this.tmux('new-session', '-d', '-x', String(size.columns), '-y', String(size.rows), '-s', 'w', command);
  }
  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'w');
  }
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'w', ...keys);
  }
  text(text: string): void {
    this.tmux('send-keys', '-t', 'w', '-l', text);
  }
  async until(test: (screen: string) => boolean, what: string, timeout = 20_000): Promise<string> {
    const start = Date.now();
    for (;;) {
      const screen = this.screen();
      if (test(screen)) return screen;
      if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  }
  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
  }
}
