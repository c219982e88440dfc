import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

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
 * A directory only its owner can enter: backups hold keystores. An existing directory is tightened to 0700
 * too, since a copy made with a loose umask would otherwise expose every backup in it.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const info = await stat(dir);
    if (!info.isDirectory()) {
      throw new UserError(`${dir} exists but is not a directory; ei-keystore keeps its lock and backups there. Move it away and run again.`, 'state-dir');
    }
  }
  await chmod(dir, 0o700);
}
