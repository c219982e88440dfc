import type { KeyObject } from 'node:crypto';
import { KeystoreError } from '../../errors.js';
import type { KeystoreEntry, PrivateKeyEntry, ProtectedKey, TrustedCertificateEntry } from '../model.js';
import { DER, readDerNode } from '../der.js';
import { keystoreDamaged, type KeystoreCursor } from './cursor.js';
import { parseEncryptedPrivateKeyInfo } from './encrypted-key.js';

/**
 * The parts JKS and JCEKS share: the header and the layout of key and trusted-certificate entries. Version 1
 * files store bare certificates; version 2 puts the certificate type ("X.509") before each one.
 */
export type JksVersion = 1 | 2;

/** The fewest bytes an entry can take: tag, empty alias, timestamp, and a zero length or count. */
const MIN_ENTRY_BYTES = 4 + 2 + 8 + 4;

export interface JksHeader {
  version: JksVersion;
  count: number;
}

export function readHeader(cursor: KeystoreCursor, magic: number, format: string): JksHeader {
  const found = cursor.buffer.length >= 4 ? cursor.buffer.readUInt32BE(0) : undefined;
  if (found !== magic) {
    const hint = found === 0xfeedfeed ? ' (it is a JKS keystore)' : found === 0xcececece ? ' (it is a JCEKS keystore)' : '';
    throw new KeystoreError(
      'not-a-keystore',
      `this is not a ${format} keystore: it does not start with ${magic.toString(16).toUpperCase()}${hint}`,
    );
  }
  cursor.offset = 4;
  const version = cursor.int32('the format version');
  if (version !== 1 && version !== 2) {
    throw keystoreDamaged(`the ${format} format version is ${version}; only 1 and 2 exist`);
  }
  const count = cursor.count('the entry count', MIN_ENTRY_BYTES);
  return { version, count };
}

function readCertificate(cursor: KeystoreCursor, version: JksVersion, where: string): Buffer {
  if (version === 2) {
    const type = cursor.utf(`the certificate type of ${where}`);
    if (type !== 'X.509') {
      throw new KeystoreError('unsupported', `${where} holds a certificate of type "${type}"; only X.509 certificates are supported`);
    }
  }
  // A view of the file's bytes, not a copy: nothing writes to a keystore's bytes once read, and a truststore's ~150
  // copies cost ~1 ms and 40 fresh pages of every inspect.
  const der = cursor.lengthPrefixed(`the certificate of ${where}`);
  // A certificate is one DER SEQUENCE filling its bytes exactly; anything else is damage Java would reject too.
  const node = readDerNode(der, 0);
  if (node.tag !== DER.SEQUENCE || node.end !== der.length) throw keystoreDamaged(`the certificate of ${where} is not DER`);
  return der;
}

export function readPrivateKeyEntry(
  cursor: KeystoreCursor,
  version: JksVersion,
  recover: (encryptedPrivateKeyInfo: Buffer, keyPassword: string, alias: string) => KeyObject,
): PrivateKeyEntry {
  const alias = cursor.utf('an entry alias');
  const where = `entry "${alias}"`;
  const created = cursor.date(`the date of ${where}`);
  const protectedKey = Buffer.from(cursor.lengthPrefixed(`the protected key of ${where}`));
  parseEncryptedPrivateKeyInfo(protectedKey, alias);
  // Each certificate takes at least its length field (and, in version 2, its type's length).
  const certificateCount = cursor.count(`the certificate count of ${where}`, version === 2 ? 6 : 4);
  const chain: Buffer[] = [];
  for (let i = 0; i < certificateCount; i++) {
    chain.push(readCertificate(cursor, version, `${where} (certificate ${i + 1} of ${certificateCount})`));
  }
  const key: ProtectedKey = { recover: (keyPassword) => recover(protectedKey, keyPassword, alias) };
  return { kind: 'private-key', alias, created, chain, key };
}

export function readTrustedCertificateEntry(cursor: KeystoreCursor, version: JksVersion): TrustedCertificateEntry {
  const alias = cursor.utf('an entry alias');
  const where = `entry "${alias}"`;
  const created = cursor.date(`the date of ${where}`);
  const certificate = readCertificate(cursor, version, where);
  return { kind: 'trusted-certificate', alias, created, certificate };
}

/** Java keeps entries in a map keyed by alias: a repeated alias replaces the earlier entry. */
export function dedupeByAlias(entries: KeystoreEntry[]): KeystoreEntry[] {
  const byAlias = new Map<string, KeystoreEntry>();
  for (const entry of entries) byAlias.set(entry.alias, entry);
  return [...byAlias.values()];
}

export function unknownTag(tag: number, at: number, format: string): KeystoreError {
  return keystoreDamaged(`an entry at offset ${at} has type ${tag}, which ${format} does not define`);
}
