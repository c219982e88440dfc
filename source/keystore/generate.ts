import { generateKeyPair as nodeGenerateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { UserError } from '../errors.js';

export type KeyPairSpec = { algorithm: 'RSA'; size: 2048 | 3072 | 4096 } | { algorithm: 'EC'; size: 256 | 384 };

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const generate = promisify(nodeGenerateKeyPair);

const RSA_SIZES: readonly number[] = [2048, 3072, 4096];
const EC_CURVES: Readonly<Record<number, string>> = { 256: 'P-256', 384: 'P-384' };

/**
 * A new key pair from Node's native (OpenSSL) generator, off the main thread so a UI stays live while a
 * 4096-bit RSA key takes seconds. The spec may come from an answers file, so it is checked at run time too.
 */
export async function generateKeyPair(spec: KeyPairSpec): Promise<KeyPair> {
  const { algorithm, size } = spec as { algorithm: unknown; size: unknown };
  if (algorithm === 'RSA') {
    if (typeof size !== 'number' || !RSA_SIZES.includes(size)) {
      throw new UserError(`An RSA key of ${String(size)} bits is not offered; choose 2048, 3072 or 4096.`, 'bad-key-spec');
    }
    return generate('rsa', { modulusLength: size, publicExponent: 0x10001 });
  }
  if (algorithm === 'EC') {
    const namedCurve = typeof size === 'number' ? EC_CURVES[size] : undefined;
    if (!namedCurve) {
      throw new UserError(`An EC key of ${String(size)} bits is not offered; choose 256 (P-256) or 384 (P-384).`, 'bad-key-spec');
    }
    return generate('ec', { namedCurve });
  }
  throw new UserError(`The key algorithm ${String(algorithm)} is not offered; choose RSA or EC.`, 'bad-key-spec');
}

/**
 * A key pair whose generation started before the plan that uses it: `apply` starts it as soon as the answers say
 * which key they want, so the 50-350 ms an RSA key takes on the thread pool pass while the command's code loads and
 * the home is read. The plan takes it at most once; a second plan, or one that wants another kind of key,
 * generates its own.
 */
export interface KeyPairInAdvance {
  /** The pair being generated, when `spec` is the one it was started for and it was not taken yet. */
  take(spec: KeyPairSpec): Promise<KeyPair> | undefined;
}

export function generateInAdvance(spec: KeyPairSpec): KeyPairInAdvance {
  const pair = generateKeyPair(spec);
  // A spec refused here is refused again, in the plan's words and place, by the plan that takes it (or by none).
  pair.catch(() => undefined);
  let taken = false;
  return {
    take(wanted) {
      if (taken || wanted.algorithm !== spec.algorithm || wanted.size !== spec.size) return undefined;
      taken = true;
      return pair;
    },
  };
}

/** "RSA 2048" or "EC P-256", for previews and messages. */
export function describeKeyPairSpec(spec: KeyPairSpec): string {
  return spec.algorithm === 'RSA' ? `RSA ${spec.size}` : `EC ${EC_CURVES[spec.size] ?? spec.size}`;
}
