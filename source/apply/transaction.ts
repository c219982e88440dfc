import { chmod, mkdir, rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import { fsyncDir, tempPathFor, writeDurable } from './atomic-write.js';
import { backupNameFor } from './backups.js';
import type { Change, ExpectedFile, StagedFile, Target, TransactionOptions, TransactionResult } from './changes.js';
import { reachPoint, type StepName } from './faults.js';
import { backupDir, backupsDir, ensurePrivateDir } from './layout.js';
import { acquireHomeLock, type HomeLock } from './lock.js';
import { isValidBackupId, newBackupId, writeManifest, type Manifest } from './manifest.js';
import { rollBack, type RunState } from './rollback.js';
import { directoryOwner, readCurrent, resolveWriteTarget, runningAsRoot, sha256 } from './targets.js';
import { TransactionFailed } from './transaction-error.js';

export type { FileWrite, TransactionOptions, TransactionResult } from './changes.js';
export { TRANSACTION_STEPS } from './faults.js';

/**
 * The only way ei-keystore writes to a home: lock, check, back up, stage every file under a temporary name,
 * verify, rename each into place, unlock. On any failure after the backup started every file is put back, so
 * the home ends old or new, never half-changed; a crash leaves each file old or new and a manifest to restore.
 */
export async function applyTransaction(options: TransactionOptions): Promise<TransactionResult> {
  return runChanges({ ...options, changes: options.writes });
}

export interface ChangeOptions extends Omit<TransactionOptions, 'writes'> {
  changes: Change[];
  /**
   * Directories of ei-keystore's state that must exist before the files are written (pending/), parents first:
   * created 0700 under the lock, and removed again when the run ends without writing anything.
   */
  privateDirs?: string[];
  /** Runs under the lock once the manifest is complete; a failure there is only a warning. */
  afterCommit?: () => Promise<void>;
}

function checkCallerInput(options: ChangeOptions, id: string): void {
  // Mistakes of the calling code, not of the user: plain errors.
  if (!isValidBackupId(id)) throw new Error(`applyTransaction: bad backup id ${JSON.stringify(id)}`);
  for (const change of options.changes) {
    if (!path.isAbsolute(change.path)) throw new Error(`applyTransaction: path must be absolute: ${change.path}`);
  }
}

export async function runChanges(options: ChangeOptions): Promise<TransactionResult> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const id = options.id ?? newBackupId(new Date());
  checkCallerInput(options, id);
  const run: RunState = { id, dir: backupDir(options.home, id), targets: [], dirCreated: false, manifest: undefined };
  let step: StepName = 'lock';
  const enter = (name: StepName) => {
    step = name;
    options.onStep?.(name);
  };

  enter('lock');
  // Directories this run creates: a run that ends with nothing written removes them, so exit 2 leaves no trace.
  const created: string[] = [];
  let lock: HomeLock;
  try {
    lock = await acquireHomeLock(options.home, { label: options.label, id }, warn, created);
  } catch (error) {
    await removeCreated(created);
    throw error;
  }
  const release = async () => {
    await lock.release();
    if (!run.dirCreated) await removeCreated(created);
  };
  try {
    reachPoint(options.faults, 'lock');
    enter('check');
    for (const dir of options.privateDirs ?? []) if (await ensurePrivateDir(dir)) created.push(dir);
    run.targets = await inspectTargets(options.changes, id, options.home);
    await checkExpected(options.expected ?? [], run.targets, options.home);
    reachPoint(options.faults, 'check');
    enter('backup');
    await backUp(options, run, created);
    reachPoint(options.faults, 'backup');
    enter('stage');
    const staged = await stage(run.targets);
    reachPoint(options.faults, 'stage');
    enter('verify');
    await options.verify?.(staged);
    reachPoint(options.faults, 'verify');
    enter('commit');
    await commit(options, run);
    enter('unlock');
    reachPoint(options.faults, 'unlock');
  } catch (error) {
    throw await failed(options, run, step, error, release, warn);
  }
  await release();
  const changed = run.targets
    .filter((target) => target.entry.sha256Before !== target.entry.sha256After)
    .map((target) => target.change.path);
  return { backupId: id, backupDir: run.dir, changed, warnings };
}

