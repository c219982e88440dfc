/**
 * PEM (RFC 7468): the one reader and writer of `-----BEGIN LABEL-----` blocks for certificates, bundles, PKCS#7
 * replies and certificate requests. Readers decide which labels they take; the text between the lines is Base64
 * with any whitespace.
 */

export interface PemBlock {
  label: string;
  der: Buffer;
}

/** The labels a certificate block is written with (OpenSSL's "TRUSTED CERTIFICATE" and the old "X509 CERTIFICATE" too). */
export const CERTIFICATE_LABELS: ReadonlySet<string> = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** True when the text holds at least the start of a PEM block (so it is not DER). */
export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN');
}

/** Every complete block of the text, in order. `text` is the file read as latin1 (PEM is ASCII). */
export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(BLOCK)].map((match) => ({ label: match[1]!, der: Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64') }));
}

/** One block: Base64 in lines of 64 characters, ending with a newline (what openssl and keytool -rfc write). */
export function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return [`-----BEGIN ${label}-----`, ...lines, `-----END ${label}-----`, ''].join('\n');
}
