import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { errnoOf, FileRefused } from './file-errors.js';

/** Whether `candidate` is `dir` or lies below it (both absolute, both already resolved the same way). */
export function isInside(dir: string, candidate: string): boolean {
  const relative = path.relative(dir, candidate);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

/** Whether `file` names a path inside `home` as written (after `..` is resolved, before links are). */
export function isInsideLexically(home: string, file: string): boolean {
  return isInside(path.resolve(home), path.resolve(file));
}

/**
 * The real path of `file`'s nearest existing ancestor folder, with the rest of the path appended: where a
 * write to `file` would really land, even when the file (or its folder) does not exist yet.
 */
export async function realLocation(file: string): Promise<string> {
  let dir = path.dirname(path.resolve(file));
  const rest: string[] = [path.basename(file)];
  for (;;) {
    try {
      return path.join(await realpath(dir), ...rest);
    } catch (error) {
      const parent = path.dirname(dir);
      if (errnoOf(error) !== 'ENOENT' || parent === dir) throw error;
      rest.unshift(path.basename(dir));
      dir = parent;
    }
  }
}

export function realLocationSync(file: string): string {
  let dir = path.dirname(path.resolve(file));
  const rest: string[] = [path.basename(file)];
  for (;;) {
    try {
      return path.join(realpathSync(dir), ...rest);
    } catch (error) {
      const parent = path.dirname(dir);
      if (errnoOf(error) !== 'ENOENT' || parent === dir) throw error;
      rest.unshift(path.basename(dir));
      dir = parent;
    }
  }
}

function outside(file: string, real: string, home: string, realHome: string, doing: string): FileRefused {
  return new FileRefused(
    `${file} leads to ${real}, outside the home ${realHome === home ? home : `${home} (${realHome})`}: a folder on the way is a symbolic ` +
      `link. ei-keystore ${doing} only inside the home. Replace the link with a real folder, or move the file into the home.`,
    'outside-home',
    file,
  );
}

/**
 * Refuses a file of the home whose folders lead out of it (a planted `security -> /etc` link, say): the file
 * itself is checked by its opener, this checks the way to it.
 */
export async function checkWayInsideHome(home: string, file: string, doing: string): Promise<void> {
  // Both asked at once (each is a round trip to the thread pool, and a run checks the way to every file it
  // reads); the home's error, if both fail, is the one raised.
  const homeAsked = realpath(home);
  const fileAsked = realLocation(file);
  fileAsked.catch(() => undefined);
  const realHome = await homeAsked;
  const real = await fileAsked;
  if (!isInside(realHome, real)) throw outside(file, real, home, realHome, doing);
}

export function checkWayInsideHomeSync(home: string, file: string, doing: string): void {
  const realHome = realpathSync(home);
  const real = realLocationSync(file);
  if (!isInside(realHome, real)) throw outside(file, real, home, realHome, doing);
}
