import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iteratedMd5 } from '../../source/keystore/jceks/iterated-md5.js';

function reference(seed: Buffer, password: Buffer, iterations: number): Buffer {
  let block = seed;
  for (let i = 0; i < iterations; i++) block = createHash('md5').update(block).update(password).digest();
  return block;
}

describe('iteratedMd5', () => {
  it('equals MD5 applied round by round, for passwords across the 64-byte block boundaries', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        fc.uint8Array({ maxLength: 140 }),
        fc.integer({ min: 0, max: 40 }),
        (seed, password, iterations) => {
          expect(iteratedMd5(Buffer.from(seed), Buffer.from(password), iterations)).toEqual(
            reference(Buffer.from(seed), Buffer.from(password), iterations),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  // Its speed (keytool's 200,000 rounds well under a second) is a row of `npm run bench` (scripts/bench-fuzz.mjs),
  // not a test: a shared machine makes wall time here a coin toss.
  it("equals MD5 round by round for keytool's 200,000 rounds", () => {
    const digest = iteratedMd5(Buffer.from([1, 2, 3, 4]), Buffer.from('password'), 200_000);
    expect(digest).toEqual(reference(Buffer.from([1, 2, 3, 4]), Buffer.from('password'), 200_000));
  });
});
