import { isAscii } from 'node:buffer';

/**
 * Java's "modified UTF-8", the form of DataOutput.writeUTF / DataInput.readUTF that JKS and JCEKS use for
 * aliases and certificate types. It encodes UTF-16 code units one by one, so it differs from UTF-8 in two ways
 * that matter: NUL is the two bytes C0 80, and a character outside the BMP is its surrogate pair, each half
 * encoded in three bytes (six bytes in all, where UTF-8 uses four).
 */

/** The largest payload writeUTF accepts: its length prefix is an unsigned 16-bit number. */
export const JAVA_UTF_MAX_BYTES = 0xffff;

/** Encodes a string without the length prefix. */
export function encodeModifiedUtf8(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x01 && unit <= 0x7f) bytes.push(unit);
    else if (unit <= 0x7ff) bytes.push(0xc0 | (unit >> 6), 0x80 | (unit & 0x3f));
    else bytes.push(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
  }
  return Buffer.from(bytes);
}

/**
 * Decodes the payload of a readUTF string (without its length prefix). Returns undefined for byte sequences
 * that readUTF rejects (UTFDataFormatException), so that the caller can name the damaged field.
 */
export function decodeModifiedUtf8(bytes: Uint8Array): string | undefined {
  // Aliases are nearly always ASCII, where every byte is its own character: one native call instead of the loop.
  if (isAscii(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  const units: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const first = bytes[i]!;
    if (first < 0x80) {
      units.push(first);
      i += 1;
    } else if ((first & 0xe0) === 0xc0) {
      const second = bytes[i + 1];
      if (second === undefined || (second & 0xc0) !== 0x80) return undefined;
      units.push(((first & 0x1f) << 6) | (second & 0x3f));
      i += 2;
    } else if ((first & 0xf0) === 0xe0) {
      const second = bytes[i + 1];
      const third = bytes[i + 2];
      if (second === undefined || third === undefined) return undefined;
      if ((second & 0xc0) !== 0x80 || (third & 0xc0) !== 0x80) return undefined;
      units.push(((first & 0x0f) << 12) | ((second & 0x3f) << 6) | (third & 0x3f));
      i += 3;
    } else {
      return undefined;
    }
  }
  // Chunked so that a 64 KiB alias cannot exceed the engine's argument limit.
  let text = '';
  for (let start = 0; start < units.length; start += 4096) {
    text += String.fromCharCode(...units.slice(start, start + 4096));
  }
  return text;
}

/**
 * The DataOutput.writeUTF form: a big-endian 16-bit byte count, then the modified UTF-8 bytes. Returns
 * undefined when the text is too long for that count (Java throws UTFDataFormatException there).
 */
export function writeJavaUtf(text: string): Buffer | undefined {
  const payload = encodeModifiedUtf8(text);
  if (payload.length > JAVA_UTF_MAX_BYTES) return undefined;
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(payload.length);
  return Buffer.concat([prefix, payload]);
}
