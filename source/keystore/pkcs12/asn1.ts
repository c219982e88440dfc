import forge from 'node-forge';
import { KeystoreError } from '../../errors.js';
import { derEncode } from '../der.js';

/**
 * A typed, checked view over node-forge's ASN.1 objects. forge reads BER (indefinite lengths, chunked
 * OCTET STRINGs) as some PKCS#12 producers write it, and checks every length against the bytes left; these
 * helpers turn its exceptions and any unexpected shape into KeystoreError('corrupt').
 */
export type Asn1 = forge.asn1.Asn1;

const { Class, Type } = forge.asn1;

export function corrupt(what: string): KeystoreError {
  return new KeystoreError('corrupt', `the PKCS#12 file is damaged: ${what}; restore it from a backup`);
}

/** Anything that escapes the decoder unexplained (a forge exception, say) is, from the user's side, a damaged file. */
export function asKeystoreError(error: unknown): KeystoreError {
  if (error instanceof KeystoreError) return error;
  const detail = error instanceof Error ? ` (${error.message.split('\n')[0]})` : '';
  return new KeystoreError('corrupt', `the PKCS#12 file is damaged or not a keystore${detail}; restore it from a backup`);
}

type FromDer = (bytes: string, options: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean }) => Asn1;

/** Parses BER. `whole` refuses bytes left over after the value (inner structures); the outer file may have them. */
export function parseBer(bytes: Buffer, what: string, whole = true): Asn1 {
  try {
    // The typings only know the old boolean form of the second argument.
    const fromDer = forge.asn1.fromDer as unknown as FromDer;
    return fromDer(bytes.toString('latin1'), { strict: true, parseAllBytes: whole, decodeBitStrings: false });
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : '';
    throw corrupt(`${what} is cut short or cannot be decoded${detail}`);
  }
}

/**
 * The DER bytes of a forge node, written by the project's one DER writer (keystore/der.ts) with forge's own rules,
 * so the bytes are those forge.asn1.toDer wrote: a read BIT STRING keeps its bytes, a composed primitive gets an
 * unused-bits byte, a BMPString is UTF-16BE, an INTEGER drops one redundant leading 0x00 or 0xFF.
 */
export function toDerBuffer(node: Asn1): Buffer {
  const tag = node.tagClass | node.type;
  const read = node as Asn1 & { bitStringContents?: string; original?: Asn1 };
  if (
    read.bitStringContents !== undefined &&
    (!read.original || (forge.asn1 as unknown as { equals(a: Asn1, b: Asn1): boolean }).equals(node, read.original))
  )
    return derEncode(tag, Buffer.from(read.bitStringContents, 'latin1'));
  if (node.composed) {
    const children = (node.value as (Asn1 | undefined)[]).filter((child) => child !== undefined).map(toDerBuffer);
    return node.constructed ? derEncode(tag | 0x20, ...children) : derEncode(tag, Buffer.from([0]), ...children);
  }
  const value = node.value as string;
  if (node.type === Type.BMPSTRING) {
    const bytes = Buffer.alloc(value.length * 2);
    for (let i = 0; i < value.length; i++) bytes.writeUInt16BE(value.charCodeAt(i), i * 2);
    return derEncode(tag, bytes);
  }
  const bytes = Buffer.from(value, 'latin1');
  const redundant =
    node.type === Type.INTEGER &&
    bytes.length > 1 &&
    ((bytes[0] === 0 && (bytes[1]! & 0x80) === 0) || (bytes[0] === 0xff && (bytes[1]! & 0x80) === 0x80));
  return derEncode(tag, redundant ? bytes.subarray(1) : bytes);
}

function isUniversal(node: Asn1 | undefined, type: forge.asn1.Type): node is Asn1 {
  return node !== undefined && node.tagClass === Class.UNIVERSAL && node.type === type;
}

