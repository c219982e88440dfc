import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { FileRefused } from '../files/file-errors.js';
import { READ_LIMITS, readFileChecked } from '../files/read-file.js';
import { surveyBackups, type BackupSummary } from './backups.js';
import type { Change } from './changes.js';
import type { ProgressStep } from '../progress-steps.js';
import type { FaultPlan } from './faults.js';
import { backupDir, backupsDir } from './layout.js';
import { isValidBackupId, readManifest, writeManifest, type Manifest, type ManifestFile } from './manifest.js';
import { isOutsideHomeRequest, manifestProblem } from './manifest-trust.js';
import { readCurrent, resolveWriteTarget, sha256 } from './targets.js';
import { runChanges } from './transaction.js';

export interface RestoredFile {
  path: string;
  role: string;
  /** 'put back': the old bytes and mode are in place again; 'removed': the transaction had created it; 'left': not touched (outside the home). */
  action: 'put back' | 'removed' | 'left';
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
  onStep?: (step: ProgressStep) => void;
  onWarning?: (message: string) => void;
  /** Restore even files that changed after the backup was made (those edits are lost, but backed up first). */
  force?: boolean;
}

function unknownBackup(home: string, id: string, backups: BackupSummary[]): UserError {
  const where = backupsDir(home);
  const available = backups.length
    ? `Available: ${backups.map((backup) => `${backup.id} (${backup.label}, ${backup.state})`).join(', ')}.`
    : 'There are no backups there yet.';
  return new UserError(`no backup '${id}' in ${where}. ${available} Nothing was written.`, 'unknown-backup');
}

async function changeFor(home: string, dir: string, file: ManifestFile): Promise<Change> {
  if (!file.existed || file.backupName === null || file.mode === null) return { path: file.path, delete: true, role: file.role };
  const copy = path.join(dir, file.backupName);
  let content: Buffer;
  try {
    // Its folder passed the state checks (only this user or root can put a file there); as root the copy belongs
    // to the file's owner (apply/transaction.ts), so no owner check here: a regular file, no link, bounded.
    content = (await readFileChecked(copy, { what: 'backup copy', limit: READ_LIMITS.keystore, home })).bytes;
  } catch (error) {
    const why = error instanceof FileRefused ? error.message : (error as Error).message;
    throw new UserError(`the backup copy ${copy} of ${file.path} cannot be used (${why}). Nothing was written.`, 'damaged-backup');
  }
  if (sha256(content) !== file.sha256Before) {
    throw new UserError(
      `the backup copy ${copy} of ${file.path} does not match its manifest (altered or damaged). Nothing was written.`,
      'damaged-backup',
    );
  }
  const owner = file.uid !== null && file.gid !== null ? { uid: file.uid, gid: file.gid } : undefined;
  return { path: file.path, content, mode: file.mode, role: file.role, ...(owner ? { owner } : {}) };
}

/**
 * The files that changed after the backup was made: neither as the change left them nor as they were before it
 * (an interrupted change leaves either). Restoring would silently discard those edits.
 */
async function changedSince(home: string, files: ManifestFile[]): Promise<string[]> {
  const changed: string[] = [];
  for (const file of files) {
    const current = await readCurrent(await resolveWriteTarget(file.path, { home }), home);
    const now = current?.sha256 ?? null;
    if (now !== file.sha256After && now !== file.sha256Before) {
      changed.push(now === null ? `${file.path} (removed since)` : file.path);
    }
  }
  return changed;
}

/** An interrupted transaction, once restored, is over: say so, and remove the temporary files it left. */
function tidyInterrupted(dir: string, manifest: Manifest, files: ManifestFile[]): () => Promise<void> {
  return async () => {
    if (manifest.state !== 'in-progress') return;
    // Only temp paths of entries inside the home, which manifestProblem checked to be the tool's own names.
    for (const file of files) {
      if (file.tempPath !== null) await rm(file.tempPath, { force: true });
    }
    await writeManifest(dir, { ...manifest, state: 'rolled-back' });
  };
}

/**
 * Puts every file of backup `id` back to its backed-up bytes and mode and removes the files its transaction
 * created, as one transaction of its own: under the lock, atomically, first backing up the current state so the
 * restore can itself be undone. A backup whose folder or manifest cannot be trusted is refused (backup-untrusted),
 * and so, unless `force`, is one whose files changed after it was made.
 */
export async function restoreBackup(home: string, id: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const survey = await surveyBackups(home);
  const refused = survey.untrusted.find((entry) => entry.id === undefined || entry.id === id);
  if (refused) {
    throw new UserError(
      `backup ${id} cannot be trusted, so ei-keystore will not restore it: ${refused.reason.replace(/ Nothing was written\.$/, '')} Nothing was written.`,
      'backup-untrusted',
    );
  }
  const backups = survey.backups;
  const chosen = isValidBackupId(id) ? backups.find((backup) => backup.id === id) : undefined;
  // A directory of that name whose manifest is damaged gets readManifest's explanation, not "no such backup".
  const dir = chosen?.dir ?? (isValidBackupId(id) && existsSync(backupDir(home, id)) ? backupDir(home, id) : undefined);
  if (dir === undefined) throw unknownBackup(home, id, backups);
  const manifest = await readManifest(dir);
  // Checked again as it is read now: the survey's verdict may be a moment old.
  const problem = await manifestProblem(home, id, manifest, dir);
  if (problem)
    throw new UserError(
      `backup ${id} cannot be trusted, so ei-keystore will not restore it: its manifest is not one ei-keystore could have written: ${problem}. Nothing was written.`,
      'backup-untrusted',
    );

  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const inside = manifest.files.filter((file) => !isOutsideHomeRequest(home, file));
  for (const file of manifest.files) {
    if (!inside.includes(file))
      warn(
        `${file.path} is outside the home: restore leaves it as it is (a certificate signing request holds no secret; delete it if it is no longer wanted).`,
      );
  }
  const changed = await changedSince(home, inside);
  if (changed.length > 0) {
    const list = changed.join(', ');
    if (!options.force) {
      throw new UserError(
        `${list} changed after backup ${id} was made; restoring it would discard those changes. Nothing was written. ` +
          `Look at the change first; to restore anyway run 'ei-keystore restore --force ${id}' (the current files are backed up first, so that can be undone too).`,
        'changed-since-backup',
      );
    }
    warn(`${list} changed after backup ${id} was made; restoring anyway (--force). The current files are in the new backup.`);
  }
  const changes: Change[] = [];
  for (const file of inside) changes.push(await changeFor(home, dir, file));
  const result = await runChanges({
    home,
    label: `restore ${id}`,
    changes,
    afterCommit: tidyInterrupted(dir, manifest, inside),
    ...options,
    onWarning: warn,
  });
  return {
    restoredId: id,
    backupId: result.backupId,
    files: manifest.files.map((file) => ({
      path: file.path,
      role: file.role,
      action: !inside.includes(file) ? 'left' : file.existed ? 'put back' : 'removed',
    })),
    warnings,
  };
}
