import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, onTestFinished } from 'vitest';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { snapshotTree } from '../support/tree.js';
import { BUNDLE } from './bundle.js';

/**
 * A home as an attacker leaves it: owned by the service account (`nobody` here), with the tool run by root, the
 * way administrators run it. Everything the attacker plants points at a decoy tree outside the home, whose
 * bytes and modes must be exactly as they were after every run.
 */
export const SERVICE_UID = 65534;
export const SERVICE_GID = 65534;
export const isRoot = process.getuid?.() === 0;

/** These tests need root (to own files as another user and to be the victim); elsewhere they say so and skip. */
export function describeAsRoot(name: string, body: () => void): void {
  if (!isRoot)
    console.warn(
      `skipped "${name}": the hostile-home tests need root (a home owned by another user, the tool run as root); CI runs them as root`,
    );
  describe.skipIf(!isRoot)(name, body);
}

/** A directory that `nobody` may enter (mkdtemp makes them 0700), removed when the test ends. */
export function openTempDir(prefix = 'eik-hostile-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(full, uid, gid);
    else if (!entry.isSymbolicLink()) chownSync(full, uid, gid);
  }
}

export interface Arena {
  /** The WSO2 home (an mi-4 sandbox), owned by the service account. */
  home: string;
  security: string;
  config: string;
  /** Outside the home: files and folders an attack aims at. */
  decoy: string;
  /** Where answers files and the like go (outside the home, root's). */
  work: string;
  /** Fails the test if anything in the decoy tree (bytes, modes, the folders' modes) differs from the start. */
  expectDecoyUntouched(): void;
  /** Gives everything planted since to the service account, as if it had planted it. */
  plantedByService(): void;
}

/**
 * A fresh arena: a sandbox home owned by `nobody`, and a decoy tree (an `etc` with a 0644 and a 0600 file, a
 * `bin` with a 0755 program, a keystore-looking file) standing in for the system files an attack aims at.
 */
