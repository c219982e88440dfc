import { sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../source/errors.js';
import { describeKeyPairSpec, generateKeyPair, type KeyPairSpec } from '../../source/keystore/generate.js';

describe('generateKeyPair', () => {
  it.each([2048, 3072] as const)('makes an RSA %i key pair with exponent 65537', async (size) => {
    const { privateKey, publicKey } = await generateKeyPair({ algorithm: 'RSA', size });
    expect(privateKey.type).toBe('private');
    expect(publicKey.type).toBe('public');
    expect(privateKey.asymmetricKeyType).toBe('rsa');
    expect(publicKey.asymmetricKeyDetails).toMatchObject({ modulusLength: size, publicExponent: 65537n });
    const signature = sign('sha256', Buffer.from('x'), privateKey);
    expect(verify('sha256', Buffer.from('x'), publicKey, signature)).toBe(true);
  });

  it.each([
    [256, 'prime256v1'],
    [384, 'secp384r1'],
  ] as const)('makes an EC key pair of %i bits on %s', async (size, curve) => {
    const { privateKey, publicKey } = await generateKeyPair({ algorithm: 'EC', size });
    expect(privateKey.asymmetricKeyType).toBe('ec');
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe(curve);
    const signature = sign('sha256', Buffer.from('x'), privateKey);
    expect(verify('sha256', Buffer.from('x'), publicKey, signature)).toBe(true);
  });

  it('makes a different key each time', async () => {
    const spec = { algorithm: 'EC', size: 256 } as const;
    const [a, b] = await Promise.all([generateKeyPair(spec), generateKeyPair(spec)]);
    expect(a.publicKey.equals(b.publicKey)).toBe(false);
  });

  it('leaves the event loop free while it works (native, asynchronous generation)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    // A synchronous generator would settle the promise before the first timer tick could run.
    await generateKeyPair({ algorithm: 'RSA', size: 3072 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
  });

  it('refuses sizes, curves and algorithms it does not offer, with a UserError', async () => {
    const bad = [
      { algorithm: 'RSA', size: 1024 },
      { algorithm: 'EC', size: 521 },
      { algorithm: 'DSA', size: 2048 },
    ] as unknown as KeyPairSpec[];
    for (const spec of bad) {
      const error = await generateKeyPair(spec).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe('bad-key-spec');
    }
    await expect(generateKeyPair(bad[0]!)).rejects.toThrow(/1024 bits is not offered; choose 2048, 3072 or 4096/);
    await expect(generateKeyPair(bad[1]!)).rejects.toThrow(/choose 256 \(P-256\) or 384 \(P-384\)/);
    await expect(generateKeyPair(bad[2]!)).rejects.toThrow(/DSA is not offered; choose RSA or EC/);
  });

  it('describes a spec for previews', () => {
    expect(describeKeyPairSpec({ algorithm: 'RSA', size: 4096 })).toBe('RSA 4096');
    expect(describeKeyPairSpec({ algorithm: 'EC', size: 384 })).toBe('EC P-384');
  });
});
