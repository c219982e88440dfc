import { X509Certificate, type KeyObject } from 'node:crypto';
import { UserError } from '../../errors.js';
import { integrityDigest } from './integrity.js';
import { writeJavaUtf } from './java-utf.js';
import { protectWithSunKeyProtector } from './sun-key-protector.js';

export type JksEntryToWrite =
  | { kind: 'private-key'; alias: string; key: KeyObject; keyPassword: string; chain: Buffer[] /* DER leaf first */ }
  | { kind: 'trusted-certificate'; alias: string; certificate: Buffer };

const JKS_MAGIC = 0xfeedfeed;
const JKS_VERSION = 2;
const TAG_PRIVATE_KEY = 1;
const TAG_TRUSTED_CERTIFICATE = 2;

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function int64(value: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(BigInt(value));
  return buffer;
}

function utf(text: string, what: string): Buffer {
  const encoded = writeJavaUtf(text);
  if (!encoded) throw new UserError(`${what} is too long for a JKS keystore (at most 65535 bytes of modified UTF-8)`);
  return encoded;
}

function parseCertificate(der: Buffer, where: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    throw new UserError(`the certificate of ${where} is not a DER X.509 certificate`);
  }
}

/** A certificate as JKS version 2 stores it: its type, then its DER bytes with their length. */
function certificate(der: Buffer, where: string): Buffer {
  parseCertificate(der, where);
  return Buffer.concat([utf('X.509', 'the certificate type'), int32(der.length), der]);
}

/** JKS compares aliases case-insensitively by storing them lower-cased (Java: toLowerCase(Locale.ENGLISH)). */
function storedAliases(entries: JksEntryToWrite[]): string[] {
  const seen = new Map<string, string>();
  return entries.map((entry) => {
    const alias = entry.alias.toLowerCase();
    if (alias.length === 0) throw new UserError('a keystore entry needs a non-empty alias');
    const earlier = seen.get(alias);
    if (earlier !== undefined) {
      throw new UserError(
        `two entries would both have the alias "${alias}" ("${earlier}" and "${entry.alias}"); JKS aliases ignore case, so give each entry a different one`,
      );
    }
    seen.set(alias, entry.alias);
    return alias;
  });
}

function privateKeyEntry(entry: Extract<JksEntryToWrite, { kind: 'private-key' }>, alias: string): Buffer[] {
  const where = `entry "${alias}"`;
  if (entry.key.type !== 'private') throw new UserError(`${where} needs a private key, not a ${entry.key.type} key`);
  const leaf = entry.chain[0];
  if (!leaf) throw new UserError(`${where} needs a certificate chain: Java refuses a private key without one`);
  // keytool never checks that a key matches its certificate; a keystore that fails this only fails at TLS time.
  if (!parseCertificate(leaf, where).checkPrivateKey(entry.key)) {
    throw new UserError(`the private key of ${where} does not match its certificate`);
  }
  const protectedKey = protectWithSunKeyProtector(entry.key, entry.keyPassword);
  return [
    int32(protectedKey.length),
    protectedKey,
    int32(entry.chain.length),
    ...entry.chain.map((der, i) => certificate(der, `${where} (certificate ${i + 1})`)),
  ];
}

/**
 * Writes a version 2 JKS keystore, byte-compatible with Java's JavaKeyStore: keys under Sun's KeyProtector with
 * their own passwords, the whole file sealed with the store password's integrity digest.
 */
export function writeJks(entries: JksEntryToWrite[], storePassword: string, now: Date = new Date()): Buffer {
  if (Number.isNaN(now.getTime())) throw new UserError('the date to store in the keystore is not a valid date');
  const aliases = storedAliases(entries);
  const timestamp = int64(now.getTime());
  const parts: Buffer[] = [int32(JKS_MAGIC | 0), int32(JKS_VERSION), int32(entries.length)];
  entries.forEach((entry, i) => {
    const alias = aliases[i]!;
    const head = [utf(alias, `the alias "${alias}"`), timestamp];
    if (entry.kind === 'private-key') {
      parts.push(int32(TAG_PRIVATE_KEY), ...head, ...privateKeyEntry(entry, alias));
    } else {
      parts.push(int32(TAG_TRUSTED_CERTIFICATE), ...head, certificate(entry.certificate, `entry "${alias}"`));
    }
  });
  const body = Buffer.concat(parts);
  return Buffer.concat([body, integrityDigest(storePassword, body)]);
}
