import * as crypto from 'node:crypto';
import { digestOnce } from '../digest.js';

/**
 * The PKCS#12 key derivation (RFC 7292, appendix B.2), used for the MAC key and for the old
 * pbeWithSHAAnd... ciphers. Written on node:crypto because Java's legacy files ask for 100,000 SHA-1 rounds,
 * which node-forge's pure-JavaScript hash takes several times longer to do.
 */
export const PKCS12_KEY_MATERIAL = 1;
export const PKCS12_IV = 2;
export const PKCS12_MAC_KEY = 3;

/** Hash name for node:crypto -> its input block size in bytes (the KDF's "v"). */
const BLOCK_BYTES: Record<string, number> = {
  md5: 64,
  sha1: 64,
  sha224: 64,
  sha256: 64,
  sha384: 128,
  sha512: 128,
  'sha512-224': 128,
  'sha512-256': 128,
};

/**
 * The password as the KDF wants it: big-endian UTF-16 with a two-byte terminator. Java and OpenSSL both do
 * this; `nullPassword` gives the zero-length form OpenSSL uses when it was given no password at all.
 */
export function pkcs12PasswordBytes(password: string, nullPassword = false): Buffer {
  if (nullPassword) return Buffer.alloc(0);
  const bytes = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) bytes.writeUInt16BE(password.charCodeAt(i), i * 2);
  return bytes;
}

function repeatToBlocks(input: Buffer, blockBytes: number): Buffer {
  if (input.length === 0) return input;
  const length = blockBytes * Math.ceil(input.length / blockBytes);
  const output = Buffer.alloc(length);
  for (let i = 0; i < length; i++) output[i] = input[i % input.length]!;
  return output;
}

export function pkcs12Kdf(hash: string, passwordBytes: Buffer, salt: Buffer, id: number, iterations: number, length: number): Buffer {
  const v = BLOCK_BYTES[hash];
  if (v === undefined) throw new Error(`pkcs12Kdf: no block size known for ${hash}`);
  const diversifier = Buffer.alloc(v, id);
  const input = Buffer.concat([repeatToBlocks(salt, v), repeatToBlocks(passwordBytes, v)]);
  const output: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let a: Buffer = crypto.createHash(hash).update(diversifier).update(input).digest();
    for (let round = 1; round < iterations; round++) a = digestOnce(hash, a);
    output.push(a);
    produced += a.length;
    if (produced >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block of I, B being A repeated to v bytes.
    const b = repeatToBlocks(a, v).subarray(0, v);
    for (let block = 0; block < input.length; block += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = input[block + k]! + b[k]! + carry;
        input[block + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(output).subarray(0, length);
}
