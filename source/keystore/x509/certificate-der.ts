import { DER, derContent, derOid, readDerNode, type DerNode } from '../der.js';
import { namedCurvePoint } from './ec-point.js';
import { OID } from '../oids.js';

/**
 * Reads what `inspect` shows about a certificate straight from its DER, because building a node:crypto
 * X509Certificate costs ~0.2 ms each and a truststore holds ~150. It must render exactly as the X509Certificate
 * path does (OpenSSL's printing and Node's CA check), so it answers only when sure: anything it does not fully
 * understand (other string types, characters OpenSSL escapes, multi-valued RDNs, other names or keys, extensions
 * that would change OpenSSL's CA verdict) gives undefined, and the caller asks OpenSSL instead.
 */
export interface DerCertificateFields {
  subject: string;
  issuer: string;
  selfIssued: boolean;
  notBefore: Date;
  notAfter: Date;
  keyAlgorithm: 'RSA' | 'EC';
  keySize: number;
  curve: string | undefined;
  subjectAltNames: string[];
  isCA: boolean;
}

class NotSure extends Error {}

/** OpenSSL's short names (XN_FLAG_FN_SN), only for the attributes whose names we are sure of. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.countryName]: 'C',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.serialNumber]: 'serialNumber',
  [OID.streetAddress]: 'street',
  [OID.title]: 'title',
  [OID.postalCode]: 'postalCode',
  [OID.emailAddress]: 'emailAddress',
  [OID.domainComponent]: 'DC',
};

const STRING_TAGS = new Set([0x0c /* UTF8String */, 0x13 /* PrintableString */, 0x16 /* IA5String */]);
/** Printable ASCII that RFC 2253 escaping (ESC_2253, ESC_CTRL) leaves alone but for commas: no + " \ < > ; # or controls. */
const PLAIN_VALUE =
  /^[A-Za-z0-9'()./:=?@_&*!%~$^|[\]{}`,-](?:[A-Za-z0-9 '()./:=?@_&*!%~$^|[\]{}`,-]*[A-Za-z0-9'()./:=?@_&*!%~$^|[\]{}`,-])?$/;
const PLAIN_DNS_NAME = /^[A-Za-z0-9.*_-]+$/;

/**
 * Extensions OpenSSL does not decode when it decides whether a certificate is a CA, so they cannot make it
 * invalid. Any extension not here and not checked below sends a CA certificate to the OpenSSL path.
 */
const NOT_DECODED_FOR_CA_CHECK = new Set<string>([
  OID.certificatePolicies, // certificatePolicies
  OID.authorityInfoAccess, // authorityInfoAccess
  OID.netscapeComment, // netscape comment
  OID.ctPrecertificateScts, // certificate transparency SCT list
  OID.microsoftCaVersion, // Microsoft CA version
  OID.microsoftCertificateTemplateName, // Microsoft certificate template name
]);

export function readCertificateFields(der: Buffer): DerCertificateFields | undefined {
  try {
    return readFields(der);
  } catch {
    // Our reader could not follow it, or it holds something we are not sure to render as OpenSSL does.
    return undefined;
  }
}

function sure(condition: boolean): void {
  if (!condition) throw new NotSure();
}

/** A node whose length is in DER's shortest form: OpenSSL re-encodes the outer parts for the fingerprint. */
function node(buffer: Buffer, offset: number, limit: number): DerNode {
  const read = readDerNode(buffer, offset, limit);
  const length = read.end - read.contentStart;
  const header = length < 0x80 ? 2 : length < 0x100 ? 3 : length < 0x10000 ? 4 : length < 0x1000000 ? 5 : 6;
  sure(read.contentStart - read.start === header);
  return read;
}

/**
 * `list` when it has exactly `count` items. Indexing instead of `const [a, b, ...rest] =`: array destructuring
 * runs the iterator protocol, which costs at every node of ~150 certificates read by code that is still cold.
 */
function exactly(list: DerNode[], count: number): DerNode[] {
  sure(list.length === count);
  return list;
}

