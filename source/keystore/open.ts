import { KeystoreError, UserError } from '../errors.js';
import { FileRefused } from '../files/file-errors.js';
import { READ_LIMITS, readFileCheckedSync } from '../files/read-file.js';
import { readJks } from './jks/jks.js';
import type { Keystore, KeystoreFormat } from './model.js';

/**
 * Tells a keystore's format from its first bytes. The file name and the configured type are never trusted:
 * newer WSO2 kernels ship PKCS#12 bytes in files named `.jks`.
 */
export function detectFormat(bytes: Buffer): KeystoreFormat | null {
  if (bytes.length >= 4) {
    const magic = bytes.readUInt32BE(0);
    if (magic === 0xfeedfeed) return 'JKS';
    if (magic === 0xcececece) return 'JCEKS';
  }
  return looksLikePkcs12(bytes) ? 'PKCS12' : null;
}

/** PFX ::= SEQUENCE { version INTEGER (3), ... }: check the outer SEQUENCE and the version that follows it. */
function looksLikePkcs12(bytes: Buffer): boolean {
  if (bytes.length < 5 || bytes[0] !== 0x30) return false;
  const lengthByte = bytes[1]!;
  const headerLength = lengthByte < 0x80 ? 2 : lengthByte === 0x80 ? 2 : 2 + (lengthByte & 0x7f);
  return bytes[headerLength] === 0x02 && bytes[headerLength + 1] === 0x01 && bytes[headerLength + 2] === 0x03;
}

function notAKeystore(bytes: Buffer): KeystoreError {
  const head = bytes.subarray(0, 64).toString('latin1');
  if (head.startsWith('-----BEGIN')) {
    return new KeystoreError(
      'not-a-keystore',
      'this is a PEM file (a certificate or key), not a keystore; import certificates with the truststore procedure',
    );
  }
  if (bytes.length === 0) return new KeystoreError('not-a-keystore', 'the file is empty; it is not a keystore');
  const magic = bytes.subarray(0, 4).toString('hex').toUpperCase();
  return new KeystoreError(
    'not-a-keystore',
    `not a keystore: it starts with ${magic}, where a JKS starts with FEEDFEED, a JCEKS with CECECECE and a PKCS#12 with a DER sequence; check the path`,
  );
}

/** Reads a keystore of any supported format. Decoders for PKCS#12 load node-forge, so they (and JCEKS's) load only when needed. */
export async function readKeystore(bytes: Buffer, storePassword: string): Promise<Keystore> {
  const format = detectFormat(bytes);
  switch (format) {
    case 'JKS':
      // What WSO2 ships, read by a small reader that every command needs: imported with this module, not on demand.
      return readJks(bytes, storePassword);
    case 'JCEKS': {
      const { readJceks } = await import('./jceks/jceks.js');
      return readJceks(bytes, storePassword);
    }
    case 'PKCS12': {
      const { readPkcs12 } = await import('./pkcs12/pkcs12.js');
      return readPkcs12(bytes, storePassword);
    }
    default:
      throw notAKeystore(bytes);
  }
}

export interface KeystoreFileOptions {
  /** The home, when the file may be one of its files: links in it are then refused (see files/read-file.ts). */
  home?: string;
}

/**
 * A keystore's bytes through the one checked reader: a regular file (never a FIFO or a device), at most 16 MB.
 * Errors are UserErrors naming the file; a missing one has code 'file-missing'. Read synchronously: a keystore is
 * a few KB to a few hundred, read at once by the kernel, where the asynchronous reader's round trips through the
 * thread pool (and loading node:fs/promises, ~2 ms of a command that loads nothing else of it) cost more.
 */
export async function readKeystoreBytes(file: string, options: KeystoreFileOptions = {}): Promise<Buffer> {
  try {
    return readFileCheckedSync(file, { what: 'keystore', limit: READ_LIMITS.keystore, ...options }).bytes;
  } catch (error) {
    if (error instanceof FileRefused && error.problem === 'missing') {
      throw new UserError(`${file}: cannot read the keystore (no such file); check the path`, 'file-missing');
    }
    throw error;
  }
}

/** Reads and decodes a keystore file; every error names the file. */
export async function openKeystoreFile(
  file: string,
  storePassword: string,
  options: KeystoreFileOptions = {},
): Promise<{ keystore: Keystore; bytes: Buffer }> {
  const bytes = await readKeystoreBytes(file, options);
  return { keystore: await openKeystoreBytes(bytes, storePassword, file), bytes };
}

/** Decodes a keystore file's bytes, already read; every error names the file. */
export async function openKeystoreBytes(bytes: Buffer, storePassword: string, file: string): Promise<Keystore> {
  try {
    return await readKeystore(bytes, storePassword);
  } catch (error) {
    if (error instanceof KeystoreError) throw error.withFile(file);
    throw error;
  }
}
