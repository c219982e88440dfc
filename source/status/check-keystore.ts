import { X509Certificate, type KeyObject } from 'node:crypto';
import { KeystoreError } from '../errors.js';
import { FileRefused } from '../files/file-errors.js';
import { describeCertificate, type DescribedCertificate } from '../keystore/describe.js';
import type { Keystore, KeystoreFormat, PrivateKeyEntry } from '../keystore/model.js';
import {
  entryJavaFinds,
  entryUnreachableByCase,
  javaTrustOf,
  keyEntriesForTls,
  noKeyEntryWords,
  reachableByJava,
  tlsKeysNotOpening,
  type JavaTrust,
} from '../keystore/java-lookup.js';
import { detectFormat, readKeystore, readKeystoreBytes } from '../keystore/open.js';
import type { Finding, FindingCode } from './finding.js';
import type { KeystoreRole } from '../answers/types.js';
import { calendarDay } from '../calendar-day.js';

/** A password the configuration gives, or why it cannot be had (an unset $env{}, a $secret{} with no terminal). */
export type PasswordInput = { value: string } | { unavailable: string };

/** What the configuration says one role is. */
export interface RoleTarget {
  role: KeystoreRole;
  table: string;
  file: string;
  configuredType: string;
  /** Where the type came from when the configuration has no `type` line (e.g. "default.json"); absent when it has. */
  typeDefaultedFrom?: string;
  password: PasswordInput;
  /** Absent for the truststore. */
  alias?: string;
  keyPassword?: PasswordInput;
  /** The home: a keystore inside it is read only if no link leads to (or out of) it. */
  home?: string;
  /** The keystore's bytes already read (the wizard's home snapshot); read from disk (readKeystoreBytes) when absent. */
  read?: (file: string) => Promise<Buffer>;
}

/** What was found on disk for one role: every field the --json output and the wizard's home screen show. */
export interface RoleReport {
  role: KeystoreRole;
  table: string;
  file: string;
  exists: boolean;
  configuredType: string;
  format?: KeystoreFormat;
  opened: boolean;
  entryCount?: number;
  alias?: string;
  aliasFound?: boolean;
  isKeyEntry?: boolean;
  keyRecovered?: boolean;
  keyMatchesCertificate?: boolean;
  /** The key entry's chain, leaf first (keystore roles). */
  chain?: DescribedCertificate[];
}

export interface RoleCheck {
  report: RoleReport;
  findings: Finding[];
  keystore?: Keystore;
  keyEntry?: PrivateKeyEntry;
  privateKey?: KeyObject;
}

const OPEN_ERROR_CODES: Record<string, FindingCode> = {
  'wrong-password': 'wrong-password',
  corrupt: 'keystore-corrupt',
  'not-a-keystore': 'not-a-keystore',
  unsupported: 'keystore-corrupt',
};

const MIN_RSA_BITS = 2048;
const MIN_EC_BITS = 256;

