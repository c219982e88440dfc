import { readlinkSync, type Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { errnoOf, explainErrno, FileRefused, kindOf } from './file-errors.js';

/**
 * ei-keystore's own state in a home (`.ei-keystore/`: the lock, backups, pending requests) is trusted only the way
 * OpenSSH's StrictModes trusts `~/.ssh`: every component a real directory or file (never a link), owned by the
 * user running the tool or by root, and writable by nobody else. The home itself usually belongs to the
 * server's account, which could otherwise plant a state directory that makes root write, chmod or restore
 * anywhere. Anything else is refused with what to fix.
 */

function runningUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

function you(uid: number): string {
  return uid === 0 ? 'root' : `you (uid ${uid})`;
}

function untrusted(file: string, message: string): FileRefused {
  return new FileRefused(`${message} Nothing was written.`, 'untrusted', file, 'state-untrusted');
}

function linkMessage(file: string, target: string, what: string): string {
  return `${file} is a symbolic link to ${target}; ei-keystore keeps its ${what} only in real files and folders of the home, never through a link. Remove the link (rm '${file}') and run again.`;
}

/** Owner and mode of one component. */
function checkOwnerAndMode(file: string, stats: Stats): void {
  const uid = runningUid();
  if (uid === undefined) return;
  if (stats.uid !== uid && stats.uid !== 0) {
    throw untrusted(
      file,
      `${file} belongs to uid ${stats.uid}, not to ${you(uid)}${uid === 0 ? '' : ' or root'}: ei-keystore does not use state that another user could have planted. ` +
        `If it is yours, give it back to ${uid === 0 ? 'root' : 'yourself'} (chown -R ${uid} '${file}'); otherwise move it away and run again.`,
    );
  }
  const loose = stats.mode & 0o022;
  if (loose !== 0) {
    const who = loose === 0o022 ? 'its group and others' : loose === 0o020 ? 'its group' : 'others';
    throw untrusted(
      file,
      `${file} is writable by ${who} (mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')}), so they could plant files in ei-keystore's state. ` +
        `Make it private (chmod go-w '${file}'; ei-keystore keeps its folders 0700) and run again.`,
    );
  }
}

/** Refuses a state directory that is a link, not a directory, or not private to this user (apply/state-dir.ts). */
export function checkDirectoryStats(dir: string, stats: Stats, linkTarget: () => string): void {
  if (stats.isSymbolicLink()) throw untrusted(dir, linkMessage(dir, linkTarget(), 'lock, backups and pending requests'));
  if (!stats.isDirectory()) {
    throw untrusted(
      dir,
      `${dir} is ${kindOf(stats)}, not a directory; ei-keystore keeps its lock and backups there. Move it away and run again.`,
    );
  }
  checkOwnerAndMode(dir, stats);
}

function checkFileStats(file: string, stats: Stats, linkTarget: () => string): void {
  if (stats.isSymbolicLink()) throw untrusted(file, linkMessage(file, linkTarget(), 'state (lock, manifests, pending requests)'));
  if (!stats.isFile())
    throw untrusted(file, `${file} is ${kindOf(stats)}, where ei-keystore keeps a regular file. Move it away and run again.`);
  checkOwnerAndMode(file, stats);
}

async function lstatOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await lstat(file);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw untrusted(file, `${file} cannot be checked: ${explainErrno(error)}.`);
  }
}

export const linkOf = (file: string) => () => {
  try {
    return readlinkSync(file);
  } catch {
    return '?';
  }
};

/** Checks a state directory that may not exist yet: true when it exists (and is trusted). */
export async function checkStateDir(dir: string): Promise<boolean> {
  const stats = await lstatOrUndefined(dir);
  if (!stats) return false;
  checkDirectoryStats(dir, stats, linkOf(dir));
  return true;
}

/** Checks one state file that may not exist: its stats when it does (and is trusted). */
export async function checkStateFile(file: string): Promise<Stats | undefined> {
  const stats = await lstatOrUndefined(file);
  if (!stats) return undefined;
  checkFileStats(file, stats, linkOf(file));
  return stats;
}

/**
 * Every component from `root` (the state directory, `<home>/.ei-keystore`) down to `target`: the folders must be
 * trusted directories, `target` itself a trusted file when `targetIsFile`. Missing components end the walk.
 */
export async function checkStatePath(root: string, target: string, targetIsFile: boolean): Promise<void> {
  const relative = path.relative(root, target);
  const parts = relative === '' ? [] : relative.split(path.sep);
  let current = root;
  const folders = targetIsFile ? parts.slice(0, -1) : parts;
  if (!(await checkStateDir(current))) return;
  for (const part of folders) {
    current = path.join(current, part);
    if (!(await checkStateDir(current))) return;
  }
  if (targetIsFile) await checkStateFile(target);
}
