#!/usr/bin/env node
// Crash injection harness: kills `ei-keystore apply` with SIGKILL at every step boundary of its transaction
// (EIK_CRASH_AT) and at random instants, each trial on a fresh sandbox home, then checks that every file the
// tool touches is old or new (never torn or missing), that `status` reports the interruption, that `restore`
// brings back the old bytes and modes, and that the next apply works.
//
//   node scripts/crash-harness.mjs [--trials N] [--seed S] [--jobs J] [--json] [--keep] [--copy-sandboxes]
//
// Exit 0 when every trial passed; 1 otherwise. --json prints the figures as one JSON document on stdout.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

/** @typedef {{ procedure: string; profile: string }} Combo */
/** A combination measured uninterrupted: its wall time, when it took the lock, how many files it writes. */
/** @typedef {Combo & { ms: number; lockMs: number; files: number }} Measured */
/** @typedef {{ kind: 'step'; point: string; combo: Measured } | { kind: 'random'; combo: Measured; delayMs: number }} Trial */
/** A trial's sandbox: its folder, the home in it, the answers file beside the home. */
/** @typedef {{ dir: string; home: string; answers: string }} TrialHome */
/** @typedef {{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }} RunResult */
/** @typedef {{ code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number; lockMs: number | undefined; lastStep: string }} KilledRun */
/** Relative path -> bytes and mode. */
/** @typedef {Map<string, { bytes: Buffer; mode: number }>} Snapshot */
/** What the harness reads of a backup manifest. */
/** @typedef {{ id: string; state: string; files: Array<{ writtenPath: string; sha256After: string }> }} Manifest */
/** @typedef {{ old: number; new: number; torn: number; temps: number }} FileCounts */
/**
 * @typedef {{ index: number; kind: Trial['kind']; what: string; problems: string[]; killed?: boolean; lastStep?: string;
 *   manifestState?: string; counts?: FileCounts; statusOk?: boolean; restoreOk?: boolean; nextOk?: boolean; kept?: string }} TrialResult
 */
/** The product code the checks use (loadChecker). */
/** @typedef {{ parseConfigText(text: string, file: string): unknown; readKeystore(bytes: Buffer, password: string): Promise<{ entries: unknown[] }> }} Checker */

// Without --json, apply names each step on stderr in words as it starts (source/core/step-labels.ts).
const STEP_WORDS = {
  lock: 'Lock the home against other runs',
  check: 'Check nothing changed since the plan',
  backup: 'Back up every file that changes',
  stage: 'Write the new files beside the old ones',
  verify: 'Verify the staged files',
  commit: 'Rename the new files into place',
  unlock: 'Unlock',
  rollback: 'Put every file back (roll back)',
};
/** @type {Map<string, string>} */
const STEP_OF_WORDS = new Map(Object.entries(STEP_WORDS).map(([step, words]) => [words, step]));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundle = path.join(root, 'dist', 'ei-keystore.mjs');
const NEW_PASS = 'Crash-Harness-New-Pass';
const STATE_DIR = '.ei-keystore';
const PROFILES = ['ei-7', 'mi-1.1', 'mi-1.2', 'mi-4'];

const { values: options } = parseArgs({
  options: {
    trials: { type: 'string', default: '240' }, // 120 step trials cover every (procedure, profile, step) pair,
    seed: { type: 'string', default: '1' },
    jobs: { type: 'string', default: String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length)) },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // Make one sandbox per profile with the CLI and copy it for each trial (faster; the copies share keys).
    'copy-sandboxes': { type: 'boolean', default: false },
  },
});
const trialCount = Number(options.trials);
const seed = Number(options.seed);
const jobs = Number(options.jobs);
if (!Number.isInteger(trialCount) || trialCount < 1 || !Number.isInteger(seed) || !Number.isInteger(jobs) || jobs < 1) {
  console.error('usage: node scripts/crash-harness.mjs [--trials N] [--seed S] [--jobs J] [--json] [--keep]');
  process.exit(2);
}
const say = (/** @type {string} */ line) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);

/**
 * mulberry32: small, seedable, good enough to pick trials and delays reproducibly.
 * @param {number} seedValue
 */
