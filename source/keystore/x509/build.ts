import { createHash, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { UserError } from '../../errors.js';
import {
  DER,
  derBitString,
  derChildren,
  derContent,
  derEncode,
  derInteger,
  derNamedBits,
  derOidEncode,
  derTime,
  expectTag,
  readDerNode,
} from '../der.js';
import { encodeDname, type DnAttribute } from './dname.js';
import { encodeSubjectAltNames, uniqueSubjectAltNames, type SanEntry } from './san.js';
import { OID } from '../oids.js';

/**
 * Self-signed X.509 v3 certificates, built as DER here and signed with node:crypto, because node-forge cannot
 * sign with EC keys. The result is what keytool -genkeypair would make, with the extensions a TLS server needs.
 */
export const DEFAULT_VALIDITY_DAYS = 365;

/** Longest validity accepted: beyond it a typo (36500 for 365) is likelier than intent. */
const MAX_VALIDITY_DAYS = 100 * 365;
/** notBefore lies this far in the past so that a peer whose clock runs a little slow accepts the certificate. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SelfSignedOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Parsed by parseDname where the text was read (answers), so the builder never re-reads user text. */
  subject: readonly DnAttribute[];
  /** Parsed by parseSubjectAltName(s); repeats are kept once. */
  subjectAltNames?: readonly SanEntry[];
  validityDays: number;
  now?: Date;
  /** Unsigned big-endian; a random positive 16-byte serial when absent. */
  serialNumber?: Buffer;
}

export interface SignatureScheme {
  digest: 'sha256' | 'sha384';
  algorithmIdentifier: Buffer;
  /** keyUsage bits: digitalSignature (0) with keyEncipherment (2) for RSA, keyAgreement (4) for EC. */
  keyUsage: Buffer;
}

export function createSelfSignedCertificate(options: SelfSignedOptions): Buffer {
  const scheme = signatureScheme(options.privateKey);
  const subject = encodeDname(options.subject);
  const sans = uniqueSubjectAltNames(options.subjectAltNames ?? []);
  const spki = options.publicKey.export({ type: 'spki', format: 'der' });
  const keyIdentifier = createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
  const now = options.now ?? new Date();
  const notAfter = new Date(now.getTime() + checkValidityDays(options.validityDays) * DAY_MS);

  const extensions = [
    extension(OID.basicConstraints, true, derEncode(DER.SEQUENCE)),
    extension(OID.keyUsage, true, scheme.keyUsage),
    extension(OID.extKeyUsage, false, derEncode(DER.SEQUENCE, derOidEncode(OID.serverAuth), derOidEncode(OID.clientAuth))),
    ...(sans.length > 0 ? [extension(OID.subjectAltName, false, encodeSubjectAltNames(sans))] : []),
    extension(OID.subjectKeyIdentifier, false, derEncode(DER.OCTET_STRING, keyIdentifier)),
    extension(OID.authorityKeyIdentifier, false, derEncode(DER.SEQUENCE, derEncode(0x80, keyIdentifier))),
  ];
  const tbs = derEncode(
    DER.SEQUENCE,
    derEncode(0xa0, derInteger(Buffer.from([2]))), // version v3
    derInteger(serialNumber(options.serialNumber)),
    scheme.algorithmIdentifier,
    subject, // issuer: self-signed
    derEncode(DER.SEQUENCE, derTime(new Date(now.getTime() - CLOCK_SKEW_MS)), derTime(notAfter)),
    subject,
    spki,
    derEncode(0xa3, derEncode(DER.SEQUENCE, ...extensions)),
  );
  const signature = sign(scheme.digest, tbs, options.privateKey);
  // A key pair that does not belong together would produce a certificate nobody can verify: refuse it here.
  if (!verify(scheme.digest, tbs, options.publicKey, signature)) {
    throw new UserError('The private key does not belong to the public key it was given with.', 'key-mismatch');
  }
  return derEncode(DER.SEQUENCE, tbs, scheme.algorithmIdentifier, derBitString(signature));
}

/** The signature algorithm a key signs with here (shared with certificate signing requests). */
export function signatureScheme(privateKey: KeyObject): SignatureScheme {
  if (privateKey.type !== 'private') throw new UserError('A certificate must be signed with a private key.', 'bad-key');
  const keyType = privateKey.asymmetricKeyType;
  if (keyType === 'rsa') {
    return {
      digest: 'sha256',
      algorithmIdentifier: derEncode(DER.SEQUENCE, derOidEncode(OID.sha256WithRSAEncryption), derEncode(DER.NULL)),
      keyUsage: derNamedBits([0, 2]),
    };
  }
  if (keyType === 'ec') {
    const curve = privateKey.asymmetricKeyDetails?.namedCurve;
    // SHA-384 matches P-384's strength, as RFC 5480 recommends.
    const digest = curve === 'prime256v1' ? 'sha256' : curve === 'secp384r1' ? 'sha384' : undefined;
    if (!digest) throw new UserError(`EC keys on curve ${curve ?? 'unknown'} are not supported; use P-256 or P-384.`, 'bad-key');
    const oid = digest === 'sha256' ? OID.ecdsaWithSHA256 : OID.ecdsaWithSHA384;
    return { digest, algorithmIdentifier: derEncode(DER.SEQUENCE, derOidEncode(oid)), keyUsage: derNamedBits([0, 4]) };
  }
  throw new UserError(`${keyType ?? 'This'} keys are not supported for certificates; use RSA or EC.`, 'bad-key');
}

function checkValidityDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS) {
    throw new UserError(`The validity must be a whole number of days from 1 to ${MAX_VALIDITY_DAYS}, not ${days}.`, 'bad-validity');
  }
  return days;
}

function serialNumber(given: Buffer | undefined): Buffer {
  if (given === undefined) {
    const serial = randomBytes(16);
    // Top bit clear keeps it positive, the next bit set keeps all 16 bytes significant (no DER padding games).
    serial[0] = (serial[0]! & 0x7f) | 0x40;
    return serial;
  }
  const firstNonZero = given.findIndex((byte) => byte !== 0);
  if (firstNonZero < 0) throw new UserError('A certificate serial number must not be zero.', 'bad-serial');
  // RFC 5280: at most 20 octets once encoded, and the encoding may need a leading zero.
  if (given.length - firstNonZero > 19) throw new UserError('A certificate serial number may have at most 19 bytes.', 'bad-serial');
  return given.subarray(firstNonZero);
}

export function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  const flag = critical ? [derEncode(0x01, Buffer.from([0xff]))] : [];
  return derEncode(DER.SEQUENCE, derOidEncode(oid), ...flag, derEncode(DER.OCTET_STRING, value));
}

/** The content bytes of the subjectPublicKey BIT STRING (after its unused-bits byte): what RFC 5280's key id hashes. */
function subjectPublicKeyBits(spki: Buffer): Buffer {
  const [, bits] = derChildren(expectTag(readDerNode(spki, 0), DER.SEQUENCE, 'the public key'));
  return derContent(expectTag(bits, DER.BIT_STRING, 'the public key bits')).subarray(1);
}
