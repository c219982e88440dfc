import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, replaceAtomically } from './atomic-write.js';
import type { Target } from './changes.js';
import { markRolledBackByRename, ROLLED_BACK_MANIFEST_NAME, writeManifest, type Manifest } from './manifest.js';
import { runningAsRoot } from './targets.js';

/** What a transaction has done so far, for the rollback to undo. */
export interface RunState {
  id: string;
  dir: string;
  targets: Target[];
  /** The backup directory was created by this transaction (so it may remove it). */
  dirCreated: boolean;
  /** Set once the manifest is on disk. */
  manifest: Manifest | undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Deletes the temporary files, puts back every target already renamed (the bytes read before, their mode and
 * owner, again through temp+rename), removes the ones that did not exist, and marks the manifest rolled back.
 * Returns the files it could not put back; keeps going past each failure so as much as possible is restored.
 */
export async function rollBack(run: RunState, warn: (message: string) => void): Promise<string[]> {
  const root = runningAsRoot();
  const notRestored: string[] = [];
  for (const target of [...run.targets].reverse()) {
    const { entry, current } = target;
    try {
      if (!target.applied) {
        if (entry.tempPath !== null) await rm(entry.tempPath, { force: true });
        continue;
      }
      if (current) {
        await replaceAtomically(target.writtenPath, current.bytes, current.mode, root ? current.owner : undefined, `${run.id}.rollback`);
      } else {
        await rm(target.writtenPath, { force: true });
      }
      target.applied = false;
    } catch (error) {
      notRestored.push(`${target.change.path} (${describe(error)})`);
    }
  }
  for (const dir of new Set(run.targets.map((target) => path.dirname(target.writtenPath)))) {
    await fsyncDir(dir).catch(() => undefined);
  }
  if (run.manifest) {
    run.manifest.state = 'rolled-back';
    await writeManifest(run.dir, run.manifest).catch(async (error: unknown) => {
      // A full disk cannot take the rewritten manifest, but a rename needs no space: without either, status
      // would report this finished rollback as an interrupted change.
      try {
        await markRolledBackByRename(run.dir);
        warn(
          `could not rewrite the manifest of backup ${run.id} (${describe(error)}); renamed it to ${ROLLED_BACK_MANIFEST_NAME}, which marks it rolled back`,
        );
      } catch (renameError) {
        warn(
          `could not mark backup ${run.id} as rolled back: ${describe(error)}; ${describe(renameError)}. status will call it interrupted until ${run.dir} is removed (or restored with 'ei-keystore restore ${run.id}') once the disk has room`,
        );
      }
    });
  } else if (run.dirCreated) {
    // Cut short before its manifest: no target was touched, and an unlabelled directory would only confuse.
    await rm(run.dir, { recursive: true, force: true }).catch(() => undefined);
  }
  return notRestored;
}
