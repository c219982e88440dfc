import { chownSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { interruptedTransactions, listBackups } from '../../source/apply/backups.js';
import { backupDir, backupsDir, lockPath } from '../../source/apply/layout.js';
import { readManifest } from '../../source/apply/manifest.js';
import { restoreBackup } from '../../source/apply/restore.js';
import { applyTransaction } from '../../source/apply/transaction.js';
import { UserError } from '../../source/errors.js';
import { expectNewState, expectOldState, makeHome, tempFiles } from './apply-home.js';

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('restoreBackup', () => {
  it('puts back the old bytes and modes, removes created files, keeps the link, and can itself be undone', async () => {
    const h = makeHome();
    const applied = await applyTransaction({ home: h.home, label: 'apply primary', writes: h.writes });
    expect(expectNewState(h)).toEqual([]);

    const restored = await restoreBackup(h.home, applied.backupId);
    expect(expectOldState(h)).toEqual([]);
    expect(restored.restoredId).toBe(applied.backupId);
    expect(restored.files).toEqual([
      { path: h.primary, role: 'primary keystore', action: 'put back' },
      { path: h.internal, role: 'internal keystore', action: 'removed' },
      { path: h.configLink, role: 'config', action: 'put back' },
    ]);
    expect(restored.backupId).not.toBe(applied.backupId);
    expect(tempFiles(h.home)).toEqual([]);
    expect(existsSync(lockPath(h.home))).toBe(false);

    // The restore backed up the new state first: restoring that undoes the restore, created file and mode included.
    const undo = await restoreBackup(h.home, restored.backupId);
    expect(expectNewState(h)).toEqual([]);
    expect(undo.files.find((file) => file.path === h.internal)?.action).toBe('put back');

    const listed = await listBackups(h.home);
    expect(listed.map((backup) => backup.id)).toEqual([undo.backupId, restored.backupId, applied.backupId]);
    expect(listed.map((backup) => backup.label)).toEqual([`restore ${restored.backupId}`, `restore ${applied.backupId}`, 'apply primary']);
    expect(listed.every((backup) => backup.state === 'complete')).toBe(true);
  });

  it('refuses an unknown id with exit 2, listing the ids there are, and writes nothing', async () => {
    const h = makeHome();
    const empty = await rejection(restoreBackup(h.home, '20260101T000000Z-dead'));
    expect(empty.exitCode).toBe(2);
    expect(empty.message).toContain('no backups there yet');

    const a = await applyTransaction({ home: h.home, id: '20260101T000000Z-aaaa', label: 'apply primary', writes: h.writes });
    const b = await applyTransaction({ home: h.home, id: '20260102T000000Z-bbbb', label: 'apply truststore', writes: h.writes });
    const error = await rejection(restoreBackup(h.home, 'nope'));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('unknown-backup');
    expect(error.message).toContain(a.backupId);
    expect(error.message).toContain(b.backupId);
    expect(error.message).toContain(backupsDir(h.home));
    expect(readdirSync(backupsDir(h.home)).sort()).toEqual([a.backupId, b.backupId]);
    expect(expectNewState(h)).toEqual([]);
  });

  it('refuses a backup whose copy was altered, writing nothing', async () => {
    const h = makeHome();
    const applied = await applyTransaction({ home: h.home, label: 'apply primary', writes: h.writes });
    const manifest = await readManifest(backupDir(h.home, applied.backupId));
    const copy = path.join(backupDir(h.home, applied.backupId), manifest.files[0]!.backupName!);
    writeFileSync(copy, 'tampered');
    const error = await rejection(restoreBackup(h.home, applied.backupId));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('damaged-backup');
    expect(expectNewState(h)).toEqual([]);
    expect(readdirSync(backupsDir(h.home))).toEqual([applied.backupId]);
  });

  it('rolls back a restore that fails midway, leaving the current files as they were', async () => {
    const h = makeHome();
    const applied = await applyTransaction({ home: h.home, label: 'apply primary', writes: h.writes });
    const error = await rejection(restoreBackup(h.home, applied.backupId, { faults: { failAt: { step: 'commit', afterRenames: 2 } } }));
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('Every file was put back');
    expect(expectNewState(h)).toEqual([]);
    expect(tempFiles(h.home)).toEqual([]);
  });

  it.runIf(process.getuid?.() === 0)('as root puts back the recorded owner', async () => {
    const h = makeHome();
    chownSync(h.primary, 4321, 4322);
    const applied = await applyTransaction({ home: h.home, label: 'apply', writes: h.writes });
    chownSync(h.primary, 0, 0);
    await restoreBackup(h.home, applied.backupId);
    expect(statSync(h.primary)).toMatchObject({ uid: 4321, gid: 4322 });
  });

  it('reports no interrupted transactions for finished and rolled-back ones', async () => {
    const h = makeHome();
    await applyTransaction({ home: h.home, label: 'apply', writes: h.writes });
    await applyTransaction({ home: h.home, label: 'apply', writes: h.writes, faults: { failAt: 'verify' } }).catch(() => undefined);
    expect((await listBackups(h.home)).map((backup) => backup.state).sort()).toEqual(['complete', 'rolled-back']);
    expect(await interruptedTransactions(h.home)).toEqual([]);
  });
});

describe('restoreBackup of a damaged backup', () => {
  it('explains that the manifest is damaged instead of calling the id unknown', async () => {
    const h = makeHome();
    const applied = await applyTransaction({ home: h.home, label: 'apply primary', writes: h.writes });
    writeFileSync(path.join(backupDir(h.home, applied.backupId), 'manifest.json'), '{"id": "half a manif');
    const error = await rejection(restoreBackup(h.home, applied.backupId));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('damaged-backup');
    expect(error.message).toContain('is damaged');
    expect(expectNewState(h)).toEqual([]);
  });
});
