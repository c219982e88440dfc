import { KeystoreError } from '../../errors.js';
import {
  type Asn1,
  bmpString,
  corrupt,
  explicit,
  isContextTag,
  octets,
  oid,
  parseBer,
  sequence,
  set,
  smallInteger,
  stringBytes,
  toDerBuffer,
} from './asn1.js';
import type { KdfBudget, KdfWork } from './budget.js';
import { MAC_PURPOSE, type MacData, readMacData, verifyMac, wrongPassword } from './mac.js';
import { PbeFailure, pbeDecrypt, pbeIterations } from './pbe.js';
import { OID } from '../oids.js';

/**
 * Reads a PFX down to its safe bags (RFC 7292): checks the MAC with the store password, decrypts encrypted
 * SafeContents with it, and keeps shrouded keys encrypted so that each can be opened later with its own
 * password. node-forge's pkcs12FromAsn1 is not used: it decrypts every key with one password up front,
 * drops attributes it does not know (Oracle's trusted-key-usage, which tells a trusted certificate apart),
 * and throws on secret-key bags.
 */
export interface BagAttributes {
  friendlyName?: string;
  localKeyId?: Buffer;
  /** Oracle's trusted-key-usage attribute: keytool's mark of a trustedCertEntry. */
  trusted: boolean;
}

export interface EncryptedKey {
  algorithm: Asn1;
  data: Buffer;
}

export type Pkcs12Bag =
  | { type: 'key'; attributes: BagAttributes; encrypted?: EncryptedKey; plain?: Buffer }
  | { type: 'certificate'; attributes: BagAttributes; der: Buffer }
  | { type: 'secret'; attributes: BagAttributes };

const MAX_NESTING = 4;

function unsupported(detail: string): KeystoreError {
  return new KeystoreError(
    'unsupported',
    `${detail}; convert it with keytool -importkeystore into a password-protected PKCS12 or JKS file`,
  );
}

function readAttributes(node: Asn1 | undefined): BagAttributes {
  const attributes: BagAttributes = { trusted: false };
  if (!node) return attributes;
  for (const attribute of set(node, 'the bag attributes')) {
    const [idNode, valuesNode] = sequence(attribute, 'a bag attribute');
    const id = oid(idNode, 'a bag attribute type');
    const values = set(valuesNode, 'a bag attribute value');
    if (id === OID.friendlyName && values[0]) attributes.friendlyName = bmpString(values[0], 'the friendlyName');
    else if (id === OID.localKeyId && values[0]) attributes.localKeyId = octets(values[0], 'the localKeyId');
    else if (id === OID.oracleTrustedKeyUsage) attributes.trusted = true;
  }
  return attributes;
}

function readSafeContents(bytes: Buffer, bags: Pkcs12Bag[]): void {
  readBags(sequence(parseBer(bytes, 'a SafeContents'), 'a SafeContents'), bags, 0);
}

function readBags(safeBags: Asn1[], bags: Pkcs12Bag[], depth: number): void {
  for (const safeBag of safeBags) {
    const [idNode, valueNode, attributesNode] = sequence(safeBag, 'a safe bag');
    const id = oid(idNode, 'a safe bag type');
    const value = explicit(valueNode, 0, 'a safe bag value');
    const attributes = readAttributes(attributesNode);
    switch (id) {
      case OID.keyBag:
        bags.push({ type: 'key', attributes, plain: toDerBuffer(value) });
        break;
      case OID.shroudedKeyBag: {
        const [algorithm, data] = sequence(value, 'an encrypted private key');
        if (!algorithm) throw corrupt('an encrypted private key has no algorithm');
        bags.push({ type: 'key', attributes, encrypted: { algorithm, data: octets(data, 'an encrypted private key') } });
        break;
      }
      case OID.certBag: {
        const [certIdNode, certValue] = sequence(value, 'a certificate bag');
        // SDSI certificates are unheard of in keystores; Java skips them too.
        if (oid(certIdNode, 'a certificate type') !== OID.x509Certificate) break;
        bags.push({ type: 'certificate', attributes, der: octets(explicit(certValue, 0, 'a certificate'), 'a certificate') });
        break;
      }
      case OID.secretBag:
        bags.push({ type: 'secret', attributes });
        break;
      case OID.safeContentsBag:
        if (depth >= MAX_NESTING) throw corrupt('safe bags are nested too deeply');
        readBags(sequence(value, 'nested safe contents'), bags, depth + 1);
        break;
      default:
        // CRL bags and unknown bag types carry nothing a keystore entry needs.
        break;
    }
  }
}

/** A SafeContents encrypted with the password: its algorithm, and its bytes (none when the content is absent). */
interface EncryptedContents {
  algorithm: Asn1 | undefined;
  data?: Buffer;
}