function children(parent: DerNode, tag?: number): DerNode[] {
  if (tag !== undefined) sure(parent.tag === tag);
  const list: DerNode[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = node(parent.buffer, offset, parent.end);
    list.push(child);
    offset = child.end;
  }
  return list;
}

/** The single DER value an extension's OCTET STRING holds, with nothing after it. */
function only(value: DerNode, tag: number): DerNode {
  const inner = node(value.buffer, value.contentStart, value.end);
  sure(inner.end === value.end && inner.tag === tag);
  return inner;
}

function readFields(der: Buffer): DerCertificateFields {
  const certificate = node(der, 0, der.length);
  sure(certificate.end === der.length);
  const parts = exactly(children(certificate, DER.SEQUENCE), 3);
  checkSignatureParts(parts[1]!, parts[2]!);
  const fields = children(parts[0]!, DER.SEQUENCE);
  let version = 0;
  if (fields[0]?.tag === 0xa0) {
    const versionNode = exactly(children(fields.shift()!), 1)[0]!;
    sure(versionNode.tag === DER.INTEGER && versionNode.end - versionNode.contentStart === 1);
    version = der[versionNode.contentStart]!;
    sure(version <= 2);
  }
  const serial = fields[0];
  const innerAlgorithm = fields[1];
  const issuerNode = fields[2];
  const validity = fields[3];
  const subjectNode = fields[4];
  const spki = fields[5];
  const extensionsNode = fields[6];
  sure(serial?.tag === DER.INTEGER && serial.end > serial.contentStart && innerAlgorithm?.tag === DER.SEQUENCE);
  // Issuer/subject unique IDs (tags [1], [2]) are too rare to be worth handling.
  sure(fields.length <= 7 && (extensionsNode === undefined || (extensionsNode.tag === 0xa3 && version === 2)));
  const subjectLines = nameLines(subjectNode);
  const issuerLines = nameLines(issuerNode);
  const times = children(validity!, DER.SEQUENCE);
  sure(times.length <= 2);
  const notBefore = times[0];
  const notAfter = times[1];
  const extensions = extensionsNode ? readExtensions(extensionsNode) : new Map<string, DerNode>();
  return {
    subject: javaOrder(subjectLines),
    issuer: javaOrder(issuerLines),
    selfIssued: subjectLines.join('\n') === issuerLines.join('\n'),
    notBefore: readTime(notBefore),
    notAfter: readTime(notAfter),
    ...publicKeyFields(spki),
    subjectAltNames: subjectAltNames(extensions.get(OID.subjectAltName)),
    isCA: isCertificateAuthority(extensions),
  };
}

/** Only SEQUENCE { OID [, NULL] } and a whole-byte BIT STRING: forms OpenSSL re-encodes byte for byte. */
function checkSignatureParts(algorithm: DerNode, signature: DerNode): void {
  const parts = children(algorithm, DER.SEQUENCE);
  const oid = parts[0];
  const parameters = parts[1];
  sure(oid?.tag === DER.OID && parts.length <= 2);
  sure(parameters === undefined || (parameters.tag === DER.NULL && parameters.end === parameters.contentStart));
  sure(derOid(oid!) !== OID.rsassaPss); // RSASSA-PSS carries parameters
  sure(signature.tag === DER.BIT_STRING && signature.end > signature.contentStart && signature.buffer[signature.contentStart] === 0);
}

/** The RDNs as OpenSSL's multi-line form prints them, root-most first: "CN=value". */
function nameLines(name: DerNode | undefined): string[] {
  sure(name !== undefined);
  const rdns = children(name!, DER.SEQUENCE);
  sure(rdns.length > 0);
  return rdns.map((rdn) => {
    const attributes = children(rdn, DER.SET);
    sure(attributes.length === 1);
    const pair = exactly(children(attributes[0]!, DER.SEQUENCE), 2);
    const type = pair[0]!;
    const value = pair[1]!;
    sure(type.tag === DER.OID && STRING_TAGS.has(value.tag));
    const shortName = ATTRIBUTE_NAMES[derOid(type)];
    const text = derContent(value).toString('latin1');
    sure(shortName !== undefined && PLAIN_VALUE.test(text));
    // OpenSSL writes a comma in a value as "\,".
    return `${shortName}=${text.replaceAll(',', '\\,')}`;
  });
}

