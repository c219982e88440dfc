import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export interface FileOwner {
  uid: number;
  gid: number;
}

/**
 * The temporary name of a file being written: hidden, in the target's own directory (so the rename is atomic,
 * never a copy across file systems), and named after the transaction so leftovers of a crash can be found.
 */
export function tempPathFor(target: string, tag: string): string {
  const base = path.basename(target).slice(0, 100);
  return path.join(path.dirname(target), `.${base}.${tag}.eik-tmp`);
}

/**
 * Creates `file` (it must not exist: O_EXCL also refuses a planted symlink), writes the bytes with their final
 * mode and owner, and fsyncs, so a rename afterwards publishes complete content. A failed write leaves no file.
 */
export async function writeDurable(file: string, content: Buffer, mode: number, owner?: FileOwner): Promise<void> {
  const handle = await open(file, 'wx', mode);
  try {
    await handle.writeFile(content);
    // chown may clear set-id bits, so it comes before chmod; chmod because the umask trimmed the open() mode.
    if (owner) await handle.chown(owner.uid, owner.gid);
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
  await handle.close();
}

const UNSYNCABLE_DIRECTORY = new Set(['EINVAL', 'EISDIR', 'EPERM', 'EBADF', 'ENOTSUP']);

/** Makes a rename in `dir` durable. Some file systems cannot fsync a directory; that is not an error. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!UNSYNCABLE_DIRECTORY.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/** Replaces (or creates) `target` so a reader or a crash sees the old bytes or the new, never a mix. */
export async function replaceAtomically(
  target: string,
  content: Buffer,
  mode: number,
  owner: FileOwner | undefined,
  tag: string,
): Promise<void> {
  const temp = tempPathFor(target, tag);
  await rm(temp, { force: true });
  await writeDurable(temp, content, mode, owner);
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(path.dirname(target));
}
