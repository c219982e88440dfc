import { createHash } from 'node:crypto';
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoOf, explainErrno, FileRefused, kindOf } from '../files/file-errors.js';
import { isInside, isInsideLexically, realLocation } from '../files/home-paths.js';
import { READ_LIMITS, readFileIfPresent } from '../files/read-file.js';
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

/** The configuration files a home may have (config/locate.ts finds which; apply/ sits below config/). */
const CONFIGURATION_FILES = ['conf/deployment.toml', 'conf/ei.toml'];

/** Whether `file` is the home's configuration file: the one file that may be a link (to a file inside the home). */
export function isConfigurationPath(home: string, file: string): boolean {
  const resolved = path.resolve(file);
  return CONFIGURATION_FILES.some((relative) => resolved === path.join(path.resolve(home), relative));
}

export interface WriteTargetRules {
  home: string;
  /** The user named this file (a certificate signing request's csr_file): it may lie outside the home. */
  mayBeOutsideHome?: boolean;
}

function refuse(file: string, message: string, problem: 'symlink' | 'outside-home' | 'not-regular' | 'unreadable'): FileRefused {
  return new FileRefused(`${message} Nothing was written.`, problem, file, problem === 'unreadable' ? 'unreadable' : 'bad-target');
}

/**
 * The file that writing `file` changes, checked so a write never lands outside the home: a target that is a
 * symbolic link (dangling or not) is refused naming both paths, except the configuration file, which may be a link
 * to a file inside the home (its target gets the bytes, the link stays); a folder on the way that leads out of
 * the home is refused; anything but a regular file is refused with its kind.
 */
export async function resolveWriteTarget(file: string, rules: WriteTargetRules): Promise<string> {
  const { home } = rules;
  const insideHome = isInsideLexically(home, file);
  if (!insideHome && !rules.mayBeOutsideHome) {
    throw refuse(
      file,
      `${file} is outside the home ${home}; ei-keystore writes only inside the home. Move the file into the home and point the configuration at it.`,
      'outside-home',
    );
  }
  let info;
  try {
    info = await lstat(file);
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') throw refuse(file, `cannot check ${file}: ${explainErrno(error)}.`, 'unreadable');
    info = undefined;
  }
  let written = file;
  if (info?.isSymbolicLink()) {
    const pointsTo = await readlink(file).catch(() => '?');
    let real: string;
    try {
      real = await realpath(file);
    } catch {
      throw refuse(
        file,
        `${file} is a symbolic link to ${pointsTo}, which does not exist; ei-keystore does not write through links (it would create ${path.resolve(path.dirname(file), pointsTo)}). Remove the link and run again.`,
        'symlink',
      );
    }
    if (!isConfigurationPath(home, file)) {
      throw refuse(
        file,
        `${file} is a symbolic link to ${real}; ei-keystore does not write through links (only the configuration file may be one, to a file inside the home). ` +
          `Replace the link with the file itself (cp --remove-destination '${real}' '${file}') or remove it, and run again.`,
        'symlink',
      );
    }
    const realHome = await realpath(home);
    if (!isInside(realHome, real)) {
      throw refuse(
        file,
        `${file} is a symbolic link to ${real}, outside the home ${home}; ei-keystore edits a linked configuration only when its target is inside the home. Move the file into the home (and point the link at it) and run again.`,
        'outside-home',
      );
    }
    written = real;
    info = await stat(real);
  }
  if (info && !info.isFile()) {
    throw refuse(file, `${file} is ${kindOf(info)}, not a regular file; ei-keystore will not replace it.`, 'not-regular');
  }
  if (insideHome) {
    const realHome = await realpath(home);
    const lands = await realLocation(written);
    if (!isInside(realHome, lands)) {
      throw refuse(
        file,
        `${file} leads to ${lands}, outside the home ${home}: a folder on the way is a symbolic link. ei-keystore writes only inside the home; replace the link with a real folder and run again.`,
        'outside-home',
      );
    }
  }
  return written;
}

/**
 * The current content of a file (already resolved by resolveWriteTarget), or undefined when there is none.
 * Read through the one checked reader: regular files only, bounded, no link followed.
 */
export async function readCurrent(file: string, home: string): Promise<CurrentFile | undefined> {
  let content;
  try {
    content = await readFileIfPresent(file, {
      what: 'file',
      limit: READ_LIMITS.keystore,
      ...(isInsideLexically(home, file) ? { home } : {}),
    });
  } catch (error) {
    if (error instanceof FileRefused)
      throw new FileRefused(`${error.message.replace(/\.$/, '')}. Nothing was written.`, error.problem, error.file, error.code);
    throw error;
  }
  if (!content) return undefined;
  const { bytes, stats } = content;
  return { bytes, sha256: sha256(bytes), mode: stats.mode & 0o7777, owner: { uid: stats.uid, gid: stats.gid } };
}

/** The owner a new file should get when running as root: that of its directory (the server's user, usually). */
export async function directoryOwner(file: string): Promise<FileOwner> {
  const info = await stat(path.dirname(file));
  return { uid: info.uid, gid: info.gid };
}

export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