function javaOrder(lines: string[]): string {
  return [...lines].reverse().join(', ');
}

/** UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, whole seconds in UTC: what OpenSSL prints to the second. */
function readTime(time: DerNode | undefined): Date {
  sure(time !== undefined);
  const text = derContent(time!).toString('latin1');
  const match = time!.tag === 0x17 ? /^(\d{2})(\d{10})Z$/.exec(text) : time!.tag === 0x18 ? /^(\d{4})(\d{10})Z$/.exec(text) : null;
  sure(match !== null);
  const shortYear = Number(match![1]);
  const year = match![1]!.length === 2 ? (shortYear < 50 ? 2000 + shortYear : 1900 + shortYear) : shortYear;
  const [month, day, hour, minute, second] = match![2]!.match(/../g)!.map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Out-of-range parts (month 13, 31 February, hour 24, second 60) roll over in Date.UTC; OpenSSL reads them differently.
  sure(year >= 1950 && year <= 9999 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day);
  sure(date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second);
  return date;
}

/** RSA, or EC on P-256/P-384 with an uncompressed point (see ec-point.ts); anything else goes to OpenSSL. */
function publicKeyFields(spki: DerNode | undefined): Pick<DerCertificateFields, 'keyAlgorithm' | 'keySize' | 'curve'> {
  sure(spki !== undefined);
  const keyParts = exactly(children(spki!, DER.SEQUENCE), 2);
  const algorithm = keyParts[0]!;
  const bits = keyParts[1]!;
  sure(bits.tag === DER.BIT_STRING);
  const algorithmParts = exactly(children(algorithm, DER.SEQUENCE), 2);
  const oid = algorithmParts[0]!;
  const parameters = algorithmParts[1]!;
  sure(oid.tag === DER.OID);
  sure(bits!.end > bits!.contentStart && der8(bits!, 0) === 0);
  const keyOid = derOid(oid!);
  if (keyOid === OID.ecPublicKey) {
    sure(parameters!.tag === DER.OID);
    const curve = namedCurvePoint(derOid(parameters!), derContent(bits!).subarray(1));
    sure(curve !== undefined);
    return { keyAlgorithm: 'EC', keySize: curve!.bits, curve: curve!.name };
  }
  sure(keyOid === OID.rsaEncryption && parameters!.tag === DER.NULL && parameters!.end === parameters!.contentStart);
  return { keyAlgorithm: 'RSA', keySize: rsaModulusBits(bits!), curve: undefined };
}

