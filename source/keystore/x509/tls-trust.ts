import { X509Certificate } from 'node:crypto';
import { ipVersion } from './ip-address.js';
import { certificateUsage, EKU, KEY_USAGE } from './certificate-usage.js';
import { colonHex, summarizeCertificate, type CertificateSummary } from './certificate.js';
import { calendarDay } from '../../calendar-day.js';

/**
 * Judges the chain a TLS server presents as a Java client (the WSO2 server's outbound HTTPS) would with a given
 * truststore, by the rules of the JDK's PKIXValidator and X509TrustManagerImpl rather than OpenSSL's:
 * - the trust anchors are the truststore's certificates; any of them may be an anchor, a root or not, and a
 *   presented certificate that is itself in the truststore (the same certificate, or the same subject and key)
 *   ends the path there; a trusted leaf is accepted as it is (Java checks neither its dates nor its signature);
 * - every certificate below the anchor must be within its dates, signed by the next with an algorithm Java
 *   accepts, and (above the leaf) a CA allowed to sign certificates; the leaf must be usable by a TLS server;
 * - the name asked for must match the leaf's DNS (or IP) subject alternative names, or its CN when it has no DNS
 *   names, as Java's "HTTPS" endpoint identification does.
 */
export interface TrustAnchor {
  alias: string;
  der: Buffer;
}

export type TlsProblemCode =
  | 'root-not-trusted'
  | 'intermediate-missing'
  | 'self-signed'
  | 'expired'
  | 'not-yet-valid'
  | 'name-mismatch'
  | 'weak-signature'
  | 'weak-key'
  | 'not-a-ca'
  | 'not-a-server-certificate'
  | 'bad-certificate';

export interface TlsProblem {
  code: TlsProblemCode;
  /** What is wrong, in words. */
  message: string;
  /** The exact fix. */
  fix: string;
}

export interface TlsNote {
  code: string;
  message: string;
}

export interface PresentedCertificate extends CertificateSummary {
  /** Position in what the server sent, 1 = the leaf. */
  position: number;
}

export interface TlsJudgement {
  trusted: boolean;
  /** The truststore entry the path ends at, when one was found. */
  anchor: { alias: string; subject: string; sha256: string } | null;
  /** What the server presented, leaf first. */
  presented: PresentedCertificate[];
  /** Problems that make Java refuse the connection; empty when trusted. */
  problems: TlsProblem[];
  /** Accepted by Java, but worth knowing. */
  notes: TlsNote[];
  /** The certificate an import would trust by default: the top-most CA presented, or the leaf when self-signed. */
  suggestedTrust: { position: number; sha256: string; subject: string } | null;
}

interface Parsed {
  der: Buffer;
  x509: X509Certificate;
  summary: CertificateSummary;
  spki: Buffer;
}

const WEAK_SIGNATURES = /^(MD2|MD5)with/i;
const SHA1_SIGNATURE = /^SHA1with/i;

function parse(der: Buffer): Parsed | undefined {
  try {
    const x509 = new X509Certificate(der);
    return { der, x509, summary: summarizeCertificate(der), spki: x509.publicKey.export({ type: 'spki', format: 'der' }) };
  } catch {
    return undefined;
  }
}

function selfSigned(certificate: Parsed): boolean {
  if (certificate.x509.subject !== certificate.x509.issuer) return false;
  try {
    return certificate.x509.verify(certificate.x509.publicKey);
  } catch {
    return false;
  }
}