function rng(seedValue) {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sha256 = (/** @type {Buffer} */ bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * @param {readonly string[]} args
 * @param {Record<string, string>} [env]
 * @returns {Promise<RunResult>}
 */
function run(args, env = {}, cwd = root) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bundle, ...args],
      { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, signal: error?.signal ?? null, stdout, stderr });
      },
    );
  });
}

/**
 * Spawns an apply and SIGKILLs it after `delayMs` (or lets it crash itself at EIK_CRASH_AT).
 * @param {readonly string[]} args
 * @param {Record<string, string>} env
 * @param {number} [delayMs]
 * @returns {Promise<KilledRun>}
 */
function applyKilled(args, env, delayMs) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bundle, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.resume();
    /** @type {number | undefined} */
    let lockMs;
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (lockMs === undefined && new RegExp(`^  ${STEP_WORDS.lock}$`, 'm').test(stderr)) lockMs = performance.now() - started;
    });
    const timer = delayMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // Without --json, apply names each step on stderr as it starts: the last one is where the kill landed.
      const steps = [...stderr.matchAll(/^ {2}(.+)$/gm)]
        .map((match) => STEP_OF_WORDS.get(/** @type {string} */ (match[1])))
        .filter(Boolean);
      resolve({ code, signal, stderr, ms: performance.now() - started, lockMs, lastStep: steps.at(-1) ?? 'start-up' });
    });
  });
}

/**
 * The product code the checks need (keystore reader, config parser), bundled once from source.
 * @param {string} dir
 * @returns {Promise<Checker>}
 */
