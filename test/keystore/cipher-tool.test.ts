import { createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifySecretValue, decryptSecret, encryptSecret, reencryptSecrets } from '../../source/keystore/cipher-tool.js';
import { UserError } from '../../source/errors.js';
import { tempDir } from '../support/tmp.js';
import { thrownError } from '../support/user-error.js';

interface TestIdentity {
  dir: string;
  keyPem: string;
  certPem: string;
  privateKey: KeyObject;
  certDer: Buffer;
}

/** A key pair and self-signed certificate made by OpenSSL, the way an administrator would make them. */
async function opensslIdentity(dir: string, name: string, newkey: string[]): Promise<TestIdentity> {
  const keyPem = path.join(dir, `${name}.key.pem`);
  const certPem = path.join(dir, `${name}.cert.pem`);
  await execa('openssl', ['req', '-x509', ...newkey, '-nodes', '-keyout', keyPem, '-out', certPem, '-subj', `/CN=${name}`, '-days', '2']);
  return {
    dir,
    keyPem,
    certPem,
    privateKey: createPrivateKey(readFileSync(keyPem)),
    certDer: Buffer.from(new X509Certificate(readFileSync(certPem)).raw),
  };
}

let dir: string;
let oldId: TestIdentity;
let newId: TestIdentity;
let ecId: TestIdentity;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'eik-cipher-'));
  [oldId, newId, ecId] = await Promise.all([
    opensslIdentity(dir, 'old', ['-newkey', 'rsa:2048']),
    opensslIdentity(dir, 'new', ['-newkey', 'rsa:3072']),
    opensslIdentity(dir, 'ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']),
  ]);
  return () => rmSync(dir, { recursive: true, force: true });
});

const OAEP_SHA1 = ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1', '-pkeyopt', 'rsa_mgf1_md:sha1'];

describe('encryptSecret / decryptSecret', () => {
  it('round-trips with a certificate, a public key or a private key object', () => {
    const secret = 'wso2carbon ünïcødé \u{1F511}';
    const fromCert = encryptSecret(oldId.certDer, secret);
    expect(Buffer.from(fromCert, 'base64')).toHaveLength(256);
    expect(decryptSecret(oldId.privateKey, fromCert)).toBe(secret);
    expect(decryptSecret(oldId.privateKey, encryptSecret(oldId.privateKey, secret))).toBe(secret);
    // OAEP is randomised: the same secret never encrypts to the same text twice.
    expect(encryptSecret(oldId.certDer, secret)).not.toBe(fromCert);
  });

  it('says a secret was encrypted with another key', () => {
    const forOld = encryptSecret(oldId.certDer, 'p');
    const sameSizeKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(() => decryptSecret(sameSizeKey, forOld)).toThrow(/encrypted with another key/);
    expect(() => decryptSecret(newId.privateKey, forOld)).toThrow(/encrypted with another key/);
    expect(() => decryptSecret(oldId.privateKey, 'not base64 at all!')).toThrow(UserError);
  });

  it('refuses EC keys: the cipher tool needs RSA', () => {
    expect(() => encryptSecret(ecId.certDer, 'p')).toThrow(/cipher tool needs an RSA key.*EC/);
    expect(() => decryptSecret(ecId.privateKey, 'AAAA')).toThrow(/cipher tool needs an RSA key/);
  });

  it('refuses a secret too long for the key, and bytes that are not a certificate', () => {
    expect(() => encryptSecret(oldId.certDer, 'x'.repeat(215))).toThrow(/too long.*at most 214 bytes/);
    expect(encryptSecret(oldId.certDer, 'x'.repeat(214))).toHaveLength(344);
    expect(() => encryptSecret(Buffer.from('not a certificate'), 'p')).toThrow(/not a DER X\.509 certificate/);
  });
});

describe('OpenSSL interoperability (RSA-OAEP, SHA-1, MGF1-SHA-1)', () => {
  it('openssl pkeyutl decrypts what we encrypt', async () => {
    const work = tempDir();
    const cipherFile = path.join(work, 'secret.bin');
    const plainFile = path.join(work, 'secret.txt');
    writeFileSync(cipherFile, Buffer.from(encryptSecret(oldId.certDer, 'admin-password-€'), 'base64'));
    await execa('openssl', ['pkeyutl', '-decrypt', '-inkey', oldId.keyPem, '-in', cipherFile, '-out', plainFile, ...OAEP_SHA1]);
    expect(readFileSync(plainFile, 'utf8')).toBe('admin-password-€');
  });

  it('we decrypt what openssl pkeyutl encrypts with the certificate', async () => {
    const work = tempDir();
    const plainFile = path.join(work, 'secret.txt');
    const cipherFile = path.join(work, 'secret.bin');
    writeFileSync(plainFile, 'from-openssl');
    await execa('openssl', ['pkeyutl', '-encrypt', '-certin', '-inkey', newId.certPem, '-in', plainFile, '-out', cipherFile, ...OAEP_SHA1]);
    const base64 = readFileSync(cipherFile).toString('base64');
    expect(classifySecretValue(base64)).toBe('encrypted');
    expect(decryptSecret(newId.privateKey, base64)).toBe('from-openssl');
  });
});

