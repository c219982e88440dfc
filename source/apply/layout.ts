import path from 'node:path';
import { ensureStateDir } from './state-dir.js';

/** Where ei-keystore keeps its own state inside a home: the lock and the backups. */
export const STATE_DIR_NAME = '.ei-keystore';

export function stateDir(home: string): string {
  return path.join(home, STATE_DIR_NAME);
}

export function lockPath(home: string): string {
  return path.join(stateDir(home), 'lock');
}

export function backupsDir(home: string): string {
  return path.join(stateDir(home), 'backups');
}

export function backupDir(home: string, id: string): string {
  return path.join(backupsDir(home), id);
}

/**
 * A directory of ei-keystore's state, only its owner can enter (backups hold keystores): created 0700, or an
 * existing one checked (a real directory, owned by this user or root, writable by no one else) and tightened to
 * 0700. Returns whether it was created now.
 */
export async function ensurePrivateDir(dir: string): Promise<boolean> {
  return ensureStateDir(dir);
}
