import { PassThrough } from 'node:stream';
import { runCli } from '../../source/cli.js';
import type { CommandContext } from '../../source/cli/context.js';
import { isUserError } from '../../source/errors.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as main() would, with no terminal attached; exit code and output captured. */
export async function runCliCaptured(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; now?: Date } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = {
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    now: options.now ?? new Date(),
  };
  try {
    const code = await runCli(argv, context);
    return { code, stdout, stderr };
  } catch (error) {
    if (!isUserError(error)) throw error;
    return { code: error.exitCode, stdout, stderr: stderr + `ei-keystore: ${error.message}\n` };
  }
}
