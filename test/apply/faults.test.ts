import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faultPlanFromEnv, type FaultPoint, describeFaultPoint } from '../../source/apply/faults.js';
import { backupDir, backupsDir, lockPath } from '../../source/apply/layout.js';
import { readManifest } from '../../source/apply/manifest.js';
import { restoreBackup } from '../../source/apply/restore.js';
import { TransactionFailed } from '../../source/apply/transaction-error.js';
import { applyTransaction } from '../../source/apply/transaction.js';
import { UserError } from '../../source/errors.js';
import { expectOldState, makeHome, tempFiles } from './apply-home.js';

// Three writes: commit can fail before any rename, after each one, and after all of them.
const POINTS: FaultPoint[] = [
  'lock',
  'check',
  'backup',
  'stage',
  'verify',
  { step: 'commit', afterRenames: 0 },
  { step: 'commit', afterRenames: 1 },
  { step: 'commit', afterRenames: 2 },
  { step: 'commit', afterRenames: 3 },
  'commit',
  'unlock',
];
const BEFORE_BACKUP = new Set<FaultPoint>(['lock', 'check']);

describe('a failure injected at every step', () => {
  it.each(POINTS.map((point) => [describeFaultPoint(point), point] as const))(
    '%s: every file is put back, nothing left over',
    async (_name, point) => {
      const h = makeHome();
      const steps: string[] = [];
      const error = await applyTransaction({
        home: h.home,
        label: 'apply primary',
        writes: h.writes,
        faults: { failAt: point },
        onStep: (step) => steps.push(step),
      }).then(
        () => undefined,
        (caught: unknown) => caught,
      );

      expect(error).toBeInstanceOf(TransactionFailed);
      const failed = error as TransactionFailed;
      expect(failed.exitCode).toBe(1);
      expect(failed.message).toContain('apply primary failed while');
      expect(failed.message).toContain('injected failure');
      expect(expectOldState(h)).toEqual([]);
      expect(tempFiles(h.home)).toEqual([]);
      expect(existsSync(lockPath(h.home))).toBe(false);

      if (BEFORE_BACKUP.has(point)) {
        expect(failed.message).toContain('Nothing was written');
        expect(failed.backupId).toBeUndefined();
        expect(existsSync(backupsDir(h.home))).toBe(false);
        return;
      }
      expect(failed.message).toContain('Every file was put back');
      expect(steps.at(-1)).toBe('rollback');
      const id = failed.backupId!;
      expect((await readManifest(backupDir(h.home, id))).state).toBe('rolled-back');
      // The backup still restores the old state exactly.
      await restoreBackup(h.home, id);
      expect(expectOldState(h)).toEqual([]);
    },
  );
});

describe('faultPlanFromEnv', () => {
  it('reads EIK_CRASH_AT as a step or commit:N, and rejects anything else', () => {
    expect(faultPlanFromEnv({})).toBeUndefined();
    expect(faultPlanFromEnv({ EIK_CRASH_AT: 'stage' })).toEqual({ crashAt: 'stage' });
    expect(faultPlanFromEnv({ EIK_CRASH_AT: 'commit:2' })).toEqual({ crashAt: { step: 'commit', afterRenames: 2 } });
    expect(() => faultPlanFromEnv({ EIK_CRASH_AT: 'halfway' })).toThrow(UserError);
  });
});
