import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import forge from 'node-forge';
import { KeystoreError } from '../../errors.js';
import { type Asn1, corrupt, octets, oid, sequence, smallInteger } from './asn1.js';
import { checkOperationIterations, type KdfBudget } from './budget.js';
import { PKCS12_IV, PKCS12_KEY_MATERIAL, pkcs12Kdf, pkcs12PasswordBytes } from './kdf.js';
import { OID } from '../oids.js';

/**
 * Password-based decryption of PKCS#12 contents and shrouded keys: PBES2 (PBKDF2 + AES or 3DES), what Java 17
 * and OpenSSL 3 write, and the PKCS#12 PBE ciphers of legacy files (3DES, RC2). Runs on node:crypto, whose
 * PBKDF2 takes the password as UTF-8 bytes as Java and OpenSSL do (node-forge would use Latin-1 code
 * units); RC2, which Node's OpenSSL 3 no longer offers, is node-forge's.
 */

/** The password did not open the data (or the data is damaged): callers decide which error that is. */
export class PbeFailure extends Error {
  override name = 'PbeFailure';
}

const PBES2 = OID.pbes2;
const PBKDF2 = OID.pbkdf2;

const PRF_HASHES: Record<string, string> = {
  [OID.hmacWithSHA1]: 'sha1',
  [OID.hmacWithSHA224]: 'sha224',
  [OID.hmacWithSHA256]: 'sha256',
  [OID.hmacWithSHA384]: 'sha384',
  [OID.hmacWithSHA512]: 'sha512',
  [OID.hmacWithSHA512_224]: 'sha512-224',
  [OID.hmacWithSHA512_256]: 'sha512-256',
};

const PBES2_CIPHERS: Record<string, { name: string; keyBytes: number; ivBytes: number }> = {
  [OID.aes128CBC]: { name: 'aes-128-cbc', keyBytes: 16, ivBytes: 16 },
  [OID.aes192CBC]: { name: 'aes-192-cbc', keyBytes: 24, ivBytes: 16 },
  [OID.aes256CBC]: { name: 'aes-256-cbc', keyBytes: 32, ivBytes: 16 },
  [OID.desEDE3CBC]: { name: 'des-ede3-cbc', keyBytes: 24, ivBytes: 8 },
};

/** pkcs-12PbeIds (RFC 7292 appendix C); all derive with SHA-1. */
const PKCS12_PBE: Record<string, { cipher: 'des-ede3-cbc' | 'des-ede-cbc' | 'rc2'; keyBytes: number; ivBytes: number }> = {
  [OID.pbeWithSHAAnd3KeyTripleDESCBC]: { cipher: 'des-ede3-cbc', keyBytes: 24, ivBytes: 8 },
  [OID.pbeWithSHAAnd2KeyTripleDESCBC]: { cipher: 'des-ede-cbc', keyBytes: 16, ivBytes: 8 },
  [OID.pbeWithSHAAnd128BitRC2CBC]: { cipher: 'rc2', keyBytes: 16, ivBytes: 8 },
  [OID.pbeWithSHAAnd40BitRC2CBC]: { cipher: 'rc2', keyBytes: 5, ivBytes: 8 },
};

const NAMES: Record<string, string> = {
  [OID.pbeWithSHAAnd128BitRC4]: 'pbeWithSHAAnd128BitRC4',
  [OID.pbeWithSHAAnd40BitRC4]: 'pbeWithSHAAnd40BitRC4',
  [OID.pbeWithMD5AndDESCBC]: 'pbeWithMD5AndDES-CBC',
  [OID.pbeWithSHA1AndDESCBC]: 'pbeWithSHA1AndDES-CBC',
  [OID.desCBC]: 'DES-CBC',
};

function unsupported(what: string): KeystoreError {
  return new KeystoreError(
    'unsupported',
    `the PKCS#12 file is encrypted with ${what}, which this tool cannot read; convert it with keytool -importkeystore to a Java 17 PKCS12 or a JKS file`,
  );
}

/** An iteration count of the file, refused above Java's cap for one operation (pkcs12-budget.ts). */
export function iterationCount(node: Asn1 | undefined, what: string, purpose: string): number {
  const count = smallInteger(node, what);
  if (count < 1) throw corrupt(`${what} is zero`);
  checkOperationIterations(count, purpose);
  return count;
}