export function children(node: Asn1 | undefined, what: string): Asn1[] {
  if (!node || !Array.isArray(node.value) || !node.constructed) throw corrupt(`${what} is not a structure`);
  return node.value;
}

export function sequence(node: Asn1 | undefined, what: string): Asn1[] {
  if (!isUniversal(node, Type.SEQUENCE)) throw corrupt(`${what} is not a SEQUENCE`);
  return children(node, what);
}

export function set(node: Asn1 | undefined, what: string): Asn1[] {
  if (!isUniversal(node, Type.SET)) throw corrupt(`${what} is not a SET`);
  return children(node, what);
}

/** The single value inside an EXPLICIT context tag [n]. */
export function explicit(node: Asn1 | undefined, tag: number, what: string): Asn1 {
  if (!node || node.tagClass !== Class.CONTEXT_SPECIFIC || node.type !== tag) throw corrupt(`${what} is missing`);
  const inner = children(node, what)[0];
  if (!inner) throw corrupt(`${what} is empty`);
  return inner;
}

export function isContextTag(node: Asn1 | undefined, tag: number): boolean {
  return node !== undefined && node.tagClass === Class.CONTEXT_SPECIFIC && node.type === tag;
}

export function oid(node: Asn1 | undefined, what: string): string {
  if (!isUniversal(node, Type.OID) || typeof node.value !== 'string' || node.value.length === 0) {
    throw corrupt(`${what} is not an object identifier`);
  }
  return forge.asn1.derToOid(node.value);
}

/** Primitive bytes; a BER constructed string (chunks of the same type) is joined. */
export function stringBytes(node: Asn1, what: string): Buffer {
  if (typeof node.value === 'string') return Buffer.from(node.value, 'latin1');
  return Buffer.concat(node.value.map((chunk) => stringBytes(chunk, what)));
}

export function octets(node: Asn1 | undefined, what: string): Buffer {
  if (!isUniversal(node, Type.OCTETSTRING)) throw corrupt(`${what} is not an OCTET STRING`);
  return stringBytes(node, what);
}

/** A non-negative INTEGER that fits comfortably in a JavaScript number (iteration counts, versions). */
export function smallInteger(node: Asn1 | undefined, what: string): number {
  if (!isUniversal(node, Type.INTEGER) || typeof node.value !== 'string') throw corrupt(`${what} is not an INTEGER`);
  const bytes = Buffer.from(node.value, 'latin1');
  if (bytes.length === 0 || bytes[0]! & 0x80) throw corrupt(`${what} is not a positive INTEGER`);
  const significant = bytes[0] === 0 ? bytes.subarray(1) : bytes;
  if (significant.length > 4) throw corrupt(`${what} is implausibly large`);
  return significant.length === 0 ? 0 : significant.readUIntBE(0, significant.length);
}

/** BMPString (friendlyName): forge has already decoded the UTF-16 code units. */
export function bmpString(node: Asn1 | undefined, what: string): string {
  if (!isUniversal(node, Type.BMPSTRING) || typeof node.value !== 'string') throw corrupt(`${what} is not a BMPString`);
  return node.value;
}

/* Builders for the writer. */

export function build(type: forge.asn1.Type, value: string | Asn1[]): Asn1 {
  return forge.asn1.create(Class.UNIVERSAL, type, Array.isArray(value), value);
}

export function buildExplicit(tag: number, inner: Asn1): Asn1 {
  return forge.asn1.create(Class.CONTEXT_SPECIFIC, tag, true, [inner]);
}

export function buildOid(dotted: string): Asn1 {
  return build(Type.OID, forge.asn1.oidToDer(dotted).getBytes());
}

export function buildOctets(bytes: Buffer): Asn1 {
  return build(Type.OCTETSTRING, bytes.toString('latin1'));
}

export function buildInteger(value: number): Asn1 {
  return build(Type.INTEGER, forge.asn1.integerToDer(value).getBytes());
}

export { Type as Asn1Type };
