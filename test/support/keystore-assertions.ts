import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { KeystoreError, type KeystoreErrorCode } from '../../source/errors.js';
import type { Keystore, PrivateKeyEntry } from '../../source/keystore/model.js';
import type { KeytoolListing } from '../../source/keytool/run.js';
import { thrownError } from './user-error.js';

/** Upper-case hex, as keytool prints fingerprints (without colons). */
export function sha256(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase();
}

/** Runs `action`, expects a KeystoreError with one of `codes`, and returns it. */
export function expectKeystoreError(action: () => unknown, ...codes: KeystoreErrorCode[]): KeystoreError {
  const error = thrownError(action, KeystoreError, 'the keystore operation');
  expect(codes).toContain(error.keystoreCode);
  return error;
}

/** What both our reader and keytool can say about each entry, in a comparable order. */
export function ourListing(keystore: Keystore): KeytoolListing[] {
  return keystore.entries
    .map((entry): KeytoolListing => {
      if (entry.kind === 'private-key') {
        return { alias: entry.alias, kind: entry.kind, sha256: sha256(entry.chain[0]!), chainLength: entry.chain.length };
      }
      if (entry.kind === 'trusted-certificate') return { alias: entry.alias, kind: entry.kind, sha256: sha256(entry.certificate) };
      return { alias: entry.alias, kind: entry.kind };
    })
    .sort((a, b) => a.alias.localeCompare(b.alias));
}

export function privateKeyEntry(keystore: Keystore, alias: string): PrivateKeyEntry {
  const entry = keystore.entries.find((candidate) => candidate.alias === alias);
  if (entry?.kind !== 'private-key') throw new Error(`no private key entry "${alias}"`);
  return entry;
}
