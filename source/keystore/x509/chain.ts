import { X509Certificate, type KeyObject } from 'node:crypto';
import { UserError } from '../../errors.js';

/** Reads a DER (or PEM) certificate, turning OpenSSL's parse failure into an error a user can act on. */
export function readCertificate(der: Buffer, what = 'the certificate'): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : '';
    throw new UserError(`${what} is not a readable X.509 certificate${detail}.`, 'bad-certificate');
  }
}

/** Whether the private key is the one whose public half the certificate carries (keytool never checks this). */
export function keyMatchesCertificate(privateKey: KeyObject, certificateDer: Buffer): boolean {
  const certificate = readCertificate(certificateDer);
  // OpenSSL compares the key types first; keys of different types cannot match, so no need to ask it.
  if (privateKey.asymmetricKeyType !== certificate.publicKey.asymmetricKeyType) return false;
  return certificate.checkPrivateKey(privateKey);
}

/**
 * A subject or issuer as one line, most specific first, as users write distinguished names (Node lists the RDNs one
 * per line, root-most first; keytool prints them the other way round).
 */
export function describeName(multiline: string): string {
  return multiline
    .split('\n')
    .filter((line) => line.length > 0)
    .reverse()
    .join(', ');
}

export type ChainCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks that a chain runs leaf first: each certificate names the next as its issuer and carries its signature.
 * The last one may be self-signed (a root) or not (the chain may stop below the root).
 */
export function verifyChainOrder(chain: readonly Buffer[]): ChainCheck {
  if (chain.length === 0) return { ok: false, reason: 'the chain holds no certificate' };
  const certificates = chain.map((der, index) => readCertificate(der, `certificate ${index + 1} of the chain`));
  for (let index = 0; index + 1 < certificates.length; index++) {
    const certificate = certificates[index]!;
    const next = certificates[index + 1]!;
    const position = `certificate ${index + 1} (${describeName(certificate.subject)})`;
    if (certificate.issuer !== next.subject) {
      const reversed = next.issuer === certificate.subject;
      const advice = reversed
        ? 'the chain appears to be in reverse order; list it leaf first, then each issuer'
        : 'put the certificates in order, leaf first, each followed by its issuer, and leave out unrelated ones';
      return {
        ok: false,
        reason: `${position} was issued by ${describeName(certificate.issuer)}, but certificate ${index + 2} is ${describeName(next.subject)}: ${advice}`,
      };
    }
    if (!certificate.verify(next.publicKey)) {
      return {
        ok: false,
        reason: `${position} names ${describeName(next.subject)} as its issuer, but its signature does not verify with certificate ${index + 2}'s key: that is a different certificate with the same name`,
      };
    }
  }
  return { ok: true };
}