/** Removes the directories a run created, newest first, when they are still empty (rmdir refuses otherwise). */
async function removeCreated(created: string[]): Promise<void> {
  for (const dir of [...created].reverse()) await rmdir(dir).catch(() => undefined);
  created.length = 0;
}

/**
 * Waits for every one of `work` (so nothing is still writing when a failure is handled, or rolled back), then
 * raises the first failure in the order given, as doing them one after the other would have.
 */
async function allInOrder<T>(work: Array<Promise<T>>): Promise<T[]> {
  const outcomes = await Promise.allSettled(work);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<T>).value);
}

async function inspectTargets(changes: Change[], id: string, home: string): Promise<Target[]> {
  // Every target resolved and read at once: each step is a round trip to the thread pool.
  const looked = await allInOrder(
    changes.map(async (change) => {
      const writtenPath = await resolveWriteTarget(change.path, {
        home,
        mayBeOutsideHome: !change.delete && change.mayBeOutsideHome === true,
      });
      return { writtenPath, current: await readCurrent(writtenPath, home) };
    }),
  );
  const targets: Target[] = [];
  const seen = new Map<string, string>();
  for (const [index, change] of changes.entries()) {
    const { writtenPath, current } = looked[index]!;
    const twin = seen.get(writtenPath);
    if (twin !== undefined) {
      throw new UserError(
        `${twin} and ${change.path} are the same file (${writtenPath}); it cannot be written twice in one change. Nothing was written.`,
        'bad-target',
      );
    }
    seen.set(writtenPath, change.path);
    const content = change.delete ? undefined : change.content;
    targets.push({
      change,
      writtenPath,
      current,
      staged: false,
      applied: false,
      entry: {
        path: change.path,
        writtenPath,
        role: change.role,
        existed: current !== undefined,
        mode: current?.mode ?? null,
        uid: current?.owner.uid ?? null,
        gid: current?.owner.gid ?? null,
        sha256Before: current?.sha256 ?? null,
        sha256After: content ? sha256(content) : null,
        backupName: current ? backupNameFor(index, writtenPath) : null,
        tempPath: content ? tempPathFor(writtenPath, id) : null,
      },
    });
  }
  return targets;
}

async function checkExpected(expected: ExpectedFile[], targets: Target[], home: string): Promise<void> {
  // A file that is also a target was resolved and read a moment ago, under this same lock: that reading is used.
  // (The last word is checkUnchanged's, which reads every target again just before the renames.)
  const targetOf = new Map(targets.map((target) => [target.change.path, target]));
  const currents = await allInOrder(
    expected.map(async (file) => {
      const target = targetOf.get(file.path);
      if (target) return target.current;
      // Outside the home only a file the user named can be expected (a CSR); the write itself is checked separately.
      return readCurrent(await resolveWriteTarget(file.path, { home, mayBeOutsideHome: true }), home);
    }),
  );
  for (const [index, file] of expected.entries()) {
    const actual = currents[index]?.sha256 ?? null;
    if (actual !== file.sha256) {
      const how = actual === null ? 'was removed' : file.sha256 === null ? 'was created' : 'changed';
      throw new UserError(
        `${file.path} ${how} since it was read (by another program?); nothing was written; run again.`,
        'changed-since-read',
      );
    }
  }
}

async function backUp(options: ChangeOptions, run: RunState, created: string[]): Promise<void> {
  if (await ensurePrivateDir(backupsDir(options.home))) created.push(backupsDir(options.home));
  // Not recursive: an existing directory of that id is someone else's backup and must not be touched.
  await mkdir(run.dir, { mode: 0o700 });
  run.dirCreated = true;
  await chmod(run.dir, 0o700);
  const root = runningAsRoot();
  // The copies are written at once; the manifest only after all of them are on disk.
  await allInOrder(
    run.targets.map(async (target) => {
      if (target.current && target.entry.backupName) {
        // As root the copy keeps the file's owner: a fact only root can make, so a restore can check the owner its
        // manifest records against it (apply/manifest-trust.ts). The folder is root's 0700: nobody else reads it.
        await writeDurable(
          path.join(run.dir, target.entry.backupName),
          target.current.bytes,
          0o600,
          root ? target.current.owner : undefined,
        );
      }
    }),
  );
  await fsyncDir(run.dir);
  const manifest: Manifest = {
    id: run.id,
    label: options.label,
    createdAt: new Date().toISOString(),
    state: 'in-progress',
    files: run.targets.map((target) => target.entry),
  };
  // Written only once every copy is on disk: a manifest present means the backup is whole.
  await writeManifest(run.dir, manifest);
  run.manifest = manifest;
  await fsyncDir(backupsDir(options.home));
}

