import { UserError } from '../../errors.js';
import { DER, derEncode, derOidEncode } from '../der.js';
import { OID } from '../oids.js';

/**
 * X.500 distinguished names as users type them for keytool's -dname ("CN=ei.example.com, OU=Integration, C=LK"),
 * with RFC 4514 escapes. Attributes keep the order in which they are written (most specific first); the DER
 * encoding reverses it, as keytool and OpenSSL do, so that C comes first in the certificate.
 */
export type DnAttributeType = 'CN' | 'OU' | 'O' | 'L' | 'ST' | 'C' | 'EMAILADDRESS' | 'DC' | 'SERIALNUMBER';

export interface DnAttribute {
  type: DnAttributeType;
  value: string;
}

interface AttributeRule {
  oid: string;
  /** RFC 5280 upper bound in characters, where it sets one. */
  maxLength?: number;
  /** The ASN.1 string type the standards require for this attribute. */
  stringType: 'utf8' | 'printable' | 'ia5';
}

const RULES: Record<DnAttributeType, AttributeRule> = {
  CN: { oid: OID.commonName, maxLength: 64, stringType: 'utf8' },
  OU: { oid: OID.organizationalUnitName, maxLength: 64, stringType: 'utf8' },
  O: { oid: OID.organizationName, maxLength: 64, stringType: 'utf8' },
  L: { oid: OID.localityName, maxLength: 128, stringType: 'utf8' },
  ST: { oid: OID.stateOrProvinceName, maxLength: 128, stringType: 'utf8' },
  C: { oid: OID.countryName, maxLength: 2, stringType: 'printable' },
  EMAILADDRESS: { oid: OID.emailAddress, maxLength: 255, stringType: 'ia5' },
  DC: { oid: OID.domainComponent, maxLength: 63, stringType: 'ia5' },
  SERIALNUMBER: { oid: OID.serialNumber, maxLength: 64, stringType: 'printable' },
};

/** Spellings users write, upper-cased, to the canonical type. */
const ALIASES: Record<string, DnAttributeType> = {
  CN: 'CN',
  OU: 'OU',
  O: 'O',
  L: 'L',
  ST: 'ST',
  S: 'ST',
  C: 'C',
  EMAILADDRESS: 'EMAILADDRESS',
  E: 'EMAILADDRESS',
  EMAIL: 'EMAILADDRESS',
  DC: 'DC',
  SERIALNUMBER: 'SERIALNUMBER',
};

const KNOWN_TYPES = 'CN, OU, O, L, ST, C, EMAILADDRESS (or E), DC, SERIALNUMBER';
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
/** Characters that RFC 4514 lets a backslash escape directly. */
const ESCAPABLE = new Set([' ', '"', '#', '+', ',', ';', '<', '=', '>', '\\']);

function dnError(text: string, problem: string): UserError {
  return new UserError(`The distinguished name "${text}" is not valid: ${problem}.`, 'bad-dname');
}

/** Parses "CN=host, OU=Unit, O=Org, C=LK". Separators are "," (or ";", as keytool accepts). */
export function parseDname(text: string): DnAttribute[] {
  if (text.trim() === '') {
    throw dnError(text, 'it is empty; write it as CN=host name, OU=unit, O=organisation, C=two-letter country');
  }
  const attributes: DnAttribute[] = [];
  const reader = { text, at: 0 };
  for (;;) {
    attributes.push(readAttribute(reader));
    skipSpaces(reader);
    if (reader.at >= text.length) break;
    const separator = text[reader.at];
    if (separator === '+') {
      throw dnError(text, 'multi-valued name components ("+") are not supported; write "\\+" for a literal plus sign');
    }
    // readValue stops only at a separator or at the end, so this is "," or ";".
    reader.at++;
  }
  return attributes;
}

interface Reader {
  text: string;
  at: number;
}

function skipSpaces(reader: Reader): void {
  while (reader.text[reader.at] === ' ') reader.at++;
}

function readAttribute(reader: Reader): DnAttribute {
  const { text } = reader;
  skipSpaces(reader);
  const equals = text.indexOf('=', reader.at);
  const nextSeparator = text.slice(reader.at).search(/[,;+]/);
  if (equals < 0 || (nextSeparator >= 0 && reader.at + nextSeparator < equals)) {
    const part = text.slice(reader.at, nextSeparator >= 0 ? reader.at + nextSeparator : undefined).trim();
    throw dnError(text, part === '' ? 'a component is empty (a stray comma?)' : `"${part}" has no "=" (expected TYPE=value)`);
  }
  const typeText = text.slice(reader.at, equals).trim();
  const type = ALIASES[typeText.toUpperCase()];
  if (!type) {
    const shown = typeText === '' ? 'an empty attribute type' : `unknown attribute type ${typeText}`;
    throw dnError(text, `${shown} in the distinguished name; use ${KNOWN_TYPES}`);
  }
  reader.at = equals + 1;
  const value = readValue(reader);
  return { type, value: checkValue(text, type, value) };
}

