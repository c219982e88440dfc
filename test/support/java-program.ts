import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';

/**
 * The small JDK-only Java programs the tests hold ei-keystore against (the start-up check, the TLS client): one
 * source file each, compiled once per run and per machine, then run with `java -cp`.
 */
export interface JavaProgram {
  /** The .java file. */
  source: string;
  /** Its class with main(). */
  mainClass: string;
  /** The name of its compiled directory in the temporary folder (the source's hash is appended). */
  directoryPrefix: string;
}

/** `java` or `javac`, from JAVA_HOME when it is set, else from PATH. */
export function javaCommand(tool: 'java' | 'javac'): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', tool) : tool;
}

const compiled = new Map<string, Promise<string>>();

/** Compiles `program` once per process, into the machine's temporary directory (see compileJavaProgramInto). */
export function compileJavaProgram(program: JavaProgram): Promise<string> {
  let classes = compiled.get(program.source);
  if (!classes) {
    classes = compileJavaProgramInto(program, os.tmpdir());
    compiled.set(program.source, classes);
    // A failed compilation is not kept: the next caller tries again (and sees javac's words).
    classes.catch(() => compiled.delete(program.source));
  }
  return classes;
}

/**
 * Compiles `program` into `root`, in a directory named by the source's hash, unless it is there already. Workers
 * racing to compile each build into their own temporary directory and rename it into place; the loser's rename
 * fails because the directory exists, and it uses the winner's (identical) classes. A directory only ever appears
 * by that rename, so one that exists is complete.
 */
export async function compileJavaProgramInto(program: JavaProgram, root: string): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(program.source)).digest('hex').slice(0, 16);
  const target = path.join(root, `${program.directoryPrefix}-${hash}`);
  const mainClassFile = path.join(target, `${program.mainClass}.class`);
  if (existsSync(mainClassFile)) return target;
  const staging = mkdtempSync(path.join(root, `${program.directoryPrefix}-${hash}-building-`));
  try {
    const result = await execa(javaCommand('javac'), ['--release', '17', '-encoding', 'UTF-8', '-d', staging, program.source], {
      reject: false,
      stdin: 'ignore',
    });
    if (result.exitCode !== 0) throw new Error(`javac failed on ${program.source}:\n${result.stdout}${result.stderr}`);
    try {
      renameSync(staging, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!(code === 'EEXIST' || code === 'ENOTEMPTY') || !existsSync(mainClassFile)) throw error;
    }
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * Runs the compiled program with `args` and an environment of only PATH, JAVA_HOME and `env` (so nothing of the
 * test process leaks into it). Exit codes other than `okExitCodes` fail, with the program's output.
 */
export async function runJavaProgram(
  program: JavaProgram,
  args: string[],
  options: { env?: Record<string, string>; jvmOptions?: string[]; okExitCodes: number[]; what: string },
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const classes = await compileJavaProgram(program);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(options.env ?? {}) };
  if (process.env.JAVA_HOME) env.JAVA_HOME = process.env.JAVA_HOME;
  // A short-lived program: the C1 compiler alone starts faster.
  const run = await execa(
    javaCommand('java'),
    ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', ...(options.jvmOptions ?? []), '-cp', classes, program.mainClass, ...args],
    {
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
    },
  );
  const exitCode = run.exitCode ?? -1;
  if (!options.okExitCodes.includes(exitCode))
    throw new Error(`${options.what} failed to run (exit ${run.exitCode}):\n${run.stdout}${run.stderr}`);
  return { exitCode, stdout: run.stdout, stderr: run.stderr };
}