export async function makeArena(): Promise<Arena> {
  const root = openTempDir();
  const { home } = await createSandbox(path.join(root, 'home'), 'mi-4');
  const decoy = path.join(root, 'decoy');
  mkdirSync(path.join(decoy, 'etc'), { recursive: true });
  mkdirSync(path.join(decoy, 'bin'));
  writeFileSync(path.join(decoy, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n', { mode: 0o644 });
  writeFileSync(path.join(decoy, 'etc', 'shadow'), 'root:$6$decoy:19000:0:99999:7:::\n', { mode: 0o600 });
  writeFileSync(path.join(decoy, 'bin', 'tool'), '#!/bin/sh\necho decoy\n', { mode: 0o755 });
  writeFileSync(path.join(decoy, 'etc', 'ei-primary.jks'), 'not a keystore, a decoy\n', { mode: 0o644 });
  chmodSync(path.join(decoy, 'etc'), 0o755);
  chmodSync(path.join(decoy, 'bin'), 0o755);
  const work = path.join(root, 'work');
  mkdirSync(work);
  chownTree(home, SERVICE_UID, SERVICE_GID);
  const before = decoySnapshot(decoy);
  return {
    home,
    security: path.join(home, 'repository/resources/security'),
    config: path.join(home, 'conf/deployment.toml'),
    decoy,
    work,
    expectDecoyUntouched: () => expect(decoySnapshot(decoy), 'nothing outside the home may change').toEqual(before),
    plantedByService: () => chownTree(home, SERVICE_UID, SERVICE_GID),
  };
}

function decoySnapshot(decoy: string): Record<string, string> {
  return { '.': (lstatSync(decoy).mode & 0o7777).toString(8), ...snapshotTree(decoy) };
}

/** The home's product files (its own state left out): what a refused run must leave exactly as it was. */
export function productFiles(home: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(home, full);
      // Not walked at all: a planted link in it may lead anywhere.
      if (relative === '.ei-keystore') continue;
      const info = lstatSync(full);
      const mode = (info.mode & 0o7777).toString(8);
      if (info.isSymbolicLink()) out[relative] = `link -> ${readlinkSync(full)}`;
      else if (info.isDirectory()) {
        out[`${relative}/`] = mode;
        walk(full);
      } else if (info.isFile()) out[relative] = `${mode} ${info.size} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
      else out[relative] = `${mode} special`;
    }
  };
  walk(home);
  return out;
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock seconds, user+system CPU seconds and peak resident memory of the tool, from /usr/bin/time. */
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

/** A run that is not done in this long has hung: it is killed (with its process group) and the test fails. */
const HANG_SECONDS = 20;

/**
 * Runs the built tool under `/usr/bin/time` (for its time and memory) and `timeout` (so a hang fails the test
 * instead of stalling the suite), as root or, with `asUser`, as that uid. Only PATH, HOME and `env` are passed.
 */
export function runTool(args: string[], options: { env?: NodeJS.ProcessEnv; asUser?: number; cwd?: string } = {}): Promise<ToolRun> {
  const timeDir = openTempDir('eik-time-');
  // Another user may not reach the checkout (a clone in a 0700 folder, as mktemp -d makes): it runs a copy of the
  // one-file bundle, which needs nothing beside it, from a folder everyone can read.
  const bundle = options.asUser === undefined ? BUNDLE : path.join(timeDir, path.basename(BUNDLE));
  if (bundle !== BUNDLE) copyFileSync(BUNDLE, bundle);
  chmodSync(timeDir, 0o1777); // /usr/bin/time writes its figures as the user it runs as
  const measures = path.join(timeDir, 'time.txt');
  const argv = [
    '-s',
    'KILL',
    String(HANG_SECONDS),
    '/usr/bin/time',
    '-f',
    '%e %U %S %M',
    '-o',
    measures,
    process.execPath,
    bundle,
    ...args,
  ];
  const child = spawn('timeout', argv, {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, JAVA_HOME: process.env.JAVA_HOME, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.asUser !== undefined ? { uid: options.asUser, gid: options.asUser } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    child.on('close', (code) => {
      let figures = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
      try {
        // The last line: time prints "Command exited with non-zero status N" before it.
        const line = readFileSync(measures, 'utf8').trim().split('\n').pop() ?? '';
        figures = line.split(' ').map(Number);
      } catch {
        // killed by timeout: no figures
      }
      const [wall, user, system, rssKb] = figures as [number, number, number, number];
      resolve({ code, stdout, stderr, wallSeconds: wall, cpuSeconds: user + system, maxRssMb: rssKb / 1024 });
    });
  });
}

/**
 * The bounds asked for bounded inputs (a FIFO, a device, a huge file): at most 2 s and 200 MB. The 2 s are
 * CPU seconds (user + system), the work the tool itself did; the wall clock gets a generous 10 s because this
 * machine's 2 cores are shared with other test workers and JVMs, and a run that hung or read gigabytes (the old
 * failure: 12 s for 4.8 GB, or forever on a FIFO) is far past either.
 */
export const BOUNDS = { cpuSeconds: 2, wallSeconds: 10, maxRssMb: 200 } as const;

export function expectBounded(run: ToolRun, what: string): void {
  expect(run.code, `${what}: killed after ${HANG_SECONDS} s (hung)? ${run.stderr}`).not.toBe(137);
  expect(run.cpuSeconds, `${what}: CPU seconds`).toBeLessThan(BOUNDS.cpuSeconds);
  expect(run.wallSeconds, `${what}: wall-clock seconds`).toBeLessThan(BOUNDS.wallSeconds);
  expect(run.maxRssMb, `${what}: peak memory (MB)`).toBeLessThan(BOUNDS.maxRssMb);
  figures.push({ what, ...run });
}

/** Every bounded run measured, for the README's figures (printed once per file). */
export const figures: Array<{ what: string; wallSeconds: number; cpuSeconds: number; maxRssMb: number }> = [];

export function summarizeFigures(): string {
  if (figures.length === 0) return 'no bounded runs';
  const worst = (key: 'wallSeconds' | 'cpuSeconds' | 'maxRssMb') => figures.reduce((max, run) => Math.max(max, run[key]), 0);
  return `${figures.length} bounded runs: slowest ${worst('wallSeconds').toFixed(2)} s wall, ${worst('cpuSeconds').toFixed(2)} s CPU, peak ${worst('maxRssMb').toFixed(0)} MB`;
}

/** No message a user or a file can cause is a crash. */
export function expectUserError(run: ToolRun): void {
  expect(run.stderr).not.toMatch(/this is a bug|internal error|\n\s+at /);
}

/** An answers file (primary, generated key) in `dir`; `extra` lines go under [keystore]. */
export function primaryAnswers(dir: string, options: { name?: string; extra?: string; after?: string } = {}): string {
  const name = options.name ?? 'ei-primary';
  const file = path.join(dir, `${name}-${Math.random().toString(36).slice(2, 8)}.toml`);
  writeFileSync(
    file,
    `[keystore]
source = "generate"
file_name = "${name}.jks"
alias = "${name}"
password = { env = "NEW_PASS" }
${options.extra ?? ''}
[keystore.generate]
dname = "CN=${name}.example.com, O=Hostile"
${options.after ?? ''}`,
  );
  return file;
}

export const NEW_PASS = { NEW_PASS: 'hostile-test-pass' };
