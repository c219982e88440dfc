import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeystoreCursor } from '../../source/keystore/jks/cursor.js';
import { decodeModifiedUtf8, encodeModifiedUtf8 } from '../../source/keystore/jks/java-utf.js';
import { KeystoreError } from '../../source/errors.js';

// The cursor puts numbers together from the bytes itself; Buffer's own readers are the reference.
describe('KeystoreCursor numbers', () => {
  it('reads u16, int32 and int64 as Buffer reads them (int64 as the nearest Number), at any offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 40 }), fc.nat(), (bytes, seed) => {
        const buffer = Buffer.from(bytes);
        const at = seed % (buffer.length - 7);
        const reads: [string, (cursor: KeystoreCursor) => number, number][] = [
          ['u16', (cursor) => cursor.u16('x'), buffer.readUInt16BE(at)],
          ['int32', (cursor) => cursor.int32('x'), buffer.readInt32BE(at)],
          ['int64', (cursor) => cursor.int64('x'), Number(buffer.readBigInt64BE(at))],
        ];
        for (const [, read, expected] of reads) {
          const cursor = new KeystoreCursor(buffer);
          cursor.offset = at;
          expect(read(cursor)).toBe(expected);
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('rounds an int64 beyond 2^53 as Number(BigInt) does', () => {
    for (const value of [2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 53n) - 3n, 0x0020_0000_0000_0003n, -1n]) {
      const buffer = Buffer.alloc(8);
      buffer.writeBigInt64BE(value);
      expect(new KeystoreCursor(buffer).int64('x')).toBe(Number(value));
    }
  });

  it('refuses a read past the end, naming what it was reading', () => {
    const cursor = new KeystoreCursor(Buffer.from([1, 2, 3]));
    expect(() => cursor.int32('the entry count')).toThrow(KeystoreError);
    expect(() => cursor.int32('the entry count')).toThrow(/the entry count needs 4 bytes at offset 0, but only 3 remain/);
  });

  it('refuses a value cut short as a whole: a date with fewer than 8 bytes left names all 8, at its own offset', () => {
    for (const left of [0, 4, 5, 7]) {
      const cursor = new KeystoreCursor(Buffer.alloc(10 + left));
      cursor.offset = 10;
      expect(() => cursor.date('the date of entry "a"')).toThrow(
        `the date of entry "a" needs 8 bytes at offset 10, but only ${left} remain`,
      );
      expect(cursor.offset).toBe(10);
    }
  });

  it('refuses a date out of Date range', () => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64BE(8_640_000_000_000_001n);
    expect(() => new KeystoreCursor(buffer).date('the date of entry "a"')).toThrow(/the date of entry "a" at offset 0 is out of range/);
  });
});

describe('KeystoreCursor.utf', () => {
  const withLength = (payload: Buffer) => Buffer.concat([Buffer.from([payload.length >> 8, payload.length & 0xff]), payload]);

  it('reads any string writeUTF could have written, ASCII or not, and leaves the cursor after it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const payload = encodeModifiedUtf8(text);
        const cursor = new KeystoreCursor(Buffer.concat([withLength(payload), Buffer.from([0xab])]));
        expect(cursor.utf('an alias')).toBe(text);
        expect(cursor.offset).toBe(2 + payload.length);
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads ASCII bytes as they are and refuses what decodeModifiedUtf8 refuses, naming the field', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (bytes) => {
        const payload = Buffer.from(bytes);
        const expected = decodeModifiedUtf8(payload);
        const read = () => new KeystoreCursor(withLength(payload)).utf('an alias');
        if (expected === undefined) expect(read).toThrow(/an alias at offset 0 is not valid modified UTF-8/);
        else expect(read()).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });
});