function signs(issuer: Parsed, subject: Parsed): boolean {
  if (issuer.x509.subject !== subject.x509.issuer) return false;
  try {
    return subject.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

const fingerprint = (certificate: Parsed) => colonHex(certificate.summary.sha256);

export function judgeTlsChain(input: { presented: Buffer[]; anchors: TrustAnchor[]; host: string; port: number; now: Date }): TlsJudgement {
  const problems: TlsProblem[] = [];
  const notes: TlsNote[] = [];
  const presented: Parsed[] = [];
  for (const [index, der] of input.presented.entries()) {
    const parsed = parse(der);
    if (!parsed) {
      problems.push({
        code: 'bad-certificate',
        message: `certificate ${index + 1} the server presented cannot be read`,
        fix: 'The server sends a damaged certificate; its administrators must fix its certificate files.',
      });
      return { trusted: false, anchor: null, presented: [], problems, notes, suggestedTrust: null };
    }
    presented.push(parsed);
  }
  const anchors = input.anchors.flatMap((anchor) => {
    const parsed = parse(anchor.der);
    return parsed ? [{ alias: anchor.alias, ...parsed }] : [];
  });
  const address = `${input.host}:${input.port}`;
  const showList = presented.map((certificate, index) => ({ ...certificate.summary, position: index + 1 }));
  const leaf = presented[0]!;

  // The path from the leaf up, through what the server sent, to the first certificate the truststore trusts.
  const path: Parsed[] = [leaf];
  let anchor: (typeof anchors)[number] | undefined;
  let anchorIsInPath = false;
  for (;;) {
    const current = path[path.length - 1]!;
    const itself = anchors.find(
      (candidate) =>
        candidate.der.equals(current.der) || (candidate.x509.subject === current.x509.subject && candidate.spki.equals(current.spki)),
    );
    if (itself) {
      anchor = itself;
      anchorIsInPath = true;
      break;
    }
    if (selfSigned(current)) break;
    const trustedIssuer = anchors.find((candidate) => signs(candidate, current));
    if (trustedIssuer) {
      anchor = trustedIssuer;
      break;
    }
    const sentIssuer = presented.find((candidate) => !path.includes(candidate) && signs(candidate, current));
    if (!sentIssuer || path.length >= 10) break;
    path.push(sentIssuer);
  }
  // What Java checks: everything below the anchor. A leaf that is itself trusted is taken as it is.
  const checked = anchorIsInPath ? path.slice(0, -1) : anchor ? path : path;
  const top = path[path.length - 1]!;
  const suggested = suggestion(presented);

  if (!anchor) {
    const importTop = `import it: [[truststore.import]] url = "https://${address}", trust = "root", sha256 = "${fingerprint(top)}"`;
    if (path.length === 1 && selfSigned(leaf)) {
      problems.push({
        code: 'self-signed',
        message: `the server's certificate (${leaf.summary.subject}) is self-signed, and the truststore does not hold it`,
        fix: `If you trust this server, import its certificate itself, after comparing its SHA-256 fingerprint ${fingerprint(leaf)} with one its administrators give you: [[truststore.import]] url = "https://${address}", trust = "leaf", sha256 = "${fingerprint(leaf)}". Better: have the server use a CA-signed certificate.`,
      });
    } else if (selfSigned(top)) {
      problems.push({
        code: 'root-not-trusted',
        message: `the chain ends at the root CA ${top.summary.subject}, which is not in the truststore`,
        fix: `Import that root CA certificate, after comparing its SHA-256 fingerprint ${fingerprint(top)} with one obtained from the CA: ${importTop.replace(/^import it: /, '')}.`,
      });
    } else if (path.length === 1) {
      problems.push({
        code: 'intermediate-missing',
        message: `the server sends only its own certificate (${leaf.summary.subject}); its issuer ${leaf.summary.issuer} is neither sent nor in the truststore`,
        fix: `The backend is misconfigured: it must send its intermediate CA certificate with its own (fix the certificate chain on ${address}). To work around it, get the certificate of ${leaf.summary.issuer} from the CA and import it into the truststore ([[truststore.import]] file = ...).`,
      });
    } else {
      problems.push({
        code: 'root-not-trusted',
        message: `the chain ends at ${top.summary.subject}, issued by ${top.summary.issuer}, a root CA the server does not send (servers usually leave it out) and the truststore does not hold`,
        fix: `Import the root CA certificate of ${top.summary.issuer}, obtained from the CA ([[truststore.import]] file = ...); or trust the top-most certificate the server sends, after comparing its SHA-256 fingerprint ${fingerprint(top)}: [[truststore.import]] url = "https://${address}", trust = "issuer", sha256 = "${fingerprint(top)}".`,
      });
    }
  }

  for (const [index, certificate] of checked.entries()) {
    const what =
      index === 0 ? `the server's certificate (${certificate.summary.subject})` : `the CA certificate ${certificate.summary.subject}`;
    const who = index === 0 ? `the server ${address}` : `the server ${address} (it must send the CA's current certificate)`;
    if (certificate.summary.notAfter.getTime() <= input.now.getTime()) {
      problems.push({
        code: 'expired',
        message: `${what} expired on ${calendarDay(certificate.summary.notAfter)}`,
        fix:
          index === 0
            ? `Renew the certificate of ${who}; importing it into the truststore does not help while it is sent with its CA.`
            : `Install the CA's renewed intermediate certificate on ${who}.`,
      });
    } else if (certificate.summary.notBefore.getTime() > input.now.getTime()) {
      problems.push({
        code: 'not-yet-valid',
        message: `${what} is not valid before ${certificate.summary.notBefore.toISOString()}`,
        fix: `Check this machine's clock (and the server's); otherwise wait until then.`,
      });
    }
    const issuer = checked[index + 1] ?? (anchor && !anchorIsInPath ? anchor : undefined);
    if (issuer && WEAK_SIGNATURES.test(certificate.summary.signatureAlgorithm)) {
      problems.push({
        code: 'weak-signature',
        message: `${what} is signed with ${certificate.summary.signatureAlgorithm}, which Java refuses (jdk.certpath.disabledAlgorithms)`,
        fix: `The certificate must be reissued with a SHA-256 signature; a truststore change does not help.`,
      });
    } else if (issuer && SHA1_SIGNATURE.test(certificate.summary.signatureAlgorithm)) {
      notes.push({
        code: 'sha1-signature',
        message: `${what} is signed with ${certificate.summary.signatureAlgorithm}: Java refuses SHA-1 where the root is one of the JDK's own CAs, and will refuse it elsewhere; have it reissued with SHA-256.`,
      });
    }
    const bits = certificate.summary.keySize;
    const weakKey =
      bits !== undefined &&
      ((certificate.summary.keyAlgorithm === 'RSA' && bits < 1024) || (certificate.summary.keyAlgorithm === 'EC' && bits < 224));
    if (weakKey) {
      problems.push({
        code: 'weak-key',
        message: `${what} has a ${bits}-bit ${certificate.summary.keyAlgorithm} key, which Java refuses`,
        fix: 'The certificate must be reissued with a stronger key (RSA 2048 or EC 256).',
      });
    }
    if (index > 0) {
      if (!certificate.x509.ca) {
        problems.push({
          code: 'not-a-ca',
          message: `${what} signs ${checked[index - 1]!.summary.subject} but is not a CA certificate (basic constraints)`,
          fix: 'The chain the server sends is wrong; its certificates must be reissued by a real CA.',
        });
      } else {
        const keyUsage = certificateUsage(certificate.der).keyUsage;
        if (keyUsage && !keyUsage.includes(KEY_USAGE.keyCertSign)) {
          problems.push({
            code: 'not-a-ca',
            message: `${what} is not allowed to sign certificates (its key usage lacks keyCertSign)`,
            fix: 'The chain the server sends is wrong; its CA certificate must be reissued.',
          });
        }
      }
    }
  }
  if (checked.length > 0) serverUsage(leaf, problems);
  if (anchorIsInPath && path.length === 1 && anchor) {
    const expired = leaf.summary.notAfter.getTime() <= input.now.getTime();
    notes.push({
      code: 'leaf-trusted-directly',
      message: `the server's certificate itself is in the truststore (as "${anchor.alias}"): Java accepts it as it is${expired ? `, even though it expired on ${calendarDay(leaf.summary.notAfter)}` : ''}; it must be imported again whenever the server's certificate changes`,
    });
  }
  checkName(leaf, input.host, problems);

  const trusted = problems.length === 0 && anchor !== undefined;
  return {
    trusted,
    anchor: anchor ? { alias: anchor.alias, subject: anchor.summary.subject, sha256: anchor.summary.sha256 } : null,
    presented: showList,
    problems,
    notes,
    suggestedTrust: suggested,
  };
}

/** The default choice of an import: the top-most CA certificate the server sends, or the leaf when it is alone and self-signed. */
function suggestion(presented: Parsed[]): TlsJudgement['suggestedTrust'] {
  let index = 0;
  for (let position = presented.length - 1; position > 0; position--) {
    if (presented[position]!.x509.ca) {
      index = position;
      break;
    }
  }
  const chosen = presented[index];
  return chosen ? { position: index + 1, sha256: chosen.summary.sha256, subject: chosen.summary.subject } : null;
}

function serverUsage(leaf: Parsed, problems: TlsProblem[]): void {
  const usage = certificateUsage(leaf.der);
  const fix = 'The server needs a TLS server certificate (extended key usage serverAuth); it must be reissued.';
  if (usage.extendedKeyUsage && !usage.extendedKeyUsage.includes(EKU.serverAuth) && !usage.extendedKeyUsage.includes(EKU.any)) {
    problems.push({
      code: 'not-a-server-certificate',
      message: `the server's certificate (${leaf.summary.subject}) is not for TLS servers: its extended key usage lacks serverAuth`,
      fix,
    });
  }
}

function checkName(leaf: Parsed, host: string, problems: TlsProblem[]): void {
  const ip = ipVersion(host) !== 0;
  const matches = ip
    ? leaf.x509.checkIP(host) !== undefined
    : leaf.x509.checkHost(host, { subject: 'default', partialWildcards: false }) !== undefined;
  if (matches) return;
  const names = leaf.summary.subjectAltNames;
  const cn = /(?:^|, )CN=([^,]*)/.exec(leaf.summary.subject)?.[1];
  const held = names.length > 0 ? names.join(', ') : cn ? `no subject alternative names; CN=${cn}` : 'no names at all';
  problems.push({
    code: 'name-mismatch',
    message: `the server's certificate is not for "${host}": it holds ${held}${ip && names.length === 0 ? ' (an IP address is only matched by an IP: name)' : ''}`,
    fix: `Connect with one of the names it holds (the name in the backend's URL must be one of them), or have the certificate reissued with ${ip ? `IP:${host}` : `DNS:${host}`} among its subject alternative names. Importing it does not help: Java checks the name whatever the truststore holds.`,
  });
}
