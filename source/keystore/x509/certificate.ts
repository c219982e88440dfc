import { X509Certificate } from 'node:crypto';
import { hexDigestOnce } from '../digest.js';
import { KeystoreError } from '../../errors.js';
import { describeName } from './chain.js';
import { readCertificateFields } from './certificate-der.js';
import { derChildren, derOid, readDerNode } from '../der.js';
import { OID } from '../oids.js';

/** What a person (or --json) needs to know about one certificate. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  selfIssued: boolean;
  notBefore: Date;
  notAfter: Date;
  keyAlgorithm: string;
  /** RSA/DSA modulus bits, EC curve bits; undefined when unknown. */
  keySize?: number;
  curve?: string;
  signatureAlgorithm: string;
  /** Upper-case hex, no separators. */
  sha256: string;
  subjectAltNames: string[];
  isCA: boolean;
}

export type ExpiryState = 'expired' | 'expiring-soon' | 'valid' | 'not-yet-valid';

export const EXPIRING_SOON_DAYS = 30;
const DAY_MS = 86_400_000;

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  [OID.md5WithRSAEncryption]: 'MD5withRSA',
  [OID.sha1WithRSAEncryption]: 'SHA1withRSA',
  [OID.rsassaPss]: 'RSASSA-PSS',
  [OID.sha256WithRSAEncryption]: 'SHA256withRSA',
  [OID.sha384WithRSAEncryption]: 'SHA384withRSA',
  [OID.sha512WithRSAEncryption]: 'SHA512withRSA',
  [OID.sha224WithRSAEncryption]: 'SHA224withRSA',
  [OID.ecdsaWithSHA1]: 'SHA1withECDSA',
  [OID.ecdsaWithSHA224]: 'SHA224withECDSA',
  [OID.ecdsaWithSHA256]: 'SHA256withECDSA',
  [OID.ecdsaWithSHA384]: 'SHA384withECDSA',
  [OID.ecdsaWithSHA512]: 'SHA512withECDSA',
  [OID.dsaWithSHA1]: 'SHA1withDSA',
  [OID.dsaWithSHA256]: 'SHA256withDSA',
  [OID.ed25519]: 'Ed25519',
  [OID.ed448]: 'Ed448',
};

const CURVE_BITS: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256 };

function signatureAlgorithmOf(der: Buffer): string {
  const certificate = readDerNode(der, 0);
  const algorithm = derChildren(certificate)[1];
  const oidNode = algorithm ? derChildren(algorithm)[0] : undefined;
  if (!oidNode) return 'unknown';
  return signatureAlgorithmName(derOid(oidNode));
}

function signatureAlgorithmName(oid: string): string {
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}

export function parseCertificate(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    throw new KeystoreError('corrupt', 'a certificate in the file cannot be parsed (the file is damaged)');
  }
}

/** Read from the DER when it is sure to match what OpenSSL would say (see certificate-der.ts), else from OpenSSL. */
export function summarizeCertificate(der: Buffer): CertificateSummary {
  return summarizeFromDer(der) ?? summarizeWithX509(der);
}

/** The fast path alone; undefined when the certificate holds something it leaves to OpenSSL. */
export function summarizeFromDer(der: Buffer): CertificateSummary | undefined {
  const fields = readCertificateFields(der);
  if (!fields) return undefined;
  // Same keys in the same order as summarizeWithX509: --json prints them in this order.
  return {
    subject: fields.subject,
    issuer: fields.issuer,
    selfIssued: fields.selfIssued,
    notBefore: fields.notBefore,
    notAfter: fields.notAfter,
    keyAlgorithm: fields.keyAlgorithm,
    keySize: fields.keySize,
    curve: fields.curve,
    signatureAlgorithm: signatureAlgorithmName(fields.signatureAlgorithmOid),
    sha256: hexDigestOnce('sha256', der).toUpperCase(),
    subjectAltNames: fields.subjectAltNames,
    isCA: fields.isCA,
  };
}

export function summarizeWithX509(der: Buffer): CertificateSummary {
  const certificate = parseCertificate(der);
  const publicKey = certificate.publicKey;
  const details = publicKey.asymmetricKeyDetails ?? {};
  const keyType = publicKey.asymmetricKeyType ?? 'unknown';
  const curve = details.namedCurve;
  const keySize = details.modulusLength ?? (curve ? CURVE_BITS[curve] : undefined);
  const subject = describeName(certificate.subject);
  const issuer = describeName(certificate.issuer);
  return {
    subject,
    issuer,
    selfIssued: certificate.subject === certificate.issuer,
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    keyAlgorithm: keyType === 'rsa-pss' ? 'RSASSA-PSS' : keyType.toUpperCase(),
    keySize,
    curve,
    signatureAlgorithm: safeSignatureAlgorithm(der),
    sha256: certificate.fingerprint256.replaceAll(':', ''),
    subjectAltNames: (certificate.subjectAltName ?? '')
      .split(', ')
      .filter((name) => name.length > 0)
      .map((name) => name.replace(/^IP Address:/, 'IP:')),
    isCA: certificate.ca,
  };
}

function safeSignatureAlgorithm(der: Buffer): string {
  try {
    return signatureAlgorithmOf(der);
  } catch {
    return 'unknown';
  }
}

export function expiryState(summary: Pick<CertificateSummary, 'notBefore' | 'notAfter'>, now: Date): ExpiryState {
  if (summary.notAfter.getTime() <= now.getTime()) return 'expired';
  if (summary.notBefore.getTime() > now.getTime()) return 'not-yet-valid';
  if (summary.notAfter.getTime() - now.getTime() < EXPIRING_SOON_DAYS * DAY_MS) return 'expiring-soon';
  return 'valid';
}

export function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/** Each pair of digits that has more after it. */
const PAIR_BEFORE_MORE = /..(?=.)/g;

/**
 * AB:CD:... form, as keytool prints fingerprints (a last odd digit is dropped; less than a pair is left as it is). One
 * native replace: inspect does this for every certificate of a truststore, in code that is still cold, where a loop
 * over the pairs took a third longer, and pairs matched into an array and joined made ~20 objects each time.
 */
export function colonHex(hex: string): string {
  if (hex.length < 2) return hex;
  return (hex.length & 1 ? hex.slice(0, -1) : hex).replace(PAIR_BEFORE_MORE, '$&:');
}
