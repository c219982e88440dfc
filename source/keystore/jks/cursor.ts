import { isAscii } from 'node:buffer';
import { KeystoreError } from '../../errors.js';
import { decodeModifiedUtf8 } from './java-utf.js';

/**
 * A bounds-checked DataInputStream over a whole keystore file, shared by the JKS and JCEKS readers. Every read
 * checks the bytes that remain first, so a truncated or garbled file is a KeystoreError('corrupt'), never a
 * RangeError, and a length field that claims more than the file holds is refused before anything is allocated.
 *
 * Numbers are put together from the bytes here rather than by Buffer's readUInt16BE and the like: in Node 20 each
 * of those validates its offset through a wrapper that makes an array per call, and inspect reads ~5 per entry of
 * a ~150-entry truststore while the code is still cold.
 */
export class KeystoreCursor {
  offset = 0;

  constructor(readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(count: number, what: string): void {
    if (count > this.remaining) {
      throw keystoreDamaged(`${what} needs ${count} bytes at offset ${this.offset}, but only ${this.remaining} remain`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buffer[this.offset++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const bytes = this.buffer;
    const at = this.offset;
    this.offset += 2;
    return (bytes[at]! << 8) | bytes[at + 1]!;
  }

  /** A signed 32-bit int, as DataInput.readInt. */
  int32(what: string): number {
    this.need(4, what);
    const at = this.offset;
    this.offset += 4;
    return this.int32At(at);
  }

  /**
   * A signed 64-bit int, as DataInput.readLong, as the nearest Number: the high half times 2^32 is exact, so the
   * sum is rounded once, as Number(BigInt) rounds it.
   */
  int64(what: string): number {
    // All 8 bytes checked at once: a file cut inside the value says so of the value, not of its second half.
    this.need(8, what);
    const at = this.offset;
    this.offset += 8;
    return this.int32At(at) * 0x1_0000_0000 + (this.int32At(at + 4) >>> 0);
  }

  /** The signed big-endian 32-bit int at `at`, whose 4 bytes the caller has checked are there. */
  private int32At(at: number): number {
    const bytes = this.buffer;
    return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
  }

  /** A non-negative 32-bit length or count; `unitSize` is the fewest bytes each counted item takes. */
  count(what: string, unitSize = 1): number {
    const at = this.offset;
    const value = this.int32(what);
    if (value < 0) throw keystoreDamaged(`${what} at offset ${at} is negative (${value})`);
    if (value * unitSize > this.remaining) {
      throw keystoreDamaged(`${what} at offset ${at} claims ${value} but only ${this.remaining} bytes remain`);
    }
    return value;
  }

  bytes(length: number, what: string): Buffer {
    this.need(length, what);
    const slice = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  /** A length-prefixed byte array (int length, then the bytes). */
  lengthPrefixed(what: string): Buffer {
    return this.bytes(this.count(`the length of ${what}`), what);
  }

  /** A string as DataInput.readUTF reads it. */
  utf(what: string): string {
    const at = this.offset;
    const length = this.u16(`the length of ${what}`);
    this.need(length, what);
    const start = this.offset;
    this.offset += length;
    // Aliases are nearly always ASCII, where every byte is its own character: one native check of a view, and the
    // text read from the file's own bytes (a JS loop over the bytes, cold, took three times as long).
    const bytes = this.buffer.subarray(start, this.offset);
    const text = isAscii(bytes) ? this.buffer.latin1Slice(start, this.offset) : decodeModifiedUtf8(bytes);
    if (text === undefined) throw keystoreDamaged(`${what} at offset ${at} is not valid modified UTF-8`);
    return text;
  }

  /** A Java timestamp (milliseconds since the epoch); out-of-range values are damage, not an Invalid Date. */
  date(what: string): Date {
    const at = this.offset;
    const millis = this.int64(what);
    const date = new Date(millis);
    if (Number.isNaN(date.getTime())) throw keystoreDamaged(`${what} at offset ${at} is out of range`);
    return date;
  }
}

export function keystoreDamaged(what: string): KeystoreError {
  return new KeystoreError('corrupt', `the keystore is damaged or cut short: ${what}`);
}
