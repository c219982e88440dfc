import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { FileRefused } from '../files/file-errors.js';
import { checkStateDir, checkStateFile } from '../files/trusted-state.js';
import { readLock, processAlive } from './lock.js';
import { backupDir, backupsDir, stateDir } from './layout.js';
import { MANIFEST_NAME, readManifest, ROLLED_BACK_MANIFEST_NAME, type BackupState } from './manifest.js';
import { manifestProblem } from './manifest-trust.js';

export interface BackupFileSummary {
  path: string;
  role: string;
  /** False when the transaction created the file: restoring removes it. */
  existed: boolean;
}

export interface BackupSummary {
  id: string;
  label: string;
  createdAt: string;
  state: BackupState;
  dir: string;
  files: BackupFileSummary[];
}

/** A backup (or the state folder holding them) that ei-keystore will not act on, and why. */
export interface UntrustedBackup {
  /** The backup's folder name; absent when the whole state folder is refused. */
  id?: string;
  path: string;
  reason: string;
}

export interface BackupSurvey {
  /** Backups whose folder and manifest passed every check, newest first. */
  backups: BackupSummary[];
  untrusted: UntrustedBackup[];
}

/** The name of a file's copy inside a backup: numbered, since two targets may share a base name. */
export function backupNameFor(index: number, writtenPath: string): string {
  return `${String(index + 1).padStart(2, '0')}-${path.basename(writtenPath)}`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Every backup of a home, sorted into the ones a restore may use and the ones it may not. The state folder and
 * `backups/` must be trusted (real directories of this user or root, writable by no one else: see
 * files/trusted-state.ts), as must each backup's folder and manifest; the manifest must then pass
 * manifestProblem. A folder without a manifest is a backup cut short before any target was touched (the manifest
 * is written before staging), so it has nothing to restore and is not listed; nor is a damaged manifest.
 */
export async function surveyBackups(home: string): Promise<BackupSurvey> {
  const untrusted: UntrustedBackup[] = [];
  try {
    if (!(await checkStateDir(stateDir(home))) || !(await checkStateDir(backupsDir(home)))) return { backups: [], untrusted };
  } catch (error) {
    return { backups: [], untrusted: [{ path: error instanceof FileRefused ? error.file : stateDir(home), reason: reasonOf(error) }] };
  }
  let names: string[];
  try {
    names = await readdir(backupsDir(home));
  } catch {
    return { backups: [], untrusted };
  }
  const backups: BackupSummary[] = [];
  for (const name of names) {
    const dir = backupDir(home, name);
    try {
      await checkStateDir(dir);
      await checkStateFile(path.join(dir, MANIFEST_NAME));
      await checkStateFile(path.join(dir, ROLLED_BACK_MANIFEST_NAME));
    } catch (error) {
      untrusted.push({ id: name, path: error instanceof FileRefused ? error.file : dir, reason: reasonOf(error) });
      continue;
    }
    let manifest;
    try {
      manifest = await readManifest(dir);
    } catch {
      continue; // Unreadable or damaged: not offered for restore. readManifest explains why when the id is asked for.
    }
    const problem = await manifestProblem(home, name, manifest, dir).catch((error: unknown) => `it cannot be checked: ${reasonOf(error)}`);
    if (problem) {
      untrusted.push({
        id: name,
        path: path.join(dir, MANIFEST_NAME),
        reason: `its manifest is not one ei-keystore could have written: ${problem}`,
      });
      continue;
    }
    backups.push({
      id: manifest.id,
      label: manifest.label,
      createdAt: manifest.createdAt,
      state: manifest.state,
      dir,
      files: manifest.files.map((file) => ({ path: file.path, role: file.role, existed: file.existed })),
    });
  }
  backups.sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
  return { backups, untrusted };
}

/** The backups a restore may use, newest first (see surveyBackups). */
export async function listBackups(home: string): Promise<BackupSummary[]> {
  return (await surveyBackups(home)).backups;
}

/**
 * Transactions that started and neither finished nor rolled back: the process died (or is being killed) midway.
 * Each file is old or new; `ei-keystore restore ID` puts all of them back. One still running is not listed, nor
 * is an untrusted backup (status reports those as backup-untrusted, never with a restore command).
 */
export async function interruptedTransactions(home: string, survey?: BackupSurvey): Promise<BackupSummary[]> {
  const lock = await readLock(home);
  const running = lock && processAlive(lock.pid) ? lock.id : undefined;
  return (survey ?? (await surveyBackups(home))).backups.filter((backup) => backup.state === 'in-progress' && backup.id !== running);
}
