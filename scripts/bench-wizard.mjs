// The wizard's rows of `npm run bench`: its first frame, and the bytes it writes to the terminal per typed
// character at 80x24 (over a slow SSH link, those bytes are the latency). The wizard runs in a pseudo-terminal
// made by util-linux `script`, sized with stty. Until `ei-keystore --sandbox DIR` exists these rows say
// "not yet measured"; wizardStatus() tells which.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './bench-measure.mjs';

/**
 * Whether `ei-keystore [--plain] --sandbox DIR` runs a wizard: before the wizard existed, `--sandbox` was a usage
 * error ("unknown command"); while it is being built it exits by itself with an error. A wizard that exists
 * draws its first screen in a pseudo-terminal and waits there for keys.
 * @param {string} bundle
 * @param {readonly string[]} [front] the front end's flags (`--plain`)
 */
export async function wizardStatus(bundle, front = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eik-bench-wizard-'));
  try {
    const home = path.join(dir, 'home');
    const usage = spawnSync(process.execPath, [bundle, ...front, '--sandbox', home], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    });
    if (usage.status === 2 && /unknown command|not built yet/i.test(usage.stderr)) {
      return { built: false, detail: 'not yet measured: the wizard is not built' };
    }
    if (spawnSync('script', ['--version'], { stdio: 'ignore' }).error) {
      return { built: false, detail: 'not measured: util-linux `script` (for a pseudo-terminal) is not installed' };
    }
    const terminal = runInTerminal([process.execPath, bundle, ...front, '--sandbox', home]);
    try {
      await terminal.firstVisibleMs();
      await sleep(1_500);
      if (terminal.exited()) {
        const said =
          terminal
            .output()
            .replace(ANSI, '')
            .split(/\r?\n/)
            .find((line) => line.trim()) ?? '';
        return { built: false, detail: `not yet measured: the wizard is not built (${said.trim().slice(0, 80)})` };
      }
      return { built: true, detail: '' };
    } catch (error) {
      return {
        built: false,
        detail: `not yet measured: the wizard is not built (${String(error instanceof Error ? error.message : error)
          .replace(ANSI, '')
          .split(/\r?\n/)[0]
          ?.slice(0, 80)})`,
      };
    } finally {
      await terminal.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const shellWord = (/** @type {string} */ text) => `'${String(text).replaceAll("'", "'\\''")}'`;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;
const visible = (/** @type {string} */ text) => text.replace(ANSI, '').replace(/\s+/g, '');
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs argv in an 80x24 pseudo-terminal. Returns { bytes(), firstVisibleMs(), write(text), quiet(idleMs, maxMs), stop() }.
 * firstVisibleMs resolves with the time from spawn to the first output holding visible text: the first frame.
 * @param {readonly string[]} argv
 * @param {{ columns?: number; rows?: number; env?: NodeJS.ProcessEnv }} [options]
 */
export function runInTerminal(argv, { columns = 80, rows = 24, env = process.env } = {}) {
  const command = `stty cols ${columns} rows ${rows}; exec ${argv.map(shellWord).join(' ')}`;
  const started = process.hrtime.bigint();
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...env, TERM: 'xterm-256color', COLUMNS: String(columns), LINES: String(rows) },
  });
  let total = 0;
  let text = '';
  let lastOutput = process.hrtime.bigint();
  /** @type {(ms: number) => void} */
  let resolveFirst = () => {};
  /** @type {Promise<number>} */
  const first = new Promise((resolve) => (resolveFirst = resolve));
  let done = false;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => ((done = true), resolve(code ?? signal))));
  child.stdout.on('data', (chunk) => {
    total += chunk.length;
    lastOutput = process.hrtime.bigint();
    if (text.length < 65536) text += chunk.toString('utf8');
    if (visible(text).length > 0) resolveFirst(Number(lastOutput - started) / 1e6);
  });
  child.stderr.resume();
  return {
    bytes: () => total,
    exited: () => done,
    output: () => text,
    firstVisibleMs: (timeoutMs = 20_000) =>
      Promise.race([
        first,
        exited.then(() => Promise.reject(new Error(`exited before drawing: ${text}`))),
        sleep(timeoutMs).then(() => Promise.reject(new Error('no frame within the timeout'))),
      ]),
    write: (/** @type {string} */ keys) => child.stdin.write(keys),
    /** Waits until nothing was written for idleMs (at most maxMs). */
    async quiet(idleMs = 300, maxMs = 5_000) {
      const until = Date.now() + maxMs;
      while (Date.now() < until) {
        await sleep(25);
        if (Number(process.hrtime.bigint() - lastOutput) / 1e6 >= idleMs) return;
      }
    },
    async stop() {
      if (done) return exited;
      child.stdin.write('\x03'); // Ctrl-C: the wizard cancels and exits 130
      const code = await Promise.race([exited, sleep(3_000).then(() => undefined)]);
      if (code === undefined) {
        child.kill('SIGKILL');
        return 'killed';
      }
      return code;
    },
  };
}

