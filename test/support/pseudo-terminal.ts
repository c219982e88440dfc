import { spawn, spawnSync } from 'node:child_process';
import { expect } from 'vitest';

// A program run in an 80x24 pseudo-terminal made by util-linux `script`, as a person over SSH would run it.

// eslint-disable-next-line no-control-regex
export const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

export function firstLine(text: string): string {
  return (
    text
      .replace(ANSI, '')
      .split(/\r?\n/)
      .find((line) => line.trim())
      ?.trim() ?? ''
  );
}

/** Without util-linux `script` (a pseudo-terminal) the terminal tests skip with a message; under CI=true they fail. */
export function skipWithoutScript(skip: (note: string) => void): void {
  if (!spawnSync('script', ['--version'], { stdio: 'ignore' }).error) return;
  const reason = 'util-linux `script` (a pseudo-terminal) is not installed';
  if (process.env.CI === 'true') throw new Error(`${reason}: CI must have it (nothing may skip under CI=true)`);
  console.warn(`skipped: ${reason}`);
  skip(reason);
}

/**
 * Runs `program` in an 80x24 pseudo-terminal (util-linux `script`) in `cwd` with HOME there, waits for its first
 * screen to settle, then types `keys`. exitedAlone: it ended before any key was typed (a wizard waits for keys).
 */
export async function inTerminal(
  program: string[],
  keys: string[],
  cwd: string,
): Promise<{ text: string; code: number | null; exitedAlone: boolean }> {
  const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
  const command = `stty cols 80 rows 24; exec ${program.map(quote).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, TERM: 'xterm-256color' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  let last = Date.now();
  let code: number | null | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    last = Date.now();
  });
  child.stderr.resume();
  const exited = new Promise<void>((resolve) => child.on('exit', (status) => ((code = status), resolve())));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const settled = async (idle: number, max: number) => {
    const until = Date.now() + max;
    while (Date.now() < until && code === undefined && (text === '' || Date.now() - last < idle)) await sleep(50);
  };
  await settled(1_000, 30_000);
  const exitedAlone = code !== undefined;
  for (const key of exitedAlone ? [] : keys) {
    child.stdin.write(key);
    await settled(500, 5_000);
  }
  await Promise.race([exited, sleep(5_000)]);
  if (code === undefined) child.kill('SIGKILL');
  await exited;
  return { text, code: code ?? null, exitedAlone };
}

/**
 * Opens the full-screen wizard of `program` on a sandbox home at 80x24 and quits with Ctrl-C: it must wait for a key
 * (one that ended before any key was typed failed to start), show its home screen, and end as cancelled (130).
 */
export async function expectFullScreenWizardOpens(program: string[], cwd: string): Promise<void> {
  const screen = await inTerminal([...program, '--sandbox', 'ink-home'], ['\x03'], cwd);
  expect(
    screen.exitedAlone,
    `the full-screen wizard ended before any key was typed (exit ${screen.code}); it said: ${firstLine(screen.text)}`,
  ).toBe(false);
  expect(screen.text.replace(ANSI, '')).toMatch(/Change the primary keystore/);
  expect(screen.code).toBe(130);
}
