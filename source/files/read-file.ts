import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath } from 'node:fs/promises';
import { errnoOf, FileRefused, kindOf, refusedFromErrno } from './file-errors.js';
import { checkWayInsideHome, checkWayInsideHomeSync, isInside, isInsideLexically } from './home-paths.js';

const MB = 1024 * 1024;

/**
 * The most bytes each kind of file may hold. Real ones are far smaller (a shipped truststore is 200 KB, a
 * deployment.toml 20 KB); the bound is there so a FIFO, /dev/zero or a runaway file cannot eat the machine.
 */
export const READ_LIMITS = {
  keystore: 16 * MB,
  certificate: 16 * MB,
  configuration: 16 * MB,
  answers: 1 * MB,
  secret: 64 * 1024,
  /** ei-keystore's own small files: the lock, manifests, pending-request descriptions. */
  state: 1 * MB,
} as const;

export interface ReadRequest {
  /** What the file is, for messages: 'keystore', 'configuration file', 'answers file'. */
  what: string;
  /** The most bytes the file may hold, counted while reading (procfs files report size 0). */
  limit: number;
  /**
   * The home, when the file may be one of its files. A file inside it is then read only when neither it nor a
   * folder on the way is a link leading out of the home; a link as the file itself is refused unless
   * `followLink` (the configuration file only), and then only to a target inside the home. Files outside the
   * home, and files the user names (answers, inspect FILE, import files), may be links: they are followed.
   */
  home?: string;
  followLink?: boolean;
}

export interface FileContent {
  bytes: Buffer;
  /** The file's status as opened (after any link): mode, owner, size. */
  stats: Stats;
  /** Set when `file` was a link that was followed: the real path that was read. */
  linkTarget?: string;
}

function notRegular(file: string, what: string, stats: Stats): FileRefused {
  return new FileRefused(
    `the ${what} ${file} is ${kindOf(stats)}, not a regular file; ei-keystore reads only regular files (never waits on a pipe or a device). Give the path of the file itself.`,
    'not-regular',
    file,
  );
}

function tooLarge(file: string, what: string, limit: number): FileRefused {
  const size = limit >= MB ? `${limit / MB} MB` : `${limit / 1024} KB`;
  return new FileRefused(`the ${what} ${file} holds more than ${size}, far more than a ${what} does; check the path.`, 'too-large', file);
}

function linkRefused(file: string, target: string, what: string): FileRefused {
  return new FileRefused(
    `${file} is a symbolic link to ${target}; ei-keystore follows links in the home only for the configuration file, so it does not use this ${what}. ` +
      `Replace the link with the file it points to (cp --remove-destination '${target}' '${file}').`,
    'symlink',
    file,
  );
}

function linkOutside(file: string, target: string, home: string, what: string): FileRefused {
  return new FileRefused(
    `${file} is a symbolic link to ${target}, outside the home ${home}; ei-keystore does not follow links out of the home, so it does not use this ${what}. ` +
      `Move the file into the home and point the link (or the configuration) at it.`,
    'outside-home',
    file,
  );
}

function dangling(file: string, target: string): FileRefused {
  // Not 'missing': writing "there" would create the link's target, wherever it points.
  return new FileRefused(
    `${file} is a symbolic link to ${target}, which does not exist; remove the link (or fix it) and run again.`,
    'symlink',
    file,
  );
}

const FOLLOW = constants.O_RDONLY | constants.O_NONBLOCK;
/** O_NONBLOCK: a FIFO swapped in after the checks opens at once (and is then refused) instead of hanging. */
const NO_FOLLOW = FOLLOW | constants.O_NOFOLLOW;

interface Plan {
  open: string;
  flags: number;
  linkTarget?: string;
}

async function planRead(file: string, request: ReadRequest): Promise<Plan> {
  const home = request.home;
  if (home === undefined || !isInsideLexically(home, file)) return { open: file, flags: FOLLOW };
  // The folders first: a missing file behind a link out of the home is refused as that, not as missing. The
  // file's own lstat is asked at the same time (one round trip to the thread pool less), its answer used after.
  const way = checkWayInsideHome(home, file, 'reads files');
  const own = lstat(file);
  own.catch(() => undefined);
  try {
    await way;
  } catch (error) {
    throw error instanceof FileRefused ? error : refusedFromErrno(error, file, request.what);
  }
  let info: Stats;
  try {
    info = await own;
  } catch (error) {
    throw refusedFromErrno(error, file, request.what);
  }
  if (!info.isSymbolicLink()) return { open: file, flags: NO_FOLLOW };
  const written = await readlink(file).catch(() => '?');
  let real: string;
  try {
    real = await realpath(file);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') throw dangling(file, written);
    throw refusedFromErrno(error, file, request.what);
  }
  if (!request.followLink) throw linkRefused(file, real, request.what);
  if (!isInside(await realpath(home), real)) throw linkOutside(file, real, home, request.what);
  return { open: real, flags: NO_FOLLOW, linkTarget: real };
}

