import { expect } from 'vitest';
import type { CommandContext } from '../../source/cli/context.js';
import { UserError } from '../../source/errors.js';

/** A CommandContext whose output is captured, for calling one command function directly. */
export function captureContext(cwd: string, options: { env?: NodeJS.ProcessEnv; now?: Date } = {}) {
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = {
    env: options.env ?? {},
    cwd,
    stdin: process.stdin,
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text) },
    now: options.now ?? new Date(),
  };
  return { ctx, out: () => stdout, err: () => stderr };
}

/** Awaits a command that must refuse its input: a UserError with exit code 2. */
export async function usageError(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(2);
  return error as UserError;
}