function nodeDecrypt(cipher: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  try {
    const decipher = createDecipheriv(cipher, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new PbeFailure('bad decrypt');
  }
}

function rc2Decrypt(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const decipher = forge.rc2.createDecryptionCipher(key.toString('latin1'), key.length * 8);
  decipher.start(iv.toString('latin1'));
  decipher.update(forge.util.createBuffer(data.toString('latin1')));
  if (!decipher.finish()) throw new PbeFailure('bad decrypt');
  return Buffer.from(decipher.output.getBytes(), 'latin1');
}

interface Pbes2Parameters {
  salt: Buffer;
  iterations: number;
  hash: string;
  cipher: (typeof PBES2_CIPHERS)[string];
  iv: Buffer;
}

function pbes2Parameters(parameters: Asn1 | undefined, purpose: string): Pbes2Parameters {
  const [kdf, scheme] = sequence(parameters, 'the PBES2 parameters');
  const [kdfOid, kdfParameters] = sequence(kdf, 'the PBES2 key derivation');
  const kdfName = oid(kdfOid, 'the PBES2 key derivation algorithm');
  if (kdfName !== PBKDF2) throw unsupported(`the key derivation ${NAMES[kdfName] ?? kdfName}`);
  const fields = sequence(kdfParameters, 'the PBKDF2 parameters');
  const salt = octets(fields[0], 'the PBKDF2 salt');
  const iterations = iterationCount(fields[1], 'the PBKDF2 iteration count', purpose);
  // keyLength INTEGER OPTIONAL, then prf AlgorithmIdentifier DEFAULT hmacWithSHA1.
  let prfNode = fields[2];
  if (prfNode && prfNode.type === forge.asn1.Type.INTEGER) prfNode = fields[3];
  const prfOid = prfNode ? oid(sequence(prfNode, 'the PBKDF2 PRF')[0], 'the PBKDF2 PRF algorithm') : OID.hmacWithSHA1;
  const hash = PRF_HASHES[prfOid];
  if (!hash) throw unsupported(`the PBKDF2 PRF ${prfOid}`);
  const [cipherOid, ivNode] = sequence(scheme, 'the PBES2 encryption scheme');
  const cipherName = oid(cipherOid, 'the PBES2 cipher');
  const cipher = PBES2_CIPHERS[cipherName];
  if (!cipher) throw unsupported(`the cipher ${NAMES[cipherName] ?? cipherName}`);
  const iv = octets(ivNode, 'the PBES2 IV');
  if (iv.length !== cipher.ivBytes) throw corrupt('the PBES2 IV has the wrong length');
  return { salt, iterations, hash, cipher, iv };
}

function pbes2(parameters: Pbes2Parameters, password: string, data: Buffer): Buffer {
  const { salt, iterations, hash, cipher, iv } = parameters;
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, cipher.keyBytes, hash);
  return nodeDecrypt(cipher.name, key, iv, data);
}

interface Pkcs12PbeParameters {
  scheme: (typeof PKCS12_PBE)[string];
  salt: Buffer;
  iterations: number;
}

function pkcs12PbeParameters(scheme: (typeof PKCS12_PBE)[string], parameters: Asn1 | undefined, purpose: string): Pkcs12PbeParameters {
  const [saltNode, countNode] = sequence(parameters, 'the PKCS#12 PBE parameters');
  const salt = octets(saltNode, 'the PKCS#12 PBE salt');
  return { scheme, salt, iterations: iterationCount(countNode, 'the PKCS#12 PBE iteration count', purpose) };
}

function pkcs12Pbe({ scheme, salt, iterations }: Pkcs12PbeParameters, password: string, data: Buffer): Buffer {
  const passwordBytes = pkcs12PasswordBytes(password);
  const key = pkcs12Kdf('sha1', passwordBytes, salt, PKCS12_KEY_MATERIAL, iterations, scheme.keyBytes);
  const iv = pkcs12Kdf('sha1', passwordBytes, salt, PKCS12_IV, iterations, scheme.ivBytes);
  if (scheme.cipher === 'rc2') return rc2Decrypt(key, iv, data);
  return nodeDecrypt(scheme.cipher, key, iv, data);
}

type PbeParameters = { kind: 'pbes2'; parameters: Pbes2Parameters } | { kind: 'pkcs12'; parameters: Pkcs12PbeParameters };

/**
 * The parameters of a password-based encryption, read and checked without deriving anything. `purpose` names
 * the data it protects in messages ("the encrypted certificates", "the private key").
 */
function pbeParameters(algorithm: Asn1 | undefined, purpose: string): PbeParameters {
  const [algorithmOid, parameters] = sequence(algorithm, 'an encryption algorithm');
  const name = oid(algorithmOid, 'an encryption algorithm');
  if (name === PBES2) return { kind: 'pbes2', parameters: pbes2Parameters(parameters, purpose) };
  const scheme = PKCS12_PBE[name];
  if (scheme) return { kind: 'pkcs12', parameters: pkcs12PbeParameters(scheme, parameters, purpose) };
  throw unsupported(NAMES[name] ?? `the algorithm ${name}`);
}

/** The iterations a decryption under `algorithm` will cost (for the budget's plan); throws as pbeDecrypt would. */
export function pbeIterations(algorithm: Asn1 | undefined, purpose: string): number {
  return pbeParameters(algorithm, purpose).parameters.iterations;
}

/**
 * Decrypts `data` under the AlgorithmIdentifier `algorithm`, charging its iterations to `budget` first. Throws
 * PbeFailure when the password does not open it, KeystoreError('unsupported') for an algorithm this tool does
 * not know or work past the budget, 'corrupt' for bad parameters.
 */
export function pbeDecrypt(algorithm: Asn1 | undefined, password: string, data: Buffer, budget: KdfBudget, purpose: string): Buffer {
  const pbe = pbeParameters(algorithm, purpose);
  budget.charge(pbe.parameters.iterations, purpose);
  return pbe.kind === 'pbes2' ? pbes2(pbe.parameters, password, data) : pkcs12Pbe(pbe.parameters, password, data);
}