async function loadChecker(dir) {
  const outfile = path.join(dir, 'checker.mjs');
  await build({
    stdin: {
      contents: `export { readKeystore } from './source/keystore/open.ts'; export { parseConfigText } from './source/config/read.ts';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    loader: { '.toml': 'text' },
    logLevel: 'silent',
  });
  return import(pathToFileURL(outfile).href);
}

/**
 * Every file of the home outside the tool's state directory: relative path -> bytes and mode.
 * @param {string} home
 * @returns {Snapshot}
 */
function snapshot(home) {
  /** @type {Snapshot} */
  const files = new Map();
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(home, full);
      if (relative === STATE_DIR) continue;
      if (entry.isDirectory()) walk(full);
      else files.set(relative, { bytes: readFileSync(full), mode: lstatSync(full).mode & 0o7777 });
    }
  };
  walk(home);
  return files;
}

const isTemp = (/** @type {string} */ relative) => relative.endsWith('.eik-tmp');

/**
 * @param {string} home
 * @returns {Manifest[]}
 */
function manifests(home) {
  const dir = path.join(home, STATE_DIR, 'backups');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((id) => path.join(dir, id, 'manifest.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * @param {string} procedure
 * @param {string} _dir
 */
function answersFor(procedure, _dir) {
  if (procedure === 'truststore') {
    return `[truststore]\nsource = "copy-current"\nfile_name = "ei-truststore.jks"\npassword = { env = "NEW_PASS" }\n[[truststore.import]]\nalias = "partner"\nfile = "partner.der"\n`;
  }
  const name = procedure === 'primary' ? 'ei-primary' : 'ei-internal';
  return `[keystore]\nsource = "generate"\nfile_name = "${name}.jks"\nalias = "${name}"\npassword = { env = "NEW_PASS" }\n[keystore.generate]\ndname = "CN=${name}.example.com, O=Crash Harness"\n`;
}

const COMBOS = [
  ...PROFILES.map((profile) => ({ procedure: 'primary', profile })),
  // mi-1.1 and mi-1.2 do not read [keystore.internal]: apply refuses there, writing nothing.
  ...['ei-7', 'mi-4'].map((profile) => ({ procedure: 'internal', profile })),
  ...PROFILES.map((profile) => ({ procedure: 'truststore', profile })),
];

/** @type {string} */
let workRoot;
/** @type {Buffer} */
let partnerCert;
/** @type {Checker} */
let checker;

/** @type {Record<string, Promise<string>>} */
const templates = {};

/**
 * @param {string} home
 * @param {string} profile
 */
async function makeSandbox(home, profile) {
  const made = await run(['sandbox', home, '--profile', profile]);
  if (made.code !== 0) throw new Error(`sandbox ${profile} failed: ${made.stderr}`);
  return home;
}

/**
 * A fresh sandbox home of `profile` with the answers of `procedure` beside it (not inside it).
 * @param {Combo} combo
 * @returns {Promise<TrialHome>}
 */
async function freshHome(combo) {
  const dir = mkdtempSync(path.join(workRoot, `${combo.procedure}-${combo.profile}-`));
  const home = path.join(dir, 'home');
  if (options['copy-sandboxes']) {
    const template = (templates[combo.profile] ??= makeSandbox(path.join(workRoot, `template-${combo.profile}`), combo.profile));
    cpSync(await template, home, { recursive: true });
  } else {
    await makeSandbox(home, combo.profile);
  }
  writeFileSync(path.join(dir, 'answers.toml'), answersFor(combo.procedure, dir));
  writeFileSync(path.join(dir, 'partner.der'), partnerCert);
  return { dir, home, answers: path.join(dir, 'answers.toml') };
}

const applyArgs = (/** @type {Combo} */ combo, /** @type {TrialHome} */ h, /** @type {string[]} */ extra = []) => [
  'apply',
  combo.procedure,
  '--answers',
  h.answers,
  '--home',
  h.home,
  ...extra,
];

/**
 * One uninterrupted apply per combination: how long it takes and how many files it writes.
 * @param {Combo} combo
 * @returns {Promise<Measured>}
 */
async function measure(combo) {
  const h = await freshHome(combo);
  const result = await applyKilled(applyArgs(combo, h), { NEW_PASS });
  if (result.code !== 0) throw new Error(`apply ${combo.procedure} on ${combo.profile} failed uninterrupted: ${result.stderr}`);
  const [manifest] = manifests(h.home);
  rmSync(h.dir, { recursive: true, force: true });
  return { ...combo, ms: result.ms, lockMs: result.lockMs ?? 0, files: /** @type {Manifest} */ (manifest).files.length };
}

/** @param {number} files */
function crashPoints(files) {
  const commits = Array.from({ length: files + 1 }, (_, n) => `commit:${n}`);
  return ['lock', 'check', 'backup', 'stage', 'verify', ...commits, 'commit', 'unlock'];
}

/**
 * Every (combination, step) pair, ordered so any prefix spreads over steps and combinations.
 * @param {readonly Measured[]} measured
 * @returns {Trial[]}
 */
function stepMatrix(measured) {
  /** @type {Map<string, Measured[]>} */
  const byPoint = new Map();
  for (const combo of measured) {
    for (const point of crashPoints(combo.files)) {
      if (!byPoint.has(point)) byPoint.set(point, []);
      byPoint.get(point)?.push(combo);
    }
  }
  const queues = [...byPoint.entries()].map(([point, combos], index) => ({
    point,
    combos: combos.map((_, i) => /** @type {Measured} */ (combos[(i + index) % combos.length])),
  }));
  /** @type {Trial[]} */
  const ordered = [];
  while (queues.some((queue) => queue.combos.length)) {
    for (const queue of queues) {
      const combo = queue.combos.shift();
      if (combo) ordered.push({ kind: 'step', point: queue.point, combo });
    }
  }
  return ordered;
}

/**
 * @param {readonly Measured[]} measured
 * @param {() => number} random
 */
function planTrials(measured, random) {
  const steps = stepMatrix(measured);
  /** @type {Trial[]} */
  const trials = [];
  while (trials.length < trialCount) {
    // Step trials and random instants alternate until the matrix is used up; then random instants only.
    const wantStep = steps.length > 0 && trials.length % 2 === 0;
    if (wantStep) trials.push(/** @type {Trial} */ (steps.shift()));
    else {
      const combo = /** @type {Measured} */ (measured[Math.floor(random() * measured.length)]);
      // Half over the whole run, as a user's kill would land (mostly in Node's start-up); half inside the
      // transaction's window (from the lock to the exit), where a kill can hurt.
      const from = random() < 0.5 ? 0 : combo.lockMs;
      trials.push({ kind: 'random', combo, delayMs: Math.round(from + random() * (combo.ms - from)) });
    }
  }
  return trials;
}

/**
 * Is `bytes` a complete file of the kind at `relative`: a keystore that opens with the new password, or TOML that parses?
 * @param {string} relative
 * @param {Buffer} bytes
 */
async function validNew(relative, bytes) {
  if (/\.(toml)$/.test(relative)) {
    checker.parseConfigText(bytes.toString('utf8'), relative);
    return;
  }
  if (/\.(jks|p12|pfx|jceks)$/.test(relative)) {
    // A keystore the apply created or replaced carries the new password (the truststore an import changes keeps its own).
    for (const password of [NEW_PASS, 'wso2carbon']) {
      try {
        const store = await checker.readKeystore(bytes, password);
        if (store.entries.length > 0) return;
      } catch {
        // try the next password
      }
    }
    throw new Error('does not open as a keystore');
  }
}

/**
 * Each file is old (same bytes) or new (the hash the manifest records as the result, and complete); a file that
 * existed is never missing. Without a manifest nothing may have changed: the tool stages only after the backup.
 * @param {Snapshot} before
 * @param {string} home
 * @param {Manifest | undefined} manifest
 */
async function checkOldOrNew(before, home, manifest) {
  const after = snapshot(home);
  /** @type {string[]} */
  const problems = [];
  const counts = { old: 0, new: 0, torn: 0, temps: 0 };
  const newHashes = new Map((manifest?.files ?? []).map((file) => [path.relative(home, file.writtenPath), file.sha256After]));
  for (const relative of new Set([...before.keys(), ...after.keys()])) {
    if (isTemp(relative)) {
      counts.temps++;
      if (!manifest) problems.push(`${relative}: a temporary file without a backup manifest`);
      continue;
    }
    const old = before.get(relative);
    const now = after.get(relative);
    if (old && !now) {
      counts.torn++;
      problems.push(`${relative}: missing`);
    } else if (old && now && old.bytes.equals(now.bytes)) {
      counts.old++;
      if (old.mode !== now.mode) problems.push(`${relative}: old bytes, mode ${now.mode.toString(8)} instead of ${old.mode.toString(8)}`);
    } else if (now && newHashes.get(relative) === sha256(now.bytes)) {
      try {
        await validNew(relative, now.bytes);
        counts.new++;
      } catch (error) {
        counts.torn++;
        problems.push(`${relative}: new hash but not readable (${/** @type {Error} */ (error).message})`);
      }
    } else if (now) {
      counts.torn++;
      problems.push(`${relative}: neither old nor new (${now.bytes.length} bytes)`);
    }
  }
  return { counts, problems, after };
}

/**
 * @param {Snapshot} before
 * @param {string} home
 */
function sameAsBefore(before, home) {
  const after = snapshot(home);
  /** @type {string[]} */
  const problems = [];
  for (const [relative, old] of before) {
    const now = after.get(relative);
    if (!now) problems.push(`${relative}: missing after restore`);
    else if (!now.bytes.equals(old.bytes)) problems.push(`${relative}: not the old bytes after restore`);
    else if (now.mode !== old.mode) problems.push(`${relative}: mode ${now.mode.toString(8)} after restore, was ${old.mode.toString(8)}`);
  }
  for (const relative of after.keys()) if (!before.has(relative)) problems.push(`${relative}: left after restore`);
  return problems;
}

/**
 * @param {Trial} trial
 * @param {number} index
 * @returns {Promise<TrialResult>}
 */
async function runTrial(trial, index) {
  const { combo } = trial;
  const h = await freshHome(combo);
  /** @type {TrialResult} */
  const result = {
    index,
    kind: trial.kind,
    what: `${combo.procedure}/${combo.profile} ${trial.kind === 'step' ? `at ${trial.point}` : `after ${trial.delayMs} ms`}`,
    problems: [],
  };
  const fail = (/** @type {string} */ message) => result.problems.push(message);
  try {
    const before = snapshot(h.home);
    const env = { NEW_PASS, ...(trial.kind === 'step' ? { EIK_CRASH_AT: trial.point } : {}) };
    const killed = await applyKilled(applyArgs(combo, h), env, trial.kind === 'random' ? trial.delayMs : undefined);
    result.killed = killed.signal === 'SIGKILL';
    result.lastStep = result.killed ? killed.lastStep : 'finished';
    if (trial.kind === 'step' && !result.killed)
      fail(`expected a SIGKILL at ${trial.point}, got exit ${killed.code}: ${killed.stderr.slice(-300)}`);
    if (!result.killed && killed.code !== 0) fail(`apply exited ${killed.code} (${killed.signal}): ${killed.stderr.slice(-300)}`);

    const found = manifests(h.home);
    if (found.length > 1) fail(`${found.length} backup manifests after one apply`);
    const manifest = found[0];
    result.manifestState = manifest?.state ?? 'none';
    const checked = await checkOldOrNew(before, h.home, manifest);
    result.counts = checked.counts;
    for (const problem of checked.problems) fail(problem);

    const status = await run(['status', '--home', h.home, '--json']);
    let reported;
    try {
      reported = JSON.parse(status.stdout).findings.some(
        (/** @type {{ code: string }} */ finding) => finding.code === 'interrupted-transaction',
      );
    } catch {
      fail(`status --json printed no JSON (exit ${status.code}): ${status.stderr.slice(-300)}`);
    }
    const interrupted = manifest?.state === 'in-progress';
    result.statusOk = reported === interrupted;
    if (reported !== undefined && !result.statusOk)
      fail(`status ${reported ? 'reports' : 'does not report'} an interrupted transaction; manifest state ${result.manifestState}`);

    if (manifest) {
      const restored = await run(['restore', '--home', h.home, manifest.id]);
      const problems =
        restored.code === 0
          ? sameAsBefore(before, h.home)
          : [`restore ${manifest.id} exited ${restored.code}: ${restored.stderr.slice(-300)}`];
      result.restoreOk = problems.length === 0;
      for (const problem of problems) fail(problem);
    }

    const next = await run([...applyArgs(combo, h), '--json'], { NEW_PASS });
    /** @type {{ changed?: boolean; backup?: string } | undefined} */
    let document;
    try {
      document = JSON.parse(next.stdout);
    } catch {
      // reported below
    }
    result.nextOk = next.code === 0 && document?.changed === true;
    if (!result.nextOk) fail(`the next apply exited ${next.code}, changed=${document?.changed}: ${next.stderr.slice(-300)}`);
    else {
      const final = manifests(h.home).find((m) => m.id === document?.backup);
      if (final?.state !== 'complete') fail(`the next apply's backup ${document?.backup} is ${final?.state}`);
      for (const file of final?.files ?? []) {
        const relative = path.relative(h.home, file.writtenPath);
        try {
          await validNew(relative, readFileSync(file.writtenPath));
        } catch (error) {
          fail(`${relative} after the next apply: ${/** @type {Error} */ (error).message}`);
        }
      }
    }
  } catch (error) {
    fail(`harness error: ${/** @type {Error} */ (error).stack ?? error}`);
  } finally {
    if (!options.keep || result.problems.length === 0) rmSync(h.dir, { recursive: true, force: true });
    else result.kept = h.dir;
  }
  return result;
}

/**
 * @template T, R
 * @param {readonly T[]} items
 * @param {(item: T, index: number) => Promise<R>} worker
 * @param {number} width
 * @returns {Promise<R[]>}
 */
async function pool(items, worker, width) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await worker(/** @type {T} */ (items[index]), index);
      }
    }),
  );
  return results;
}

