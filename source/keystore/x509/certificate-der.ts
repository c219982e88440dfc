import { DER, derOidAt } from '../der.js';
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
  /** The outer signatureAlgorithm's OID, dotted. */
  signatureAlgorithmOid: string;
}

/**
 * Thrown, as one shared value, when the reader is not sure: a fresh Error would capture a stack trace each time,
 * and a truststore sends a dozen certificates to OpenSSL.
 */
const NOT_SURE = new Error('not sure');

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
  [OID.organizationIdentifier]: 'organizationIdentifier',
  [OID.emailAddress]: 'emailAddress',
  [OID.domainComponent]: 'DC',
};

const UTF8_STRING = 0x0c;
const PRINTABLE_STRING = 0x13;
const T61_STRING = 0x14;
const IA5_STRING = 0x16;
/** Printable ASCII that RFC 2253 escaping (ESC_2253, ESC_CTRL) leaves alone but for commas: no + " \ < > ; # or controls. */
const PLAIN_VALUE =
  /^[A-Za-z0-9'()./:=?@_&*!%~$^|[\]{}`,-](?:[A-Za-z0-9 '()./:=?@_&*!%~$^|[\]{}`,-]*[A-Za-z0-9'()./:=?@_&*!%~$^|[\]{}`,-])?$/;
/**
 * The same, with any character beyond ASCII as well: OpenSSL prints a UTF8String's bytes one by one (with
 * ASN1_STRFLGS_UTF8_CONVERT it does not decode a string that is UTF-8 already), escaping none above 0x7f, and Node
 * reads what it printed as UTF-8. So a value that is valid UTF-8 reads the same both ways.
 */
const PLAIN_UNICODE_VALUE =
  /^[A-Za-z0-9'()./:=?@_&*!%~$^|[\]{}`,\u0080-\u{10ffff}-](?:[A-Za-z0-9 '()./:=?@_&*!%~$^|[\]{}`,\u0080-\u{10ffff}-]*[A-Za-z0-9'()./:=?@_&*!%~$^|[\]{}`,\u0080-\u{10ffff}-])?$/u;
/** UTF-8 as Node reads OpenSSL's output, but refusing what Node would replace: no guess at invalid bytes, no BOM dropped. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const PLAIN_DNS_NAME = /^[A-Za-z0-9.*_-]+$/;
const PLAIN_EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$/;
/** A URI in printable ASCII, no spaces: what the IA5String of a CRL's address holds in practice. */
const PLAIN_URI = /^[\x21-\x7e]+$/;

/**
 * Extensions OpenSSL does not decode when it decides whether a certificate is a CA, so they cannot make it
 * invalid. Any extension not here and not checked below sends a CA certificate to the OpenSSL path.
 */