export async function checkKeystoreRole(target: RoleTarget, now: Date): Promise<RoleCheck> {
  const findings: Finding[] = [];
  const say = (level: Finding['level'], code: FindingCode, message: string) => findings.push({ level, code, role: target.role, message });
  const report: RoleReport = {
    role: target.role,
    table: target.table,
    file: target.file,
    exists: false,
    configuredType: target.configuredType,
    opened: false,
    alias: target.alias,
  };
  const where = `[${target.table}] file_name`;

  let bytes: Buffer;
  try {
    bytes = await (target.read ?? ((file) => readKeystoreBytes(file, target.home === undefined ? {} : { home: target.home })))(target.file);
  } catch (error) {
    if (error instanceof FileRefused && error.problem !== 'missing') {
      // It is there, but not something to open (a link, a FIFO, a device, far too large, unreadable): say why.
      report.exists = true;
      say('error', 'file-missing', `${error.message.replace(/\.$/, '')}. Fix ${where}, or put the keystore there.`);
    } else {
      say('error', 'file-missing', `${target.file} does not exist or cannot be read. Fix ${where}, or put the keystore there.`);
    }
    return { report, findings };
  }
  report.exists = true;
  const format = detectFormat(bytes);
  if (format) {
    report.format = format;
    checkType(target, format, say);
  }

  if ('unavailable' in target.password) {
    say('warning', 'password-unavailable', `The ${target.role} keystore password cannot be checked: ${target.password.unavailable}.`);
    return { report, findings };
  }

  let keystore: Keystore;
  try {
    keystore = await readKeystore(bytes, target.password.value);
  } catch (error) {
    if (!(error instanceof KeystoreError)) throw error;
    const code = OPEN_ERROR_CODES[error.keystoreCode] ?? 'keystore-corrupt';
    const advice =
      code === 'wrong-password'
        ? `Set [${target.table}] password to the keystore's store password.`
        : `Point ${where} at a JKS or PKCS#12 keystore, or replace the file.`;
    say('error', code, `${target.file}: ${error.detail}. ${advice}`);
    return { report, findings };
  }
  report.opened = true;
  report.entryCount = keystore.entries.length;
  const result: RoleCheck = { report, findings, keystore };
  if (target.role === 'truststore') {
    checkTruststoreEntries(keystore, now, say);
    return result;
  }

  const alias = target.alias ?? '';
  const entry = entryJavaFinds(keystore, alias);
  report.aliasFound = entry !== undefined;
  if (!entry) {
    if (entryUnreachableByCase(keystore, alias)) {
      say(
        'error',
        'alias-missing',
        `${noKeyEntryWords(keystore, alias, target.file)}, so the server cannot find "${alias}". Rebuild the keystore with its alias in lower case (ei-keystore apply ${target.role}).`,
      );
      return result;
    }
    const keyAliases = keyEntriesForTls(keystore).map((e) => e.alias);
    const hint =
      keyAliases.length > 0
        ? `The key entries there are: ${keyAliases.join(', ')}. Set [${target.table}] alias to one of them.`
        : 'The file holds no key entry the server can reach: point the role at a keystore with one.';
    say('error', 'alias-missing', `${target.file} has no entry "${alias}". ${hint}`);
    return result;
  }
  report.isKeyEntry = entry.kind === 'private-key';
  if (entry.kind !== 'private-key') {
    say(
      'error',
      'not-a-key-entry',
      `"${alias}" in ${target.file} is a ${entry.kind.replace('-', ' ')}, not a key pair. The ${target.role} keystore needs a private key entry: set [${target.table}] alias to one.`,
    );
    return result;
  }
  result.keyEntry = entry;
  report.chain = entry.chain.map((der) => describeCertificate(der, now));
  checkChainCertificates(target, report.chain, say);

  const keyPassword = target.keyPassword ?? target.password;
  if ('unavailable' in keyPassword) {
    say('warning', 'password-unavailable', `The key password of "${alias}" cannot be checked: ${keyPassword.unavailable}.`);
    return result;
  }
  try {
    result.privateKey = entry.key.recover(keyPassword.value);
    report.keyRecovered = true;
  } catch (error) {
    if (!(error instanceof KeystoreError)) throw error;
    report.keyRecovered = false;
    say(
      'error',
      'wrong-key-password',
      `The key password does not open "${alias}" in ${target.file}. Set [${target.table}] key_password to the key's password.`,
    );
    return result;
  }
  const leaf = entry.chain[0];
  report.keyMatchesCertificate = leaf !== undefined && keyMatchesLeaf(result.privateKey, leaf);
  if (!report.keyMatchesCertificate) {
    say(
      'error',
      'key-cert-mismatch',
      `The private key of "${alias}" in ${target.file} does not match its certificate. Re-import the right certificate for this key, or use another keystore.`,
    );
  }
  if (target.role === 'primary') checkTlsKeys(target, keystore, entry, keyPassword.value, say);
  return result;
}

/**
 * The HTTPS transports build their key manager over the whole primary keystore with the key password, not over the
 * configured alias (keyEntriesForTls): every other key entry must open with that password, and with more than one
 * the transport chooses which to serve.
 */