async function main() {
  if (!existsSync(bundle)) {
    say('building dist/ei-keystore.mjs ...');
    await new Promise((/** @type {(value?: unknown) => void} */ resolve, reject) =>
      execFile(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root }, (error) => (error ? reject(error) : resolve())),
    );
  }
  workRoot = mkdtempSync(path.join(os.tmpdir(), 'eik-crash-'));
  const started = performance.now();
  try {
    checker = await loadChecker(workRoot);
    // A certificate to import in the truststore trials: made once, DER.
    const certDir = mkdtempSync(path.join(workRoot, 'cert-'));
    await new Promise((/** @type {(value?: unknown) => void} */ resolve, reject) =>
      execFile(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-keyout',
          path.join(certDir, 'key.pem'),
          '-subj',
          '/CN=partner.example.com',
          '-days',
          '30',
          '-outform',
          'DER',
          '-out',
          path.join(certDir, 'partner.der'),
        ],
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    partnerCert = readFileSync(path.join(certDir, 'partner.der'));

    const measured = await pool(COMBOS, measure, jobs);
    const random = rng(seed);
    const trials = planTrials(measured, random);
    say(
      `crash harness: ${trials.length} trials, seed ${seed}, ${jobs} at a time; uninterrupted apply ${Math.round(Math.min(...measured.map((m) => m.ms)))}-${Math.round(Math.max(...measured.map((m) => m.ms)))} ms`,
    );
    let done = 0;
    const results = await pool(
      trials,
      async (trial, index) => {
        const result = await runTrial(trial, index);
        done++;
        if (result.problems.length)
          say(
            `  FAIL #${index} ${result.what}:\n    ${result.problems.join('\n    ')}${result.kept ? `\n    kept in ${result.kept}` : ''}`,
          );
        else if (!options.json && done % 20 === 0) say(`  ${done}/${trials.length} trials`);
        return result;
      },
      jobs,
    );

    const sum = (/** @type {(result: TrialResult) => number | undefined} */ pick) =>
      results.reduce((total, result) => total + (pick(result) ?? 0), 0);
    const figures = {
      seed,
      trials: results.length,
      stepTrials: results.filter((r) => r.kind === 'step').length,
      randomTrials: results.filter((r) => r.kind === 'random').length,
      randomKilledMidRun: results.filter((r) => r.kind === 'random' && r.killed).length,
      randomKillsBySteps: Object.fromEntries(
        [...new Set(results.filter((r) => r.kind === 'random').map((r) => r.lastStep))].map((step) => [
          step,
          results.filter((r) => r.kind === 'random' && r.lastStep === step).length,
        ]),
      ),
      stepsCovered: [...new Set(trials.filter((t) => t.kind === 'step').map((t) => t.point))],
      filesChecked: sum((r) => (r.counts ? r.counts.old + r.counts.new + r.counts.torn : 0)),
      filesOld: sum((r) => r.counts?.old),
      filesNew: sum((r) => r.counts?.new),
      filesTorn: sum((r) => r.counts?.torn),
      interrupted: results.filter((r) => r.manifestState === 'in-progress').length,
      statusOk: results.filter((r) => r.statusOk).length,
      restoresNeeded: results.filter((r) => r.manifestState !== 'none' && r.manifestState !== undefined).length,
      restoresOk: results.filter((r) => r.restoreOk).length,
      nextApplyOk: results.filter((r) => r.nextOk).length,
      failedTrials: results.filter((r) => r.problems.length > 0).length,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    say(
      [
        `trials run: ${figures.trials} (${figures.stepTrials} at step boundaries over ${figures.stepsCovered.length} points, ${figures.randomTrials} at random instants, ${figures.randomKilledMidRun} of them killed mid-run)`,
        `random kills landed in: ${Object.entries(figures.randomKillsBySteps)
          .map(([step, n]) => `${step} ${n}`)
          .join(', ')}`,
        `files checked: ${figures.filesChecked} (${figures.filesOld} old, ${figures.filesNew} new), files torn or missing: ${figures.filesTorn}`,
        `interrupted transactions: ${figures.interrupted}, status right: ${figures.statusOk}/${figures.trials}`,
        `restores ok: ${figures.restoresOk}/${figures.restoresNeeded}`,
        `next apply ok: ${figures.nextApplyOk}/${figures.trials}`,
        `failed trials: ${figures.failedTrials}, ${figures.seconds} s`,
      ].join('\n'),
    );
    if (options.json) process.stdout.write(JSON.stringify(figures) + '\n');
    process.exitCode = figures.failedTrials === 0 ? 0 : 1;
  } finally {
    if (!options.keep) rmSync(workRoot, { recursive: true, force: true });
  }
}

await main();
