import { createDecipheriv, type KeyObject } from 'node:crypto';
import { KeystoreError } from '../../errors.js';
import { iteratedMd5 } from './iterated-md5.js';
import { DER, derChildren, derContent, expectTag, type DerNode } from '../der.js';
import { loadPkcs8, parseEncryptedPrivateKeyInfo } from '../jks/encrypted-key.js';
import { wrongKeyPassword } from '../jks/sun-key-protector.js';
import { OID } from '../oids.js';

/**
 * JCEKS private keys: Sun's PBEWithMD5AndTripleDES (com.sun.crypto.provider.JceKeyProtector / PBES1Core).
 * PKCS#5 PBES1 with MD5, stretched to triple DES: each 4-byte half of the 8-byte salt is hashed with the
 * password `iterations` times, giving 32 bytes: a 24-byte DES-EDE3 key and an 8-byte CBC IV.
 */
export const JCE_KEY_PROTECTOR_OID = OID.jceKeyProtector;
/** Java refuses more than this (jdk.jceks.iterationCount's ceiling); it also bounds our work on a hostile file. */
const MAX_ITERATIONS = 5_000_000;

interface PbeParameters {
  salt: Buffer;
  iterations: number;
}

function readParameters(alias: string, node: DerNode | undefined): PbeParameters {
  const where = `the key protection parameters of entry "${alias}"`;
  const [saltNode, countNode] = derChildren(expectTag(node, DER.SEQUENCE, where));
  const salt = derContent(expectTag(saltNode, DER.OCTET_STRING, `the salt in ${where}`));
  const countBytes = derContent(expectTag(countNode, DER.INTEGER, `the iteration count in ${where}`));
  if (salt.length !== 8) throw damaged(`${where} have a ${salt.length}-byte salt, not 8`);
  if (countBytes.length === 0 || countBytes.length > 4 || (countBytes[0]! & 0x80) !== 0) {
    throw damaged(`${where} have an impossible iteration count`);
  }
  const iterations = countBytes.readUIntBE(0, countBytes.length);
  if (iterations < 1 || iterations > MAX_ITERATIONS) throw damaged(`${where} ask for ${iterations} iterations`);
  return { salt, iterations };
}

function damaged(what: string): KeystoreError {
  return new KeystoreError('corrupt', `the keystore is damaged: ${what}`);
}

/**
 * How the first salt half is changed when both halves are equal. Java 17 reverses it; older JDKs had a typo
 * (salt[3-1] for salt[3-i]) that turned [a,b,c,d] into [d,a,b,d]. A key written by either must open.
 */
export type EqualSaltHalves = 'reversed' | 'legacy-typo';

function saltHalvesEqual(salt: Buffer): boolean {
  return salt.subarray(0, 4).equals(salt.subarray(4, 8));
}

/** Key and IV from password and salt: each salt half hashed with the password `iterations` times, 16 bytes each. */
export function deriveTripleDesKeyAndIv(
  passwordBytes: Buffer,
  salt: Buffer,
  iterations: number,
  equalHalves: EqualSaltHalves = 'reversed',
): { key: Buffer; iv: Buffer } {
  const halves = [Buffer.from(salt.subarray(0, 4)), Buffer.from(salt.subarray(4, 8))] as const;
  if (saltHalvesEqual(salt)) {
    const [a, b, c, d] = halves[0];
    halves[0].set(equalHalves === 'reversed' ? [d!, c!, b!, a!] : [d!, a!, b!, d!]);
  }
  const derived = halves.map((half) => iteratedMd5(half, passwordBytes, iterations));
  const all = Buffer.concat(derived);
  return { key: all.subarray(0, 24), iv: all.subarray(24, 32) };
}

function decrypt(encrypted: Buffer, key: Buffer, iv: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv('des-ede3-cbc', key, iv);
    return Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    // Bad padding: the usual sign of a wrong password.
    return undefined;
  }
}

/** Java's PBEKey takes printable ASCII only (one byte per char); any other password could never have opened the key. */
function asciiPassword(keyPassword: string): Buffer | undefined {
  for (let i = 0; i < keyPassword.length; i++) {
    const unit = keyPassword.charCodeAt(i);
    if (unit < 0x20 || unit > 0x7e) return undefined;
  }
  return Buffer.from(keyPassword, 'latin1');
}

export function recoverJceksKey(encryptedPrivateKeyInfo: Buffer, keyPassword: string, alias: string): KeyObject {
  const info = parseEncryptedPrivateKeyInfo(encryptedPrivateKeyInfo, alias);
  if (info.algorithm !== JCE_KEY_PROTECTOR_OID) {
    throw new KeystoreError(
      'unsupported',
      `the key of entry "${alias}" is protected with algorithm ${info.algorithm}, not PBEWithMD5AndTripleDES (${JCE_KEY_PROTECTOR_OID}); convert the keystore with keytool -importkeystore to PKCS12 first.`,
    );
  }
  const { salt, iterations } = readParameters(alias, info.parameters);
  if (info.encryptedData.length === 0 || info.encryptedData.length % 8 !== 0) {
    throw damaged(`the encrypted key of entry "${alias}" is not a whole number of DES blocks`);
  }
  const passwordBytes = asciiPassword(keyPassword);
  if (!passwordBytes) {
    throw new KeystoreError(
      'wrong-key-password',
      `the key password of entry "${alias}" is wrong: JCEKS key passwords are printable ASCII, and this one is not.`,
    );
  }
  const variants: EqualSaltHalves[] = saltHalvesEqual(salt) ? ['reversed', 'legacy-typo'] : ['reversed'];
  for (const variant of variants) {
    const { key, iv } = deriveTripleDesKeyAndIv(passwordBytes, salt, iterations, variant);
    const pkcs8 = decrypt(info.encryptedData, key, iv);
    // Only padding guards a wrong password here; a wrong one that leaves valid padding yields bytes that do not load.
    const privateKey = pkcs8 && loadPkcs8(pkcs8);
    if (privateKey) return privateKey;
  }
  throw wrongKeyPassword(alias);
}
