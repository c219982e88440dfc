import { sign, verify, type KeyObject } from 'node:crypto';
import { UserError } from '../../errors.js';
import { DER, derBitString, derChildren, derEncode, derInteger, derOid, derOidEncode, derWhole, expectTag, readDerNode } from '../der.js';
import { encodeSubjectAltNames, uniqueSubjectAltNames, type SanEntry } from './san.js';
import { extension, signatureScheme } from './build.js';
import { OID } from '../oids.js';
import { pemBlocks, toPem } from './pem.js';

/**
 * PKCS#10 certificate signing requests (RFC 2986), built as DER and signed with node:crypto, as keytool
 * -certreq makes them: the subject, the public key, and the subject alternative names as an extensionRequest
 * attribute, so that a CA that honours requested extensions puts them in the certificate.
 */

export interface CsrOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The subject Name in DER: encodeDname of the parsed answers, or a renewal's certificate's own. */
  subject: Buffer;
  /** Parsed by parseSubjectAltName(s); repeats are kept once. */
  subjectAltNames?: readonly SanEntry[];
}

export function createCertificateRequest(options: CsrOptions): Buffer {
  const scheme = signatureScheme(options.privateKey);
  const subject = options.subject;
  const sans = uniqueSubjectAltNames(options.subjectAltNames ?? []);
  const spki = options.publicKey.export({ type: 'spki', format: 'der' });
  const attributes =
    sans.length === 0
      ? []
      : [
          derEncode(
            DER.SEQUENCE,
            derOidEncode(OID.extensionRequest),
            derEncode(DER.SET, derEncode(DER.SEQUENCE, extension(OID.subjectAltName, false, encodeSubjectAltNames(sans)))),
          ),
        ];
  const info = derEncode(DER.SEQUENCE, derInteger(Buffer.from([0])), subject, spki, derEncode(0xa0, ...attributes));
  const signature = sign(scheme.digest, info, options.privateKey);
  if (!verify(scheme.digest, info, options.publicKey, signature)) {
    throw new UserError('The private key does not belong to the public key it was given with.', 'key-mismatch');
  }
  return derEncode(DER.SEQUENCE, info, scheme.algorithmIdentifier, derBitString(signature));
}

export function certificateRequestPem(der: Buffer): string {
  return toPem('CERTIFICATE REQUEST', der);
}

/** What a request says: enough to show the user and to recognise the same request again. */
export interface CertificateRequestInfo {
  /** The subject Name as DER. */
  subject: Buffer;
  /** SubjectPublicKeyInfo as DER. */
  publicKey: Buffer;
}

/** Reads back a request this module wrote (or any DER PKCS#10): its subject and public key. */
export function readCertificateRequest(pemOrDer: Buffer): CertificateRequestInfo {
  const text = pemOrDer.toString('latin1');
  const block = pemBlocks(text).find(({ label }) => label === 'CERTIFICATE REQUEST' || label === 'NEW CERTIFICATE REQUEST');
  const der = block ? block.der : pemOrDer;
  const request = expectTag(readDerNode(der, 0), DER.SEQUENCE, 'the certificate request');
  const [info] = derChildren(request);
  const fields = derChildren(expectTag(info, DER.SEQUENCE, 'the request information'));
  const subject = expectTag(fields[1], DER.SEQUENCE, 'the request subject');
  const publicKey = expectTag(fields[2], DER.SEQUENCE, 'the request public key');
  return { subject: Buffer.from(derWhole(subject)), publicKey: Buffer.from(derWhole(publicKey)) };
}

/** The OID of the algorithm a request is signed with (for tests and messages). */
export function requestSignatureOid(der: Buffer): string {
  const [, algorithm] = derChildren(readDerNode(der, 0));
  const [oid] = derChildren(expectTag(algorithm, DER.SEQUENCE, 'the signature algorithm'));
  return derOid(expectTag(oid, DER.OID, 'the signature algorithm'));
}
