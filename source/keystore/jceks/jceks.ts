import type { Keystore, KeystoreEntry, SecretKeyEntry } from '../model.js';
import { KeystoreCursor } from '../jks/cursor.js';
import { dedupeByAlias, readHeader, readPrivateKeyEntry, readTrustedCertificateEntry, unknownTag } from '../jks/entries.js';
import { checkIntegrity } from '../jks/integrity.js';
import { skipSerializedObject } from './java-serial.js';
import { recoverJceksKey } from './key-protector.js';

export const JCEKS_MAGIC = 0xcececece;

/**
 * A secret key entry: alias, date, then a serialized javax.crypto.SealedObject. The key's algorithm is inside
 * the sealed (encrypted) part, so it is left undefined rather than decrypted.
 */
function readSecretKeyEntry(cursor: KeystoreCursor): SecretKeyEntry {
  const alias = cursor.utf('an entry alias');
  const created = cursor.date(`the date of entry "${alias}"`);
  skipSerializedObject(cursor, `secret key of entry "${alias}"`);
  return { kind: 'secret-key', alias, created };
}

/**
 * Reads a JCEKS keystore (Sun's JceKeyStore): JKS's layout plus secret key entries, with private keys under
 * PBEWithMD5AndTripleDES. The integrity digest is JKS's; a null store password skips it.
 */
export function readJceks(bytes: Buffer, storePassword: string | null): Keystore {
  const cursor = new KeystoreCursor(bytes);
  const { version, count } = readHeader(cursor, JCEKS_MAGIC, 'JCEKS');
  const entries: KeystoreEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = cursor.offset;
    const tag = cursor.int32('an entry type');
    if (tag === 1) entries.push(readPrivateKeyEntry(cursor, version, recoverJceksKey));
    else if (tag === 2) entries.push(readTrustedCertificateEntry(cursor, version));
    else if (tag === 3) entries.push(readSecretKeyEntry(cursor));
    else throw unknownTag(tag, at, 'JCEKS');
  }
  checkIntegrity(bytes, cursor.offset, storePassword);
  return { format: 'JCEKS', entries: dedupeByAlias(entries) };
}