function checkTlsKeys(target: RoleTarget, keystore: Keystore, configured: PrivateKeyEntry, keyPassword: string, say: Say): void {
  // Java's key manager asks for secret keys with the same password (and then skips them); this reader cannot tell
  // whether one opens, so it says so rather than vouch for it.
  const secretKeys = keystore.entries.filter((entry) => entry.kind === 'secret-key' && reachableByJava(keystore.format, entry.alias));
  if (secretKeys.length > 0) {
    say(
      'warning',
      'password-unavailable',
      `${target.file} holds secret key${secretKeys.length === 1 ? '' : 's'} (${secretKeys.map((entry) => `"${entry.alias}"`).join(', ')}) beside the key pair; the HTTPS transport opens ${secretKeys.length === 1 ? 'it' : 'them'} with the key password too and cannot start if that fails, which this check cannot tell. Keep secret keys out of the primary keystore.`,
    );
  }
  const others = keyEntriesForTls(keystore).filter((other) => other !== configured);
  if (others.length === 0) return;
  const closed = tlsKeysNotOpening(keystore, configured, keyPassword);
  const names = (entries: PrivateKeyEntry[]) => entries.map((other) => `"${other.alias}"`).join(', ');
  if (closed.length > 0) {
    say(
      'error',
      'wrong-key-password',
      `The key password opens "${configured.alias}" but not ${names(closed)} in ${target.file}: the HTTPS transport opens every key of the primary keystore with it, so it cannot start. Remove ${closed.length === 1 ? 'that entry' : 'those entries'}, or give ${closed.length === 1 ? 'it' : 'them'} the key password of "${configured.alias}".`,
    );
    return;
  }
  say(
    'warning',
    'primary-several-keys',
    `${target.file} holds ${others.length + 1} key entries: the HTTPS transport serves whichever suits the connection (${names(others)} as well as "${configured.alias}"), whatever [${target.table}] alias says. Keep only "${configured.alias}" in the primary keystore.`,
  );
}

function keyMatchesLeaf(privateKey: KeyObject, leafDer: Buffer): boolean {
  try {
    return new X509Certificate(leafDer).checkPrivateKey(privateKey);
  } catch {
    return false;
  }
}

type Say = (level: Finding['level'], code: FindingCode, message: string) => void;

function checkType(target: RoleTarget, format: KeystoreFormat, say: Say): void {
  const configured = target.configuredType.toUpperCase();
  if (configured === format) return;
  // Java 9+ reads PKCS12 bytes through KeyStore.getInstance("JKS") and JKS bytes through "PKCS12" (the keystore
  // compatibility mode), and Java's JCEKS keystore reads JKS files as well as its own.
  const swappable =
    ((configured === 'JKS' || configured === 'PKCS12') && (format === 'JKS' || format === 'PKCS12')) ||
    (configured === 'JCEKS' && format === 'JKS');
  const says = target.typeDefaultedFrom
    ? `[${target.table}] has no type line, so the server uses the default ${target.configuredType} (${target.typeDefaultedFrom})`
    : `[${target.table}] type says ${target.configuredType}`;
  if (swappable) {
    // The server loads it. WSO2's own shipped files do this, so it is a note, not a warning.
    const loads = configured === 'JCEKS' ? "Java's JCEKS keystore loads JKS files too" : 'Java 9+ loads it anyway';
    say(
      'info',
      'type-mismatch',
      `${target.file} is a ${format} file and ${says}. ${loads}; other tools may not: set type = "${format}" to say what it is.`,
    );
  } else if (target.typeDefaultedFrom) {
    say(
      'error',
      'type-mismatch',
      `${target.file} is a ${format} file and ${says}; the server will not load it. Set type = "${format}" in [${target.table}], or convert the keystore to JKS or PKCS12.`,
    );
  } else {
    say(
      'error',
      'type-mismatch',
      `${target.file} is a ${format} file but [${target.table}] type says ${target.configuredType}; the server will not load it. Set type = "${format === 'JCEKS' ? 'JCEKS' : format}" or convert the keystore to JKS or PKCS12.`,
    );
  }
}

