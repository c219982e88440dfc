import { createPrivateKey, type KeyObject } from 'node:crypto';
import { KeystoreError } from '../../errors.js';
import { DER, derChildren, derContent, derOid, expectTag, readDerNode, type DerNode } from '../der.js';

/** An EncryptedPrivateKeyInfo (PKCS#8) split into the parts a key protector needs. */
export interface EncryptedPrivateKeyInfo {
  algorithm: string;
  /** The AlgorithmIdentifier's parameters, when present (NULL counts as present). */
  parameters?: DerNode;
  encryptedData: Buffer;
}

/** Parsed when the store is read, so a garbled key is reported as damage before anyone asks for the key. */
export function parseEncryptedPrivateKeyInfo(der: Buffer, alias: string): EncryptedPrivateKeyInfo {
  const where = `the protected key of entry "${alias}"`;
  const outer = expectTag(readDerNode(der, 0), DER.SEQUENCE, where);
  if (outer.end !== der.length) throw damagedKey(where, 'has bytes after its end');
  const [algorithmIdentifier, data, ...extra] = derChildren(outer);
  if (extra.length > 0) throw damagedKey(where, 'has unexpected fields');
  const identifier = derChildren(expectTag(algorithmIdentifier, DER.SEQUENCE, `the algorithm of ${where}`));
  const algorithm = derOid(expectTag(identifier[0], DER.OID, `the algorithm of ${where}`));
  const encryptedData = derContent(expectTag(data, DER.OCTET_STRING, `the encrypted bytes of ${where}`));
  const parameters = identifier[1];
  return parameters ? { algorithm, parameters, encryptedData } : { algorithm, encryptedData };
}

function damagedKey(where: string, what: string): KeystoreError {
  return new KeystoreError('corrupt', `the keystore is damaged: ${where} ${what}`);
}

/** Loads decrypted PKCS#8 bytes; undefined when they are not a key Node can load. */
export function loadPkcs8(pkcs8: Buffer): KeyObject | undefined {
  try {
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    return undefined;
  }
}