/**
 * Median ms to the first frame for each case ({ name, make() -> { argv, cleanup? } }), in a pseudo-terminal made
 * anew for each run, the cases taken in turn round by round (one untimed warm-up round first).
 * @param {ReadonlyArray<{ name: string; make: () => { argv: string[]; cleanup?: () => void } }>} cases
 * @param {number} runs
 * @returns {Promise<import('./bench-measure.mjs').CaseResults<number>>}
 */
export async function firstFrames(cases, runs) {
  /** @type {Map<string, number[]>} */
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = -1; round < runs; round++) {
    for (const c of cases) {
      const { argv, cleanup } = c.make();
      const terminal = runInTerminal(argv);
      try {
        const ms = await terminal.firstVisibleMs();
        if (round >= 0) samples.get(c.name)?.push(ms);
      } finally {
        await terminal.stop();
        cleanup?.();
      }
    }
  }
  return /** @type {import('./bench-measure.mjs').CaseResults<number>} */ (
    new Map([...samples].map(([name, values]) => [name, median(values)]))
  );
}

/**
 * Bytes written per typed character. `keysToTextField` are the keys that lead from the first screen to a text
 * field; then 20 characters are typed one at a time, each after the screen settled. `echoed` says whether the
 * typed text showed on the screen: when it did not, the keys did not reach a text field (set
 * EIK_BENCH_WIZARD_KEYS, a JSON array of strings, to the keys that do).
 * @param {readonly string[]} argv
 * @param {readonly string[]} keysToTextField
 */
export async function bytesPerKeystroke(argv, keysToTextField) {
  const terminal = runInTerminal(argv);
  try {
    await terminal.firstVisibleMs();
    await terminal.quiet(500, 10_000);
    for (const key of keysToTextField) {
      terminal.write(key);
      await terminal.quiet(600, 5_000);
    }
    const typed = 'abcdefghijklmnopqrst';
    const before = terminal.bytes();
    const seenBefore = terminal.output().length;
    for (const character of typed) {
      terminal.write(character);
      await terminal.quiet(150, 2_000);
    }
    const shown = visible(terminal.output().slice(seenBefore));
    return { bytesPerCharacter: (terminal.bytes() - before) / typed.length, echoed: shown.includes('qrst') };
  } finally {
    await terminal.stop();
  }
}

/** The keys from the first screen to a text field: EIK_BENCH_WIZARD_KEYS when set, else `fallback`. */
/** @param {string[]} fallback @returns {string[]} */
export function keysToTextField(fallback) {
  const given = process.env.EIK_BENCH_WIZARD_KEYS;
  if (!given) return fallback;
  const keys = JSON.parse(given);
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string'))
    throw new Error('EIK_BENCH_WIZARD_KEYS: a JSON array of strings');
  return keys;
}
