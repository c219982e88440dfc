import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../source/errors.js';
import { describeName, keyMatchesCertificate, verifyChainOrder } from '../../source/keystore/x509/chain.js';
import { generateKeyPair, type KeyPair } from '../../source/keystore/generate.js';
import { createSelfSignedCertificate } from '../../source/keystore/x509/build.js';
import { parseDname } from '../../source/keystore/x509/dname.js';

/** Certificates issued by OpenSSL, so the chain checks are tried on something our builder did not make. */
interface Issued {
  der: Buffer;
  key: KeyObject;
}

let dir: string;
const issued = new Map<string, Issued>();
let ours: KeyPair;
let ourCertificate: Buffer;

async function issue(name: string, subject: string, keySpec: string[], issuer?: string, ca = true): Promise<void> {
  const keyFile = path.join(dir, `${name}.key`);
  const certFile = path.join(dir, `${name}.pem`);
  const signing = issuer ? ['-CA', path.join(dir, `${issuer}.pem`), '-CAkey', path.join(dir, `${issuer}.key`)] : [];
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    ...keySpec,
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-subj',
    subject,
    '-days',
    '30',
    ...signing,
    '-addext',
    `basicConstraints=critical,CA:${ca ? 'TRUE' : 'FALSE'}`,
  ]);
  const certificate = new X509Certificate(readFileSync(certFile));
  issued.set(name, { der: certificate.raw, key: createPrivateKey(readFileSync(keyFile)) });
}

const EC = ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'eik-chain-'));
  await issue('root', '/O=Example/CN=Test Root', EC);
  // Same name as the root, different key: the kind of look-alike a chain check must not be fooled by.
  await issue('impostor', '/O=Example/CN=Test Root', EC);
  await issue('intermediate', '/CN=Test Intermediate', ['rsa:2048'], 'root');
  await issue('leaf', '/CN=leaf.example.com', EC, 'intermediate', false);
  await issue('direct', '/CN=direct.example.com', ['rsa:2048'], 'root', false);
  ours = await generateKeyPair({ algorithm: 'EC', size: 256 });
  ourCertificate = createSelfSignedCertificate({ ...ours, subject: parseDname('CN=ours.example.com'), validityDays: 1 });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const der = (name: string): Buffer => issued.get(name)!.der;

describe('verifyChainOrder', () => {
  it('accepts chains in order, leaf first, ending in a root or not', () => {
    expect(verifyChainOrder([der('direct'), der('root')])).toEqual({ ok: true });
    expect(verifyChainOrder([der('leaf'), der('intermediate'), der('root')])).toEqual({ ok: true });
    expect(verifyChainOrder([der('leaf'), der('intermediate')])).toEqual({ ok: true });
    expect(verifyChainOrder([der('leaf')])).toEqual({ ok: true });
    expect(verifyChainOrder([ourCertificate])).toEqual({ ok: true });
  });

  it('says when a chain is reversed', () => {
    const result = verifyChainOrder([der('root'), der('direct')]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain('certificate 1 (CN=Test Root, O=Example) was issued by CN=Test Root, O=Example');
      expect(result.reason).toContain('reverse order; list it leaf first');
    }
    const longer = verifyChainOrder([der('leaf'), der('root'), der('intermediate')]);
    expect(longer).toMatchObject({ ok: false, reason: expect.stringContaining('certificate 2 is CN=Test Root, O=Example') });
  });

  it('catches a foreign certificate, whether its name differs or only its key', () => {
    const unrelated = verifyChainOrder([der('direct'), ourCertificate]);
    expect(unrelated).toMatchObject({ ok: false, reason: expect.stringContaining('certificate 2 is CN=ours.example.com') });
    expect(unrelated).toMatchObject({ reason: expect.stringContaining('leave out unrelated ones') });
    const impostor = verifyChainOrder([der('direct'), der('impostor')]);
    expect(impostor).toMatchObject({ ok: false, reason: expect.stringContaining('signature does not verify') });
    const skipped = verifyChainOrder([der('leaf'), der('root')]);
    expect(skipped).toMatchObject({ ok: false, reason: expect.stringContaining('was issued by CN=Test Intermediate') });
  });

  it('refuses an empty chain and unreadable certificates', () => {
    expect(verifyChainOrder([])).toEqual({ ok: false, reason: 'the chain holds no certificate' });
    expect(() => verifyChainOrder([der('leaf'), Buffer.from('not a certificate')])).toThrow(UserError);
    expect(() => verifyChainOrder([der('leaf'), Buffer.from('not a certificate')])).toThrow(
      /certificate 2 of the chain is not a readable X\.509 certificate/,
    );
  });
});

describe('keyMatchesCertificate', () => {
  it('is true only for the key the certificate was made for', () => {
    expect(keyMatchesCertificate(issued.get('leaf')!.key, der('leaf'))).toBe(true);
    expect(keyMatchesCertificate(issued.get('direct')!.key, der('direct'))).toBe(true);
    expect(keyMatchesCertificate(ours.privateKey, ourCertificate)).toBe(true);
    // Same algorithm and curve, another key.
    expect(keyMatchesCertificate(issued.get('root')!.key, der('leaf'))).toBe(false);
    expect(keyMatchesCertificate(ours.privateKey, der('leaf'))).toBe(false);
    // Another algorithm altogether.
    expect(keyMatchesCertificate(issued.get('intermediate')!.key, der('leaf'))).toBe(false);
    expect(keyMatchesCertificate(issued.get('leaf')!.key, der('intermediate'))).toBe(false);
  });

  it('turns an unreadable certificate into a UserError', () => {
    expect(() => keyMatchesCertificate(ours.privateKey, Buffer.alloc(10))).toThrow(UserError);
  });
});

describe('describeName', () => {
  it('puts the most specific component first, on one line', () => {
    expect(describeName(new X509Certificate(der('root')).subject)).toBe('CN=Test Root, O=Example');
  });
});
