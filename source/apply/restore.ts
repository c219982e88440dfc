import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { listBackups, type BackupSummary } from './backups.js';
import type { Change } from './changes.js';
import type { FaultPlan } from './faults.js';
import { backupDir, backupsDir } from './layout.js';
import { isValidBackupId, readManifest, writeManifest, type Manifest, type ManifestFile } from './manifest.js';
import { sha256 } from './targets.js';
import { runChanges } from './transaction.js';

export interface RestoredFile {
  path: string;
  role: string;
  /** 'put back': the old bytes and mode are in place again; 'removed': the transaction had created it. */
  action: 'put back' | 'removed';
}

export interface RestoreResult {
  /** The backup that was restored. */
  restoredId: string;
  /** The backup of the state just before this restore: restoring it undoes the restore. */
  backupId: string;
  files: RestoredFile[];
  warnings: string[];
}

export interface RestoreOptions {
  faults?: FaultPlan;
  onStep?: (step: string) => void;
  onWarning?: (message: string) => void;
}

function unknownBackup(home: string, id: string, backups: BackupSummary[]): UserError {
  const where = backupsDir(home);
  const available = backups.length
    ? `Available: ${backups.map((backup) => `${backup.id} (${backup.label}, ${backup.state})`).join(', ')}.`
    : 'There are no backups there yet.';
  return new UserError(`no backup '${id}' in ${where}. ${available} Nothing was written.`, 'unknown-backup');
}

async function changeFor(dir: string, file: ManifestFile): Promise<Change> {
  if (!file.existed || file.backupName === null || file.mode === null) return { path: file.path, delete: true, role: file.role };
  const copy = path.join(dir, file.backupName);
  let content: Buffer;
  try {
    content = await readFile(copy);
  } catch (error) {
    throw new UserError(`the backup copy ${copy} of ${file.path} cannot be read (${(error as Error).message}). Nothing was written.`, 'damaged-backup');
  }
  if (sha256(content) !== file.sha256Before) {
    throw new UserError(`the backup copy ${copy} of ${file.path} does not match its manifest (altered or damaged). Nothing was written.`, 'damaged-backup');
  }
  const owner = file.uid !== null && file.gid !== null ? { uid: file.uid, gid: file.gid } : undefined;
  return { path: file.path, content, mode: file.mode, role: file.role, ...(owner ? { owner } : {}) };
}

/** An interrupted transaction, once restored, is over: say so, and remove the temporary files it left. */
function tidyInterrupted(dir: string, manifest: Manifest): () => Promise<void> {
  return async () => {
    if (manifest.state !== 'in-progress') return;
    for (const file of manifest.files) {
      if (file.tempPath !== null) await rm(file.tempPath, { force: true });
    }
    await writeManifest(dir, { ...manifest, state: 'rolled-back' });
  };
}

/**
 * Puts every file of backup `id` back to its backed-up bytes and mode and removes the files its transaction
 * created, as one transaction of its own: under the lock, atomically, first backing up the current state so the
 * restore can itself be undone.
 */
export async function restoreBackup(home: string, id: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const backups = await listBackups(home);
  const chosen = isValidBackupId(id) ? backups.find((backup) => backup.id === id) : undefined;
  // A directory of that name whose manifest is damaged gets readManifest's explanation, not "no such backup".
  const dir = chosen?.dir ?? (isValidBackupId(id) && existsSync(backupDir(home, id)) ? backupDir(home, id) : undefined);
  if (dir === undefined) throw unknownBackup(home, id, backups);
  const manifest = await readManifest(dir);
  const changes: Change[] = [];
  for (const file of manifest.files) changes.push(await changeFor(dir, file));
  const result = await runChanges({
    home,
    label: `restore ${id}`,
    changes,
    afterCommit: tidyInterrupted(dir, manifest),
    ...options,
  });
  return {
    restoredId: id,
    backupId: result.backupId,
    files: manifest.files.map((file) => ({ path: file.path, role: file.role, action: file.existed ? 'put back' : 'removed' })),
    warnings: result.warnings,
  };
}