const NOT_DECODED_FOR_CA_CHECK: ReadonlySet<string> = new Set<string>([
  OID.certificatePolicies, // certificatePolicies
  OID.authorityInfoAccess, // authorityInfoAccess
  OID.netscapeComment, // netscape comment
  OID.privateKeyUsagePeriod, // private key usage period (OpenSSL only prints it)
  OID.entrustVersionInfo, // Entrust version information
  OID.ctPrecertificateScts, // certificate transparency SCT list
  OID.microsoftCaVersion, // Microsoft CA version
  OID.microsoftCertificateTemplateName, // Microsoft certificate template name
  OID.setCextHashedRoot, // SET hashed root key (OpenSSL only prints it)
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
  if (!condition) throw NOT_SURE;
}

/*
 * The reader walks the certificate in place: `header` reads one DER header into the three variables below, and
 * each part is read from the offsets they give. No object is made per DER value: ~150 certificates of ~100 values
 * each are read by code that is still cold, where every call and allocation costs (an object per value and three
 * calls to read it took ~20 of inspect's ~45 ms of certificate work).
 */
let tag = 0;
/** Offset of the content of the value `header` last read. */
let body = 0;
/** Offset one past the value `header` last read. */
let end = 0;

/**
 * Reads the header at `offset`, which must lie before `limit`, and sets tag, body and end. Only DER's shortest
 * length forms: OpenSSL re-encodes the outer parts for the fingerprint, so any other form may print differently.
 */
function header(der: Buffer, offset: number, limit: number): void {
  sure(offset + 2 <= limit);
  tag = der[offset]!;
  sure((tag & 0x1f) !== 0x1f);
  let length = der[offset + 1]!;
  body = offset + 2;
  if (length >= 0x80) {
    const count = length & 0x7f;
    sure(count >= 1 && count <= 3 && body + count <= limit);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[body + i]!;
    body += count;
    // The shortest form: 0x81 only from 128, 0x82 only from 256, 0x83 only from 65536.
    sure(count === 1 ? length >= 0x80 : count === 2 ? length >= 0x100 : length >= 0x10000);
  }
  end = body + length;
  sure(end <= limit);
}

/** header(), then the tag must be `expected`. */
function expect(der: Buffer, offset: number, limit: number, expected: number): void {
  header(der, offset, limit);
  sure(tag === expected);
}

function readFields(der: Buffer): DerCertificateFields {
  expect(der, 0, der.length, DER.SEQUENCE);
  const certificateEnd = end;
  sure(certificateEnd === der.length);
  expect(der, body, certificateEnd, DER.SEQUENCE);
  const toBeSignedStart = body;
  const toBeSignedEnd = end;
  const signatureAlgorithmOid = checkSignatureParts(der, toBeSignedEnd, certificateEnd);
  const signatureAlgorithmEnd = signatureAlgorithmEndAt;

  header(der, toBeSignedStart, toBeSignedEnd);
  let version = 0;
  if (tag === 0xa0) {
    const versionEnd = end;
    expect(der, body, versionEnd, DER.INTEGER);
    sure(end === versionEnd && end - body === 1);
    version = der[body]!;
    sure(version <= 2);
    header(der, versionEnd, toBeSignedEnd);
  }
  // serialNumber, in the shortest form (OpenSSL refuses a padded INTEGER)
  sure(tag === DER.INTEGER && end > body && (end - body === 1 || !paddedInteger(der[body]!, der[body + 1]!)));
  // signature: the same AlgorithmIdentifier as the outer one, byte for byte. Java refuses a certificate whose two
  // differ ("Signature algorithm mismatch"); OpenSSL reads it, so such a certificate is left to OpenSSL to describe.
  const innerAlgorithmStart = end;
  expect(der, innerAlgorithmStart, toBeSignedEnd, DER.SEQUENCE);
  const outerAlgorithmLength = signatureAlgorithmEnd - toBeSignedEnd;
  sure(end - innerAlgorithmStart === outerAlgorithmLength);
  sure(sameBytes(der, toBeSignedEnd, innerAlgorithmStart, outerAlgorithmLength));
  expect(der, end, toBeSignedEnd, DER.SEQUENCE);
  const issuerStart = body;
  const issuerEnd = end;
  expect(der, issuerEnd, toBeSignedEnd, DER.SEQUENCE); // validity
  const validityStart = body;
  const validityEnd = end;
  expect(der, validityEnd, toBeSignedEnd, DER.SEQUENCE);
  const subjectStart = body;
  const subjectEnd = end;
  expect(der, subjectEnd, toBeSignedEnd, DER.SEQUENCE); // subjectPublicKeyInfo
  const keyStart = body;
  const keyEnd = end;
  let extensionsEnd = keyEnd;
  if (keyEnd < toBeSignedEnd) {
    // Issuer/subject unique IDs (tags [1], [2]) are too rare to be worth handling.
    header(der, keyEnd, toBeSignedEnd);
    sure(tag === 0xa3 && version === 2 && end === toBeSignedEnd);
    extensionsEnd = end;
  }
  const extensions = keyEnd < toBeSignedEnd ? readExtensions(der, keyEnd, extensionsEnd) : NO_EXTENSIONS;

  const subjectLines = nameLines(der, subjectStart, subjectEnd);
  const issuerLines = nameLines(der, issuerStart, issuerEnd);
  header(der, validityStart, validityEnd);
  const notBefore = readTime(der);
  header(der, end, validityEnd);
  const notAfter = readTime(der);
  sure(end === validityEnd);
  // Read for every certificate, before the CA check, which counts on a subjectAltName it could not read having sent
  // the certificate to OpenSSL already.
  const subjectAltNames = extensions.subjectAltName < 0 ? [] : readSubjectAltNames(der, extensions);
  const key = publicKeyFields(der, keyStart, keyEnd);
  return {
    subject: javaOrder(subjectLines),
    issuer: javaOrder(issuerLines),
    selfIssued: sameLines(subjectLines, issuerLines),
    notBefore,
    notAfter,
    keyAlgorithm: key.keyAlgorithm,
    keySize: key.keySize,
    curve: key.curve,
    subjectAltNames,
    isCA: isCertificateAuthority(der, extensions),
    signatureAlgorithmOid,
  };
}

/**
 * Only SEQUENCE { OID [, NULL] } and a whole-byte BIT STRING, nothing after: forms OpenSSL re-encodes byte for
 * byte. Returns the algorithm's OID, and sets signatureAlgorithmEndAt.
 */
/** Where the outer signatureAlgorithm that checkSignatureParts read ends. */
let signatureAlgorithmEndAt = 0;

function checkSignatureParts(der: Buffer, offset: number, limit: number): string {
  expect(der, offset, limit, DER.SEQUENCE);
  const algorithmEnd = end;
  signatureAlgorithmEndAt = algorithmEnd;
  expect(der, body, algorithmEnd, DER.OID);
  const oid = derOidAt(der, body, end);
  if (end < algorithmEnd) {
    expect(der, end, algorithmEnd, DER.NULL);
    sure(end === body && end === algorithmEnd);
  }
  sure(oid !== OID.rsassaPss); // RSASSA-PSS carries parameters
  expect(der, algorithmEnd, limit, DER.BIT_STRING);
  sure(end > body && der[body] === 0 && end === limit);
  return oid;
}

/** The RDNs as OpenSSL's multi-line form prints them, root-most first: "CN=value". */
function nameLines(der: Buffer, start: number, limit: number): string[] {
  const lines: string[] = [];
  for (let offset = start; offset < limit; ) {
    // One attribute per RDN: SET { SEQUENCE { type, value } } with nothing else in either.
    expect(der, offset, limit, DER.SET);
    const rdnEnd = end;
    expect(der, body, rdnEnd, DER.SEQUENCE);
    sure(end === rdnEnd);
    expect(der, body, rdnEnd, DER.OID);
    const shortName = ATTRIBUTE_NAMES[derOidAt(der, body, end)];
    header(der, end, rdnEnd);
    sure(end === rdnEnd && (tag === UTF8_STRING || tag === PRINTABLE_STRING || tag === IA5_STRING || tag === T61_STRING));
    // A T61String is printed byte by byte as Latin-1: the same as the others while it is plain ASCII.
    const text = der.latin1Slice(body, end);
    const plain = PLAIN_VALUE.test(text);
    const value = plain ? text : tag === UTF8_STRING ? unicodeValue(der, body, end) : undefined;
    sure(shortName !== undefined && value !== undefined && (plain || PLAIN_UNICODE_VALUE.test(value)));
    // OpenSSL writes a comma in a value as "\,".
    lines.push(`${shortName}=${value!.replaceAll(',', '\\,')}`);
    offset = rdnEnd;
  }
  sure(lines.length > 0);
  return lines;
}

/** A UTF8String's value, when it is valid UTF-8; not sure of it otherwise. */
function unicodeValue(der: Buffer, start: number, limit: number): string {
  try {
    return STRICT_UTF8.decode(der.subarray(start, limit));
  } catch {
    throw NOT_SURE;
  }
}

/** Whether two names' lines are the same, one by one. */
function sameLines(first: string[], second: string[]): boolean {
  if (first.length !== second.length) return false;
  for (let index = 0; index < first.length; index++) if (first[index] !== second[index]) return false;
  return true;
}

/** The RDNs most specific first, as Java prints a name (the lines' own array is left as it is). */
function javaOrder(lines: string[]): string {
  let text = lines[lines.length - 1]!;
  for (let index = lines.length - 2; index >= 0; index--) text += `, ${lines[index]}`;
  return text;
}

/**
 * Whether the `length` bytes at `first` and at `second` are the same: a loop rather than Buffer#compare, whose
 * argument checks make objects at each call, in code that runs for every certificate while it is still cold.
 */
function sameBytes(der: Buffer, first: number, second: number, length: number): boolean {
  for (let index = 0; index < length; index++) if (der[first + index] !== der[second + index]) return false;
  return true;
}

/** Two ASCII digits at `at` as a number; not sure of anything else. */
function twoDigits(der: Buffer, at: number): number {
  const high = der[at]! - 0x30;
  const low = der[at + 1]! - 0x30;
  sure(high >= 0 && high <= 9 && low >= 0 && low <= 9);
  return high * 10 + low;
}

/**
 * The time whose header was just read: UTCTime YYMMDDHHMMSSZ or GeneralizedTime YYYYMMDDHHMMSSZ, whole seconds in
 * UTC, which is what OpenSSL prints to the second.
 */
function readTime(der: Buffer): Date {
  const long = tag === 0x18;
  sure((tag === 0x17 && end - body === 13) || (long && end - body === 15));
  sure(der[end - 1] === 0x5a /* Z */);
  let at = body;
  let year: number;
  if (long) {
    year = twoDigits(der, at) * 100 + twoDigits(der, at + 2);
    at += 4;
  } else {
    const shortYear = twoDigits(der, at);
    year = shortYear < 50 ? 2000 + shortYear : 1900 + shortYear;
    at += 2;
  }
  const month = twoDigits(der, at);
  const day = twoDigits(der, at + 2);
  const hour = twoDigits(der, at + 4);
  const minute = twoDigits(der, at + 6);
  const second = twoDigits(der, at + 8);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Out-of-range parts (month 13, 31 February, hour 24, second 60) roll over in Date.UTC; OpenSSL reads them differently.
  sure(year >= 1950 && year <= 9999 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day);
  sure(date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second);
  return date;
}

/** RSA, or EC on P-256/P-384 with an uncompressed point (see ec-point.ts); anything else goes to OpenSSL. */
function publicKeyFields(der: Buffer, start: number, limit: number): Pick<DerCertificateFields, 'keyAlgorithm' | 'keySize' | 'curve'> {
  expect(der, start, limit, DER.SEQUENCE);
  const algorithmEnd = end;
  expect(der, body, algorithmEnd, DER.OID);
  const keyOid = derOidAt(der, body, end);
  header(der, end, algorithmEnd);
  sure(end === algorithmEnd);
  const parametersTag = tag;
  const parametersStart = body;
  const parametersEnd = end;
  expect(der, algorithmEnd, limit, DER.BIT_STRING);
  sure(end === limit && end > body && der[body] === 0);
  const bitsStart = body + 1;
  const bitsEnd = end;
  if (keyOid === OID.ecPublicKey) {
    sure(parametersTag === DER.OID);
    const curve = namedCurvePoint(derOidAt(der, parametersStart, parametersEnd), der.subarray(bitsStart, bitsEnd));
    sure(curve !== undefined);
    return { keyAlgorithm: 'EC', keySize: curve!.bits, curve: curve!.name };
  }
  sure(keyOid === OID.rsaEncryption && parametersTag === DER.NULL && parametersEnd === parametersStart);
  // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, filling the BIT STRING.
  expect(der, bitsStart, bitsEnd, DER.SEQUENCE);
  sure(end === bitsEnd);
  const numbersEnd = end;
  expect(der, body, numbersEnd, DER.INTEGER);
  const modulusAt = positiveIntegerStart(der);
  const modulusEnd = end;
  expect(der, end, numbersEnd, DER.INTEGER);
  positiveIntegerStart(der);
  sure(end === numbersEnd);
  return { keyAlgorithm: 'RSA', keySize: (modulusEnd - modulusAt - 1) * 8 + (32 - Math.clz32(der[modulusAt]!)), curve: undefined };
}

/** Whether an INTEGER's first two bytes hold a sign byte it does not need. */
function paddedInteger(first: number, second: number): boolean {
  return (first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80);
}

/** The INTEGER just read must be positive and minimal; returns where its magnitude starts (after any sign byte). */
function positiveIntegerStart(der: Buffer): number {
  sure(end > body && der[body]! < 0x80);
  const magnitude = der[body] === 0 ? body + 1 : body;
  sure(magnitude < end && der[magnitude] !== 0 && (der[body] !== 0 || der[magnitude]! >= 0x80));
  return magnitude;
}

/**
 * Each extension's OID and where its extnValue OCTET STRING's content lies (the first `count` of each list); the
 * three read for every certificate are kept by name. A repeated extension is one OpenSSL treats as invalid.
 */
interface Extensions {
  count: number;
  oids: string[];
  starts: number[];
  ends: number[];
  subjectAltName: number;
  basicConstraints: number;
  keyUsage: number;
}

const NO_EXTENSIONS: Extensions = { count: 0, oids: [], starts: [], ends: [], subjectAltName: -1, basicConstraints: -1, keyUsage: -1 };

/**
 * The extensions of the certificate being read, refilled for each: they are read and used within readFields, and
 * three fresh lists per certificate of a truststore were ~60 KB of short-lived memory.
 */
const extensionsRead: Extensions = { count: 0, oids: [], starts: [], ends: [], subjectAltName: -1, basicConstraints: -1, keyUsage: -1 };

function readExtensions(der: Buffer, wrapperStart: number, wrapperEnd: number): Extensions {
  header(der, wrapperStart, wrapperEnd);
  const listStart = body;
  expect(der, listStart, wrapperEnd, DER.SEQUENCE);
  const listEnd = end;
  sure(listEnd === wrapperEnd);
  const found = extensionsRead;
  found.count = 0;
  found.subjectAltName = -1;
  found.basicConstraints = -1;
  found.keyUsage = -1;
  for (let offset = body; offset < listEnd; ) {
    expect(der, offset, listEnd, DER.SEQUENCE);
    const extensionEnd = end;
    expect(der, body, extensionEnd, DER.OID);
    const oid = derOidAt(der, body, end);
    header(der, end, extensionEnd);
    if (tag === 0x01) {
      // critical BOOLEAN: DER writes only TRUE, as 0xFF (FALSE is the default and left out).
      sure(end - body === 1 && der[body] === 0xff);
      header(der, end, extensionEnd);
    }
    sure(tag === DER.OCTET_STRING && end === extensionEnd);
    const index = found.count;
    for (let earlier = 0; earlier < index; earlier++) sure(found.oids[earlier] !== oid);
    found.oids[index] = oid;
    found.starts[index] = body;
    found.ends[index] = end;
    found.count = index + 1;
    if (oid === OID.subjectAltName) found.subjectAltName = index;
    else if (oid === OID.basicConstraints) found.basicConstraints = index;
    else if (oid === OID.keyUsage) found.keyUsage = index;
    offset = extensionEnd;
  }
  return found;
}

/**
 * The single DER value of type `expected` that the extnValue of extension `index` holds, with nothing after it;
 * sets tag, body and end to it.
 */
function only(der: Buffer, extensions: Extensions, index: number, expected: number): void {
  const valueEnd = extensions.ends[index]!;
  expect(der, extensions.starts[index]!, valueEnd, expected);
  sure(end === valueEnd);
}

/**
 * Node prints "DNS:name", "email:address" and "IP Address:1.2.3.4"; only plain DNS names and e-mail addresses and IPv4
 * addresses are rendered here.
 */
function readSubjectAltNames(der: Buffer, extensions: Extensions): string[] {
  only(der, extensions, extensions.subjectAltName, DER.SEQUENCE);
  const listEnd = end;
  const names: string[] = [];
  for (let offset = body; offset < listEnd; offset = end) {
    header(der, offset, listEnd);
    if (tag === 0x82) {
      const text = der.latin1Slice(body, end);
      sure(PLAIN_DNS_NAME.test(text));
      names.push(`DNS:${text}`);
    } else if (tag === 0x81) {
      const text = der.latin1Slice(body, end);
      sure(PLAIN_EMAIL.test(text));
      names.push(`email:${text}`);
    } else if (tag === 0xa4) {
      // directoryName [4] EXPLICIT Name: Node prints OpenSSL's RFC 2253 form of it (the most specific part first,
      // commas between), as altNameText quotes it.
      const nameEnd = end;
      expect(der, body, nameEnd, DER.SEQUENCE);
      sure(end === nameEnd);
      names.push(`DirName:${altNameText(nameLines(der, body, end).reverse().join(','))}`);
      end = nameEnd;
    } else {
      sure(tag === 0x87 && end - body === 4);
      names.push(`IP:${der[body]}.${der[body + 1]}.${der[body + 2]}.${der[body + 3]}`);
    }
  }
  sure(names.length > 0);
  return names;
}

/**
 * A name as Node writes it into subjectAltName: as it is when it holds nothing that could be read as another
 * name or as quoting, else in double quotes with JSON's escapes for quotes, backslashes, commas and controls.
 */
function altNameText(text: string): string {
  if (!/[",\\'\x00-\x1f\x7f]/.test(text)) return text;
  let quoted = '"';
  for (const character of text) {
    if (character === '"' || character === '\\') quoted += `\\${character}`;
    else if ((character >= ' ' && character !== ',' && character <= '~') || character > '\x7f') quoted += character;
    else quoted += `\\u00${character.charCodeAt(0).toString(16).padStart(2, '0')}`;
  }
  return `${quoted}"`;
}

/**
 * Node's `ca` is OpenSSL's X509_check_ca(cert) === 1: basicConstraints with cA TRUE, a keyUsage (if any) that
 * allows keyCertSign, and no extension OpenSSL decodes that fails to decode.
 */
function isCertificateAuthority(der: Buffer, extensions: Extensions): boolean {
  if (extensions.basicConstraints < 0 || !basicConstraintsCa(der, extensions)) return false;
  for (let index = 0; index < extensions.count; index++) {
    const oid = extensions.oids[index]!;
    if (oid === OID.extKeyUsage) extendedKeyUsage(der, extensions, index);
    else if (oid === OID.subjectKeyIdentifier) only(der, extensions, index, DER.OCTET_STRING);
    else if (oid === OID.authorityKeyIdentifier) authorityKeyIdentifier(der, extensions, index);
    else if (oid === OID.keyUsage) keyUsageAllowsCertSign(der, extensions);
    else if (oid === OID.crlDistributionPoints) crlDistributionPoints(der, extensions, index);
    else if (oid === OID.netscapeCertType) bitString(der, extensions, index);
    else sure(oid === OID.basicConstraints || oid === OID.subjectAltName || NOT_DECODED_FOR_CA_CHECK.has(oid));
  }
  return extensions.keyUsage < 0 || keyUsageAllowsCertSign(der, extensions);
}

/** SEQUENCE OF KeyPurposeId: each an OID that OpenSSL decodes (derOidAt refuses what it would refuse). */
function extendedKeyUsage(der: Buffer, extensions: Extensions, index: number): void {
  only(der, extensions, index, DER.SEQUENCE);
  const listEnd = end;
  for (let offset = body; offset < listEnd; offset = end) {
    expect(der, offset, listEnd, DER.OID);
    derOidAt(der, body, end);
  }
}

/** keyIdentifier [0], or authorityCertIssuer [1] as directory names we can read with authorityCertSerialNumber [2]. */
function authorityKeyIdentifier(der: Buffer, extensions: Extensions, index: number): void {
  only(der, extensions, index, DER.SEQUENCE);
  const listEnd = end;
  // The three parts are OPTIONAL fields of a SEQUENCE: each at most once, in this order ([0], [1], [2]).
  let lastPart = -1;
  for (let offset = body; offset < listEnd; ) {
    header(der, offset, listEnd);
    const partEnd = end;
    const part = tag & 0x1f;
    sure(part > lastPart);
    lastPart = part;
    if (tag === 0xa1) {
      for (let issuer = body; issuer < partEnd; ) {
        expect(der, issuer, partEnd, 0xa4);
        const issuerEnd = end;
        expect(der, body, issuerEnd, DER.SEQUENCE);
        sure(end === issuerEnd);
        nameLines(der, body, end);
        issuer = issuerEnd;
      }
    } else if (tag === 0x82) {
      // authorityCertSerialNumber: an INTEGER, which OpenSSL refuses in a padded form
      sure(end > body && (end - body === 1 || !paddedInteger(der[body]!, der[body + 1]!)));
    } else {
      sure(tag === 0x80 && end > body);
    }
    offset = partEnd;
  }
}

function basicConstraintsCa(der: Buffer, extensions: Extensions): boolean {
  only(der, extensions, extensions.basicConstraints, DER.SEQUENCE);
  const listEnd = end;
  let ca = false;
  let offset = body;
  if (offset < listEnd) {
    header(der, offset, listEnd);
    if (tag === 0x01) {
      // DER writes only TRUE (0xFF); an explicit FALSE or another byte is left to OpenSSL.
      sure(end - body === 1 && der[body] === 0xff);
      ca = true;
      offset = end;
      if (offset < listEnd) header(der, offset, listEnd);
    }
    if (offset < listEnd) {
      // pathLenConstraint: a small non-negative INTEGER, and the last part.
      sure(tag === DER.INTEGER && end - body === 1 && der[body]! < 0x80 && end === listEnd);
    }
  }
  return ca;
}

/**
 * keyCertSign is bit 5: 0x04 in the first byte, as OpenSSL's ex_kusage reads it. OpenSSL clears the unused bits of
 * the last byte when it decodes a BIT STRING, so a keyCertSign bit that lies among them does not count.
 */
function keyUsageAllowsCertSign(der: Buffer, extensions: Extensions): boolean {
  only(der, extensions, extensions.keyUsage, DER.BIT_STRING);
  const unusedBits = der[body]!;
  sure(end - body >= 2 && unusedBits <= 7);
  const first = end - body === 2 ? der[body + 1]! & (0xff << unusedBits) : der[body + 1]!;
  return (first & 0x04) !== 0;
}

/** A BIT STRING as OpenSSL decodes one: an unused-bits count of at most 7, and none when there are no bits. */
function bitString(der: Buffer, extensions: Extensions, index: number): void {
  only(der, extensions, index, DER.BIT_STRING);
  sure(end > body && der[body]! <= 7 && (end - body > 1 || der[body] === 0));
}

/**
 * OpenSSL decodes cRLDistributionPoints when it caches a certificate's extensions, and a CA whose list fails to
 * decode is no CA. Only the form CAs publish is read here: DistributionPoint SEQUENCEs holding just a
 * distributionPoint [0] whose fullName [0] lists URIs [6] of printable ASCII. Reasons, a CRL issuer, or a name
 * relative to the issuer go to OpenSSL.
 */
function crlDistributionPoints(der: Buffer, extensions: Extensions, index: number): void {
  only(der, extensions, index, DER.SEQUENCE);
  const listEnd = end;
  sure(body < listEnd);
  for (let offset = body; offset < listEnd; ) {
    expect(der, offset, listEnd, DER.SEQUENCE);
    const pointEnd = end;
    expect(der, body, pointEnd, 0xa0); // distributionPoint
    sure(end === pointEnd);
    expect(der, body, pointEnd, 0xa0); // fullName
    sure(end === pointEnd && body < end);
    for (let name = body; name < pointEnd; name = end) {
      expect(der, name, pointEnd, 0x86); // uniformResourceIdentifier
      sure(end > body && PLAIN_URI.test(der.latin1Slice(body, end)));
    }
    offset = pointEnd;
  }
}
