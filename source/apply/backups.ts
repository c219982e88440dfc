import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readLock, processAlive } from './lock.js';
import { backupDir, backupsDir } from './layout.js';
import { readManifest, type BackupState } from './manifest.js';

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

/** The name of a file's copy inside a backup: numbered, since two targets may share a base name. */
export function backupNameFor(index: number, writtenPath: string): string {
  return `${String(index + 1).padStart(2, '0')}-${path.basename(writtenPath)}`;
}

/**
 * Every backup of a home with a readable manifest, newest first. A directory without one is a backup cut short
 * before any target was touched (the manifest is written before staging), so it has nothing to restore.
 */
export async function listBackups(home: string): Promise<BackupSummary[]> {
  let names: string[];
  try {
    names = await readdir(backupsDir(home));
  } catch {
    return [];
  }
  const summaries: BackupSummary[] = [];
  for (const name of names) {
    const dir = backupDir(home, name);
    try {
      const manifest = await readManifest(dir);
      summaries.push({
        id: manifest.id,
        label: manifest.label,
        createdAt: manifest.createdAt,
        state: manifest.state,
        dir,
        files: manifest.files.map((file) => ({ path: file.path, role: file.role, existed: file.existed })),
      });
    } catch {
      // Unreadable or damaged: not offered for restore. readManifest explains why when the id is asked for.
    }
  }
  return summaries.sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
}

/**
 * Transactions that started and neither finished nor rolled back: the process died (or is being killed) midway.
 * Each file is old or new; `ei-keystore restore ID` puts all of them back. One still running is not listed.
 */
export async function interruptedTransactions(home: string): Promise<BackupSummary[]> {
  const lock = await readLock(home);
  const running = lock && processAlive(lock.pid) ? lock.id : undefined;
  return (await listBackups(home)).filter((backup) => backup.state === 'in-progress' && backup.id !== running);
}