function checkChainCertificates(target: RoleTarget, chain: DescribedCertificate[], say: Say): void {
  const leaf = chain[0];
  if (!leaf) return;
  const alias = target.alias ?? '';
  for (const [index, certificate] of chain.entries()) {
    const which =
      index === 0 ? `The certificate of "${alias}"` : `Certificate ${index + 1} of the chain of "${alias}" (${certificate.subject})`;
    const day = calendarDay(certificate.notAfter);
    if (certificate.expiry === 'expired') {
      const level = target.role === 'primary' ? 'error' : 'warning';
      const effect = target.role === 'primary' ? 'clients will refuse TLS connections' : 'tools that check validity will refuse it';
      say(
        level,
        'expired',
        `${which} in the ${target.role} keystore expired on ${day}: ${effect}. Replace it (ei-keystore apply ${target.role}).`,
      );
    } else if (certificate.expiry === 'expiring-soon') {
      say(
        'warning',
        'expiring-soon',
        `${which} in the ${target.role} keystore expires on ${day} (in ${certificate.daysLeft} days). Renew it before then.`,
      );
    }
  }
  const bits = leaf.keySize ?? 0;
  const weak =
    leaf.keyAlgorithm === 'RSA' || leaf.keyAlgorithm === 'DSA' ? bits < MIN_RSA_BITS : leaf.keyAlgorithm === 'EC' && bits < MIN_EC_BITS;
  if (weak) {
    say(
      'warning',
      'weak-key',
      `The ${target.role} key "${alias}" is ${leaf.keyAlgorithm} ${bits} bits; use RSA 2048 or more, or EC 256 or more.`,
    );
  }
  if (/^(SHA1|MD5|MD2)with/i.test(leaf.signatureAlgorithm)) {
    say(
      'warning',
      'weak-signature',
      `The certificate of "${alias}" is signed with ${leaf.signatureAlgorithm}, which clients reject; get one signed with SHA-256.`,
    );
  }
}

function checkTruststoreEntries(keystore: Keystore, now: Date, say: Say): void {
  const counts: Record<JavaTrust, number> = { trusted: 0, 'alias-case': 0, 'no-trust-attribute': 0, 'not-a-certificate': 0 };
  let expired = 0;
  for (const entry of keystore.entries) {
    counts[javaTrustOf(keystore.format, entry)]++;
    if (entry.kind === 'trusted-certificate' && describeCertificate(entry.certificate, now).expiry === 'expired') expired++;
  }
  const count = (n: number) => `${n} certificate${n === 1 ? '' : 's'}`;
  const ignored = (n: number) => (n === 1 ? 'it' : 'them');
  const attributeMissing = counts['no-trust-attribute'];
  if (attributeMissing > 0) {
    say(
      'warning',
      'truststore-invisible-certificates',
      `${count(attributeMissing)} in the truststore lack the attribute Java needs to trust a PKCS#12 certificate (files made by openssl pkcs12 -nokeys), so the server ignores ${ignored(attributeMissing)}. Rebuild the truststore with ei-keystore apply truststore.`,
    );
  }
  const wrongCase = counts['alias-case'];
  if (wrongCase > 0) {
    say(
      'warning',
      'truststore-invisible-certificates',
      `${count(wrongCase)} in the truststore ${wrongCase === 1 ? 'is' : 'are'} stored under an alias with capital letters, which Java never finds in a ${keystore.format} file (it looks aliases up in lower case), so the server ignores ${ignored(wrongCase)}. Rebuild the truststore with ei-keystore apply truststore.`,
    );
  }
  if (counts.trusted === 0) {
    say(
      'error',
      'truststore-empty',
      "The truststore holds no certificate Java can trust, and Java refuses an empty set of trust anchors: every TLS connection checked against it fails, the server's calls to HTTPS back ends among them. Import the certificates the server must trust (ei-keystore apply truststore).",
    );
  }
  if (expired > 0) {
    say(
      'info',
      'truststore-expired-certificates',
      `${expired} of ${keystore.entries.length} certificates in the truststore have expired; they are harmless but can be removed.`,
    );
  }
}
