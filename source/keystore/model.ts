import type { KeyObject } from 'node:crypto';

/** Formats are told apart by their first bytes, never by file name or configured type. */
export type KeystoreFormat = 'JKS' | 'JCEKS' | 'PKCS12';

/**
 * A private key as stored: still encrypted under its key password, which may differ from the store password
 * (JKS, JCEKS). `recover` throws KeystoreError('wrong-key-password') when the password does not open it.
 */
export interface ProtectedKey {
  recover(keyPassword: string): KeyObject;
}

export interface PrivateKeyEntry {
  kind: 'private-key';
  alias: string;
  /** When the entry was stored (JKS/JCEKS keep a timestamp; PKCS#12 does not). */
  created?: Date;
  /** DER certificates, leaf first. */
  chain: Buffer[];
  key: ProtectedKey;
}

export interface TrustedCertificateEntry {
  kind: 'trusted-certificate';
  alias: string;
  created?: Date;
  /** DER certificate. */
  certificate: Buffer;
  /**
   * PKCS#12 only: false when Java will not load this certificate as a trusted entry, because its cert bag lacks
   * Oracle's trusted-key-usage attribute (OpenSSL writes such files). Undefined means Java sees it.
   */
  javaVisible?: false;
}

export interface SecretKeyEntry {
  kind: 'secret-key';
  alias: string;
  created?: Date;
  /** The key's algorithm when the format says it without decrypting (e.g. "AES"), else undefined. */
  algorithm?: string;
}

export type KeystoreEntry = PrivateKeyEntry | TrustedCertificateEntry | SecretKeyEntry;
export type EntryKind = KeystoreEntry['kind'];

export interface Keystore {
  format: KeystoreFormat;
  entries: KeystoreEntry[];
}
