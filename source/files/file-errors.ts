import type { Stats } from 'node:fs';
import { type ErrorCode, type FileProblem, UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

export type { FileProblem };

/**
 * A file of the home (or one the user named) that ei-keystore will not use. Always a user error: the message
 * names the path, what is wrong with it and what to do. Exit 2 unless the caller says otherwise.
 */
export class FileRefused extends UserError {
  override name = 'FileRefused';
  constructor(
    message: string,
    readonly problem: FileProblem,
    readonly file: string,
    code: ErrorCode = `file-${problem}`,
  ) {
    super(message, code, EXIT.badInput);
  }
}

export function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** What a file is when it is not a regular file, in words ("a named pipe (FIFO)"). */
export function kindOf(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * One clause for a failed file-system call: what happened and what to do about it. Covers every error code a
 * user or a file can cause, so none of them reaches the "this is a bug" path.
 */
export function explainErrno(error: unknown): string {
  const code = errnoOf(error);
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory; check the path';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code}); run as a user who may use it, or fix its owner and mode`;
    case 'EISDIR':
      return 'it is a directory (EISDIR); give the path of a file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory (ENOTDIR); check the path';
    case 'ENAMETOOLONG':
      return 'the path or one of its names is too long (ENAMETOOLONG); use a shorter path';
    case 'ELOOP':
      return 'too many levels of symbolic links (ELOOP); fix the links on that path';
    case 'EFBIG':
    case 'ERR_FS_FILE_TOO_LARGE':
      return `the file is too large (${code}); check the path`;
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC); free some space';
    case 'EDQUOT':
      return 'the disk quota is exhausted (EDQUOT); free some space';
    case 'EEXIST':
      return 'it already exists (EEXIST)';
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files (${code}); close other programs and run again`;
    case 'EIO':
      return 'an input/output error (EIO); check the disk';
    case 'ETXTBSY':
    case 'EBUSY':
      return `the file is busy (${code}); run again when it is free`;
    case 'EXDEV':
      return 'it is on another file system (EXDEV)';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** Errors from the file system that a user or a file can cause: never reported as a bug. */
const USER_CAUSED = new Set([
  'ENOENT',
  'EACCES',
  'EPERM',
  'EISDIR',
  'ENOTDIR',
  'ENAMETOOLONG',
  'ELOOP',
  'EFBIG',
  'ERR_FS_FILE_TOO_LARGE',
  'EROFS',
  'ENOSPC',
  'EDQUOT',
  'EEXIST',
  'EMFILE',
  'ENFILE',
  'EIO',
  'ETXTBSY',
  'EBUSY',
  'EXDEV',
  'ENXIO',
  'ENODEV',
  'EAGAIN',
  'EINVAL',
]);

export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const code = errnoOf(error);
  return code !== undefined && USER_CAUSED.has(code) && error instanceof Error;
}

/** The last line of defence: an fs error that escaped its caller, made a user error that names the path. */
export function fileSystemUserError(error: NodeJS.ErrnoException): UserError {
  const dest = (error as NodeJS.ErrnoException & { dest?: string }).dest;
  const where = error.path ? `${error.path}${dest ? ` -> ${dest}` : ''}: ` : '';
  return new UserError(`${where}${explainErrno(error)}.`, 'file-error', EXIT.badInput);
}

/** Turns a failed fs call on `file` into a FileRefused naming it (missing files get their own problem). */
export function refusedFromErrno(error: unknown, file: string, what: string): FileRefused {
  const code = errnoOf(error);
  // ENOTDIR: a part of the path is a file, so the file cannot exist either.
  const problem: FileProblem = code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable';
  return new FileRefused(`the ${what} ${file} cannot be read: ${explainErrno(error)}.`, problem, file);
}
