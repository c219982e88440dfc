import { render } from 'ink';
import { printableLines } from '../core/printable.js';
import type { WizardSessionOptions } from '../procedures/session.js';
import { WizardApp } from './app.js';

export interface InkWizardOptions extends WizardSessionOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
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
      stdout: options.stdout,
      stderr: options.stderr,
      exitOnCtrlC: false,
      patchConsole: false,
      // Over a slow SSH link the bytes per keystroke matter: redraw only the lines that changed, at a modest rate.
      incrementalRendering: process.env.EIK_NO_INCREMENTAL ? false : true,
      maxFps: 30,
    },
  );
  const result = await ended;
  instance.unmount();
  await instance.waitUntilExit().catch(() => undefined);
  if (options.stdin.isTTY) options.stdin.setRawMode(false);
  options.stdin.pause();
  options.stdout.write('\u001B[?25h');
  if (result.message) (result.code === 0 ? options.stdout : options.stderr).write(`${printableLines(result.message)}\n`);
  return result.code;
}
