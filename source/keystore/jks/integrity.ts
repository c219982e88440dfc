import { createHash, timingSafeEqual } from 'node:crypto';
import { KeystoreError } from '../../errors.js';
import { keystoreDamaged } from './cursor.js';
import { javaCharsBigEndian } from './password.js';

/** JKS and JCEKS end with SHA-1(password || this whitener || every byte before the digest). */
const WHITENER = Buffer.from('Mighty Aphrodite', 'utf8');
export const INTEGRITY_DIGEST_LENGTH = 20;

export function integrityDigest(storePassword: string, body: Buffer): Buffer {
  return createHash('sha1').update(javaCharsBigEndian(storePassword)).update(WHITENER).update(body).digest();
}

/**
 * Checks the digest that follows the entries (which end at `bodyEnd`). A null password skips the comparison,
 * as Java does for listing trusted certificates, but the digest must still be there: a file without it is cut short.
 */
export function checkIntegrity(file: Buffer, bodyEnd: number, storePassword: string | null): void {
  if (file.length - bodyEnd < INTEGRITY_DIGEST_LENGTH) {
    throw keystoreDamaged(`the ${INTEGRITY_DIGEST_LENGTH}-byte integrity digest after the last entry is missing`);
  }
  if (storePassword === null) return;
  const stored = file.subarray(bodyEnd, bodyEnd + INTEGRITY_DIGEST_LENGTH);
  const expected = integrityDigest(storePassword, file.subarray(0, bodyEnd));
  if (!timingSafeEqual(stored, expected)) {
    throw new KeystoreError(
      'wrong-password',
      'the keystore password is wrong, or the file is damaged (its integrity check failed). Check the store password and try again.',
    );
  }
}
