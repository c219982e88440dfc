// Timing for `npm run bench`: wall-clock medians of whole processes, cases interleaved round by round so
// that a slow moment of the machine (another job, a CPU frequency change) falls on every case alike.
import { spawnSync } from 'node:child_process';

/** The median of a list of numbers (the mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs a command to completion and returns its wall time in ms; a failure stops the bench with its output. */
export function timeCommand(command, args, options = {}) {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
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
 */
export function measureInterleaved(cases, runs) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let round = -1; round < runs; round++) {
    for (const c of cases) {
      const state = c.prepare ? c.prepare(round) : undefined;
      const ms = c.run(state);
      if (round >= 0) samples.get(c.name).push(ms);
    }
  }
  return new Map([...samples].map(([name, values]) => [name, { median: median(values), samples: values }]));
}
