import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { KeystoreError } from '../../errors.js';
import { type Asn1, Asn1Type, build, buildInteger, buildOctets, buildOid, corrupt, octets, oid, sequence } from './asn1.js';
import type { KdfBudget } from './budget.js';
import { PKCS12_MAC_KEY, pkcs12Kdf, pkcs12PasswordBytes } from './kdf.js';
import { iterationCount } from './pbe.js';
import { OID } from '../oids.js';

/**
 * The PFX's password integrity: HMAC over the AuthenticatedSafe with a key from the PKCS#12 KDF (RFC 7292
 * section 5). Java 17 writes HMAC-SHA256, legacy Java and OpenSSL -legacy HMAC-SHA1.
 */
const DIGESTS: Record<string, string> = {
  [OID.md5]: 'md5',
  [OID.sha1]: 'sha1',
  [OID.sha224]: 'sha224',
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
  [OID.sha512_224]: 'sha512-224',
  [OID.sha512_256]: 'sha512-256',
};
const PBMAC1 = OID.pbmac1;
const SHA256_OID = OID.sha256;

/** Java 17's defaults for the MAC it writes. */
export const MAC_ITERATIONS = 10_000;
const MAC_SALT_BYTES = 20;

export const MAC_PURPOSE = 'the integrity check (MAC)';

export interface MacData {
  hash: string;
  digest: Buffer;
  salt: Buffer;
  iterations: number;
}

/** The MAC's parameters, read and checked (iteration cap included) without deriving anything. */
export function readMacData(node: Asn1): MacData {
  const [digestInfo, saltNode, iterationsNode] = sequence(node, 'the MAC data');
  const [algorithm, digestNode] = sequence(digestInfo, 'the MAC digest');
  const digestOid = oid(sequence(algorithm, 'the MAC algorithm')[0], 'the MAC algorithm');
  const hash = DIGESTS[digestOid];
  if (!hash) {
    const what = digestOid === PBMAC1 ? 'PBMAC1 (OpenSSL 3.4 -pbmac1_pbkdf2)' : `the algorithm ${digestOid}`;
    throw new KeystoreError(
      'unsupported',
      `the PKCS#12 file's integrity check uses ${what}, which this tool cannot verify; re-export it with keytool or openssl's defaults`,
    );
  }
  const iterations = iterationsNode === undefined ? 1 : iterationCount(iterationsNode, 'the MAC iteration count', MAC_PURPOSE);
  return { hash, digest: octets(digestNode, 'the MAC value'), salt: octets(saltNode, 'the MAC salt'), iterations };
}

function hmac(mac: Omit<MacData, 'digest'>, passwordBytes: Buffer, content: Buffer): Buffer {
  const length = createHmac(mac.hash, Buffer.alloc(1)).digest().length;
  const key = pkcs12Kdf(mac.hash, passwordBytes, mac.salt, PKCS12_MAC_KEY, mac.iterations, length);
  return createHmac(mac.hash, key).update(content).digest();
}

/** Throws KeystoreError('wrong-password') unless the MAC over `content` verifies with `password`. */
export function verifyMac(mac: MacData, password: string, content: Buffer, budget: KdfBudget): void {
  if (mac.digest.length === 0) throw corrupt('the MAC value is empty');
  const candidates = [pkcs12PasswordBytes(password)];
  // OpenSSL writes an empty password either as a bare terminator or as nothing at all.
  if (password === '') candidates.push(pkcs12PasswordBytes('', true));
  for (const passwordBytes of candidates) {
    budget.charge(mac.iterations, MAC_PURPOSE);
    const computed = hmac(mac, passwordBytes, content);
    if (computed.length === mac.digest.length && timingSafeEqual(computed, mac.digest)) return;
  }
  throw wrongPassword();
}

export function wrongPassword(): KeystoreError {
  return new KeystoreError(
    'wrong-password',
    'wrong password, or the file is damaged: the PKCS#12 integrity check failed; check the keystore password',
  );
}

/** MacData for the writer: HMAC-SHA256 over `content`, as Java 17 writes it. */
export function buildMacData(password: string, content: Buffer): Asn1 {
  const salt = randomBytes(MAC_SALT_BYTES);
  const digest = hmac({ hash: 'sha256', salt, iterations: MAC_ITERATIONS }, pkcs12PasswordBytes(password), content);
  return build(Asn1Type.SEQUENCE, [
    build(Asn1Type.SEQUENCE, [build(Asn1Type.SEQUENCE, [buildOid(SHA256_OID), build(Asn1Type.NULL, '')]), buildOctets(digest)]),
    buildOctets(salt),
    buildInteger(MAC_ITERATIONS),
  ]);
}
