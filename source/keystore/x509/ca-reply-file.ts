import { UserError } from '../../errors.js';
import { DER, derChildren, derOid, derWhole, readDerNode, type DerNode } from '../der.js';
import { OID } from '../oids.js';
import { CERTIFICATE_LABELS, looksLikePem, pemBlocks } from './pem.js';
import { expectCertificatesParse } from './certificate-file.js';

/**
 * The certificates of a CA's reply, in whatever form CAs send it: PEM certificates (one, or a bundle in any
 * order), a PKCS#7 certificate bag (`.p7b`, PEM "PKCS7" or DER), or a DER certificate. Order is not trusted
 * here; the chain is built from issuer and signature later.
 */
const PKCS7_LABELS = new Set(['PKCS7', 'CERTIFICATE CHAIN']);
const SIGNED_DATA = OID.signedData;
/** More certificates than any real chain has: a larger count is the wrong file. */
const MAX_CERTIFICATES = 50;

function unreadable(file: string, why: string): UserError {
  return new UserError(
    `${file}: ${why}. The CA's reply should be its certificate in PEM (-----BEGIN CERTIFICATE-----), DER, or a PKCS#7 (.p7b) chain.`,
    'reply-unreadable',
  );
}

export function parseCaReply(bytes: Buffer, file: string): Buffer[] {
  if (bytes.length === 0) throw unreadable(file, 'the file is empty');
  const text = bytes.toString('latin1');
  const certificates: Buffer[] = [];
  if (looksLikePem(text)) {
    for (const { label, der } of pemBlocks(text)) {
      if (CERTIFICATE_LABELS.has(label)) certificates.push(der);
      else if (PKCS7_LABELS.has(label)) certificates.push(...pkcs7Certificates(der, file));
      else if (/CERTIFICATE REQUEST/.test(label))
        throw unreadable(file, "it is a certificate signing request (what goes to the CA), not the CA's reply");
      else if (/PRIVATE KEY/.test(label)) throw unreadable(file, 'it holds a private key, not a certificate');
    }
    if (certificates.length === 0) throw unreadable(file, 'it holds no certificate block');
  } else if (bytes[0] === DER.SEQUENCE) {
    certificates.push(...(isPkcs7(bytes, file) ? pkcs7Certificates(bytes, file) : [bytes]));
  } else {
    throw unreadable(file, 'it is neither PEM nor DER');
  }
  if (certificates.length > MAX_CERTIFICATES) throw unreadable(file, `it holds ${certificates.length} certificates; a chain has a handful`);
  expectCertificatesParse(certificates, (why) => unreadable(file, why));
  return certificates;
}

/** ContentInfo starts with an OID; a certificate starts with its TBSCertificate SEQUENCE. */
function isPkcs7(der: Buffer, file: string): boolean {
  try {
    const [first] = derChildren(readDerNode(der, 0));
    return first?.tag === DER.OID;
  } catch {
    throw unreadable(file, 'its DER structure is damaged');
  }
}

/**
 * ContentInfo { contentType signedData, [0] EXPLICIT SignedData { version, digestAlgorithms, encapContentInfo,
 * [0] IMPLICIT certificates SET OF Certificate, ... } } (RFC 5652). Only the certificates are read: a
 * certificate-only bag carries no signature worth checking.
 */
function pkcs7Certificates(der: Buffer, file: string): Buffer[] {
  try {
    const [type, content] = derChildren(readDerNode(der, 0));
    if (!type || type.tag !== DER.OID || derOid(type) !== SIGNED_DATA)
      throw unreadable(file, 'it is a PKCS#7 file, but not a certificate bag (signedData)');
    if (content?.tag !== 0xa0) throw unreadable(file, 'the PKCS#7 bag is empty');
    const [signedData] = derChildren(content);
    if (!signedData || signedData.tag !== DER.SEQUENCE) throw unreadable(file, 'the PKCS#7 bag is damaged');
    const bag: DerNode | undefined = derChildren(signedData).find((node) => node.tag === 0xa0);
    if (!bag) throw unreadable(file, 'the PKCS#7 bag holds no certificate');
    return derChildren(bag)
      .filter((node) => node.tag === DER.SEQUENCE)
      .map((node) => Buffer.from(derWhole(node)));
  } catch (error) {
    if (error instanceof UserError && error.code === 'reply-unreadable') throw error;
    throw unreadable(file, 'the PKCS#7 structure is damaged (or uses BER indefinite lengths; convert it with openssl pkcs7 -print_certs)');
  }
}
