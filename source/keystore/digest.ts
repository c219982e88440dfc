import * as crypto from 'node:crypto';

/**
 * One digest of `data`. Node's one-shot crypto.hash (20.12 and later) costs less than half of createHash per
 * call (no stream object): an iterated hash is made of such calls (files are allowed up to 5,000,000 rounds per
 * operation), and inspect hashes every certificate of a truststore (~150).
 */
export const digestOnce: (hash: string, data: Buffer) => Buffer =
  typeof crypto.hash === 'function'
    ? (hash, data) => crypto.hash(hash, data, 'buffer')
    : (hash, data) => crypto.createHash(hash).update(data).digest();

/** digestOnce in lower-case hex, made by OpenSSL's side of the call: no Buffer for a digest that is only printed. */
export const hexDigestOnce: (hash: string, data: Buffer) => string =
  typeof crypto.hash === 'function'
    ? (hash, data) => crypto.hash(hash, data, 'hex')
    : (hash, data) => crypto.createHash(hash).update(data).digest('hex');
