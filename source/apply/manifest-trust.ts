import type { Stats } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside, isInsideLexically, realLocation } from '../files/home-paths.js';
import { tempPathFor } from './atomic-write.js';
import type { Manifest, ManifestFile } from './manifest.js';
import { isConfigurationPath } from './targets.js';

/**
 * A manifest is data a restore acts on as root: which files to write, with which bytes, mode and owner, and which
 * temporary files to delete. Its folder is checked for ownership by the caller; this checks that what it says is
 * something ei-keystore itself could have written for this home, so a forged one cannot make a restore write,
 * chmod, chown or delete anything else.
 */

/** The role of the one file a change may write outside the home: the user's csr_file. Never restored. */
export const CSR_ROLE = 'certificate signing request';

/** Whether a manifest entry is the user's certificate signing request outside the home, which restore leaves alone. */
export function isOutsideHomeRequest(home: string, file: ManifestFile): boolean {
  return file.role === CSR_ROLE && !isInsideLexically(home, file.path) && !isInsideLexically(home, file.writtenPath);
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

async function statOrUndefined(file: string, follow: boolean): Promise<Stats | undefined> {
  try {
    return follow ? await stat(file) : await lstat(file);
  } catch {
    return undefined;
  }
}

function runningIds(): { uid: number; gid: number } | undefined {
  return typeof process.getuid === 'function' && typeof process.getgid === 'function'
    ? { uid: process.getuid(), gid: process.getgid() }
    : undefined;
}

/** The first reason not to trust one entry, or undefined. */
async function entryProblem(
  home: string,
  realHome: string,
  dir: string,
  manifest: Manifest,
  file: ManifestFile,
  index: number,
): Promise<string | undefined> {
  const where = `files[${index}] (${file.path})`;
  if (isOutsideHomeRequest(home, file)) {
    // Left alone by restore; still, it must name the user's request and nothing that restore would touch.
    return file.tempPath === null || file.tempPath === tempPathFor(file.writtenPath, manifest.id)
      ? undefined
      : `${where}: its temporary path ${file.tempPath} is not ei-keystore's own`;
  }
  for (const [name, value] of [
    ['path', file.path],
    ['writtenPath', file.writtenPath],
  ] as const) {
    if (path.resolve(value) !== value) return `${where}: ${name} ${value} is not a plain absolute path`;
    if (!isInsideLexically(home, value)) return `${where}: ${name} ${value} is outside the home ${home}`;
    let real: string;
    try {
      real = await realLocation(value);
    } catch {
      return `${where}: the folder of ${value} cannot be resolved`;
    }
    // Folders are resolved, the name itself is not (the configuration's link is checked below).
    if (!isInside(realHome, real)) return `${where}: ${value} leads out of the home (to ${real})`;
  }
  if (file.writtenPath !== file.path) {
    if (!isConfigurationPath(home, file.path))
      return `${where}: it names a link target (${file.writtenPath}), which only the configuration file may have`;
    let real: string | undefined;
    try {
      real = await realpath(file.path);
    } catch {
      real = undefined;
    }
    if (real !== file.writtenPath) return `${where}: ${file.path} does not link to ${file.writtenPath}`;
  }
  if (file.tempPath !== null && file.tempPath !== tempPathFor(file.writtenPath, manifest.id)) {
    return `${where}: its temporary path ${file.tempPath} is not ei-keystore's own name beside its target (${tempPathFor(file.writtenPath, manifest.id)})`;
  }
  const current = await statOrUndefined(file.writtenPath, false);
  const folder = await statOrUndefined(path.dirname(file.writtenPath), true);
  const me = runningIds();
  if (file.mode !== null) {
    if (file.mode < 0 || file.mode > 0o7777) return `${where}: mode ${file.mode} is not a file mode`;
    const special = file.mode & 0o7000;
    // Set-user-ID, set-group-ID and sticky bits are restored only onto a file of the running user that has them now.
    const mayKeep =
      me !== undefined && file.uid === me.uid && current !== undefined && current.uid === me.uid && (current.mode & special) === special;
    if (special !== 0 && !mayKeep)
      return `${where}: mode ${octal(file.mode)} has set-user-ID, set-group-ID or sticky bits, which ei-keystore never gives a file it restores`;
  }
  if (file.uid !== null || file.gid !== null) {
    // The owner a restore gives back must be the file's as it was: its backup copy's owner (as root the copy is
    // written with it, and only root can give a file away), or else one the file could have had: its owner now,
    // its folder's (a new file's), or the running user's (a file written without root).
    const copy = file.backupName === null ? undefined : await statOrUndefined(path.join(dir, file.backupName), false);
    const uids = new Set([copy?.uid, current?.uid, folder?.uid, me?.uid].filter((value) => value !== undefined));
    const gids = new Set([copy?.gid, current?.gid, folder?.gid, me?.gid].filter((value) => value !== undefined));
    if (file.uid !== null && !uids.has(file.uid)) return `${where}: owner uid ${file.uid} is neither the file's owner now nor its folder's`;
    if (file.gid !== null && !gids.has(file.gid)) return `${where}: group gid ${file.gid} is neither the file's group now nor its folder's`;
  }
  return undefined;
}

/**
 * The first reason a manifest in folder `dirName` of `home`'s backups cannot be trusted, or undefined when every
 * entry is something ei-keystore could have written: paths inside the home (after `..` is resolved, and without a
 * folder that leads out), plain permission bits, owners the file could have had, and temporary paths that are the
 * tool's own names beside their targets.
 */
export async function manifestProblem(home: string, dirName: string, manifest: Manifest, dir: string): Promise<string | undefined> {
  if (manifest.id !== dirName) return `its id ${manifest.id} is not the name of its folder (${dirName})`;
  const realHome = await realpath(home);
  const seen = new Set<string>();
  for (const [index, file] of manifest.files.entries()) {
    const problem = await entryProblem(home, realHome, dir, manifest, file, index);
    if (problem) return problem;
    if (seen.has(file.writtenPath)) return `files[${index}]: ${file.writtenPath} is listed twice`;
    seen.add(file.writtenPath);
  }
  return undefined;
}
