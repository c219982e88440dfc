import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { KeystoreError } from '../../errors.js';
import type { KeystoreEntry, ProtectedKey } from '../model.js';
import { asKeystoreError, corrupt } from './asn1.js';
import type { Pkcs12Bag } from './bags.js';
import { orderChain } from './chain.js';
import type { KdfBudget } from './budget.js';
import { PbeFailure, pbeDecrypt } from './pbe.js';

/**
 * Turns safe bags into keystore entries the way Java's PKCS12KeyStore does: a key bag and its certificates
 * (same localKeyId, else same friendlyName, else same public key) make a private-key entry; a certificate
 * with Oracle's trusted-key-usage attribute is a trusted entry. A certificate that is in no key's chain and
 * lacks that attribute (OpenSSL writes such files) is listed too, marked as one Java does not load.
 */
type KeyBag = Extract<Pkcs12Bag, { type: 'key' }>;
type CertificateBag = Extract<Pkcs12Bag, { type: 'certificate' }>;

function wrongKeyPassword(): KeystoreError {
  return new KeystoreError(
    'wrong-key-password',
    'the key password does not open the private key (a PKCS#12 key is normally protected by the store password)',
  );
}

function decryptKey(bag: KeyBag, password: string, budget: KdfBudget): Buffer {
  if (bag.plain) return bag.plain;
  if (!bag.encrypted) throw corrupt('a key bag holds no key');
  try {
    return pbeDecrypt(bag.encrypted.algorithm, password, bag.encrypted.data, budget, 'a private key');
  } catch (error) {
    if (error instanceof PbeFailure) throw wrongKeyPassword();
    throw error;
  }
}

/**
 * The key of a bag, decrypted when asked for. Each password's outcome is kept: status, the procedures and the
 * entry builder may ask for the same key more than once, and each try costs the file's key-derivation budget.
 */
function protectedKey(bag: KeyBag, budget: KdfBudget): ProtectedKey {
  const outcomes = new Map<string, { key: KeyObject } | { error: KeystoreError }>();
  const recover = (keyPassword: string): KeyObject => {
    let der: Buffer;
    try {
      der = decryptKey(bag, keyPassword, budget);
    } catch (error) {
      throw asKeystoreError(error);
    }
    try {
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch {
      // A wrong password passes the CBC padding check about once in 256 tries and yields garbage.
      if (bag.encrypted) throw wrongKeyPassword();
      throw corrupt('a private key cannot be decoded');
    }
  };
  return {
    recover(keyPassword: string): KeyObject {
      let outcome = outcomes.get(keyPassword);
      if (!outcome) {
        try {
          outcome = { key: recover(keyPassword) };
        } catch (error) {
          if (!(error instanceof KeystoreError)) throw error;
          outcome = { error };
        }
        // A refusal by the budget is kept as well: asked again, it would be refused again.
        outcomes.set(keyPassword, outcome);
      }
      if ('error' in outcome) throw outcome.error;
      return outcome.key;
    },
  };
}

function parseCertificate(bag: CertificateBag): X509Certificate {
  try {
    return new X509Certificate(bag.der);
  } catch {
    throw corrupt('a certificate in the file cannot be decoded');
  }
}

function samePublicKey(key: KeyObject, certificate: X509Certificate): boolean {
  const derive = (k: KeyObject): Buffer => k.export({ format: 'der', type: 'spki' });
  return derive(createPublicKey(key)).equals(derive(certificate.publicKey));
}

/** Index (into `certificates`) of the key's own certificate, or undefined. */
function findLeaf(
  key: KeyBag,
  protectedKeys: Map<KeyBag, ProtectedKey>,
  certificates: CertificateBag[],
  parsed: X509Certificate[],
  storePassword: string,
): number | undefined {
  const { localKeyId, friendlyName } = key.attributes;
  if (localKeyId) {
    const index = certificates.findIndex((bag) => bag.attributes.localKeyId?.equals(localKeyId));
    if (index >= 0) return index;
  }
  if (friendlyName !== undefined) {
    const index = certificates.findIndex((bag) => bag.attributes.friendlyName === friendlyName && !bag.attributes.trusted);
    if (index >= 0) return index;
  }
  // Last resort, for files without either attribute: the store password normally opens the key.
  let privateKey: KeyObject;
  try {
    privateKey = protectedKeys.get(key)!.recover(storePassword);
  } catch {
    return undefined;
  }
  const index = parsed.findIndex((certificate) => {
    try {
      return samePublicKey(privateKey, certificate);
    } catch {
      return false;
    }
  });
  return index >= 0 ? index : undefined;
}

/** Java names entries without a friendlyName "1", "2", ...: do the same, skipping names already taken. */
function aliasGenerator(bags: Pkcs12Bag[]): () => string {
  const taken = new Set(
    bags.flatMap((bag) => (bag.attributes.friendlyName === undefined ? [] : [bag.attributes.friendlyName.toLowerCase()])),
  );
  let counter = 0;
  return () => {
    do counter++;
    while (taken.has(String(counter)));
    return String(counter);
  };
}

export function buildEntries(bags: Pkcs12Bag[], storePassword: string, budget: KdfBudget): KeystoreEntry[] {
  const certificates = bags.filter((bag): bag is CertificateBag => bag.type === 'certificate');
  const parsed = certificates.map(parseCertificate);
  const protectedKeys = new Map(bags.filter((bag): bag is KeyBag => bag.type === 'key').map((bag) => [bag, protectedKey(bag, budget)]));
  const chains = new Map<KeyBag, Buffer[]>();
  // By content, not by bag: Java writes a CA that is both a key's certificate and in another key's chain twice.
  const inSomeChain = new Set<string>();
  for (const bag of bags) {
    if (bag.type !== 'key') continue;
    const leaf = findLeaf(bag, protectedKeys, certificates, parsed, storePassword);
    const chain = (leaf === undefined ? [] : orderChain(leaf, parsed)).map((index) => certificates[index]!.der);
    for (const der of chain) inSomeChain.add(der.toString('base64'));
    chains.set(bag, chain);
  }

  const nextAlias = aliasGenerator(bags);
  const entries: KeystoreEntry[] = [];
  for (const bag of bags) {
    const alias = (): string => bag.attributes.friendlyName ?? nextAlias();
    if (bag.type === 'key') {
      entries.push({ kind: 'private-key', alias: alias(), chain: chains.get(bag) ?? [], key: protectedKeys.get(bag)! });
    } else if (bag.type === 'secret') {
      entries.push({ kind: 'secret-key', alias: alias() });
    } else {
      if (bag.attributes.trusted) {
        entries.push({ kind: 'trusted-certificate', alias: alias(), certificate: bag.der });
      } else if (!inSomeChain.has(bag.der.toString('base64'))) {
        entries.push({ kind: 'trusted-certificate', alias: alias(), certificate: bag.der, javaVisible: false });
      }
    }
  }
  return entries;
}
