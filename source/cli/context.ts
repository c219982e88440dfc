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
  return { env: process.env, cwd: process.cwd(), stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, now: new Date() };
}
