import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built tool, as users run it (`npm test` builds it first). */
export const BUNDLE = path.join(repositoryRoot, 'dist', 'ei-keystore.mjs');

export interface BundleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is closed. */
  done: Promise<BundleRun>;
  /** Resolves when stderr has printed a line equal to `line` (apply names each step as it starts). */
  waitForLine(line: string): Promise<void>;
}

/** Spawns `node dist/ei-keystore.mjs ...args` with only PATH and HOME from this process plus `env`. */
export function spawnBundle(args: string[], env: NodeJS.ProcessEnv = {}, options: { prefix?: string[] } = {}): Spawned {
  const command = options.prefix ? options.prefix[0]! : process.execPath;
  const argv = options.prefix ? [...options.prefix.slice(1), process.execPath, BUNDLE, ...args] : [BUNDLE, ...args];
  const child = spawn(command, argv, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, JAVA_HOME: process.env.JAVA_HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of [...waiters]) {
      if (stderr.split('\n').includes(waiter.line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const done = new Promise<BundleRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    done,
    waitForLine: (line) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.split('\n').includes(line)) return resolve();
        waiters.push({ line, resolve });
        void done.then(() => reject(new Error(`the process ended without printing ${JSON.stringify(line)}: ${stderr}`)));
      }),
  };
}

export function runBundle(args: string[], env: NodeJS.ProcessEnv = {}, options: { prefix?: string[] } = {}): Promise<BundleRun> {
  return spawnBundle(args, env, options).done;
}

/** An answers file that generates a primary (or internal) keystore, password from $NEW_PASS (and $NEW_KEY_PASS). */
export function keystoreAnswers(dir: string, name: string, options: { keyPassword?: boolean } = {}): string {
  const file = path.join(dir, `${name}.toml`);
  writeFileSync(
    file,
    `[keystore]
source = "generate"
file_name = "${name}.jks"
alias = "${name}"
password = { env = "NEW_PASS" }
${options.keyPassword ? 'key_password = { env = "NEW_KEY_PASS" }' : ''}
[keystore.generate]
dname = "CN=${name}.example.com, O=Reliability"
`,
  );
  return file;
}
