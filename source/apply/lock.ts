import { randomBytes } from 'node:crypto';
import { link, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { FileRefused } from '../files/file-errors.js';
import { READ_LIMITS, readFileChecked } from '../files/read-file.js';
import { checkStateDir, checkStateFile } from '../files/trusted-state.js';
import { ensurePrivateDir, lockPath, stateDir } from './layout.js';

/** What the lock file holds: enough to tell who holds it and whether that process still lives. */
export interface LockInfo {
  pid: number;
  startedAt: string;
  label: string;
  /** The backup id of the transaction holding the lock, so `status` does not call a running one interrupted. */
  id?: string;
}

export interface HomeLock {
  file: string;
  info: LockInfo;
  /** Removes the lock if it is still ours. Problems become warnings: the changes are already done or undone. */
  release(): Promise<void>;
}

/** A lock file whose writer died before finishing it is stale after this long. */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

/** Whether a process exists. EPERM means it does, under another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockInfo> | null;
    if (!value || !Number.isInteger(value.pid) || (value.pid ?? 0) <= 0) return undefined;
    return {
      pid: value.pid!,
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : 'an unknown time',
      label: typeof value.label === 'string' ? value.label : 'unknown',
      ...(typeof value.id === 'string' ? { id: value.id } : {}),
    };
  } catch {
    return undefined;
  }
}

/**
 * The lock file's text, or undefined when there is none. The lock must be a regular file owned by this user or
 * root (a planted link, dangling or not, is refused as untrusted state: FileRefused).
 */
async function readLockText(file: string): Promise<string | undefined> {
  if (!(await checkStateFile(file))) return undefined;
  try {
    // The state directory's parent is the home: a link on the way out of it is refused too.
    return (
      await readFileChecked(file, { what: 'lock file', limit: READ_LIMITS.state, home: path.dirname(path.dirname(file)) })
    ).bytes.toString('utf8');
  } catch (error) {
    if (error instanceof FileRefused && error.problem === 'missing') return undefined;
    throw error;
  }
}

/** The lock as it is now, or undefined when the home is not locked (or its lock cannot be trusted). */
export async function readLock(home: string): Promise<LockInfo | undefined> {
  try {
    if (!(await checkStateDir(stateDir(home)))) return undefined;
    const text = await readLockText(lockPath(home));
    return text === undefined ? undefined : parseLock(text);
  } catch {
    return undefined;
  }
}

async function writeExclusive(file: string, text: string): Promise<void> {
  const handle = await open(file, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes the lock under a private name, then links it into place (link fails if the lock exists, as O_EXCL
 * would): the lock appears complete, never empty, so a process killed at any instant leaves a lock whose pid
 * tells that it is stale.
 */
async function tryCreate(file: string, text: string): Promise<boolean> {
  const draft = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.new`;
  try {
    await writeExclusive(draft, text);
    try {
      await link(draft, file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A file system without hard links: create the lock directly (a kill mid-write leaves it empty; see below).
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
      await writeExclusive(file, text);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UserError(`cannot create the lock file ${file}: ${(error as Error).message}. Nothing was written.`, 'lock-failed');
  } finally {
    await rm(draft, { force: true });
  }
}

/**
 * Moves a stale lock aside and deletes it, but only if what was moved is the stale lock that was read: another
 * process may have cleared it and taken a fresh lock in the meantime, which must be put back.
 */
async function clearStale(file: string, staleText: string): Promise<void> {
  const aside = `${file}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readLockText(aside).catch(() => staleText);
  if (moved !== staleText) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
}

function heldBy(file: string, holder: LockInfo): UserError {
  return new UserError(
    `another ei-keystore (pid ${holder.pid}, "${holder.label}", since ${holder.startedAt}) is changing this home: ` +
      `lock file ${file}. Nothing was written. Wait for it to finish and run again; if no ei-keystore is running, delete ${file}.`,
    'locked',
  );
}

/**
 * Takes `<home>/.ei-keystore/lock` with O_EXCL. A live holder is refused (exit 2); a lock left by a process
 * that no longer exists is cleared with a warning rather than waited on.
 */
export async function acquireHomeLock(
  home: string,
  what: { label: string; id?: string },
  warn: (message: string) => void,
  /** Gets the state directory when this call created it, so a run that writes nothing can remove it again. */
  created: string[] = [],
): Promise<HomeLock> {
  try {
    if (await ensurePrivateDir(stateDir(home))) created.push(stateDir(home));
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot create ${stateDir(home)}: ${(error as Error).message}. Nothing was written.`, 'lock-failed');
  }
  const file = lockPath(home);
  // A planted link as the lock (dangling or not) is refused here with what to do, before it can be followed.
  await checkStateFile(file);
  const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString(), label: what.label, ...(what.id ? { id: what.id } : {}) };
  // The exact text written identifies our lock at release, even against another lock of this same process.
  const ours = JSON.stringify({ ...info, nonce: randomBytes(4).toString('hex') }) + '\n';
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await tryCreate(file, ours)) return { file, info, release: () => releaseLock(file, ours, warn) };
    const text = await readLockText(file);
    if (text === undefined) continue; // released between our open and read: try again
    const holder = parseLock(text);
    if (holder) {
      if (processAlive(holder.pid)) throw heldBy(file, holder);
      await clearStale(file, text);
      warn(
        `cleared a stale lock ${file} left by process ${holder.pid} ("${holder.label}", since ${holder.startedAt}), which no longer runs.`,
      );
      continue;
    }
    const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    if (age < UNREADABLE_LOCK_GRACE_MS) {
      throw new UserError(
        `the lock file ${file} is being written by another ei-keystore or is damaged. Nothing was written. Run again; if this persists, delete ${file}.`,
        'locked',
      );
    }
    await clearStale(file, text);
    warn(`cleared a damaged lock file ${file} (not readable, ${Math.round(age / 1000)} s old).`);
  }
  throw new UserError(
    `could not take the lock ${file}: other ei-keystore processes keep taking it. Nothing was written. Run again.`,
    'locked',
  );
}

async function releaseLock(file: string, ours: string, warn: (message: string) => void): Promise<void> {
  const current = await readLockText(file).catch(() => undefined);
  if (current !== ours) {
    warn(`the lock file ${file} was removed or replaced by someone else while this change ran.`);
    return;
  }
  try {
    await rm(file);
  } catch (error) {
    warn(`could not remove the lock file ${file}: ${(error as Error).message}. Delete it by hand.`);
  }
}
