import { OID } from '../oids.js';

/**
 * Checks an uncompressed EC public point the way OpenSSL does when it decodes a certificate's key (coordinates
 * below the field prime, point on the curve), so that the DER fast path (certificate-der.ts) never describes a
 * key OpenSSL would refuse. Only the NIST curves Node names prime256v1 and secp384r1.
 */
interface Curve {
  name: string;
  bits: number;
  p: bigint;
  b: bigint;
}

const CURVES: Record<string, Curve> = {
  [OID.prime256v1]: {
    name: 'prime256v1',
    bits: 256,
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  },
  [OID.secp384r1]: {
    name: 'secp384r1',
    bits: 384,
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
};

/** The curve's name and size when `point` is a valid uncompressed point on the named curve; else undefined. */
export function namedCurvePoint(curveOid: string, point: Buffer): { name: string; bits: number } | undefined {
  const curve = CURVES[curveOid];
  if (!curve) return undefined;
  const size = curve.bits / 8;
  if (point.length !== 1 + 2 * size || point[0] !== 0x04) return undefined;
  const x = BigInt(`0x${point.subarray(1, 1 + size).toString('hex')}`);
  const y = BigInt(`0x${point.subarray(1 + size).toString('hex')}`);
  if (x >= curve.p || y >= curve.p) return undefined;
  // Both curves have a = -3: y^2 = x^3 - 3x + b (mod p).
  const right = (((x * x * x - 3n * x + curve.b) % curve.p) + curve.p) % curve.p;
  return (y * y) % curve.p === right ? { name: curve.name, bits: curve.bits } : undefined;
}
