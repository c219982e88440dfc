import { createHash } from 'node:crypto';

/**
 * MD5 applied `iterations` times to (previous digest || password), starting from (seed || password): the inner
 * loop of JCEKS key derivation. keytool writes 200,000 iterations and Java accepts up to 5,000,000; one
 * createHash per round costs ~2 us, so a key took about a second to open (and a damaged count, many). This
 * computes the same digests in a tight loop over preallocated memory, about ten times faster.
 */
export function iteratedMd5(seed: Buffer, password: Buffer, iterations: number): Buffer {
  if (iterations <= 0) return Buffer.from(seed);
  // The first round hashes the seed (4 bytes of salt); every later one a 16-byte digest.
  let block = createHash('md5').update(seed).update(password).digest();
  if (iterations === 1) return block;
  const messageLength = 16 + password.length;
  const blocks = Math.ceil((messageLength + 9) / 64);
  const message = Buffer.alloc(blocks * 64);
  message.set(password, 16);
  message[messageLength] = 0x80;
  const bits = messageLength * 8;
  message.writeUInt32LE(bits >>> 0, blocks * 64 - 8);
  message.writeUInt32LE(Math.floor(bits / 2 ** 32), blocks * 64 - 4);
  // The message as little-endian words: only the first four (the previous digest) change from round to round.
  const words = new Int32Array(blocks * 16);
  for (let w = 0; w < words.length; w++) words[w] = message.readInt32LE(w * 4);
  const blockWords = Array.from({ length: blocks }, (_, b) => words.subarray(b * 16, b * 16 + 16));
  const state = new Int32Array(4);
  for (let i = 0; i < 4; i++) state[i] = block.readInt32LE(i * 4);
  for (let round = 1; round < iterations; round++) {
    words.set(state, 0);
    state[0] = 0x67452301;
    state[1] = 0xefcdab89 | 0;
    state[2] = 0x98badcfe | 0;
    state[3] = 0x10325476;
    for (const chunk of blockWords) compress(state, chunk);
  }
  block = Buffer.alloc(16);
  for (let i = 0; i < 4; i++) block.writeInt32LE(state[i]!, i * 4);
  return block;
}

const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11,
  16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
];
const K = Int32Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

function compress(state: Int32Array, words: Int32Array): void {
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  for (let i = 0; i < 64; i++) {
    let f: number;
    let g: number;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) & 15;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) & 15;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) & 15;
    }
    const sum = (a + f + K[i]! + words[g]!) | 0;
    const shift = S[i]!;
    a = d;
    d = c;
    c = b;
    b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
}