/** One ContentInfo of the authenticated safe, read as far as it can be without the password. */
type SafePart = { bags: Pkcs12Bag[] } | { encrypted: EncryptedContents };

function readEncryptedContents(encryptedData: Asn1): EncryptedContents {
  const [versionNode, contentInfo] = sequence(encryptedData, 'an encrypted content');
  smallInteger(versionNode, 'the encrypted content version');
  const [typeNode, algorithm, content] = sequence(contentInfo, 'an encrypted content');
  if (oid(typeNode, 'the encrypted content type') !== OID.data) throw corrupt('an encrypted content does not hold data');
  // [0] IMPLICIT OCTET STRING: primitive, or constructed from chunks in BER.
  if (!content || !isContextTag(content, 0)) return { algorithm };
  return { algorithm, data: stringBytes(content, 'the encrypted content') };
}

function decryptContents(encrypted: EncryptedContents, password: string, budget: KdfBudget, purpose: string): Buffer {
  if (!encrypted.data) return Buffer.alloc(0);
  try {
    return pbeDecrypt(encrypted.algorithm, password, encrypted.data, budget, purpose);
  } catch (error) {
    if (error instanceof PbeFailure) throw wrongPassword();
    throw error;
  }
}

function readContentInfo(contentInfo: Asn1): SafePart {
  const [typeNode, contentNode] = sequence(contentInfo, 'a content info');
  const type = oid(typeNode, 'a content type');
  if (type === OID.data) {
    const bags: Pkcs12Bag[] = [];
    readSafeContents(octets(explicit(contentNode, 0, 'a data content'), 'a data content'), bags);
    return { bags };
  }
  if (type === OID.encryptedData) return { encrypted: readEncryptedContents(explicit(contentNode, 0, 'an encrypted content')) };
  if (type === OID.envelopedData) throw unsupported('the PKCS#12 file is encrypted to a public key, not with a password');
  throw corrupt(`a content of unknown type ${type}`);
}

/** The key derivations opening the file will take, as far as they can be seen without the password. */
function visibleWork(mac: MacData | undefined, parts: readonly SafePart[]): KdfWork[] {
  const work: KdfWork[] = mac ? [{ what: MAC_PURPOSE, iterations: mac.iterations }] : [];
  let contents = 0;
  let keys = 0;
  for (const part of parts) {
    if ('encrypted' in part) {
      const what = `encrypted contents ${++contents}`;
      if (part.encrypted.data) work.push({ what, iterations: pbeIterations(part.encrypted.algorithm, `the ${what}`) });
      continue;
    }
    for (const bag of part.bags) {
      if (bag.type !== 'key' || !bag.encrypted) continue;
      const what = `private key ${++keys}`;
      work.push({ what, iterations: pbeIterations(bag.encrypted.algorithm, `the ${what}`) });
    }
  }
  return work;
}

/**
 * All bags of the file, in file order. Throws KeystoreError for every problem. What needs no password is read
 * first, so that a file asking for more key derivation than `budget` allows is refused before any is done;
 * then the MAC is checked (a wrong password is told before anything is decrypted), then the contents decrypted.
 */
export function readPfx(bytes: Buffer, password: string, budget: KdfBudget): Pkcs12Bag[] {
  if (bytes[0] !== 0x30) {
    throw new KeystoreError('not-a-keystore', 'not a PKCS#12 file: it does not start with a DER SEQUENCE');
  }
  const [versionNode, authSafeNode, macNode] = sequence(parseBer(bytes, 'the file', false), 'the PFX');
  const version = smallInteger(versionNode, 'the PFX version');
  if (version !== 3) throw corrupt(`the PFX version is ${version}, where PKCS#12 says 3`);
  const [typeNode, contentNode] = sequence(authSafeNode, 'the authenticated safe');
  const type = oid(typeNode, 'the authenticated safe type');
  if (type === OID.signedData) throw unsupported('the PKCS#12 file is protected by a signature, not a password');
  if (type !== OID.data) throw corrupt(`the authenticated safe has the unknown type ${type}`);
  const authSafe = octets(explicit(contentNode, 0, 'the authenticated safe'), 'the authenticated safe');
  const mac = macNode ? readMacData(macNode) : undefined;
  const parts = sequence(parseBer(authSafe, 'the authenticated safe'), 'the authenticated safe').map(readContentInfo);
  budget.plan(visibleWork(mac, parts));
  if (mac) verifyMac(mac, password, authSafe, budget);
  const bags: Pkcs12Bag[] = [];
  let contents = 0;
  for (const part of parts) {
    if ('bags' in part) {
      bags.push(...part.bags);
      continue;
    }
    const plain = decryptContents(part.encrypted, password, budget, `the encrypted contents ${++contents}`);
    if (plain.length > 0) readSafeContents(plain, bags);
  }
  return bags;
}
