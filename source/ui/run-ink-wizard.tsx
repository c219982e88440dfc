import { render } from 'ink';
import { printableLines } from '../core/printable.js';
import type { WizardSessionOptions } from '../session/session.js';
import { WizardApp } from './app.js';
import { FullScreenTerminal } from './terminal/full-screen.js';

export interface InkWizardOptions extends WizardSessionOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  /** The alternate screen, already entered with the first frame on it (commands/wizard.ts); made here when absent. */
  terminal?: FullScreenTerminal;
}

/**
 * Mounts the wizard once and waits for it to end. Ink's own Ctrl-C exit is off: the app decides (nothing written
 * before apply; finish or roll back during it). The terminal is handed back usable: raw mode off, cursor shown.
 */
export async function runInkWizard(options: InkWizardOptions): Promise<number> {
  let finish: (result: { code: number; message?: string }) => void = () => {};
  const ended = new Promise<{ code: number; message?: string }>((resolve) => {
    finish = resolve;
  });
  // The wizard owns the alternate screen while it runs; the shell's lines are untouched and come back on exit.
  const terminal = options.terminal ?? new FullScreenTerminal(options.stdout);
  terminal.enter();
  // Whatever ends the process (an uncaught error included), the shell gets its screen back.
  const leave = (): void => terminal.leave();
  process.once('exit', leave);
  const instance = render(
    <WizardApp
      home={options.home}
      env={options.env}
      cwd={options.cwd}
      now={options.now}
      dryRun={options.dryRun}
      keytoolAvailable={options.keytoolAvailable}
      sandbox={options.sandbox}
      {...(options.vaultPassword !== undefined ? { vaultPassword: options.vaultPassword } : {})}
      onExit={(code, message) => finish({ code, message })}
    />,
    {
      stdin: options.stdin,
      stdout: terminal as unknown as NodeJS.WriteStream,
      stderr: options.stderr,
      exitOnCtrlC: false,
      patchConsole: false,
      // Debug mode hands every frame whole to the terminal stand-in, which rewrites only the rows that changed
      // (over a slow SSH link the bytes per keystroke matter) at absolute positions (so a resize cannot garble it).
      debug: true,
    },
  );
  let result: { code: number; message?: string };
  try {
    result = await ended;
    instance.unmount();
    await instance.waitUntilExit().catch(() => undefined);
  } finally {
    terminal.leave();
    process.off('exit', leave);
  }
  if (options.stdin.isTTY) options.stdin.setRawMode(false);
  options.stdin.pause();
  options.stdout.write('\u001B[?25h');
  if (result.message) (result.code === 0 ? options.stdout : options.stderr).write(`${printableLines(result.message)}\n`);
  return result.code;
}
