/** Everything a command touches of the process, passed in so tests can run commands in-process. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  now: Date;
}

export function processContext(): CommandContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    // Read only when asked for: creating process.stdin (a stream over the terminal or pipe) costs ~10 ms at start,
    // and most commands never read it. Copy a context with withStdout(), which keeps this getter a getter.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    now: new Date(),
  };
}

/** The context with another stdout; every other property as it is (a getter stays a getter, unlike `{ ...context }`). */
export function withStdout(context: CommandContext, stdout: CommandContext['stdout']): CommandContext {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(context)) as CommandContext;
  Object.defineProperty(copy, 'stdout', { value: stdout, enumerable: true, writable: true, configurable: true });
  return copy;
}
