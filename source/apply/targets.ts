import { createHash } from 'node:crypto';
import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { FileOwner } from './atomic-write.js';

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A file as it is on disk right now, read once so the backup, the checks and the rollback agree on it. */
export interface CurrentFile {
  bytes: Buffer;
  sha256: string;
  /** Permission bits, including set-id and sticky. */
  mode: number;
  owner: FileOwner;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The file that writing `file` should change. A symlink (a config file linked from elsewhere, say) is followed,
 * so its target gets the new bytes and the link stays a link; a dangling link leads to the file it names.
 */
export async function resolveWriteTarget(file: string): Promise<string> {
  let current = file;
  for (let hops = 0; hops < 40; hops++) {
    let info;
    try {
      info = await lstat(current);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return current;
      throw error;
    }
    if (!info.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), await readlink(current));
  }
  throw new UserError(`${file}: too many levels of symbolic links. Fix the link and run again.`, 'bad-target');
}

/** The current content of a file, or undefined when there is none. Anything but a regular file is refused. */
export async function readCurrent(file: string): Promise<CurrentFile | undefined> {
  let info;
  try {
    info = await stat(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw new UserError(`cannot read ${file}: ${(error as Error).message}. Nothing was written.`, 'unreadable');
  }
  if (!info.isFile()) {
    throw new UserError(`${file} is not a regular file; ei-keystore will not replace it. Nothing was written.`, 'bad-target');
  }
  let bytes;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}. Nothing was written.`, 'unreadable');
  }
  return { bytes, sha256: sha256(bytes), mode: info.mode & 0o7777, owner: { uid: info.uid, gid: info.gid } };
}

/** The owner a new file should get when running as root: that of its directory (the server's user, usually). */
export async function directoryOwner(file: string): Promise<FileOwner> {
  const info = await stat(path.dirname(file));
  return { uid: info.uid, gid: info.gid };
}

export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
