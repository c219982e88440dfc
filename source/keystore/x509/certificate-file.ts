import { X509Certificate } from 'node:crypto';
import { type ErrorCode, UserError } from '../../errors.js';
import { FileRefused } from '../../files/file-errors.js';
import { READ_LIMITS, readFileChecked } from '../../files/read-file.js';
import { CERTIFICATE_LABELS, looksLikePem, pemBlocks } from './pem.js';

/**
 * The certificates of a PEM file (one or a bundle) or a DER file, each checked to parse. Errors name the file
 * and what was found instead.
 */
export function parseCertificateFile(bytes: Buffer, file: string): Buffer[] {
  const fail = (why: string) =>
    new UserError(`${file}: ${why}. Give a certificate in PEM (-----BEGIN CERTIFICATE-----) or DER form.`, 'certificate-unreadable');
  const text = bytes.toString('latin1');
  const certificates: Buffer[] = [];
  if (looksLikePem(text)) {
    for (const block of pemBlocks(text)) if (CERTIFICATE_LABELS.has(block.label)) certificates.push(block.der);
    if (certificates.length === 0) {
      throw fail(/PRIVATE KEY/.test(text) ? 'it holds a private key, not a certificate' : 'it holds no certificate block');
    }
  } else if (bytes[0] === 0x30) {
    certificates.push(bytes);
  } else {
    throw fail(bytes.length === 0 ? 'the file is empty' : 'it is neither PEM nor DER');
  }
  expectCertificatesParse(certificates, fail);
  return certificates;
}

/** Each certificate must parse; the error says which one of how many does not. */
export function expectCertificatesParse(certificates: readonly Buffer[], fail: (why: string) => UserError): void {
  certificates.forEach((der, index) => {
    try {
      new X509Certificate(der);
    } catch {
      throw fail(
        certificates.length > 1 ? `certificate ${index + 1} of ${certificates.length} does not parse` : 'the certificate does not parse',
      );
    }
  });
}

/**
 * The bytes of a certificate file the user named (a certificate, a bundle, a CA's reply): a regular file of at most
 * 16 MB (a FIFO or a device is refused, not read), any refusal as a user error with `code`.
 */
export async function readCertificateBytes(file: string, what: string, code: ErrorCode): Promise<Buffer> {
  try {
    return (await readFileChecked(file, { what, limit: READ_LIMITS.certificate })).bytes;
  } catch (error) {
    if (error instanceof FileRefused) throw new UserError(error.message, code);
    throw error;
  }
}

export async function readCertificateFile(file: string): Promise<Buffer[]> {
  return parseCertificateFile(await readCertificateBytes(file, 'certificate file', 'certificate-unreadable'), file);
}
