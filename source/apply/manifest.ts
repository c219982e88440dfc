import { randomBytes } from 'node:crypto';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { FileRefused } from '../files/file-errors.js';
import { READ_LIMITS, readFileChecked } from '../files/read-file.js';
import { firstInvalidUtf8Offset } from '../files/utf8.js';
import { fsyncDir, replaceAtomically } from './atomic-write.js';

export type BackupState = 'in-progress' | 'complete' | 'rolled-back';

/** One file a transaction touched. Hashes and modes only: never the content, which may be a secret. */
export interface ManifestFile {
  /** The path as the caller named it (a symlink stays named as the link). */
  path: string;
  /** The file actually written: `path` with symlinks followed. */
  writtenPath: string;
  role: string;
  existed: boolean;
  /** Permission bits before the change, null when the file did not exist. */
  mode: number | null;
  uid: number | null;
  gid: number | null;
  sha256Before: string | null;
  /** Null when the transaction deletes the file (a restore removing a file an apply had created). */
  sha256After: string | null;
  /** The copy's name inside the backup directory, null when the file did not exist. */
  backupName: string | null;
  /** The temporary file staged for this target: what a crash may leave behind. Null for a deletion. */
  tempPath: string | null;
}

export interface Manifest {
  id: string;
  label: string;
  createdAt: string;
  state: BackupState;
  files: ManifestFile[];
}

export const MANIFEST_NAME = 'manifest.json';
/**
 * A rolled-back transaction whose manifest could not be rewritten (a full disk) has it renamed to this instead:
 * a rename needs no free space, and the name alone says "rolled back", so status reports no false interruption.
 */
export const ROLLED_BACK_MANIFEST_NAME = 'manifest.rolled-back.json';
const STATES: readonly BackupState[] = ['in-progress', 'complete', 'rolled-back'];

/** Sortable by time to the second, with a random tail so two in the same second differ. */
export function newBackupId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function isValidBackupId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const text = JSON.stringify(manifest, null, 2) + '\n';
  await replaceAtomically(path.join(dir, MANIFEST_NAME), Buffer.from(text, 'utf8'), 0o600, undefined, 'manifest');
  await fsyncDir(dir);
}

function damaged(dir: string, why: string): UserError {
  return new UserError(`backup manifest ${path.join(dir, MANIFEST_NAME)} is damaged (${why}); it cannot be used.`, 'damaged-backup');
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isNullableInt = (value: unknown): value is number | null => value === null || Number.isInteger(value);

function parseFile(value: unknown, dir: string, index: number): ManifestFile {
  const where = `files[${index}]`;
  if (typeof value !== 'object' || value === null) throw damaged(dir, `${where} is not an object`);
  const file = value as Record<string, unknown>;
  const { path: filePath, writtenPath, role, existed, mode, uid, gid, sha256Before, sha256After, backupName, tempPath } = file;
  if (!isString(filePath) || !path.isAbsolute(filePath)) throw damaged(dir, `${where}.path is not an absolute path`);
  if (!isString(writtenPath) || !path.isAbsolute(writtenPath)) throw damaged(dir, `${where}.writtenPath is not an absolute path`);
  if (typeof existed !== 'boolean') throw damaged(dir, `${where}.existed is not true or false`);
  if (!isNullableInt(mode) || !isNullableInt(uid) || !isNullableInt(gid)) throw damaged(dir, `${where} has a bad mode or owner`);
  if (!isNullableString(sha256Before) || !isNullableString(sha256After) || !isNullableString(tempPath)) {
    throw damaged(dir, `${where} has a bad hash or temporary path`);
  }
  // The copy must sit inside the backup directory: a name with a separator could read any file.
  if (!isNullableString(backupName) || (backupName !== null && (backupName !== path.basename(backupName) || backupName.startsWith('.')))) {
    throw damaged(dir, `${where}.backupName is not a plain file name`);
  }
  if (existed && (backupName === null || sha256Before === null || mode === null)) throw damaged(dir, `${where} existed but has no copy`);
  return {
    path: filePath,
    writtenPath,
    role: isString(role) ? role : 'file',
    existed,
    mode,
    uid,
    gid,
    sha256Before,
    sha256After,
    backupName,
    tempPath,
  };
}

/** Marks a manifest rolled back without writing a byte: see ROLLED_BACK_MANIFEST_NAME. */
export async function markRolledBackByRename(dir: string): Promise<void> {
  await rename(path.join(dir, MANIFEST_NAME), path.join(dir, ROLLED_BACK_MANIFEST_NAME));
}

async function readManifestBytes(file: string): Promise<Buffer | undefined> {
  try {
    // Backups live in the state directory, under the home two levels up: no link is followed on the way.
    return (
      await readFileChecked(file, {
        what: 'backup manifest',
        limit: READ_LIMITS.state,
        home: path.dirname(path.dirname(path.dirname(path.dirname(file)))),
      })
    ).bytes;
  } catch (error) {
    if (error instanceof FileRefused && error.problem === 'missing') return undefined;
    throw error;
  }
}

/** Reads and checks a manifest: a restore must not act on a half-understood one. */
export async function readManifest(dir: string): Promise<Manifest> {
  let bytes: Buffer | undefined;
  let renamedRolledBack = false;
  try {
    bytes = await readManifestBytes(path.join(dir, MANIFEST_NAME));
    if (bytes === undefined) {
      bytes = await readManifestBytes(path.join(dir, ROLLED_BACK_MANIFEST_NAME));
      renamedRolledBack = bytes !== undefined;
    }
  } catch (error) {
    throw damaged(dir, (error as Error).message);
  }
  if (bytes === undefined) throw damaged(dir, 'it does not exist');
  if (firstInvalidUtf8Offset(bytes) !== undefined) throw damaged(dir, 'not UTF-8');
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged(dir, 'not JSON');
  }
  if (typeof value !== 'object' || value === null) throw damaged(dir, 'not an object');
  const record = value as Record<string, unknown>;
  const { id, label, createdAt, state, files } = record;
  if (!isString(id) || !isString(label) || !isString(createdAt)) throw damaged(dir, 'id, label or createdAt missing');
  if (!isString(state) || !STATES.includes(state as BackupState)) throw damaged(dir, `unknown state ${String(state)}`);
  if (!Array.isArray(files)) throw damaged(dir, 'files is not a list');
  const parsed = { id, label, createdAt, state: state as BackupState, files: files.map((file, index) => parseFile(file, dir, index)) };
  return renamedRolledBack ? { ...parsed, state: 'rolled-back' } : parsed;
}
