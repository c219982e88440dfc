import { constants, createPublicKey, privateDecrypt, publicEncrypt, X509Certificate, type KeyObject } from 'node:crypto';
import { UserError } from '../errors.js';

/**
 * WSO2's cipher tool: each `[secrets]` value becomes Base64(RSA/ECB/OAEPwithSHA1andMGF1Padding ciphertext) made
 * with the public key of the internal keystore's certificate. Java's "OAEPwithSHA1andMGF1Padding" is OAEP with
 * SHA-1 for both the label hash and MGF1, which is what Node's oaepHash 'sha1' does.
 */
const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' } as const;
/** OAEP with SHA-1 spends 2 * 20 + 2 bytes of the modulus on padding. */
const OAEP_SHA1_OVERHEAD = 42;
/** RSA moduli from 1024 to 8192 bits, in 256-bit steps: the ciphertext is exactly one modulus long. */
const MIN_MODULUS_BYTES = 128;
const MAX_MODULUS_BYTES = 1024;
const MODULUS_STEP_BYTES = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export type SecretValueKind = 'plaintext' | 'encrypted' | 'other';

function needRsa(key: KeyObject, whose: string): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new UserError(
      `The cipher tool needs an RSA key, but ${whose} is ${(key.asymmetricKeyType ?? 'a secret key').toUpperCase()}. ` +
        'WSO2 encrypts [secrets] with RSA-OAEP only: use an RSA key pair for the internal keystore.',
      'cipher-needs-rsa',
    );
  }
}

function publicKeyOf(publicKeyOrCertDer: KeyObject | Buffer): KeyObject {
  if (!Buffer.isBuffer(publicKeyOrCertDer)) {
    return publicKeyOrCertDer.type === 'private' ? createPublicKey(publicKeyOrCertDer) : publicKeyOrCertDer;
  }
  try {
    return new X509Certificate(publicKeyOrCertDer).publicKey;
  } catch {
    throw new UserError('The certificate for encrypting secrets cannot be read: it is not a DER X.509 certificate.', 'bad-certificate');
  }
}

function modulusBytes(key: KeyObject): number {
  return Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
}

/** Encrypts one secret as the cipher tool does (without the "[...]" brackets of a plaintext value). */
export function encryptSecret(publicKeyOrCertDer: KeyObject | Buffer, plaintext: string): string {
  const key = publicKeyOf(publicKeyOrCertDer);
  needRsa(key, "the certificate's key");
  const data = Buffer.from(plaintext, 'utf8');
  const room = modulusBytes(key) - OAEP_SHA1_OVERHEAD;
  if (data.length > room) {
    throw new UserError(
      `A secret of ${data.length} bytes is too long for RSA-OAEP with this ${modulusBytes(key) * 8}-bit key (at most ${room} bytes).`,
      'secret-too-long',
    );
  }
  return publicEncrypt({ key, ...OAEP }, data).toString('base64');
}

/** Decrypts a cipher-tool value; one that this key cannot open was encrypted with another key. */
export function decryptSecret(privateKey: KeyObject, base64: string): string {
  needRsa(privateKey, "the internal keystore's key");
  const compact = base64.replace(/\s+/g, '');
  const data = Buffer.from(compact, 'base64');
  if (!BASE64.test(compact) || data.length !== modulusBytes(privateKey)) {
    throw new UserError(
      `The secret is not a cipher-tool value for this ${modulusBytes(privateKey) * 8}-bit key: it was encrypted with another key, or it is damaged.`,
      'secret-other-key',
    );
  }
  let plain: Buffer;
  try {
    plain = privateDecrypt({ key: privateKey, ...OAEP }, data);
  } catch {
    throw new UserError(
      "The secret cannot be decrypted: it was encrypted with another key than the one given (the old internal keystore's key is needed).",
      'secret-other-key',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new UserError('The secret decrypts, but not to UTF-8 text: it was not written by the cipher tool.', 'secret-not-text');
  }
}

/**
 * "[text]" is a plaintext the cipher tool has yet to encrypt; Base64 exactly one RSA modulus long is a
 * cipher-tool value; anything else (placeholders, other tools' formats, damage) is 'other'.
 */
export function classifySecretValue(value: string): SecretValueKind {
  if (value.length >= 2 && value.startsWith('[') && value.endsWith(']')) return 'plaintext';
  const compact = value.replace(/\s+/g, '');
  if (compact === '' || !BASE64.test(compact)) return 'other';
  const bytes = (compact.length / 4) * 3 - (compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0);
  const fits = bytes >= MIN_MODULUS_BYTES && bytes <= MAX_MODULUS_BYTES && bytes % MODULUS_STEP_BYTES === 0;
  return fits ? 'encrypted' : 'other';
}

/**
 * Re-encrypts every encrypted `[secrets]` value from the old key to the new certificate; "[plaintext]" values
 * stay as they are (the cipher tool encrypts them later). Every value that cannot be carried over is reported
 * in one error, and nothing is returned half-done: a secret left under a key the configuration no longer names
 * would stop the server at start-up.
 */
export function reencryptSecrets(values: Record<string, string>, oldKey: KeyObject, newCertDer: Buffer): Record<string, string> {
  needRsa(oldKey, 'the old internal key');
  const newKey = publicKeyOf(newCertDer);
  needRsa(newKey, "the new certificate's key");
  // Entries, not assignment: an alias such as "__proto__" must stay an ordinary key.
  const result: [string, string][] = [];
  const problems: string[] = [];
  for (const [alias, value] of Object.entries(values)) {
    const kind = classifySecretValue(value);
    if (kind === 'plaintext') {
      result.push([alias, value]);
      continue;
    }
    if (kind === 'other') {
      problems.push(`  ${alias}: neither "[plaintext]" nor a cipher-tool value; fix or remove it first`);
      continue;
    }
    try {
      result.push([alias, encryptSecret(newKey, decryptSecret(oldKey, value))]);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push(`  ${alias}: ${error.message}`);
    }
  }
  if (problems.length > 0) {
    throw new UserError(
      [
        `${problems.length === 1 ? 'A secret' : `${problems.length} secrets`} in [secrets] cannot be re-encrypted:`,
        ...problems,
        'Nothing was changed.',
      ].join('\n'),
      'secrets-not-reencrypted',
    );
  }
  return Object.fromEntries(result);
}
