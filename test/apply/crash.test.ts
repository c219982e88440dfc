import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interruptedTransactions } from '../../source/apply/backups.js';
import { describeFaultPoint, type FaultPoint } from '../../source/apply/faults.js';
import { lockPath } from '../../source/apply/layout.js';
import { restoreBackup } from '../../source/apply/restore.js';
import { applyTransaction } from '../../source/apply/transaction.js';
import {
  eachOldOrNew,
  expectNewState,
  expectOldState,
  makeHome,
  NEW_CONFIG,
  NEW_INTERNAL,
  NEW_PRIMARY,
  tempFiles,
  type ApplyHome,
} from './apply-home.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const transactionModule = path.resolve(here, '../../source/apply/transaction.ts');
const faultsModule = path.resolve(here, '../../source/apply/faults.ts');

// A child process that runs one transaction and is SIGKILLed by it at EIK_CRASH_AT, as the command layer would.
const CHILD = `
import { applyTransaction } from ${JSON.stringify(transactionModule)};
import { faultPlanFromEnv } from ${JSON.stringify(faultsModule)};
const [home, primary, internal, config, newPrimary, newInternal, newConfig] = process.argv.slice(2);
await applyTransaction({
  home,
  label: 'apply primary',
  faults: faultPlanFromEnv(process.env),
  writes: [
    { path: primary, content: Buffer.from(newPrimary, 'base64'), role: 'primary keystore' },
    { path: internal, content: Buffer.from(newInternal, 'base64'), role: 'internal keystore' },
    { path: config, content: Buffer.from(newConfig, 'base64'), role: 'config' },
  ],
});
`;

let child = '';
let childDir = '';

beforeAll(async () => {
  const dir = (childDir = mkdtempSync(path.join(os.tmpdir(), 'eik-crash-child-')));
  const entry = path.join(dir, 'child.ts');
  writeFileSync(entry, CHILD);
  child = path.join(dir, 'child.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: child,
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(childDir, { recursive: true, force: true }));

function crashAt(h: ApplyHome, point: string) {
  const args = [
    h.home,
    h.primary,
    h.internal,
    h.configLink,
    ...[NEW_PRIMARY, NEW_INTERNAL, NEW_CONFIG].map((bytes) => bytes.toString('base64')),
  ];
  return spawnSync(process.execPath, [child, ...args], { env: { ...process.env, EIK_CRASH_AT: point }, encoding: 'utf8' });
}

const POINTS: FaultPoint[] = [
  'lock',
  'check',
  'backup',
  'stage',
  'verify',
  { step: 'commit', afterRenames: 1 },
  { step: 'commit', afterRenames: 2 },
  'commit',
  'unlock',
];

describe('SIGKILL at each step', () => {
  it.each(POINTS.map((point) => [describeFaultPoint(point), point] as const))(
    '%s: each file old or new, and the backup restores the old state',
    async (_name, point) => {
      const h = makeHome();
      const env = typeof point === 'string' ? point : `commit:${point.afterRenames}`;
      const run = crashAt(h, env);
      expect(run.signal, run.stderr).toBe('SIGKILL');
      expect(eachOldOrNew(h)).toEqual([]);
      expect(existsSync(lockPath(h.home))).toBe(true); // the dead process could not release it

      const interrupted = await interruptedTransactions(h.home);
      if (point === 'lock' || point === 'check') {
        expect(interrupted).toEqual([]);
        expect(expectOldState(h)).toEqual([]);
        // The stale lock does not block the next run.
        const result = await applyTransaction({ home: h.home, label: 'apply primary', writes: h.writes });
        expect(result.warnings.join()).toContain('stale lock');
        expect(expectNewState(h)).toEqual([]);
        return;
      }
      if (point === 'unlock') {
        expect(interrupted).toEqual([]); // the manifest was complete: only the lock was left
        expect(expectNewState(h)).toEqual([]);
        return;
      }
      expect(interrupted).toHaveLength(1);
      const id = interrupted[0]!.id;
      const restored = await restoreBackup(h.home, id);
      expect(restored.warnings.join()).toContain('stale lock');
      expect(expectOldState(h)).toEqual([]);
      expect(tempFiles(h.home)).toEqual([]);
      expect(await interruptedTransactions(h.home)).toEqual([]);
      expect(JSON.parse(readFileSync(path.join(interrupted[0]!.dir, 'manifest.json'), 'utf8')).state).toBe('rolled-back');
    },
  );
});
