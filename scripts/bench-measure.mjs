// @ts-check
// Timing for `npm run bench`: wall-clock medians of whole processes, cases interleaved round by round so
// that a slow moment of the machine (another job, a CPU frequency change) falls on every case alike.
import { spawnSync } from 'node:child_process';

/** A row of the bench table: measure, figure, comparisons, verdict. */
/** @typedef {[measure: string, figure: string, against: string, verdict: string]} BenchRow */
/** A target's outcome, listed under the table. */
/** @typedef {{ measure: string; pass: boolean; figure: string; limit: number; baseLabel: string }} BenchVerdict */
/** A ratio that must stay at or under `limit` times `base`. */
/** @typedef {{ limit: number; base: number; baseLabel: string }} BenchTarget */
/** scripts/bench.mjs's row(): a timed measure, compared with [label, base ms] pairs, with an optional target. */
/** @typedef {(measure: string, median: number, comparisons?: Array<[string, number]>, target?: BenchTarget) => void} AddRow */
/** Results by case name: every case measured has one, so `get` of a case's name is never undefined. */
/** @template T @typedef {{ get(name: string): T } & Map<string, T>} CaseResults */

/**
 * The median of a list of numbers (the mean of the middle two for an even count).
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const high = /** @type {number} */ (sorted[middle]);
  if (sorted.length % 2 === 1) return high;
  const low = /** @type {number} */ (sorted[middle - 1]);
  return (low + high) / 2;
}

/**
 * Runs a command to completion and returns its wall time in ms; a failure stops the bench with its output.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {import('node:child_process').SpawnSyncOptions & { allowFailure?: boolean }} [options]
 * @returns {{ ms: number; result: import('node:child_process').SpawnSyncReturns<string> }}
 */
export function timeCommand(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = /** @type {import('node:child_process').SpawnSyncReturns<string>} */ (
    spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options })
  );
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return { ms: elapsed, result };
}

/**
 * Each case: { name, prepare?(round) -> state, run(state) -> ms }. prepare (outside the timing) makes what the run
 * needs, e.g. a fresh sandbox. One untimed warm-up round first (disk cache, JIT of the JVM's class data sharing).
 * Returns name -> { median, samples }.
 * @template S
 * @param {ReadonlyArray<{ name: string; prepare?: (round: number) => S; run: (state: S) => number }>} cases (a case without prepare is run with undefined, which it ignores)
 * @param {number} runs
 * @returns {CaseResults<{ median: number; samples: number[] }>}
 */
export function measureInterleaved(cases, runs) {
  /** @type {Map<string, number[]>} */
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = -1; round < runs; round++) {
    for (const c of cases) {
      const state = /** @type {S} */ (c.prepare ? c.prepare(round) : undefined);
      const ms = c.run(state);
      if (round >= 0) samples.get(c.name)?.push(ms);
    }
  }
  return /** @type {CaseResults<{ median: number; samples: number[] }>} */ (
    new Map([...samples].map(([name, values]) => [name, { median: median(values), samples: values }]))
  );
}
