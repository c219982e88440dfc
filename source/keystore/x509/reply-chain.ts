import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { type ErrorCode, UserError } from '../../errors.js';
import { readCertificate } from './chain.js';
import { certificateUsage, EKU, KEY_USAGE } from './certificate-usage.js';
import { summarizeCertificate } from './certificate.js';
import { calendarDay } from '../../calendar-day.js';

/**
 * Turns a CA's reply into the chain a key entry needs, removing keytool's traps: the leaf is found by its public
 * key (never by an alias), the chain is completed from the reply and then from the truststore whatever order
 * they come in, ordered leaf to root, and every link is checked (signature, validity, CA basic constraint), so
 * nothing is installed that a TLS client would refuse.
 */
export interface ReplyChainInput {
  /** The reply's certificates, in any order. */
  reply: Buffer[];
  /** The pending key's public key. */
  publicKey: KeyObject;
  /** Certificates of the current truststore, to complete the chain where the reply stops short. */
  trusted: Buffer[];
  now: Date;
  /** The reply file, for messages. */
  file: string;
}

export interface ReplyChain {
  /** Leaf first, root last. */
  chain: Buffer[];
  /** How many of the chain's certificates came from the truststore rather than the reply. */
  fromTruststore: number;
  /** Reply certificates that are not part of the chain. */
  unused: number;
}

const MAX_DEPTH = 10;

function refuse(code: ErrorCode, message: string): UserError {
  return new UserError(message, code);
}

function spki(certificate: X509Certificate): Buffer {
  return certificate.publicKey.export({ type: 'spki', format: 'der' });
}

function name(der: Buffer): string {
  return summarizeCertificate(der).subject;
}

export function buildReplyChain(input: ReplyChainInput): ReplyChain {
  const wanted = input.publicKey.export({ type: 'spki', format: 'der' });
  const parsed = input.reply.map((der, index) => ({ der, x509: readCertificate(der, `certificate ${index + 1} of ${input.file}`) }));
  const leafIndex = parsed.findIndex((candidate) => spki(candidate.x509).equals(wanted));
  if (leafIndex < 0) {
    const keyId = createHash('sha256').update(wanted).digest('hex').slice(0, 16);
    const subjects = parsed.filter((candidate) => !candidate.x509.ca).map((candidate) => name(candidate.der));
    throw refuse(
      'reply-wrong-key',
      `${input.file} does not certify the pending key (SHA-256 of its public key ${keyId}...): ${subjects.length > 0 ? `it is for ${subjects.join('; ')}, a different key` : 'it holds only CA certificates'}. ` +
        'It answers another request: send the pending request to the CA again, or find the reply that matches it.',
    );
  }
  const leaf = parsed[leafIndex]!;
  checkTlsServer(leaf.der, leaf.x509, input.file);

  const chain = [leaf];
  const used = new Set([leafIndex]);
  let fromTruststore = 0;
  const trusted = input.trusted.flatMap((der) => {
    try {
      return [{ der, x509: new X509Certificate(der) }];
    } catch {
      return [];
    }
  });
  for (;;) {
    const current = chain[chain.length - 1]!;
    if (current.x509.subject === current.x509.issuer && current.x509.verify(current.x509.publicKey)) break;
    if (chain.length >= MAX_DEPTH)
      throw refuse('chain-incomplete', `${input.file}: the chain is longer than ${MAX_DEPTH} certificates; check the reply.`);
    const issues = (candidate: { x509: X509Certificate }) =>
      candidate.x509.subject === current.x509.issuer && current.x509.verify(candidate.x509.publicKey);
    const inReply = parsed.findIndex((candidate, index) => !used.has(index) && issues(candidate));
    if (inReply >= 0) {
      used.add(inReply);
      chain.push(parsed[inReply]!);
      continue;
    }
    const inTruststore = trusted.find(issues);
    if (inTruststore && !chain.some((link) => link.der.equals(inTruststore.der))) {
      chain.push(inTruststore);
      fromTruststore++;
      continue;
    }
    const issuer = current.x509.issuer.split('\n').reverse().join(', ');
    throw refuse(
      'chain-incomplete',
      `The chain of ${input.file} cannot be completed: ${name(current.der)} was issued by ${issuer}, which is neither in the reply nor in the truststore. ` +
        'Ask the CA for the full chain (a .p7b or a PEM bundle with the intermediate and root certificates), or import the CA certificates into the truststore first (ei-keystore apply truststore). Nothing was written.',
    );
  }

  chain.forEach((link, index) => {
    const summary = summarizeCertificate(link.der);
    const what = index === 0 ? `The certificate in ${input.file} (${summary.subject})` : `The CA certificate ${summary.subject}`;
    if (summary.notAfter.getTime() <= input.now.getTime()) {
      throw refuse(
        index === 0 ? 'reply-expired' : 'ca-expired',
        `${what} expired on ${calendarDay(summary.notAfter)}; TLS clients would refuse the chain. Ask the CA for a current ${index === 0 ? 'certificate' : 'chain'}. Nothing was written.`,
      );
    }
    if (summary.notBefore.getTime() > input.now.getTime()) {
      throw refuse(
        'reply-not-yet-valid',
        `${what} is not valid before ${summary.notBefore.toISOString()}; check this machine's clock, or wait. Nothing was written.`,
      );
    }
    if (index === 0) return;
    if (!link.x509.ca) {
      throw refuse(
        'ca-not-ca',
        `${what} signs ${name(chain[index - 1]!.der)} but is not a CA certificate (its basic constraints do not say CA:true); TLS clients would refuse the chain. Nothing was written.`,
      );
    }
    const keyUsage = certificateUsage(link.der).keyUsage;
    if (keyUsage && !keyUsage.includes(KEY_USAGE.keyCertSign)) {
      throw refuse('ca-not-ca', `${what} is not allowed to sign certificates (its key usage lacks keyCertSign). Nothing was written.`);
    }
  });
  return { chain: chain.map((link) => link.der), fromTruststore, unused: parsed.length - used.size };
}

/** A server's TLS certificate: not a CA, and, where it restricts its usage, usable for a TLS server. */
function checkTlsServer(der: Buffer, x509: X509Certificate, file: string): void {
  const subject = name(der);
  const fail = (why: string) =>
    refuse(
      'reply-not-tls-server',
      `The certificate in ${file} (${subject}) is not a TLS server certificate: ${why}. Ask the CA for a server (web server / TLS server) certificate. Nothing was written.`,
    );
  if (x509.ca) throw fail('it is a CA certificate');
  const usage = certificateUsage(der);
  if (usage.extendedKeyUsage && !usage.extendedKeyUsage.includes(EKU.serverAuth) && !usage.extendedKeyUsage.includes(EKU.any)) {
    throw fail('its extended key usage does not include serverAuth (TLS Web Server Authentication)');
  }
  if (usage.keyUsage) {
    const rsa = x509.publicKey.asymmetricKeyType === 'rsa';
    const allowed = [KEY_USAGE.digitalSignature, ...(rsa ? [KEY_USAGE.keyEncipherment] : [KEY_USAGE.keyAgreement])];
    if (!usage.keyUsage.some((bit) => (allowed as number[]).includes(bit))) {
      throw fail(`its key usage allows neither digitalSignature nor ${rsa ? 'keyEncipherment' : 'keyAgreement'}`);
    }
  }
}
