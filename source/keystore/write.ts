import type { KeyObject } from 'node:crypto';
import { UserError } from '../errors.js';

/** An entry to write, in the terms both writers share. */
export type EntryToWrite =
  | { kind: 'private-key'; alias: string; key: KeyObject; keyPassword: string; chain: Buffer[] }
  | { kind: 'trusted-certificate'; alias: string; certificate: Buffer };

export type WritableFormat = 'JKS' | 'PKCS12';

/**
 * Encodes a keystore in the format the configuration will name. PKCS#12 has one password: Java's tools ignore
 * a different key password there, so one is refused rather than silently dropped.
 */
export async function encodeKeystore(format: WritableFormat, entries: EntryToWrite[], storePassword: string, now?: Date): Promise<Buffer> {
  if (format === 'JKS') {
    const { writeJks } = await import('./jks/jks.js');
    return writeJks(entries, storePassword, now);
  }
  for (const entry of entries) {
    if (entry.kind === 'private-key' && entry.keyPassword !== storePassword) {
      throw new UserError(
        `A PKCS12 keystore has one password: key_password must equal password (or be left out) for "${entry.alias}".`,
        'answers-invalid',
      );
    }
  }
  const { writePkcs12 } = await import('./pkcs12/pkcs12.js');
  return writePkcs12(
    entries.map((entry) =>
      entry.kind === 'private-key' ? { kind: entry.kind, alias: entry.alias, key: entry.key, chain: entry.chain } : entry,
    ),
    storePassword,
  );
}
