import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backupDir, backupsDir, lockPath, stateDir } from '../../source/apply/layout.js';
import { readManifest } from '../../source/apply/manifest.js';
import { sha256 } from '../../source/apply/targets.js';
import { applyTransaction, TRANSACTION_STEPS } from '../../source/apply/transaction.js';
import { UserError } from '../../source/errors.js';
import {
  expectNewState,
  expectOldState,
  makeHome,
  modeOf,
  NEW_CONFIG,
  NEW_INTERNAL,
  NEW_PRIMARY,
  OLD_CONFIG,
  OLD_PRIMARY,
  tempFiles,
} from './apply-home.js';

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('applyTransaction', () => {
  it('creates, replaces and writes through a symlink, keeping modes, with a private backup', async () => {
    const h = makeHome();
    const steps: string[] = [];
    const result = await applyTransaction({ home: h.home, label: 'apply primary', writes: h.writes, onStep: (step) => steps.push(step) });

    expect(expectNewState(h)).toEqual([]);
    expect(readlinkSync(h.configLink)).toBe('../shared/deployment.toml');
    expect(steps).toEqual([...TRANSACTION_STEPS]);
    expect(result.changed.sort()).toEqual([h.primary, h.internal, h.configLink].sort());
    expect(result.backupId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    expect(tempFiles(h.home)).toEqual([]);
    expect(existsSync(lockPath(h.home))).toBe(false);

    for (const dir of [stateDir(h.home), backupsDir(h.home), backupDir(h.home, result.backupId)]) {
      expect(modeOf(dir).toString(8)).toBe('700');
    }
    const manifest = await readManifest(backupDir(h.home, result.backupId));
    expect(manifest).toMatchObject({ id: result.backupId, label: 'apply primary', state: 'complete' });
    const byPath = new Map(manifest.files.map((file) => [file.path, file]));
    expect(byPath.get(h.primary)).toMatchObject({
      existed: true,
      mode: 0o640,
      sha256Before: sha256(OLD_PRIMARY),
      sha256After: sha256(NEW_PRIMARY),
    });
    expect(byPath.get(h.internal)).toMatchObject({ existed: false, mode: null, sha256Before: null, backupName: null });
    expect(byPath.get(h.configLink)).toMatchObject({ existed: true, mode: 0o644, writtenPath: h.configTarget });
    // The backup holds the exact old bytes, readable by its owner only.
    const copy = path.join(backupDir(h.home, result.backupId), byPath.get(h.primary)!.backupName!);
    expect(readFileSync(copy).equals(OLD_PRIMARY)).toBe(true);
    expect(modeOf(copy)).toBe(0o600);
    expect(readFileSync(path.join(backupDir(h.home, result.backupId), byPath.get(h.configLink)!.backupName!)).equals(OLD_CONFIG)).toBe(
      true,
    );
  });

  it('never puts file content in the manifest', async () => {
    const h = makeHome();
    const { backupId } = await applyTransaction({ home: h.home, label: 'apply primary', writes: h.writes });
    const text = readFileSync(path.join(backupDir(h.home, backupId), 'manifest.json'), 'utf8');
    for (const secret of [
      'secret-old-key-material',
      'secret-new-key-material',
      'secret-internal-material',
      'old-toml-password',
      'new-toml-password',
    ]) {
      expect(text).not.toContain(secret);
    }
    for (const bytes of [OLD_PRIMARY, NEW_PRIMARY, NEW_INTERNAL, OLD_CONFIG, NEW_CONFIG]) {
      expect(text).not.toContain(bytes.toString('base64').slice(0, 24));
      expect(text).not.toContain(bytes.toString('hex').slice(0, 24));
    }
  });

  it('uses an explicit mode over the replaced file\u2019s mode', async () => {
    const h = makeHome();
    await applyTransaction({
      home: h.home,
      label: 'apply',
      writes: [{ path: h.primary, content: NEW_PRIMARY, mode: 0o600, role: 'primary keystore' }],
    });
    expect(modeOf(h.primary)).toBe(0o600);
  });

  it.runIf(process.getuid?.() === 0)(
    'as root keeps the owner of a replaced file and gives a new file its directory\u2019s owner',
    async () => {
      const h = makeHome();
      chownSync(h.primary, 4321, 4322);
      chownSync(path.dirname(h.internal), 5432, 5433);
      await applyTransaction({ home: h.home, label: 'apply', writes: h.writes });
      expect(statSync(h.primary)).toMatchObject({ uid: 4321, gid: 4322 });
      expect(statSync(h.internal)).toMatchObject({ uid: 5432, gid: 5433 });
    },
  );

  it('refuses with exit 2 and writes nothing (not even a backup) when an expected file changed since it was read', async () => {
    const h = makeHome();
    const error = await rejection(
      applyTransaction({
        home: h.home,
        label: 'apply primary',
        writes: h.writes,
        expected: [{ path: h.configLink, sha256: sha256(Buffer.from('what the planner read')) }],
      }),
    );
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('changed-since-read');
    expect(error.message).toContain(`${h.configLink} changed since it was read`);
    expect(error.message).toContain('nothing was written');
    expect(expectOldState(h)).toEqual([]);
    expect(existsSync(backupsDir(h.home)) ? readdirSync(backupsDir(h.home)) : []).toEqual([]);
    expect(existsSync(lockPath(h.home))).toBe(false);
  });

  it('refuses a file expected absent that now exists, and accepts matching hashes', async () => {
    const h = makeHome();
    const absent = await rejection(
      applyTransaction({ home: h.home, label: 'apply', writes: h.writes, expected: [{ path: h.primary, sha256: null }] }),
    );
    expect(absent.exitCode).toBe(2);
    expect(absent.message).toContain('was created since it was read');
    await applyTransaction({
      home: h.home,
      label: 'apply',
      writes: h.writes,
      expected: [
        { path: h.primary, sha256: sha256(OLD_PRIMARY) },
        { path: h.internal, sha256: null },
        { path: h.configLink, sha256: sha256(OLD_CONFIG) },
      ],
    });
    expect(expectNewState(h)).toEqual([]);
  });

  it('hands the staged temporary files to verify, and rolls back when verify throws', async () => {
    const h = makeHome();
    const seen: string[] = [];
    const error = await rejection(
      applyTransaction({
        home: h.home,
        label: 'apply primary',
        writes: h.writes,
        verify: async (staged) => {
          for (const file of staged) {
            const base = path.basename(file.tempPath);
            expect(base.startsWith('.') && base.includes('.eik-tmp')).toBe(true);
            expect(path.dirname(file.tempPath)).toBe(path.dirname(file.path === h.configLink ? h.configTarget : file.path));
            seen.push(readFileSync(file.tempPath, 'utf8'));
          }
          expect(modeOf(staged.find((file) => file.path === h.internal)!.tempPath)).toBe(0o600);
          throw new UserError('the new keystore does not open with its password');
        },
      }),
    );
    expect(seen).toEqual([NEW_PRIMARY.toString(), NEW_INTERNAL.toString(), NEW_CONFIG.toString()]);
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('apply primary failed while verifying the new files: the new keystore does not open with its password');
    expect(error.message).toContain('Every file was put back');
    expect(expectOldState(h)).toEqual([]);
    expect(tempFiles(h.home)).toEqual([]);
  });

  it('refuses two paths that are the same file, and a target that is a directory, with nothing written', async () => {
    const h = makeHome();
    const twice = await rejection(
      applyTransaction({
        home: h.home,
        label: 'apply',
        writes: [
          { path: h.configLink, content: NEW_CONFIG, role: 'config' },
          { path: h.configTarget, content: NEW_CONFIG, role: 'config' },
        ],
      }),
    );
    expect(twice.exitCode).toBe(2);
    expect(twice.message).toContain('are the same file');
    const dir = path.join(h.home, 'a-directory');
    mkdirSync(dir);
    const notFile = await rejection(
      applyTransaction({ home: h.home, label: 'apply', writes: [{ path: dir, content: NEW_CONFIG, role: 'config' }] }),
    );
    expect(notFile.exitCode).toBe(2);
    expect(notFile.message).toContain('not a regular file');
    expect(expectOldState(h)).toEqual([]);
    expect(existsSync(backupsDir(h.home))).toBe(false);
  });

  it('fails with exit 1 and puts everything back when another program rewrites a target before the rename', async () => {
    const h = makeHome();
    const error = await rejection(
      applyTransaction({
        home: h.home,
        label: 'apply',
        writes: h.writes,
        verify: async () => {
          writeFileSync(h.configTarget, 'edited by an administrator meanwhile\n');
        },
      }),
    );
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain('changed while this change was being prepared');
    expect(readFileSync(h.configTarget, 'utf8')).toBe('edited by an administrator meanwhile\n');
    expect(readFileSync(h.primary).equals(OLD_PRIMARY)).toBe(true);
    expect(existsSync(h.internal)).toBe(false);
  });

  it('tightens an existing state directory to 0700', async () => {
    const h = makeHome();
    mkdirSync(stateDir(h.home));
    chmodSync(stateDir(h.home), 0o755);
    await applyTransaction({ home: h.home, label: 'apply', writes: h.writes });
    expect(modeOf(stateDir(h.home))).toBe(0o700);
  });
});
