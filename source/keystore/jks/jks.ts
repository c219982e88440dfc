import type { Keystore, KeystoreEntry } from '../model.js';
import { KeystoreCursor } from './cursor.js';
import { dedupeByAlias, readHeader, readPrivateKeyEntry, readTrustedCertificateEntry, unknownTag } from './entries.js';
import { checkIntegrity } from './integrity.js';
import { recoverJksKey } from './sun-key-protector.js';

export { writeJks, type JksEntryToWrite } from './write.js';

export const JKS_MAGIC = 0xfeedfeed;

/**
 * Reads a JKS keystore (Sun's JavaKeyStore, versions 1 and 2). With a store password the trailing integrity
 * digest is verified; null skips that check, as Java allows for reading trusted certificates. Private keys stay
 * encrypted until `entry.key.recover(keyPassword)`.
 */
export function readJks(bytes: Buffer, storePassword: string | null): Keystore {
  const cursor = new KeystoreCursor(bytes);
  const { version, count } = readHeader(cursor, JKS_MAGIC, 'JKS');
  const entries: KeystoreEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = cursor.offset;
    const tag = cursor.int32('an entry type');
    if (tag === 1) entries.push(readPrivateKeyEntry(cursor, version, recoverJksKey));
    else if (tag === 2) entries.push(readTrustedCertificateEntry(cursor, version));
    else throw unknownTag(tag, at, 'JKS');
  }
  checkIntegrity(bytes, cursor.offset, storePassword);
  return { format: 'JKS', entries: dedupeByAlias(entries) };
}
