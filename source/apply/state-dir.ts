import { chmod, lstat, mkdir } from 'node:fs/promises';
import { errnoOf } from '../files/file-errors.js';
import { checkDirectoryStats, checkStateDir, linkOf } from '../files/trusted-state.js';

/**
 * Makes `dir` exist as a trusted private directory: created 0700 when absent (its parent must already be one),
 * an existing one checked and tightened to 0700 (a copy made with a loose umask would expose every backup).
 * Returns whether it was created now, so a run that ends writing nothing can remove it again.
 */
export async function ensureStateDir(dir: string): Promise<boolean> {
  if (await checkStateDir(dir)) {
    const stats = await lstat(dir);
    if ((stats.mode & 0o077) !== 0) await chmod(dir, 0o700);
    return false;
  }
  let created = true;
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (error) {
    if (errnoOf(error) !== 'EEXIST') throw error;
    created = false;
  }
  // Whatever is there now (ours, or something that appeared in between) must pass the same checks.
  const stats = await lstat(dir);
  checkDirectoryStats(dir, stats, linkOf(dir));
  if ((stats.mode & 0o7777) !== 0o700) await chmod(dir, 0o700);
  return created;
}