function rsaModulusBits(bits: DerNode): number {
  const key = node(bits.buffer, bits.contentStart + 1, bits.end);
  sure(key.end === bits.end);
  const numbers = exactly(children(key, DER.SEQUENCE), 2);
  const n = positiveInteger(numbers[0]!);
  positiveInteger(numbers[1]!);
  return (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
}

function der8(value: DerNode, index: number): number | undefined {
  return value.buffer[value.contentStart + index];
}

/** The magnitude of a positive INTEGER in minimal form, without its sign byte. */
function positiveInteger(integer: DerNode): Buffer {
  sure(integer.tag === DER.INTEGER);
  const bytes = derContent(integer);
  sure(bytes.length > 0 && bytes[0]! < 0x80);
  const magnitude = bytes[0] === 0 ? bytes.subarray(1) : bytes;
  sure(magnitude.length > 0 && magnitude[0] !== 0 && (bytes[0] !== 0 || magnitude[0]! >= 0x80));
  return magnitude;
}

/** extnID -> extnValue (the OCTET STRING); a repeated extension is one OpenSSL treats as invalid. */
function readExtensions(wrapper: DerNode): Map<string, DerNode> {
  const list = exactly(children(wrapper), 1)[0]!;
  const extensions = new Map<string, DerNode>();
  for (const extension of children(list, DER.SEQUENCE)) {
    const parts = children(extension, DER.SEQUENCE);
    const [oid] = parts;
    const value = parts[parts.length - 1];
    sure(oid?.tag === DER.OID && value?.tag === DER.OCTET_STRING && (parts.length === 2 || parts.length === 3));
    if (parts.length === 3) {
      const critical = parts[1]!;
      sure(critical.tag === 0x01 && critical.end - critical.contentStart === 1 && der8(critical, 0) === 0xff);
    }
    const id = derOid(oid!);
    sure(!extensions.has(id));
    extensions.set(id, value!);
  }
  return extensions;
}

/** Node prints "DNS:name" and "IP Address:1.2.3.4"; only plain DNS names and IPv4 addresses are rendered here. */
function subjectAltNames(value: DerNode | undefined): string[] {
  if (value === undefined) return [];
  const names = children(only(value, DER.SEQUENCE));
  sure(names.length > 0);
  return names.map((name) => {
    const content = derContent(name);
    if (name.tag === 0x82) {
      const text = content.toString('latin1');
      sure(PLAIN_DNS_NAME.test(text));
      return `DNS:${text}`;
    }
    sure(name.tag === 0x87 && content.length === 4);
    return `IP:${[...content].join('.')}`;
  });
}

/**
 * Node's `ca` is OpenSSL's X509_check_ca(cert) === 1: basicConstraints with cA TRUE, a keyUsage (if any) that
 * allows keyCertSign, and no extension OpenSSL decodes that fails to decode.
 */
function isCertificateAuthority(extensions: Map<string, DerNode>): boolean {
  const constraints = extensions.get(OID.basicConstraints);
  if (constraints === undefined || !basicConstraintsCa(constraints)) return false;
  for (const [oid, value] of extensions) {
    if (oid === OID.extKeyUsage)
      sure(children(only(value, DER.SEQUENCE)).every((purpose) => purpose.tag === DER.OID && purpose.end > purpose.contentStart));
    else if (oid === OID.subjectKeyIdentifier) only(value, DER.OCTET_STRING);
    else if (oid === OID.authorityKeyIdentifier) children(only(value, DER.SEQUENCE)).forEach(authorityKeyIdentifierPart);
    else if (oid === OID.keyUsage) keyUsageAllowsCertSign(value);
    else sure(oid === OID.basicConstraints || oid === OID.subjectAltName || NOT_DECODED_FOR_CA_CHECK.has(oid));
  }
  const usage = extensions.get(OID.keyUsage);
  return usage === undefined || keyUsageAllowsCertSign(usage);
}

/** keyIdentifier [0], or authorityCertIssuer [1] as directory names we can read with authorityCertSerialNumber [2]. */
function authorityKeyIdentifierPart(part: DerNode): void {
  if (part.tag === 0xa1) {
    for (const issuer of children(part)) {
      sure(issuer.tag === 0xa4);
      nameLines(exactly(children(issuer), 1)[0]);
    }
  } else {
    sure((part.tag === 0x80 || part.tag === 0x82) && part.end > part.contentStart);
  }
}

function basicConstraintsCa(value: DerNode): boolean {
  const parts = children(only(value, DER.SEQUENCE));
  let rest = parts;
  let ca = false;
  if (parts[0]?.tag === 0x01) {
    // DER writes only TRUE (0xFF); an explicit FALSE or another byte is left to OpenSSL.
    sure(parts[0].end - parts[0].contentStart === 1 && der8(parts[0], 0) === 0xff);
    ca = true;
    rest = parts.slice(1);
  }
  if (rest.length === 1) positiveOrZeroPathLength(rest[0]!);
  else sure(rest.length === 0);
  return ca;
}

function positiveOrZeroPathLength(pathLength: DerNode): void {
  sure(pathLength.tag === DER.INTEGER && pathLength.end - pathLength.contentStart === 1 && der8(pathLength, 0)! < 0x80);
}

/** keyCertSign is bit 5: 0x04 in the first byte, as OpenSSL's ex_kusage reads it. */
function keyUsageAllowsCertSign(value: DerNode): boolean {
  const bits = only(value, DER.BIT_STRING);
  sure(bits.end - bits.contentStart >= 2 && der8(bits, 0)! <= 7);
  return (der8(bits, 1)! & 0x04) !== 0;
}
