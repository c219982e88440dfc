import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colonHex, summarizeCertificate, summarizeFromDer, summarizeWithX509 } from '../../source/keystore/x509/certificate.js';
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

  it('are left to OpenSSL for what the DER path does not render (IPv6 addresses)', () => {
    expect(summarizeFromDer(certificates.get('ipv6')!)).toBeUndefined();
    expect(summarizeCertificate(certificates.get('ipv6')!).subjectAltNames).toEqual(['IP:0:0:0:0:0:0:0:1']);
  });

  it('come from the DER for names beyond ASCII in valid UTF-8; a name that is not valid UTF-8 is refused, as OpenSSL refuses it', () => {
    const unicode = certificates.get('unicode')!;
    expect(summarizeFromDer(unicode)?.subject).toBe('CN=Zoë Ünïcode, O=Example');
    // ë (C3 AB) made C3 28: no longer UTF-8. The DER path does not guess, and OpenSSL does not read the certificate.
    const at = unicode.indexOf(Buffer.from('ë'));
    expect(at).toBeGreaterThan(0);
    const broken = Buffer.from(unicode);
    broken[at + 1] = 0x28;
    expect(summarizeFromDer(broken)).toBeUndefined();
    expect(() => summarizeCertificate(broken)).toThrow(/cannot be parsed/);
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

/**
 * Changes one byte of one of `certificates` at random, `runs` times: the DER path must then say nothing, or what
 * OpenSSL says of a certificate OpenSSL reads. Returns how many times it answered.
 */
function mutationsAnsweredAsOpensslDoes(certificates: Buffer[], runs: number): number {
  let answered = 0;
  fc.assert(
    fc.property(fc.nat(certificates.length - 1), fc.nat(), fc.nat(255), (which, at, value) => {
      const der = Buffer.from(certificates[which]!);
      der[at % der.length] = value;
      const fast = summarizeFromDer(der);
      if (fast === undefined) return;
      answered++;
      expect(() => summarizeWithX509(der), `byte ${at % der.length} of #${which} set to ${value}`).not.toThrow();
      expect(fast).toStrictEqual(summarizeWithX509(der));
    }),
    { numRuns: runs, seed: 20261130 },
  );
  return answered;
}

describeWithFixtures('certificate summaries of damaged certificates', () => {
  it('come from the DER only when OpenSSL reads the certificate too, and then say what OpenSSL says', async () => {
    // Every byte of a certificate changed at random: the reader must refuse what it cannot be sure of (a padded
    // INTEGER, a badly encoded OID, an inner algorithm that differs from the outer one, unused bits set in
    // keyUsage ...), never describe a certificate OpenSSL refuses, and otherwise agree with OpenSSL field by field.
    const keystore = await readKeystore(
      readFileSync(fixturePath('wso2', 'keystores', 'carbon-kernel-v4.9.26', 'client-truststore.jks')),
      'wso2carbon',
    );
    const certificates = certificatesOf(keystore).filter((der) => summarizeFromDer(der) !== undefined);
    // Most single-byte changes fall in a signature, a key or a name's text, which the reader still describes.
    expect(mutationsAnsweredAsOpensslDoes(certificates, 20_000)).toBeGreaterThan(5_000);
  });
});

describe('certificate summaries of CAs with CRL distribution points', () => {
  // OpenSSL decodes cRLDistributionPoints when it decides whether a certificate is a CA; the DER path reads the
  // form CAs publish (URIs in a full name) and leaves every other form to OpenSSL.
  const config = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = CRL CA
O = Example
[uris]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
crlDistributionPoints = URI:http://crl.example.com/root.crl, URI:ldap://directory.example.com/cn=Root?certificateRevocationList
[reasons]
basicConstraints = critical,CA:TRUE
crlDistributionPoints = reasons_point
[reasons_point]
fullname = URI:http://crl.example.com/root.crl
reasons = keyCompromise, CACompromise
[issuer]
basicConstraints = critical,CA:TRUE
crlDistributionPoints = issuer_point
[issuer_point]
fullname = URI:http://crl.example.com/root.crl
CRLissuer = dirName:issuer_name
[issuer_name]
CN = CRL Issuer
[relative]
basicConstraints = critical,CA:TRUE
crlDistributionPoints = relative_point
[relative_point]
relativename = relative_name
[relative_name]
CN = Partition 1
[empty_point]
basicConstraints = critical,CA:TRUE
crlDistributionPoints = DER:30023000
[purposes]
basicConstraints = critical,CA:TRUE
keyUsage = keyCertSign, cRLSign
extendedKeyUsage = serverAuth, clientAuth
nsCertType = sslCA
crlDistributionPoints = URI:http://crl.example.com/root.crl
subjectAltName = email:pki@example.com, DNS:ca.example.com
[dirnames]
basicConstraints = critical,CA:TRUE
subjectAltName = dirName:dir_plain, dirName:dir_comma, email:pki@example.com
[dir_plain]
CN = plain.example.com
[dir_comma]
O = Comma, Inc.
OU = It\\'s ours
`;
  const made = new Map<string, Buffer>();
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'eik-crldp-'));
    writeFileSync(path.join(dir, 'openssl.cnf'), config);
    for (const section of ['uris', 'reasons', 'issuer', 'relative', 'empty_point', 'purposes', 'dirnames']) {
      const out = path.join(dir, `${section}.der`);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-new',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          path.join(dir, 'key.pem'),
        ].concat(['-config', path.join(dir, 'openssl.cnf'), '-extensions', section, '-days', '30', '-outform', 'DER', '-out', out]),
        { stdio: 'ignore' },
      );
      made.set(section, readFileSync(out));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('read full-name URIs from the DER, and say CA as OpenSSL does', () => {
    const uris = made.get('uris')!;
    expect(expectSameSummary(uris, 'uris')).toBe(true);
    expect(summarizeFromDer(uris)?.isCA).toBe(true);
  });

  it('read a CA with purposes, a Netscape type and an e-mail name from the DER; a purpose badly encoded goes to OpenSSL: no CA', () => {
    const purposes = made.get('purposes')!;
    expect(expectSameSummary(purposes, 'purposes')).toBe(true);
    expect(summarizeFromDer(purposes)).toMatchObject({ isCA: true, subjectAltNames: ['email:pki@example.com', 'DNS:ca.example.com'] });
    // serverAuth (1.3.6.1.5.5.7.3.1) with its last byte made to continue: OpenSSL cannot decode the purposes, so the
    // certificate is invalid to it, and no CA.
    const serverAuth = Buffer.from('06082b06010505070301', 'hex');
    const damaged = Buffer.from(purposes);
    damaged[damaged.indexOf(serverAuth) + serverAuth.length - 1] = 0x81;
    expect(summarizeFromDer(damaged)).toBeUndefined();
    expect(summarizeCertificate(damaged).isCA).toBe(false);
  });

  it('read directory names among the SANs from the DER as Node prints them: RFC 2253, quoted with JSON escapes when they hold a comma or a quote', () => {
    const dirnames = made.get('dirnames')!;
    expect(expectSameSummary(dirnames, 'dirnames')).toBe(true);
    expect(summarizeFromDer(dirnames)?.subjectAltNames).toEqual([
      'DirName:CN=plain.example.com',
      `DirName:"OU=It's ours\\u002cO=Comma\\\\\\u002c Inc."`,
      'email:pki@example.com',
    ]);
  });

  it('from these extensions too, answer only as OpenSSL does when any byte changes', () => {
    expect(mutationsAnsweredAsOpensslDoes([made.get('uris')!, made.get('purposes')!, made.get('dirnames')!], 6_000)).toBeGreaterThan(1_000);
  });

  it('leave reasons, a CRL issuer, a relative name and an empty point to OpenSSL, which refuses the empty one as a CA', () => {
    for (const section of ['reasons', 'issuer', 'relative', 'empty_point']) {
      expect(expectSameSummary(made.get(section)!, section), section).toBe(false);
    }
    expect(summarizeCertificate(made.get('reasons')!).isCA).toBe(true);
    // A distribution point with neither a name nor an issuer makes OpenSSL mark the certificate invalid: no CA.
    expect(summarizeCertificate(made.get('empty_point')!).isCA).toBe(false);
  });
});

describeWithFixtures('certificate summaries of the damaged certificates the mutation test found', () => {
  // Each a change that the earlier reader described differently from OpenSSL, kept as a case of its own (as
  // toml_edit keeps fuzz-found crashes): the bytes are found by their structure in a shipped CA certificate.
  const cases: Array<{ name: string; pattern: string; at: number; value: number; openssl: 'refuses' | 'not a CA' | 'reads' }> = [
    // The basicConstraints OID 55 1D 13 ending in a byte that continues: not an OID.
    { name: 'an OID whose last byte continues', pattern: '0603551d13', at: 4, value: 0x93, openssl: 'refuses' },
    // sha256WithRSAEncryption's inner copy changed to sha1WithRSAEncryption: Java refuses the mismatch, OpenSSL reads it.
    { name: 'an inner signature algorithm unlike the outer one', pattern: '06092a864886f70d01010b', at: 10, value: 0x05, openssl: 'reads' },
    // The AKID's keyIdentifier [0] retagged [2]: parts out of order, which OpenSSL's decoder refuses.
    { name: "an authority key identifier's parts out of order", pattern: '30818780', at: 3, value: 0x82, openssl: 'not a CA' },
  ];
  let certificates: Buffer[] = [];
  beforeAll(async () => {
    const keystore = await readKeystore(
      readFileSync(fixturePath('wso2', 'keystores', 'carbon-kernel-v4.9.26', 'client-truststore.jks')),
      'wso2carbon',
    );
    certificates = certificatesOf(keystore);
  });

  it('read keyCertSign among the unused bits of keyUsage as OpenSSL does: cleared, so no CA', () => {
    // keyUsage 03 02 01 06 given 3 unused bits: OpenSSL clears them when it decodes, and keyCertSign with them.
    const needle = Buffer.from('0404030201', 'hex');
    const der = Buffer.from(certificates.find((certificate) => certificate.includes(needle) && summarizeFromDer(certificate)?.isCA)!);
    der[der.indexOf(needle) + 4] = 3;
    expect(expectSameSummary(der, 'unused bits')).toBe(true);
    expect(summarizeFromDer(der)?.isCA).toBe(false);
  });

  for (const { name, pattern, at, value, openssl } of cases) {
    it(`leave ${name} to OpenSSL`, () => {
      const needle = Buffer.from(pattern, 'hex');
      const original = certificates.find((der) => der.includes(needle) && summarizeFromDer(der)?.isCA === true);
      expect(original, `a shipped CA certificate holding ${pattern}`).toBeDefined();
      const der = Buffer.from(original!);
      der[der.indexOf(needle) + at] = value;
      expect(summarizeFromDer(der)).toBeUndefined();
      if (openssl === 'refuses') expect(() => summarizeCertificate(der)).toThrow(/cannot be parsed/);
      else expect(summarizeCertificate(der).isCA).toBe(openssl === 'reads');
    });
  }
});

describe('colonHex', () => {
  it("writes hex as keytool prints a fingerprint, AB:CD:..., for any length (an odd last digit dropped, as a regex's pairs would; less than a pair as it is)", () => {
    expect(colonHex('7D05EBB6')).toBe('7D:05:EB:B6');
    const reference = (hex: string) => hex.match(/../g)?.join(':') ?? hex;
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-F]{0,300}$/), (hex) => {
        expect(colonHex(hex)).toBe(reference(hex));
      }),
      { numRuns: 500 },
    );
    // Longer than any digest; odd lengths and less than a pair.
    const long = 'AB'.repeat(100);
    expect(colonHex(long)).toBe(reference(long));
    expect(colonHex('ABC')).toBe('AB');
    expect(colonHex('A')).toBe('A');
    expect(colonHex('')).toBe('');
  });
});
