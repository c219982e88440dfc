/** Everything a command touches of the process, passed in so tests can run commands in-process. */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean };
  now: Date;
}

/** stdout and stderr: Node's streams unless given (cli.ts gives direct writers for pipes and files). */
export function processContext(
  stdout: CommandContext['stdout'] = process.stdout,
  stderr: CommandContext['stderr'] = process.stderr,
): CommandContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    // Read only when asked for: creating process.stdin (a stream over the terminal or pipe) costs ~10 ms at start,
    // and most commands never read it. Copy a context with withStdout(), which keeps this getter a getter.
    get stdin() {
      return process.stdin;
    },
    stdout,
    stderr,
    now: new Date(),
  };
}

/** The context with another stdout; every other property as it is (a getter stays a getter, unlike `{ ...context }`). */
export function withStdout(context: CommandContext, stdout: CommandContext['stdout']): CommandContext {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(context)) as CommandContext;
  Object.defineProperty(copy, 'stdout', { value: stdout, enumerable: true, writable: true, configurable: true });
  return copy;
}
