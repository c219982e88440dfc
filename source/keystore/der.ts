import { KeystoreError, UserError } from '../errors.js';

/**
 * A minimal DER reader: enough to walk EncryptedPrivateKeyInfo, PKCS#8 and certificates without loading a
 * full ASN.1 library on the fast path. Every length is checked against the bytes that are actually there,
 * so a length field that claims gigabytes is an error, never an allocation.
 */
export interface DerNode {
  tag: number;
  /** Offset of the tag byte in the buffer the node was read from. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset one past the last content byte. */
  end: number;
  buffer: Buffer;
}

export const DER = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function corrupt(what: string): KeystoreError {
  return new KeystoreError('corrupt', `the file is damaged: ${what}`);
}

export function readDerNode(buffer: Buffer, offset: number, limit = buffer.length): DerNode {
  if (offset + 2 > limit) throw corrupt('a DER structure is cut short');
  const tag = buffer[offset]!;
  if ((tag & 0x1f) === 0x1f) throw corrupt('a DER tag uses the long form, which keystores never do');
  let length = buffer[offset + 1]!;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw corrupt('a DER length is indefinite or too large');
    if (contentStart + count > limit) throw corrupt('a DER length is cut short');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buffer[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw corrupt(`a DER value claims ${length} bytes but only ${limit - contentStart} remain`);
  return { tag, start: offset, contentStart, end, buffer };
}

export function derContent(node: DerNode): Buffer {
  return node.buffer.subarray(node.contentStart, node.end);
}

export function derWhole(node: DerNode): Buffer {
  return node.buffer.subarray(node.start, node.end);
}

/** The children of a constructed node (SEQUENCE, SET, or a constructed context tag). */
export function derChildren(node: DerNode): DerNode[] {
  const children: DerNode[] = [];
  let offset = node.contentStart;
  while (offset < node.end) {
    const child = readDerNode(node.buffer, offset, node.end);
    children.push(child);
    offset = child.end;
  }
  return children;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw corrupt(`${what} is not where it should be`);
  return node;
}

/**
 * The dotted forms already read, by their DER bytes: a certificate names a few dozen OIDs (its algorithms, each
 * name attribute, each extension) and a truststore holds ~150 certificates that name the same ones. Bounded in
 * count and length, so that a hostile file of distinct or huge OIDs cannot grow it.
 */
const dottedOids = new Map<string, string>();
const DOTTED_OIDS_KEPT = 512;

/** Dotted form of an OBJECT IDENTIFIER's content. */
export function derOid(node: DerNode): string {
  expectTag(node, DER.OID, 'an object identifier');
  return derOidAt(node.buffer, node.contentStart, node.end);
}

/** Dotted form of the OBJECT IDENTIFIER content that lies at buffer[start, end), for readers that walk DER in place. */
export function derOidAt(buffer: Buffer, start: number, end: number): string {
  if (end <= start) throw corrupt('an empty object identifier');
  // X.690 8.19: the last byte ends a sub-identifier, and none starts with 0x80 (a padded one); Java and OpenSSL
  // refuse both, so a reader that accepted them would describe what the server cannot load.
  if (buffer[end - 1]! & 0x80 || buffer[start] === 0x80) throw corrupt('an object identifier is badly encoded');
  for (let i = start + 1; i < end; i++)
    if (buffer[i] === 0x80 && !(buffer[i - 1]! & 0x80)) throw corrupt('an object identifier is badly encoded');
  if (end - start > 32) return dottedOid(buffer.subarray(start, end));
  const key = buffer.latin1Slice(start, end);
  const known = dottedOids.get(key);
  if (known !== undefined) return known;
  const dotted = dottedOid(buffer.subarray(start, end));
  if (dottedOids.size < DOTTED_OIDS_KEPT) dottedOids.set(key, dotted);
  return dotted;
}

function dottedOid(bytes: Buffer): string {
  const parts: number[] = [];
  const first = bytes[0]!;
  let value = 0;
  let started = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (!started) {
        // The first sub-identifier packs the first two arcs.
        const arc0 = first < 80 ? Math.floor(value / 40) : 2;
        parts.push(arc0, value - arc0 * 40);
        started = true;
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  return parts.join('.');
}

/** DER encoding helpers for the writers. */
export function derEncode(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const length = body.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else {
    const bytes: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, body]);
}

export function derOidEncode(dotted: string): Buffer {
  const arcs = dotted.split('.').map((part) => Number(part));
  const bytes: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return derEncode(DER.OID, Buffer.from(bytes));
}

/** A non-negative INTEGER from unsigned big-endian bytes, in the shortest form DER requires. */
export function derInteger(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const bytes = unsigned.subarray(start);
  const padded = bytes.length === 0 || bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return derEncode(DER.INTEGER, padded);
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050; seconds, no fraction, always Zulu. */
export function derTime(date: Date): Buffer {
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new UserError(`The date ${date.toISOString()} cannot go in a certificate.`, 'bad-validity');
  const two = (n: number): string => String(n).padStart(2, '0');
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return year < 2050
    ? derEncode(0x17, Buffer.from(`${two(year % 100)}${rest}`, 'ascii'))
    : derEncode(0x18, Buffer.from(`${year}${rest}`, 'ascii'));
}

export function derBitString(bytes: Buffer, unusedBits = 0): Buffer {
  return derEncode(DER.BIT_STRING, Buffer.from([unusedBits]), bytes);
}

/** A named-bit-list BIT STRING (bit 0 is the high bit of the first byte); DER drops trailing zero bits. */
export function derNamedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return derBitString(bytes, 7 - (highest & 7));
}
