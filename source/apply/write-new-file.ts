import { open } from 'node:fs/promises';
import { errnoOf, explainErrno, FileRefused } from '../files/file-errors.js';

/**
 * Creates `file` with `text`, never replacing anything: O_EXCL refuses an existing file, a directory and a
 * planted symbolic link alike. For files the user asks for by name (the wizards' saved answers); changes to a
 * home go through the transaction instead.
 */
export async function writeNewFile(file: string, text: string | Uint8Array, mode: number): Promise<void> {
  let handle;
  try {
    handle = await open(file, 'wx', mode);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      throw new FileRefused(
        `${file} already exists; ei-keystore does not overwrite it. Choose another name, or move that file away first.`,
        'exists',
        file,
        'file-exists',
      );
    }
    throw new FileRefused(`${file} cannot be written: ${explainErrno(error)}.`, 'unwritable', file, 'file-unwritable');
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (error) {
    throw new FileRefused(`${file} could not be written completely: ${explainErrno(error)}.`, 'unwritable', file, 'file-unwritable');
  } finally {
    await handle.close().catch(() => undefined);
  }
}
