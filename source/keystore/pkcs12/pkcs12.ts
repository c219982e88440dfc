import type { Keystore } from '../model.js';
import { asKeystoreError } from './asn1.js';
import { readPfx } from './bags.js';
import { KdfBudget } from './budget.js';
import { buildEntries } from './entries.js';

/**
 * The PKCS#12 codec. Reads what Java 17's keytool writes (PBES2 AES-256 + HMAC-SHA256), its legacy format
 * (3DES / RC2-40 + HMAC-SHA1), and OpenSSL 3's files; writes what Java 17 reads as its own. This module and
 * its pkcs12-* helpers are the only ones that load node-forge: open.ts imports it only for PKCS#12 bytes.
 */
export { writePkcs12, type Pkcs12EntryToWrite } from './write.js';

/** `budget` bounds the key derivation for the file: its opening and every key recovered from it later. */
export function readPkcs12(bytes: Buffer, storePassword: string, budget = new KdfBudget()): Keystore {
  try {
    const bags = readPfx(bytes, storePassword, budget);
    return { format: 'PKCS12', entries: buildEntries(bags, storePassword, budget) };
  } catch (error) {
    throw asKeystoreError(error);
  }
}