/** Reads one value up to an unescaped separator, undoing RFC 4514 escapes and trimming unescaped spaces. */
function readValue(reader: Reader): string {
  const { text } = reader;
  skipSpaces(reader);
  if (text[reader.at] === '"') return readQuotedValue(reader);
  if (text[reader.at] === '#') {
    throw dnError(text, 'a value that starts with "#" is read as hex-encoded DER, which is not supported; write "\\#" for a literal "#"');
  }
  const bytes: number[] = [];
  /** Length of `bytes` up to the last character that was escaped or not a space: trailing spaces go. */
  let keep = 0;
  while (reader.at < text.length) {
    const char = text[reader.at]!;
    if (char === ',' || char === ';' || char === '+') break;
    if (char === '\\') {
      bytes.push(...readEscape(reader));
      keep = bytes.length;
      continue;
    }
    if (char === '"' || char === '<' || char === '>') {
      throw dnError(text, `the character ${char} must be escaped as "\\${char}" inside a value`);
    }
    const codePoint = text.codePointAt(reader.at)!;
    const encoded = Buffer.from(String.fromCodePoint(codePoint), 'utf8');
    bytes.push(...encoded);
    if (char !== ' ') keep = bytes.length;
    reader.at += codePoint > 0xffff ? 2 : 1;
  }
  return decodeUtf8(text, Buffer.from(bytes.slice(0, keep)));
}

function readEscape(reader: Reader): number[] {
  const { text } = reader;
  const next = text[reader.at + 1];
  if (next === undefined) throw dnError(text, 'it ends with a lone backslash');
  const pair = text.slice(reader.at + 1, reader.at + 3);
  if (HEX_PAIR.test(pair)) {
    reader.at += 3;
    return [Number.parseInt(pair, 16)];
  }
  if (!ESCAPABLE.has(next)) {
    throw dnError(text, `"\\${next}" is not an escape; a backslash may precede a space, one of "#+,;<=>\\ or two hex digits`);
  }
  reader.at += 2;
  return [next.charCodeAt(0)];
}

/** The older RFC 2253 form keytool also accepts: CN="Example, Inc.". */
function readQuotedValue(reader: Reader): string {
  const { text } = reader;
  reader.at++;
  const bytes: number[] = [];
  for (;;) {
    const char = text[reader.at];
    if (char === undefined) throw dnError(text, 'a quoted value has no closing quote');
    if (char === '"') break;
    if (char === '\\') {
      bytes.push(...readEscape(reader));
      continue;
    }
    const codePoint = text.codePointAt(reader.at)!;
    bytes.push(...Buffer.from(String.fromCodePoint(codePoint), 'utf8'));
    reader.at += codePoint > 0xffff ? 2 : 1;
  }
  reader.at++;
  skipSpaces(reader);
  const after = text[reader.at];
  if (after !== undefined && after !== ',' && after !== ';' && after !== '+') {
    throw dnError(text, 'text follows a quoted value; put a comma between components');
  }
  return decodeUtf8(text, Buffer.from(bytes));
}

function decodeUtf8(text: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw dnError(text, 'its hex escapes do not form valid UTF-8');
  }
}

function checkValue(text: string, type: DnAttributeType, value: string): string {
  const rule = RULES[type];
  if (value === '') throw dnError(text, `${type} has an empty value`);
  if (type === 'C') {
    if (!/^[A-Za-z]{2}$/.test(value)) {
      throw dnError(text, `C must be a two-letter ISO 3166 country code such as LK or US, not "${value}"`);
    }
    return value.toUpperCase();
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) throw dnError(text, `${type} contains a control character`);
  const length = [...value].length;
  if (rule.maxLength !== undefined && length > rule.maxLength) {
    throw dnError(text, `${type} is ${length} characters long; RFC 5280 allows at most ${rule.maxLength}`);
  }
  if (rule.stringType === 'printable' && !PRINTABLE.test(value)) {
    throw dnError(text, `${type} may hold only letters, digits, spaces and '()+,-./:=? (ASN.1 PrintableString)`);
  }
  if (rule.stringType === 'ia5' && !/^[\x20-\x7e]*$/.test(value)) {
    throw dnError(text, `${type} may hold only ASCII characters`);
  }
  return value;
}

/** The RFC 4514 text of a name, escaping what needs it, so that parseDname(formatDname(x)) equals x. */
export function formatDname(attributes: readonly DnAttribute[]): string {
  return attributes.map((attribute) => `${attribute.type}=${escapeValue(attribute.value)}`).join(', ');
}

function escapeValue(value: string): string {
  let out = '';
  const chars = [...value];
  chars.forEach((char, index) => {
    const edge = (index === 0 && (char === ' ' || char === '#')) || (index === chars.length - 1 && char === ' ');
    out += edge || '"+,;<>\\='.includes(char) ? `\\${char}` : char;
  });
  return out;
}

const STRING_TAGS = { utf8: 0x0c, printable: 0x13, ia5: 0x16 } as const;

/**
 * The DER Name (RDNSequence) for a certificate's subject or issuer: one single-valued RDN per attribute, in
 * reverse of the written order (the text form lists the most specific component first).
 */
export function encodeDname(attributes: readonly DnAttribute[]): Buffer {
  const rdns = [...attributes].reverse().map((attribute) => {
    const rule = RULES[attribute.type];
    const value = derEncode(STRING_TAGS[rule.stringType], Buffer.from(attribute.value, 'utf8'));
    return derEncode(DER.SET, derEncode(DER.SEQUENCE, derOidEncode(rule.oid), value));
  });
  return derEncode(DER.SEQUENCE, ...rdns);
}