async function stage(targets: Target[]): Promise<StagedFile[]> {
  const root = runningAsRoot();
  // Every temporary file written (and fsynced) at once; the rollback removes each one that was made.
  const staged = await allInOrder(
    targets.map(async (target): Promise<StagedFile | undefined> => {
      const { change, current, entry } = target;
      if (change.delete || entry.tempPath === null) return undefined;
      const mode = change.mode ?? current?.mode ?? 0o600;
      // As root, a new file would belong to root and the server's user could not read it: keep the old owner,
      // or take the directory's for a new file.
      const owner = root ? (change.owner ?? current?.owner ?? (await directoryOwner(target.writtenPath))) : undefined;
      await writeDurable(entry.tempPath, change.content, mode, owner);
      target.staged = true;
      return { path: change.path, tempPath: entry.tempPath };
    }),
  );
  return staged.filter((file): file is StagedFile => file !== undefined);
}

/** Another program may have written a target since it was read: renaming over that would lose its change. */
async function checkUnchanged(targets: Target[], home: string): Promise<void> {
  const now = await allInOrder(targets.map((target) => readCurrent(target.writtenPath, home)));
  for (const [index, target] of targets.entries()) {
    if ((now[index]?.sha256 ?? null) !== target.entry.sha256Before) {
      throw new UserError(`${target.change.path} changed while this change was being prepared (by another program?)`, 'changed-since-read');
    }
  }
}

async function commit(options: ChangeOptions, run: RunState): Promise<void> {
  await checkUnchanged(run.targets, options.home);
  let renames = 0;
  reachPoint(options.faults, 'commit', renames);
  for (const target of run.targets) {
    if (target.change.delete) {
      await rm(target.writtenPath, { force: true });
    } else if (target.entry.tempPath !== null) {
      await rename(target.entry.tempPath, target.writtenPath);
    }
    target.applied = true;
    renames++;
    reachPoint(options.faults, 'commit', renames);
  }
  await allInOrder([...new Set(run.targets.map((target) => path.dirname(target.writtenPath)))].map((dir) => fsyncDir(dir)));
  reachPoint(options.faults, 'commit');
  if (run.manifest) {
    run.manifest.state = 'complete';
    await writeManifest(run.dir, run.manifest);
  }
  if (options.afterCommit) {
    await options.afterCommit().catch((error: unknown) => {
      options.onWarning?.(`after the change: ${(error as Error).message}`);
    });
  }
}

async function failed(
  options: ChangeOptions,
  run: RunState,
  step: StepName,
  error: unknown,
  release: () => Promise<void>,
  warn: (message: string) => void,
): Promise<Error> {
  if (!run.dirCreated) {
    // Nothing was written: errors of the user's making (a changed file, a bad target) pass through as they are.
    await release();
    if (error instanceof UserError && !(error instanceof TransactionFailed)) return error;
    return new TransactionFailed(options.label, step, error, undefined, [], 'Nothing was written.');
  }
  options.onStep?.('rollback');
  const notRestored = await rollBack(run, warn);
  await release();
  const outcome = notRestored.length
    ? `Rolling back failed for: ${notRestored.join('; ')}. The files as they were are in ${run.dir}; put them back with 'ei-keystore restore ${run.id}'.`
    : `Every file was put back as it was; nothing was changed (backup ${run.id}).`;
  return new TransactionFailed(options.label, step, error, run.id, notRestored, outcome);
}
