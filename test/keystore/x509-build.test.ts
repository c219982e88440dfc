import { createHash, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../source/errors.js';
import { derChildren, readDerNode } from '../../source/keystore/der.js';
import { generateKeyPair, type KeyPair, type KeyPairSpec } from '../../source/keystore/generate.js';
import { createSelfSignedCertificate, DEFAULT_VALIDITY_DAYS } from '../../source/keystore/x509/build.js';
import { parseDname } from '../../source/keystore/x509/dname.js';
import { parseSubjectAltNames } from '../../source/keystore/x509/san.js';
import { keytoolList, runKeytool } from '../../source/keytool/run.js';
import { tempDir } from '../support/tmp.js';

interface Case {
  name: string;
  spec: KeyPairSpec;
  dname: string;
  sans: string[];
  validityDays: number;
  /** As `openssl x509 -nameopt oneline,-esc_msb` prints it. */
  opensslSubject: string;
  /** As Node's X509Certificate#subject prints it. */
  nodeSubject: string;
  opensslSignature: string;
  keytoolSignature: string;
  keyUsage: string;
  nodeSans?: string;
}

const CASES: Case[] = [
  {
    name: 'RSA 2048',
    spec: { algorithm: 'RSA', size: 2048 },
    dname: 'CN=ei.example.com, OU=Integration, O=Example\\, Inc., L=Colombo, ST=Western, C=LK',
    sans: ['DNS:ei.example.com', 'DNS:*.ei.example.com', 'IP:10.0.0.5', 'IP:::1'],
    validityDays: DEFAULT_VALIDITY_DAYS,
    opensslSubject: 'C = LK, ST = Western, L = Colombo, O = "Example, Inc.", OU = Integration, CN = ei.example.com',
    nodeSubject: 'C=LK\nST=Western\nL=Colombo\nO=Example\\, Inc.\nOU=Integration\nCN=ei.example.com',
    opensslSignature: 'sha256WithRSAEncryption',
    keytoolSignature: 'SHA256withRSA',
    keyUsage: 'Digital Signature, Key Encipherment',
    nodeSans: 'DNS:ei.example.com, DNS:*.ei.example.com, IP Address:10.0.0.5, IP Address:0:0:0:0:0:0:0:1',
  },
  {
    name: 'RSA 3072',
    spec: { algorithm: 'RSA', size: 3072 },
    dname: 'CN=localhost, O=WSO2, C=us',
    sans: ['DNS:localhost', 'IP:127.0.0.1'],
    validityDays: 825,
    opensslSubject: 'C = US, O = WSO2, CN = localhost',
    nodeSubject: 'C=US\nO=WSO2\nCN=localhost',
    opensslSignature: 'sha256WithRSAEncryption',
    keytoolSignature: 'SHA256withRSA',
    keyUsage: 'Digital Signature, Key Encipherment',
    nodeSans: 'DNS:localhost, IP Address:127.0.0.1',
  },
  {
    name: 'RSA 4096 without SANs',
    spec: { algorithm: 'RSA', size: 4096 },
    dname: 'CN=big.example.com',
    sans: [],
    validityDays: 1,
    opensslSubject: 'CN = big.example.com',
    nodeSubject: 'CN=big.example.com',
    opensslSignature: 'sha256WithRSAEncryption',
    keytoolSignature: 'SHA256withRSA',
    keyUsage: 'Digital Signature, Key Encipherment',
  },
  {
    name: 'EC P-256 with a non-ASCII name',
    spec: { algorithm: 'EC', size: 256 },
    dname: 'CN=සිංහල.example, O=Zürich AG, C=CH',
    sans: ['DNS:ec.example.com', 'IP:2001:db8::1'],
    validityDays: 30,
    opensslSubject: 'C = CH, O = Zürich AG, CN = සිංහල.example',
    nodeSubject: 'C=CH\nO=Zürich AG\nCN=සිංහල.example',
    opensslSignature: 'ecdsa-with-SHA256',
    keytoolSignature: 'SHA256withECDSA',
    keyUsage: 'Digital Signature, Key Agreement',
    nodeSans: 'DNS:ec.example.com, IP Address:2001:DB8:0:0:0:0:0:1',
  },
  {
    name: 'EC P-384',
    spec: { algorithm: 'EC', size: 384 },
    dname: 'CN=ec384.example.com, E=ops@example.com, DC=example, DC=com',
    sans: ['IP:192.0.2.1'],
    validityDays: 3650,
    opensslSubject: 'DC = com, DC = example, emailAddress = ops@example.com, CN = ec384.example.com',
    nodeSubject: 'DC=com\nDC=example\nemailAddress=ops@example.com\nCN=ec384.example.com',
    opensslSignature: 'ecdsa-with-SHA384',
    keytoolSignature: 'SHA384withECDSA',
    keyUsage: 'Digital Signature, Key Agreement',
    nodeSans: 'IP Address:192.0.2.1',
  },
];

const keys = new Map<string, KeyPair>();
const certificates = new Map<string, Buffer>();
/** Whole seconds: certificates carry no fractions, so the expected times are exact. */
const now = new Date(Math.floor(Date.now() / 1000) * 1000);

beforeAll(async () => {
  const pairs = await Promise.all(CASES.map((testCase) => generateKeyPair(testCase.spec)));
  CASES.forEach((testCase, index) => {
    const pair = pairs[index]!;
    keys.set(testCase.name, pair);
    const der = createSelfSignedCertificate({
      ...pair,
      subject: parseDname(testCase.dname),
      subjectAltNames: parseSubjectAltNames(testCase.sans),
      validityDays: testCase.validityDays,
      now,
    });
    certificates.set(testCase.name, der);
  });
});

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** RFC 5280 method 1, computed from the key itself rather than from our DER: SHA-1 of the subjectPublicKey bits. */
function expectedKeyId(publicKey: KeyObject): string {
  let bits: Buffer;
  if (publicKey.asymmetricKeyType === 'rsa') bits = publicKey.export({ type: 'pkcs1', format: 'der' });
  else {
    const jwk = publicKey.export({ format: 'jwk' });
    bits = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  }
  return createHash('sha1').update(bits).digest('hex').toUpperCase().match(/../g)!.join(':');
}

describe.each(CASES)('a self-signed certificate, $name', (testCase) => {
  it('is read by Node: subject, validity, SANs, key, signature', () => {
    const der = certificates.get(testCase.name)!;
    const pair = keys.get(testCase.name)!;
    const certificate = new X509Certificate(der);
    expect(certificate.subject).toBe(testCase.nodeSubject);
    expect(certificate.issuer).toBe(testCase.nodeSubject);
    expect(Date.parse(certificate.validFrom)).toBe(now.getTime() - 5 * 60 * 1000);
    expect(Date.parse(certificate.validTo)).toBe(now.getTime() + testCase.validityDays * 86_400_000);
    expect(certificate.subjectAltName).toBe(testCase.nodeSans);
    expect(certificate.checkPrivateKey(pair.privateKey)).toBe(true);
    expect(certificate.verify(pair.publicKey)).toBe(true);
    expect(certificate.publicKey.equals(pair.publicKey)).toBe(true);
    expect(certificate.ca).toBe(false);
    expect(certificate.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    // A random positive 16-byte serial: the top bit clear, the next one set so no byte is padding.
    expect(certificate.serialNumber).toMatch(/^[4-7][0-9A-F]{31}$/);
  });

  it('is parsed by openssl, which shows the subject, extensions and signature algorithm, and verifies it', async () => {
    const dir = tempDir();
    const der = certificates.get(testCase.name)!;
    const derFile = path.join(dir, 'cert.der');
    const pemFile = path.join(dir, 'self.pem');
    writeFileSync(derFile, der);
    writeFileSync(pemFile, pem(der));
    const { stdout } = await execa('openssl', [
      'x509',
      '-in',
      derFile,
      '-inform',
      'DER',
      '-noout',
      '-text',
      '-nameopt',
      'oneline,-esc_msb',
    ]);
    expect(stdout).toContain('Version: 3 (0x2)');
    expect(stdout).toContain(`Subject: ${testCase.opensslSubject}\n`);
    expect(stdout).toContain(`Issuer: ${testCase.opensslSubject}\n`);
    expect(stdout).toMatch(
      new RegExp(`Signature Algorithm: ${testCase.opensslSignature}\\n[\\s\\S]*Signature Algorithm: ${testCase.opensslSignature}`),
    );
    expect(stdout).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:FALSE/);
    expect(stdout).toMatch(new RegExp(`X509v3 Key Usage: critical\\n\\s+${testCase.keyUsage}\\n`));
    expect(stdout).toMatch(/X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    if (testCase.nodeSans)
      expect(stdout).toMatch(new RegExp(`X509v3 Subject Alternative Name: \\n\\s+${testCase.nodeSans.replace(/[*.]/g, '\\$&')}\\n`));
    else expect(stdout).not.toContain('Subject Alternative Name');
    const keyId = expectedKeyId(keys.get(testCase.name)!.publicKey);
    expect(stdout).toMatch(new RegExp(`X509v3 Subject Key Identifier: \\n\\s+${keyId}\\n`));
    expect(stdout).toMatch(new RegExp(`X509v3 Authority Key Identifier: \\n\\s+(keyid:)?${keyId}\\n`));

    const verified = await execa('openssl', ['verify', '-CAfile', pemFile, pemFile], { reject: false });
    expect(verified.stdout + verified.stderr).toBe(`${pemFile}: OK`);
    expect(verified.exitCode).toBe(0);
  });
});

describe('keytool', () => {
  it('prints every certificate: owner, signature algorithm, key, SANs', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'all.pem');
    writeFileSync(file, CASES.map((testCase) => pem(certificates.get(testCase.name)!)).join(''));
    const result = await runKeytool(['-printcert', '-file', file]);
    expect(result.exitCode, result.stderr).toBe(0);
    const sections = result.stdout.split(/^Certificate\[\d+\]:$/m).slice(1);
    expect(sections).toHaveLength(CASES.length);
    CASES.forEach((testCase, index) => {
      const section = sections[index]!;
      expect(section).toContain(`Signature algorithm name: ${testCase.keytoolSignature}`);
      expect(section).toContain(testCase.spec.algorithm === 'RSA' ? `${testCase.spec.size}-bit RSA key` : `${testCase.spec.size}-bit EC`);
      expect(section).toContain('Version: 3');
      expect(section).toMatch(/BasicConstraints:\[\s+CA:false/);
      for (const san of testCase.sans.filter((entry) => entry.startsWith('DNS:'))) expect(section).toContain(`DNSName: ${san.slice(4)}`);
    });
    expect(sections[0]).toContain('Owner: CN=ei.example.com, OU=Integration, O="Example, Inc.", L=Colombo, ST=Western, C=LK');
    expect(sections[0]).toContain('IPAddress: 10.0.0.5');
    expect(sections[0]).toMatch(/KeyUsage \[\s+DigitalSignature\s+Key_Encipherment/);
    expect(sections[3]).toMatch(/KeyUsage \[\s+DigitalSignature\s+Key_Agreement/);
  });

  it('imports an RSA and an EC certificate as trusted entries of a PKCS12 store', async () => {
    const dir = tempDir();
    const store = path.join(dir, 'trust.p12');
    const secrets = { EIK_STOREPASS: 'changeit-123' };
    const imported = ['RSA 2048', 'EC P-384'];
    for (const [index, name] of imported.entries()) {
      const file = path.join(dir, `cert${index}.der`);
      writeFileSync(file, certificates.get(name)!);
      const result = await runKeytool(
        [
          '-importcert',
          '-noprompt',
          '-alias',
          `cert${index}`,
          '-file',
          file,
          '-keystore',
          store,
          '-storetype',
          'PKCS12',
          '-storepass:env',
          'EIK_STOREPASS',
        ],
        secrets,
      );
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    }
    const listing = await keytoolList(store, secrets.EIK_STOREPASS, 'PKCS12');
    expect(listing.map((entry) => [entry.alias, entry.kind, entry.sha256])).toEqual(
      imported.map((name, index) => [
        `cert${index}`,
        'trusted-certificate',
        createHash('sha256').update(certificates.get(name)!).digest('hex').toUpperCase(),
      ]),
    );
  });

  it('reads a distinguished name with escapes the same way we do', async () => {
    const dir = tempDir();
    const store = path.join(dir, 'ks.p12');
    const dname = 'CN=ei.example.com, OU=Integration, O=Example\\, Inc., L=Colombo, ST=Western, C=LK';
    const secrets = { EIK_STOREPASS: 'changeit-123' };
    const common = ['-alias', 'k', '-keystore', store, '-storetype', 'PKCS12', '-storepass:env', 'EIK_STOREPASS'];
    const generated = await runKeytool(['-genkeypair', ...common, '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', dname], secrets);
    expect(generated.exitCode, generated.stdout + generated.stderr).toBe(0);
    const exportFile = path.join(dir, 'k.der');
    const exported = await runKeytool(['-exportcert', ...common, '-file', exportFile], secrets);
    expect(exported.exitCode, exported.stdout + exported.stderr).toBe(0);
    const theirs = new X509Certificate(readFileSync(exportFile));
    const ours = new X509Certificate(certificates.get('RSA 2048')!);
    expect(ours.subject).toBe(theirs.subject);
  });
});

describe('createSelfSignedCertificate', () => {
  function tbsFields(der: Buffer): ReturnType<typeof derChildren> {
    const [tbs] = derChildren(readDerNode(der, 0));
    return derChildren(tbs!);
  }

  it('writes UTCTime until 2049 and GeneralizedTime from 2050', async () => {
    const pair = await generateKeyPair({ algorithm: 'EC', size: 256 });
    const der = createSelfSignedCertificate({
      ...pair,
      subject: parseDname('CN=t'),
      validityDays: 365,
      now: new Date('2049-06-01T12:00:00.750Z'),
    });
    const validity = tbsFields(der)[4]!;
    const [notBefore, notAfter] = derChildren(validity);
    expect(notBefore!.tag).toBe(0x17);
    expect(notBefore!.buffer.subarray(notBefore!.contentStart, notBefore!.end).toString('ascii')).toBe('490601115500Z');
    expect(notAfter!.tag).toBe(0x18);
    expect(notAfter!.buffer.subarray(notAfter!.contentStart, notAfter!.end).toString('ascii')).toBe('20500601120000Z');
    const certificate = new X509Certificate(der);
    expect(certificate.validFrom).toBe('Jun  1 11:55:00 2049 GMT');
    expect(certificate.validTo).toBe('Jun  1 12:00:00 2050 GMT');
  });

  it('uses a given serial number in its shortest positive form, and a fresh random one otherwise', async () => {
    const pair = await generateKeyPair({ algorithm: 'EC', size: 256 });
    const options = { ...pair, subject: parseDname('CN=t'), validityDays: 1 };
    const given = createSelfSignedCertificate({ ...options, serialNumber: Buffer.from([0, 0, 0x80, 0x01]) });
    expect(new X509Certificate(given).serialNumber).toBe('8001');
    const serialField = tbsFields(given)[1]!;
    expect(serialField.buffer.subarray(serialField.start, serialField.end).toString('hex')).toBe('0203008001');
    const a = new X509Certificate(createSelfSignedCertificate(options)).serialNumber;
    const b = new X509Certificate(createSelfSignedCertificate(options)).serialNumber;
    expect(a).not.toBe(b);
  });

  it('refuses bad input with UserErrors that say what is wrong', async () => {
    const rsa = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
    const ec = await generateKeyPair({ algorithm: 'EC', size: 256 });
    const base = { ...rsa, subject: parseDname('CN=ok'), validityDays: 10 };
    const ed25519 = generateKeyPairSync('ed25519');
    const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const cases: [Parameters<typeof createSelfSignedCertificate>[0], RegExp][] = [
      [{ ...base, validityDays: 0 }, /whole number of days from 1 to 36500, not 0/],
      [{ ...base, validityDays: 1.5 }, /whole number of days/],
      [{ ...base, validityDays: 40_000 }, /not 40000/],
      [{ ...base, now: new Date('9999-12-25T00:00:00Z') }, /cannot go in a certificate/],
      [{ ...base, publicKey: ec.publicKey }, /does not belong to the public key/],
      [{ ...base, privateKey: rsa.publicKey }, /must be signed with a private key/],
      [{ ...base, ...ed25519 }, /ed25519 keys are not supported/],
      [{ ...base, ...secp256k1 }, /curve secp256k1 are not supported; use P-256 or P-384/],
      [{ ...base, serialNumber: Buffer.from([0, 0]) }, /must not be zero/],
      [{ ...base, serialNumber: Buffer.alloc(20, 1) }, /at most 19 bytes/],
    ];
    for (const [options, message] of cases) {
      expect(() => createSelfSignedCertificate(options), String(message)).toThrow(UserError);
      expect(() => createSelfSignedCertificate(options)).toThrow(message);
    }
    // The subject and names arrive parsed: their text is refused where it is parsed (where answers are read).
    const unparsable: [() => unknown, RegExp][] = [
      [() => parseDname('CN=ok, C=Sri Lanka'), /C must be a two-letter ISO 3166 country code/],
      [() => parseDname('XY=1'), /unknown attribute type XY/],
      [() => parseSubjectAltNames(['DNS:bad_host']), /bad_host.*letters, digits and inner hyphens/],
    ];
    for (const [parse, message] of unparsable) {
      expect(parse, String(message)).toThrow(UserError);
      expect(parse).toThrow(message);
    }
  });
});
