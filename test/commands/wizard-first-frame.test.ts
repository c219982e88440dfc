/**
 * The wizard draws its first frame before it reads the home and before Ink loads (commands/wizard.ts earlyFrame).
 * Whatever ends the run before Ink takes the screen, the shell's screen must come back before the error is said:
 * an error written on the alternate screen is wiped when the terminal leaves it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../source/cli/context.js';
import { wizardCommand } from '../../source/commands/wizard.js';
import { isUserError } from '../../source/errors.js';
import { tempDir } from '../support/tmp.js';

const ENTER_ALTERNATE = '\u001B[?1049h';
const LEAVE_ALTERNATE = '\u001B[?1049l';

function terminalContext(cwd: string): { context: CommandContext; written: () => string } {
  let written = '';
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin }) as unknown as NodeJS.ReadStream;
  const stdout = Object.assign(new PassThrough(), {
    isTTY: true,
    columns: 80,
    rows: 24,
    write: (text: string) => {
      written += text;
      return true;
    },
  });
  return {
    context: {
      env: { TERM: 'xterm-256color' },
      cwd,
      stdin,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stdout as unknown as NodeJS.WriteStream,
      now: new Date(),
    },
    written: () => written,
  };
}

describe('the first frame, drawn before the home is read', () => {
  it('is on the alternate screen at once, and the shell gets its screen back before an error is said', async () => {
    const cwd = tempDir();
    const notAFolder = path.join(cwd, 'file');
    writeFileSync(notAFolder, 'not a folder\n');
    const { context, written } = terminalContext(cwd);
    const error = await wizardCommand(['--sandbox', path.join(notAFolder, 'sandbox')], context).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isUserError(error)).toBe(true);
    const output = written();
    // Entered first, with the header and what it is doing, in the SANDBOX layout ...
    expect(output.startsWith(ENTER_ALTERNATE)).toBe(true);
    expect(output).toContain('ei-keystore');
    expect(output).toContain('SANDBOX');
    expect(output).toContain('Reading the configuration and keystores...');
    // ... and left last: the error (said by the CLI after this returns) lands on the shell's screen.
    expect(output.lastIndexOf(LEAVE_ALTERNATE)).toBeGreaterThan(output.lastIndexOf('Reading the configuration'));
    expect(output.endsWith('\u001B[?25h')).toBe(true);
  });
});