function planReadSync(file: string, request: ReadRequest): Plan {
  const home = request.home;
  if (home === undefined || !isInsideLexically(home, file)) return { open: file, flags: FOLLOW };
  try {
    checkWayInsideHomeSync(home, file, 'reads files');
  } catch (error) {
    throw error instanceof FileRefused ? error : refusedFromErrno(error, file, request.what);
  }
  let info: Stats;
  try {
    info = lstatSync(file);
  } catch (error) {
    throw refusedFromErrno(error, file, request.what);
  }
  if (!info.isSymbolicLink()) return { open: file, flags: NO_FOLLOW };
  let written = '?';
  try {
    written = readlinkSync(file);
  } catch {
    // only for the message
  }
  let real: string;
  try {
    real = realpathSync(file);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') throw dangling(file, written);
    throw refusedFromErrno(error, file, request.what);
  }
  if (!request.followLink) throw linkRefused(file, real, request.what);
  if (!isInside(realpathSync(home), real)) throw linkOutside(file, real, home, request.what);
  return { open: real, flags: NO_FOLLOW, linkTarget: real };
}

function openError(error: unknown, file: string, what: string, flags: number): FileRefused {
  // O_NOFOLLOW on a path checked a moment ago: a link was swapped in since.
  if (errnoOf(error) === 'ELOOP' && flags === NO_FOLLOW)
    return new FileRefused(
      `${file} became a symbolic link while it was being read; ei-keystore does not use it. Check who changes that folder.`,
      'symlink',
      file,
    );
  return refusedFromErrno(error, file, what);
}

/**
 * How much to read next: the rest of the file as its size says, plus one byte to see its end (or that it grew past
 * the limit), in one buffer; a file whose size says nothing (procfs says 0) a MB at a time. Fresh memory is what a
 * short run pays most for (~20 µs per page on a virtual machine), so no buffer is larger than the file.
 */
function chunkSize(stats: Stats, limit: number, readSoFar: number): number {
  const rest = stats.size > 0 && stats.size >= readSoFar ? stats.size - readSoFar + 1 : MB;
  return Math.min(rest, MB, limit + 1 - readSoFar);
}

/** The chunks as one buffer: the one chunk itself when there is one (no copy), else a copy of them all. */
function joined(chunks: Buffer[], total: number): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

/**
 * Reads a file the safe way: links only as `request` allows, regular files only (a FIFO, device, socket or
 * directory is refused with its kind named, and never waited on), at most `limit` bytes counted while reading.
 * Every refusal is a FileRefused naming the file and what to do; a missing file has problem 'missing'.
 */
export async function readFileChecked(file: string, request: ReadRequest): Promise<FileContent> {
  const plan = await planRead(file, request);
  let handle;
  try {
    handle = await open(plan.open, plan.flags);
  } catch (error) {
    throw openError(error, file, request.what, plan.flags);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegular(file, request.what, stats);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(chunkSize(stats, request.limit, total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > request.limit) throw tooLarge(file, request.what, request.limit);
      // A short read that reached the size the file had when opened is its end: no round trip to hear "0 bytes".
      // (procfs files say size 0 and sysfs ones 4096, so they are still read until a read gives nothing.)
      if (bytesRead < buffer.length && stats.size > 0 && total === stats.size) break;
    }
    return { bytes: joined(chunks, total), stats, ...(plan.linkTarget ? { linkTarget: plan.linkTarget } : {}) };
  } catch (error) {
    if (error instanceof FileRefused) throw error;
    throw refusedFromErrno(error, file, request.what);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

export function readFileCheckedSync(file: string, request: ReadRequest): FileContent {
  const plan = planReadSync(file, request);
  let fd: number;
  try {
    fd = openSync(plan.open, plan.flags);
  } catch (error) {
    throw openError(error, file, request.what, plan.flags);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegular(file, request.what, stats);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(chunkSize(stats, request.limit, total));
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > request.limit) throw tooLarge(file, request.what, request.limit);
      // As readFileChecked: a short read that reached the size the file had when opened is its end.
      if (bytesRead < buffer.length && stats.size > 0 && total === stats.size) break;
    }
    return { bytes: joined(chunks, total), stats, ...(plan.linkTarget ? { linkTarget: plan.linkTarget } : {}) };
  } catch (error) {
    if (error instanceof FileRefused) throw error;
    throw refusedFromErrno(error, file, request.what);
  } finally {
    closeSync(fd);
  }
}

/** The same, but a missing file (ENOENT, or a folder on the way missing) is undefined rather than an error. */
export async function readFileIfPresent(file: string, request: ReadRequest): Promise<FileContent | undefined> {
  try {
    return await readFileChecked(file, request);
  } catch (error) {
    if (error instanceof FileRefused && error.problem === 'missing') return undefined;
    throw error;
  }
}

export function readFileIfPresentSync(file: string, request: ReadRequest): FileContent | undefined {
  try {
    return readFileCheckedSync(file, request);
  } catch (error) {
    if (error instanceof FileRefused && error.problem === 'missing') return undefined;
    throw error;
  }
}
