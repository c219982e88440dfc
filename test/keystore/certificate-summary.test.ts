import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeCertificate, summarizeFromDer, summarizeWithX509 } from '../../source/keystore/x509/certificate.js';
import type { Keystore } from '../../source/keystore/model.js';
import { readKeystore } from '../../source/keystore/open.js';
import { createSelfSignedCertificate } from '../../source/keystore/x509/build.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { keytool } from '../support/keytool.js';
import { makeTestCa } from '../support/test-ca.js';
import { parseDname } from '../../source/keystore/x509/dname.js';
import { parseSubjectAltNames } from '../../source/keystore/x509/san.js';

/**
 * The DER fast path must say exactly what the X509Certificate path says, field by field and key by key, or
 * say nothing (and leave the certificate to OpenSSL).
 */
function certificatesOf(keystore: Keystore): Buffer[] {
  return keystore.entries.flatMap((entry) =>
    entry.kind === 'private-key' ? entry.chain : entry.kind === 'trusted-certificate' ? [entry.certificate] : [],
  );
}

/** Compares one certificate's two summaries; returns whether the fast path answered. */
function expectSameSummary(der: Buffer, label: string): boolean {
  const reference = summarizeWithX509(der);
  const fast = summarizeFromDer(der);
  expect(summarizeCertificate(der), label).toStrictEqual(reference);
  if (fast === undefined) return false;
  expect(fast, label).toStrictEqual(reference);
  expect(Object.keys(fast), label).toEqual(Object.keys(reference));
  return true;
}

describeWithFixtures('certificate summaries of the shipped keystores', () => {
  it('are the same from the DER as from X509Certificate, and most come from the DER', async () => {
    const root = fixturePath('wso2', 'keystores');
    let total = 0;
    let fast = 0;
    for (const kernel of readdirSync(root)) {
      for (const file of readdirSync(path.join(root, kernel))) {
        const keystore = await readKeystore(readFileSync(path.join(root, kernel, file)), 'wso2carbon');
        certificatesOf(keystore).forEach((der, index) => {
          total++;
          if (expectSameSummary(der, `${kernel}/${file} #${index}`)) fast++;
        });
      }
    }
    expect(total).toBeGreaterThan(400);
    // The optimisation must not silently vanish: the shipped truststores are what `inspect` is timed on.
    expect(fast / total).toBeGreaterThan(0.8);
  });
});

describe('certificate summaries of certificates keytool makes', () => {
  const certificates = new Map<string, Buffer>();
  let dir = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'eik-summary-'));
    const file = path.join(dir, 'made.p12');
    const make = (alias: string, dname: string, ...extra: string[]) =>
      keytool(
        [
          '-genkeypair',
          '-keystore',
          file,
          '-storetype',
          'PKCS12',
          '-alias',
          alias,
          '-dname',
          dname,
          '-validity',
          '400',
          '-storepass:env',
          'P',
          ...extra,
        ],
        { P: 'changeit' },
      );
    await make('rsa', 'CN=rsa.example.com, OU=Integration, O=Example, L=Colombo, ST=Western, C=LK', '-keyalg', 'RSA', '-keysize', '3072');
    await make('ec', 'CN=ec.example.com, O=Example', '-keyalg', 'EC', '-groupname', 'secp256r1');
    await make(
      'sans',
      'CN=sans.example.com, O=Example',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-ext',
      'san=dns:sans.example.com,dns:*.example.com,ip:10.0.0.5',
    );
    await make('unicode', 'CN=Zoë Ünïcode, O=Example', '-keyalg', 'RSA', '-keysize', '2048');
    await make(
      'ca',
      'CN=Example Root CA, O=Example',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-ext',
      'bc:c=ca:true,pathlen:1',
      '-ext',
      'ku:c=keyCertSign,cRLSign',
    );
    await make(
      'ca-no-certsign',
      'CN=Odd CA, O=Example',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-ext',
      'bc:c=ca:true',
      '-ext',
      'ku:c=digitalSignature',
    );
    await make('comma', 'CN=Comma\\, Inc, O=Example', '-keyalg', 'RSA', '-keysize', '2048');
    await make('ipv6', 'CN=v6.example.com', '-keyalg', 'RSA', '-keysize', '2048', '-ext', 'san=ip:::1');
    const keystore = await readKeystore(readFileSync(file), 'changeit');
    for (const entry of keystore.entries) if (entry.kind === 'private-key') certificates.set(entry.alias, entry.chain[0]!);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are the same from the DER as from X509Certificate', () => {
    expect([...certificates.keys()].sort()).toEqual(['ca', 'ca-no-certsign', 'comma', 'ec', 'ipv6', 'rsa', 'sans', 'unicode']);
    for (const [alias, der] of certificates) expectSameSummary(der, alias);
  });

  it('come from the DER for RSA and EC certificates, SANs, CAs and escaped commas, with the values keytool put in', () => {
    const sans = summarizeFromDer(certificates.get('sans')!);
    expect(sans?.subjectAltNames).toEqual(['DNS:sans.example.com', 'DNS:*.example.com', 'IP:10.0.0.5']);
    const rsa = summarizeFromDer(certificates.get('rsa')!);
    expect(rsa).toMatchObject({
      subject: 'CN=rsa.example.com, OU=Integration, O=Example, L=Colombo, ST=Western, C=LK',
      keySize: 3072,
      selfIssued: true,
    });
    expect(summarizeFromDer(certificates.get('ca')!)?.isCA).toBe(true);
    expect(summarizeFromDer(certificates.get('ca-no-certsign')!)?.isCA).toBe(false);
    expect(summarizeFromDer(certificates.get('ec')!)).toMatchObject({ keyAlgorithm: 'EC', curve: 'prime256v1', keySize: 256 });
    expect(summarizeFromDer(certificates.get('comma')!)?.subject).toBe('CN=Comma\\, Inc, O=Example');
  });

  it('are left to OpenSSL for what the DER path does not render (IPv6 addresses, non-ASCII names)', () => {
    for (const alias of ['ipv6', 'unicode']) expect(summarizeFromDer(certificates.get(alias)!), alias).toBeUndefined();
    expect(summarizeCertificate(certificates.get('ipv6')!).subjectAltNames).toEqual(['IP:0:0:0:0:0:0:0:1']);
    expect(summarizeCertificate(certificates.get('unicode')!).subject).toBe('CN=Zoë Ünïcode, O=Example');
  });
});

describe('certificate summaries of certificates we build', () => {
  it('are the same from the DER as from X509Certificate', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const made = [
      createSelfSignedCertificate({
        ...rsa,
        subject: parseDname('CN=ei.example.com, OU=Integration, O=Example, C=LK'),
        subjectAltNames: parseSubjectAltNames(['DNS:ei.example.com', 'IP:10.0.0.5']),
        validityDays: 365,
      }),
      createSelfSignedCertificate({
        ...rsa,
        subject: parseDname('CN=far.example.com'),
        validityDays: 36_000,
        now: new Date('2030-01-01T00:00:00Z'),
      }),
      createSelfSignedCertificate({
        ...ec,
        subject: parseDname('CN=ec.example.com, O=Example'),
        subjectAltNames: parseSubjectAltNames(['DNS:ec.example.com']),
        validityDays: 30,
      }),
    ];
    const ca = makeTestCa();
    const fastCount = [...made, ca.root, ca.intermediate].filter((der, index) => expectSameSummary(der, `built #${index}`)).length;
    // All take the fast path: RSA (one valid past 2050, in GeneralizedTime), EC P-384, and the forge CA pair.
    expect(fastCount).toBe(5);
  });
});