describe('classifySecretValue', () => {
  const base64Of = (bytes: number): string => Buffer.alloc(bytes, 7).toString('base64');
  it.each([
    ['"[wso2carbon]"', 'plaintext', '[wso2carbon]'],
    ['"[]"', 'plaintext', '[]'],
    ['"[a]b]"', 'plaintext', '[a]b]'],
    ['a bare word', 'other', 'wso2carbon'],
    ['a placeholder', 'other', '$secret{alias}'],
    ['an empty value', 'other', ''],
    ['Base64 of 128 bytes (RSA 1024)', 'encrypted', base64Of(128)],
    ['Base64 of 256 bytes (RSA 2048)', 'encrypted', base64Of(256)],
    ['Base64 of 512 bytes (RSA 4096)', 'encrypted', base64Of(512)],
    ['Base64 of 255 bytes', 'other', base64Of(255)],
    ['Base64 of 64 bytes', 'other', base64Of(64)],
    ['Base64 cut short', 'other', base64Of(256).slice(0, -4)],
    ['Base64 with a bad character', 'other', `${base64Of(256).slice(0, -5)}*AA==`],
  ])('%s is %s', (_label, kind, value) => {
    expect(classifySecretValue(value)).toBe(kind);
  });

  it('accepts Base64 wrapped over lines, as some editors leave it', () => {
    const wrapped = encryptSecret(oldId.certDer, 'p').replace(/(.{76})/g, '$1\n');
    expect(classifySecretValue(wrapped)).toBe('encrypted');
    expect(decryptSecret(oldId.privateKey, wrapped)).toBe('p');
  });
});

describe('reencryptSecrets', () => {
  it('moves every encrypted secret to the new certificate and leaves plaintext alone', () => {
    const values = {
      'admin.password': encryptSecret(oldId.certDer, 'admin-secret'),
      'db.password': encryptSecret(oldId.certDer, 'db-secret'),
      'new.secret': '[not yet encrypted]',
      ['__proto__']: encryptSecret(oldId.certDer, 'odd alias'),
    };
    const result = reencryptSecrets(values, oldId.privateKey, newId.certDer);
    expect(Object.keys(result)).toEqual(Object.keys(values));
    expect(result['new.secret']).toBe('[not yet encrypted]');
    expect(decryptSecret(newId.privateKey, result['admin.password']!)).toBe('admin-secret');
    expect(decryptSecret(newId.privateKey, result['db.password']!)).toBe('db-secret');
    expect(decryptSecret(newId.privateKey, Object.getOwnPropertyDescriptor(result, '__proto__')!.value as string)).toBe('odd alias');
    expect(() => decryptSecret(oldId.privateKey, result['admin.password']!)).toThrow(/another key/);
  });

  it('names every secret it cannot carry over, and changes nothing', () => {
    const values = {
      good: encryptSecret(oldId.certDer, 'ok'),
      stranger: encryptSecret(newId.certDer, 'other key'),
      broken: 'wso2carbon',
    };
    const { message } = thrownError(() => reencryptSecrets(values, oldId.privateKey, newId.certDer));
    expect(message).toMatch(/^2 secrets in \[secrets\] cannot be re-encrypted:/);
    expect(message).toContain('stranger: The secret is not a cipher-tool value for this 2048-bit key: it was encrypted with another key');
    expect(message).toContain('broken: neither "[plaintext]" nor a cipher-tool value');
    expect(message).not.toContain('good');
  });

  it('refuses an EC key on either side', () => {
    expect(() => reencryptSecrets({}, ecId.privateKey, newId.certDer)).toThrow(/cipher tool needs an RSA key/);
    expect(() => reencryptSecrets({}, oldId.privateKey, ecId.certDer)).toThrow(/cipher tool needs an RSA key/);
  });
});
