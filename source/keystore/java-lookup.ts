import { KeystoreError } from '../errors.js';
import type { Keystore, KeystoreEntry, KeystoreFormat, PrivateKeyEntry } from './model.js';
import type { TrustAnchor } from './x509/tls-trust.js';

/*
 * What Java's KeyStore finds by alias, which is what the server finds. JKS and JCEKS (sun.security.provider.
 * JavaKeyStore, com.sun.crypto.provider.JceKeyStore) keep each alias as the file spells it when they load it, but
 * look every alias up in lower case (Locale.ENGLISH): an alias stored with a capital letter (keytool never writes
 * one; other tools may) is listed by aliases() and reached by nothing, so the server neither uses its key nor trusts
 * its certificate. PKCS#12 lower-cases the alias on both sides.
 */

/** Whether Java reaches the entry stored under `alias` in a keystore of this format. */
export function reachableByJava(format: KeystoreFormat, alias: string): boolean {
  return format === 'PKCS12' || alias === alias.toLowerCase();
}

/** The entry Java's getKey / getCertificate finds for `alias` (any case), or undefined. */
export function entryJavaFinds(keystore: Keystore, alias: string): KeystoreEntry | undefined {
  const wanted = alias.toLowerCase();
  return keystore.entries.find((entry) => (keystore.format === 'PKCS12' ? entry.alias.toLowerCase() : entry.alias) === wanted);
}

/**
 * An entry stored under `alias` in another case that Java cannot reach (JKS, JCEKS): what a message names when
 * entryJavaFinds finds nothing.
 */
export function entryUnreachableByCase(keystore: Keystore, alias: string): KeystoreEntry | undefined {
  const wanted = alias.toLowerCase();
  return keystore.entries.find((entry) => entry.alias.toLowerCase() === wanted && !reachableByJava(keystore.format, entry.alias));
}

/**
 * The key entries Java's default KeyManagerFactory (SunX509, what the server's HTTPS transports use) takes from a
 * keystore: every key entry it reaches, each opened with the one key password it is given. It opens them all when
 * it is built, so a single key under another password stops the transport; it then serves whichever key suits the
 * connection, whatever alias the configuration names.
 */
export function keyEntriesForTls(keystore: Keystore): PrivateKeyEntry[] {
  return keystore.entries.filter(
    (entry): entry is PrivateKeyEntry => entry.kind === 'private-key' && reachableByJava(keystore.format, entry.alias),
  );
}

/** The key entries besides `configured` that the key manager (keyEntriesForTls) cannot open with `keyPassword`. */
export function tlsKeysNotOpening(keystore: Keystore, configured: PrivateKeyEntry, keyPassword: string): PrivateKeyEntry[] {
  return keyEntriesForTls(keystore).filter((other) => {
    if (other === configured) return false;
    try {
      other.key.recover(keyPassword);
      return false;
    } catch (error) {
      if (error instanceof KeystoreError) return true;
      throw error;
    }
  });
}

/**
 * What Java makes of an entry of a truststore (sun.security.validator.TrustStoreUtil): it trusts each certificate
 * entry, and the first certificate of each key entry, that it reaches by alias. A PKCS#12 certificate bag without
 * Oracle's trusted-key-usage attribute (as OpenSSL writes them) is no certificate entry to Java at all.
 */
export type JavaTrust = 'trusted' | 'alias-case' | 'no-trust-attribute' | 'not-a-certificate';

export function javaTrustOf(format: KeystoreFormat, entry: KeystoreEntry): JavaTrust {
  if (entry.kind === 'secret-key') return 'not-a-certificate';
  if (!reachableByJava(format, entry.alias)) return 'alias-case';
  if (entry.kind === 'trusted-certificate') return entry.javaVisible === false ? 'no-trust-attribute' : 'trusted';
  return entry.chain.length > 0 ? 'trusted' : 'not-a-certificate';
}

/** The certificates Java's TrustManagerFactory takes from a keystore as trust anchors (javaTrustOf). */
export function trustAnchorsOf(keystore: Keystore): TrustAnchor[] {
  return keystore.entries.flatMap((entry): TrustAnchor[] => {
    if (javaTrustOf(keystore.format, entry) !== 'trusted') return [];
    if (entry.kind === 'trusted-certificate') return [{ alias: entry.alias, der: entry.certificate }];
    return entry.kind === 'private-key' && entry.chain[0] ? [{ alias: entry.alias, der: entry.chain[0] }] : [];
  });
}

/**
 * Why Java finds no key entry `alias` in `file`, as a clause for a message: it is not there, it is no key, or it is
 * stored with capital letters (entryUnreachableByCase).
 */
export function noKeyEntryWords(keystore: Keystore, alias: string, file: string): string {
  const unreachable = entryUnreachableByCase(keystore, alias);
  if (unreachable) {
    return `${file} stores "${unreachable.alias}" with capital letters, which Java never finds (it looks ${keystore.format} aliases up in lower case)`;
  }
  const entry = entryJavaFinds(keystore, alias);
  return entry ? `"${alias}" in ${file} is a ${entry.kind.replace('-', ' ')}, not a key pair` : `${file} has no key entry "${alias}"`;
}
