import { createHash, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { KeystoreError } from '../../errors.js';
import { DER, derEncode, derOidEncode } from '../der.js';
import { loadPkcs8, parseEncryptedPrivateKeyInfo } from './encrypted-key.js';
import { javaCharsBigEndian } from './password.js';
import { OID } from '../oids.js';
import { digestOnce } from '../digest.js';

/**
 * Sun's proprietary JKS key protection (sun.security.provider.KeyProtector). The protected form is
 * salt(20) || (PKCS#8 XOR keystream) || SHA-1(password || PKCS#8), where the keystream is the chain of
 * SHA-1(password || previous block) started from the salt. The trailing digest is what tells a wrong key
 * password from a right one.
 */
export const SUN_KEY_PROTECTOR_OID = OID.sunKeyProtector;
const SALT_LENGTH = 20;
const DIGEST_LENGTH = 20;

function keystream(passwordBytes: Buffer, salt: Buffer, length: number): Buffer {
  // The first block is the salt, written where each later block (a SHA-1 digest) goes: it must be as long.
  if (salt.length !== DIGEST_LENGTH) throw new Error(`the Sun key protector's salt is ${DIGEST_LENGTH} bytes, not ${salt.length}`);
  const stream = Buffer.alloc(length);
  // password || previous block, the block rewritten in place: one one-shot digest per 20 bytes (~60 for an RSA
  // 2048 key, and apply opens its new key several times to check it).
  const input = Buffer.alloc(passwordBytes.length + DIGEST_LENGTH);
  passwordBytes.copy(input);
  let block = salt;
  for (let offset = 0; offset < length; offset += DIGEST_LENGTH) {
    block.copy(input, passwordBytes.length);
    block = digestOnce('sha1', input);
    block.copy(stream, offset, 0, Math.min(DIGEST_LENGTH, length - offset));
  }
  return stream;
}

function xor(data: Buffer, stream: Buffer): Buffer {
  const out = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ stream[i]!;
  return out;
}

/** Protects a private key: returns the DER EncryptedPrivateKeyInfo that a JKS key entry stores. */
export function protectWithSunKeyProtector(key: KeyObject, keyPassword: string, salt: Buffer = randomBytes(SALT_LENGTH)): Buffer {
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  const passwordBytes = javaCharsBigEndian(keyPassword);
  const encrypted = xor(pkcs8, keystream(passwordBytes, salt, pkcs8.length));
  const check = createHash('sha1').update(passwordBytes).update(pkcs8).digest();
  // Java's AlgorithmId writes an explicit NULL parameter for this OID.
  const algorithm = derEncode(DER.SEQUENCE, derOidEncode(SUN_KEY_PROTECTOR_OID), Buffer.from([DER.NULL, 0]));
  return derEncode(DER.SEQUENCE, algorithm, derEncode(DER.OCTET_STRING, Buffer.concat([salt, encrypted, check])));
}

/** Recovers the PKCS#8 bytes of a key protected by Sun's KeyProtector. */
export function recoverSunProtectedPkcs8(protectedBytes: Buffer, keyPassword: string, alias: string): Buffer {
  if (protectedBytes.length < SALT_LENGTH + DIGEST_LENGTH) {
    throw new KeystoreError('corrupt', `the keystore is damaged: the protected key of entry "${alias}" is too short`);
  }
  const salt = protectedBytes.subarray(0, SALT_LENGTH);
  const encrypted = protectedBytes.subarray(SALT_LENGTH, protectedBytes.length - DIGEST_LENGTH);
  const check = protectedBytes.subarray(protectedBytes.length - DIGEST_LENGTH);
  const passwordBytes = javaCharsBigEndian(keyPassword);
  const pkcs8 = xor(encrypted, keystream(passwordBytes, salt, encrypted.length));
  const digest = createHash('sha1').update(passwordBytes).update(pkcs8).digest();
  if (!timingSafeEqual(digest, check)) throw wrongKeyPassword(alias);
  return pkcs8;
}

export function wrongKeyPassword(alias: string): KeystoreError {
  return new KeystoreError(
    'wrong-key-password',
    `the key password of entry "${alias}" is wrong. It may differ from the store password; check the key password and try again.`,
  );
}

/** Recovers a JKS key entry: the EncryptedPrivateKeyInfo as stored, decrypted to a Node KeyObject. */
export function recoverJksKey(encryptedPrivateKeyInfo: Buffer, keyPassword: string, alias: string): KeyObject {
  const info = parseEncryptedPrivateKeyInfo(encryptedPrivateKeyInfo, alias);
  if (info.algorithm !== SUN_KEY_PROTECTOR_OID) {
    throw new KeystoreError(
      'unsupported',
      `the key of entry "${alias}" is protected with algorithm ${info.algorithm}, not Sun's JKS KeyProtector (${SUN_KEY_PROTECTOR_OID}); convert the keystore with keytool -importkeystore to PKCS12 first.`,
    );
  }
  const pkcs8 = recoverSunProtectedPkcs8(info.encryptedData, keyPassword, alias);
  const key = loadPkcs8(pkcs8);
  // The check digest proved the password, so a key that does not load is of a type Node cannot handle.
  if (!key) throw new KeystoreError('unsupported', `the key of entry "${alias}" was decrypted, but its type is not supported`);
  return key;
}
