import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { KeystoreError, type KeystoreErrorCode } from '../../source/errors.js';
import type { Keystore } from '../../source/keystore/model.js';
import { readPkcs12, writePkcs12, type Pkcs12EntryToWrite } from '../../source/keystore/pkcs12/pkcs12.js';
import { KdfBudget, MAX_ITERATIONS_PER_FILE, MAX_ITERATIONS_PER_OPERATION } from '../../source/keystore/pkcs12/budget.js';
import { orderChain } from '../../source/keystore/pkcs12/chain.js';
import { parseKeytoolList, runKeytool, type KeytoolListing } from '../../source/keytool/run.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';
import { expectKeystoreError as expectKeystoreErrorCode } from '../support/keystore-assertions.js';

const STOREPASS = 'store-pass-1';
const NON_ASCII_ALIAS = 'clé-ключ';

/* keytool and openssl: passwords always through the environment, output always UTF-8. */

async function keytool(args: string[], password = STOREPASS): Promise<void> {
  const result = await runKeytool(args, { EIK_STOREPASS: password, LC_ALL: 'C.UTF-8' });
  if (result.exitCode !== 0) throw new Error(`keytool ${args.join(' ')} failed: ${result.stdout}${result.stderr}`);
}

function storeArgs(file: string): string[] {
  return ['-keystore', file, '-storetype', 'PKCS12', '-storepass:env', 'EIK_STOREPASS'];
}

async function keytoolListing(file: string, password = STOREPASS): Promise<KeytoolListing[]> {
  const args = ['-J-Dsun.stdout.encoding=UTF-8', '-list', '-v', '-keystore', file, '-storepass:env', 'EIK_STOREPASS'];
  const result = await runKeytool(args, { EIK_STOREPASS: password, LC_ALL: 'C.UTF-8' });
  if (result.exitCode !== 0) throw new Error(`keytool -list failed: ${result.stdout}${result.stderr}`);
  return parseKeytoolList(result.stdout);
}

async function openssl(args: string[], password = STOREPASS): Promise<{ exitCode: number; output: string }> {
  const result = await execa('openssl', args, { env: { P12PASS: password }, reject: false, stdin: 'ignore' });
  return { exitCode: result.exitCode ?? 1, output: `${result.stdout}\n${result.stderr}` };
}

async function mustOpenssl(args: string[], password = STOREPASS): Promise<string> {
  const result = await openssl(args, password);
  if (result.exitCode !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.output}`);
  return result.output;
}

interface Made {
  key: string;
  cert: string;
}

type KeySpec = 'rsa' | 'P-256' | 'P-384';

function newKeyArgs(spec: KeySpec): string[] {
  return spec === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${spec}`];
}

async function selfSigned(dir: string, name: string, spec: KeySpec): Promise<Made> {
  const made = { key: path.join(dir, `${name}.key`), cert: path.join(dir, `${name}.crt`) };
  await mustOpenssl([
    'req',
    '-x509',
    ...newKeyArgs(spec),
    '-nodes',
    '-keyout',
    made.key,
    '-out',
    made.cert,
    '-subj',
    `/CN=${name}`,
    '-days',
    '30',
  ]);
  return made;
}

async function signedBy(dir: string, name: string, ca: Made): Promise<Made> {
  const made = { key: path.join(dir, `${name}.key`), cert: path.join(dir, `${name}.crt`) };
  const csr = path.join(dir, `${name}.csr`);
  await mustOpenssl(['req', '-new', ...newKeyArgs('rsa'), '-nodes', '-keyout', made.key, '-out', csr, '-subj', `/CN=${name}`]);
  await mustOpenssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', made.cert, '-days', '30']);
  return made;
}

const certificateDer = (made: Made): Buffer => new X509Certificate(readFileSync(made.cert)).raw;
const privateKey = (made: Made): KeyObject => createPrivateKey(readFileSync(made.key));

/* Comparisons. */

const sha256 = (der: Buffer): string => createHash('sha256').update(der).digest('hex').toUpperCase();

interface Summary {
  alias: string;
  kind: string;
  sha256?: string;
  chainLength?: number;
}

function byAlias(a: Summary, b: Summary): number {
  return a.alias < b.alias ? -1 : a.alias > b.alias ? 1 : 0;
}

function summarize(keystore: Keystore): Summary[] {
  return keystore.entries
    .map((entry): Summary => {
      if (entry.kind === 'private-key') {
        const leaf = entry.chain[0];
        return { alias: entry.alias, kind: entry.kind, sha256: leaf && sha256(leaf), chainLength: entry.chain.length };
      }
      if (entry.kind === 'trusted-certificate') return { alias: entry.alias, kind: entry.kind, sha256: sha256(entry.certificate) };
      return { alias: entry.alias, kind: entry.kind };
    })
    .sort(byAlias);
}

function summarizeListing(listing: KeytoolListing[]): Summary[] {
  return listing
    .map((entry): Summary => {
      const summary: Summary = { alias: entry.alias, kind: entry.kind };
      if (entry.sha256 !== undefined) summary.sha256 = entry.sha256;
      if (entry.kind === 'private-key') summary.chainLength = entry.chainLength;
      return summary;
    })
    .sort(byAlias);
}

async function expectSameAsKeytool(file: string, password = STOREPASS): Promise<Keystore> {
  const ours = readPkcs12(readFileSync(file), password);
  expect(ours.format).toBe('PKCS12');
  expect(summarize(ours)).toEqual(summarizeListing(await keytoolListing(file, password)));
  return ours;
}

/** Every key opens with the password, belongs to its leaf, and each chain runs leaf first, each signed by the next. */
function expectKeysWork(keystore: Keystore, password: string): void {
  for (const entry of keystore.entries) {
    if (entry.kind !== 'private-key') continue;
    const key = entry.key.recover(password);
    const chain = entry.chain.map((der) => new X509Certificate(der));
    expect(chain.length).toBeGreaterThan(0);
    expect(chain[0]!.checkPrivateKey(key)).toBe(true);
    for (let i = 0; i + 1 < chain.length; i++) expect(chain[i]!.verify(chain[i + 1]!.publicKey)).toBe(true);
  }
}

const expectKeystoreError = (action: () => unknown, codes: KeystoreErrorCode[]): KeystoreError => expectKeystoreErrorCode(action, ...codes);

const OID_PBE_SHA1_3DES = Buffer.from('2a864886f70d010c0103', 'hex');
const OID_PBES2 = Buffer.from('2a864886f70d01050d', 'hex');

describe('readPkcs12 on keystores keytool makes', () => {
  it('reads Java 17 default files: RSA with a 2-certificate chain, EC, a non-ASCII alias, a secret key', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'default.p12');
    const store = storeArgs(file);
    await keytool([
      '-genkeypair',
      '-alias',
      'ca',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-dname',
      'CN=Test CA',
      '-ext',
      'bc:c',
      '-validity',
      '30',
      ...store,
    ]);
    await keytool([
      '-genkeypair',
      '-alias',
      NON_ASCII_ALIAS,
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-dname',
      'CN=server',
      '-validity',
      '30',
      ...store,
    ]);
    const csr = path.join(dir, 'server.csr');
    const reply = path.join(dir, 'server.crt');
    await keytool(['-certreq', '-alias', NON_ASCII_ALIAS, '-file', csr, ...store]);
    await keytool(['-gencert', '-alias', 'ca', '-infile', csr, '-outfile', reply, '-validity', '30', ...store]);
    await keytool(['-importcert', '-noprompt', '-alias', NON_ASCII_ALIAS, '-file', reply, ...store]);
    await keytool([
      '-genkeypair',
      '-alias',
      'ec-key',
      '-keyalg',
      'EC',
      '-groupname',
      'secp256r1',
      '-dname',
      'CN=ec',
      '-validity',
      '30',
      ...store,
    ]);
    await keytool(['-genseckey', '-alias', 'secret', '-keyalg', 'AES', '-keysize', '128', ...store]);

    const bytes = readFileSync(file);
    expect(bytes.includes(OID_PBES2)).toBe(true);
    const keystore = await expectSameAsKeytool(file);
    expect(keystore.entries.map((entry) => entry.kind).sort()).toEqual(['private-key', 'private-key', 'private-key', 'secret-key']);
    const server = keystore.entries.find((entry) => entry.alias === NON_ASCII_ALIAS);
    expect(server?.kind === 'private-key' && server.chain.length).toBe(2);
    expectKeysWork(keystore, STOREPASS);
    expect(keystore.entries.find((entry) => entry.alias === 'ec-key' && entry.kind === 'private-key')).toBeDefined();
    const ec = keystore.entries.find((entry) => entry.alias === 'ec-key');
    expect(ec?.kind === 'private-key' && ec.key.recover(STOREPASS).asymmetricKeyType).toBe('ec');
    // Java protects PKCS#12 keys with the store password; any other key password is wrong.
    const error = expectKeystoreError(() => ec?.kind === 'private-key' && ec.key.recover('not-the-password'), ['wrong-key-password']);
    expect(error.message).toMatch(/key password/);
  });

  it('reads the legacy format (PBEWithSHA1AndDESede keys, RC2-40 certificates, SHA-1 MAC)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'legacy.p12');
    const store = ['-J-Dkeystore.pkcs12.legacy', ...storeArgs(file)];
    const trusted = await selfSigned(dir, 'legacy-root', 'P-256');
    await keytool([
      '-genkeypair',
      '-alias',
      'rsa-legacy',
      '-keyalg',
      'RSA',
      '-keysize',
      '2048',
      '-dname',
      'CN=rsa',
      '-validity',
      '30',
      ...store,
    ]);
    await keytool([
      '-genkeypair',
      '-alias',
      'ec-legacy',
      '-keyalg',
      'EC',
      '-groupname',
      'secp384r1',
      '-dname',
      'CN=ec',
      '-validity',
      '30',
      ...store,
    ]);
    await keytool(['-importcert', '-noprompt', '-alias', 'root', '-file', trusted.cert, ...store]);

    expect(readFileSync(file).includes(OID_PBE_SHA1_3DES)).toBe(true);
    const keystore = await expectSameAsKeytool(file);
    expect(keystore.entries.map((entry) => [entry.alias, entry.kind]).sort()).toEqual([
      ['ec-legacy', 'private-key'],
      ['root', 'trusted-certificate'],
      ['rsa-legacy', 'private-key'],
    ]);
    expectKeysWork(keystore, STOREPASS);
    expectKeystoreError(() => readPkcs12(readFileSync(file), 'wrong-password'), ['wrong-password']);
  });

  it('reads a truststore of several certificates imported with keytool -importcert', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'trust.p12');
    const made = [
      await selfSigned(dir, 'root-a', 'rsa'),
      await selfSigned(dir, 'root-b', 'P-256'),
      await selfSigned(dir, 'root-c', 'P-384'),
    ];
    for (const [index, certificate] of made.entries()) {
      await keytool(['-importcert', '-noprompt', '-alias', `ca-${index}`, '-file', certificate.cert, ...storeArgs(file)]);
    }
    const keystore = await expectSameAsKeytool(file);
    expect(keystore.entries).toHaveLength(3);
    for (const entry of keystore.entries) {
      expect(entry.kind).toBe('trusted-certificate');
      // keytool marks them with Oracle's attribute: Java sees them.
      expect(entry.kind === 'trusted-certificate' && entry.javaVisible).toBeUndefined();
    }
    expect(keystore.entries.map((entry) => entry.kind === 'trusted-certificate' && sha256(entry.certificate)).sort()).toEqual(
      made.map((certificate) => sha256(certificateDer(certificate))).sort(),
    );
  });
});

describe('readPkcs12 on files openssl pkcs12 -export makes', () => {
  it('reads AES-256 files (with a CA chain, and without -name), the -legacy variant, and certificate-only files', async () => {
    const dir = tempDir();
    const ca = await selfSigned(dir, 'openssl-ca', 'rsa');
    const leaf = await signedBy(dir, 'openssl-leaf', ca);
    const ec = await selfSigned(dir, 'openssl-ec', 'P-256');
    const exportArgs = (out: string): string[] => ['pkcs12', '-export', '-out', out, '-passout', 'env:P12PASS'];

    const chainFile = path.join(dir, 'chain.p12');
    await mustOpenssl([...exportArgs(chainFile), '-inkey', leaf.key, '-in', leaf.cert, '-certfile', ca.cert, '-name', 'web']);
    const chain = await expectSameAsKeytool(chainFile);
    expect(chain.entries).toHaveLength(1);
    const web = chain.entries[0]!;
    expect(web.kind === 'private-key' && web.chain).toEqual([certificateDer(leaf), certificateDer(ca)]);
    expectKeysWork(chain, STOREPASS);
    // Whatever order the bags come in, the chain is built from the leaf up.
    const pool = [ca, ec, leaf].map((made) => new X509Certificate(certificateDer(made)));
    expect(orderChain(2, pool)).toEqual([2, 0]);
    expect(orderChain(1, pool)).toEqual([1]);

    const unnamedFile = path.join(dir, 'unnamed.p12');
    await mustOpenssl([...exportArgs(unnamedFile), '-inkey', ec.key, '-in', ec.cert]);
    const unnamed = await expectSameAsKeytool(unnamedFile);
    expect(unnamed.entries.map((entry) => entry.alias)).toEqual(['1']);
    expectKeysWork(unnamed, STOREPASS);

    const legacyFile = path.join(dir, 'legacy.p12');
    const legacy = await openssl([
      ...exportArgs(legacyFile),
      '-legacy',
      '-inkey',
      leaf.key,
      '-in',
      leaf.cert,
      '-certfile',
      ca.cert,
      '-name',
      'old',
    ]);
    if (legacy.exitCode === 0) {
      expect(readFileSync(legacyFile).includes(OID_PBE_SHA1_3DES)).toBe(true);
      expectKeysWork(await expectSameAsKeytool(legacyFile), STOREPASS);
    } else {
      console.warn(`skipped openssl -legacy: this openssl cannot write it (${legacy.output.trim().split('\n')[0]})`);
    }

    // Without Oracle's attribute Java loads no entry from a certificate-only file; we list it, flagged.
    const certOnlyFile = path.join(dir, 'certs.p12');
    await mustOpenssl([...exportArgs(certOnlyFile), '-nokeys', '-in', ca.cert]);
    expect(await keytoolListing(certOnlyFile)).toEqual([]);
    const certOnly = readPkcs12(readFileSync(certOnlyFile), STOREPASS);
    expect(certOnly.entries).toEqual([{ kind: 'trusted-certificate', alias: '1', certificate: certificateDer(ca), javaVisible: false }]);
    expectKeystoreError(() => readPkcs12(readFileSync(chainFile), 'wrong-password'), ['wrong-password']);

    // An empty export password: OpenSSL's MAC key then comes from an empty BMPString.
    const emptyFile = path.join(dir, 'empty.p12');
    await mustOpenssl([...exportArgs(emptyFile), '-inkey', ec.key, '-in', ec.cert, '-name', 'empty'], '');
    expectKeysWork(readPkcs12(readFileSync(emptyFile), ''), '');
    expectKeystoreError(() => readPkcs12(readFileSync(emptyFile), 'x'), ['wrong-password']);
  });
});

describe('writePkcs12', () => {
  it('writes RSA and EC key entries and trusted certificates that keytool lists, opens, and refuses with a wrong password', async () => {
    const dir = tempDir();
    const ca = await selfSigned(dir, 'write-ca', 'rsa');
    const leaf = await signedBy(dir, 'write-leaf', ca);
    const p256 = await selfSigned(dir, 'write-p256', 'P-256');
    const p384 = await selfSigned(dir, 'write-p384', 'P-384');
    const other = await selfSigned(dir, 'write-other', 'P-256');
    const entries: Pkcs12EntryToWrite[] = [
      { kind: 'private-key', alias: 'rsa-chain', key: privateKey(leaf), chain: [certificateDer(leaf), certificateDer(ca)] },
      { kind: 'private-key', alias: 'ec-p256', key: privateKey(p256), chain: [certificateDer(p256)] },
      { kind: 'private-key', alias: NON_ASCII_ALIAS, key: privateKey(p384), chain: [certificateDer(p384)] },
      { kind: 'trusted-certificate', alias: 'trusted-ca', certificate: certificateDer(ca) },
      { kind: 'trusted-certificate', alias: 'trusted-other', certificate: certificateDer(other) },
    ];
    // Punctuation and spaces: Java takes any printable ASCII (and nothing else) as a PKCS#12 password.
    const password = 'p@ss word "$!\\';
    const file = path.join(dir, 'written.p12');
    writeFileSync(file, writePkcs12(entries, password));

    const listing = summarizeListing(await keytoolListing(file, password));
    expect(listing).toEqual(
      [
        { alias: 'rsa-chain', kind: 'private-key', sha256: sha256(certificateDer(leaf)), chainLength: 2 },
        { alias: 'ec-p256', kind: 'private-key', sha256: sha256(certificateDer(p256)), chainLength: 1 },
        { alias: NON_ASCII_ALIAS, kind: 'private-key', sha256: sha256(certificateDer(p384)), chainLength: 1 },
        { alias: 'trusted-ca', kind: 'trusted-certificate', sha256: sha256(certificateDer(ca)) },
        { alias: 'trusted-other', kind: 'trusted-certificate', sha256: sha256(certificateDer(other)) },
      ].sort(byAlias),
    );
    // -importkeystore decrypts every key: proof that Java opens what we encrypted.
    const copy = path.join(dir, 'copy.p12');
    const copied = await runKeytool(
      [
        '-importkeystore',
        '-srckeystore',
        file,
        '-srcstoretype',
        'PKCS12',
        '-srcstorepass:env',
        'SRC',
        '-destkeystore',
        copy,
        '-deststoretype',
        'PKCS12',
        '-deststorepass:env',
        'DEST',
        '-noprompt',
      ],
      { SRC: password, DEST: STOREPASS },
    );
    expect(copied.exitCode, copied.stdout + copied.stderr).toBe(0);
    expect((await keytoolListing(copy)).filter((entry) => entry.kind === 'private-key')).toHaveLength(3);

    const wrong = await runKeytool(['-list', '-keystore', file, '-storepass:env', 'EIK_STOREPASS'], { EIK_STOREPASS: 'wrong-password' });
    expect(wrong.exitCode).not.toBe(0);
    // keytool says "Integrity check failed" where the MAC is its first check (certificates not encrypted).
    expect(wrong.stdout + wrong.stderr).toMatch(/keystore password was incorrect|Failed PKCS12 integrity checking/);

    // OpenSSL agrees on the algorithms and opens the keys too.
    const info = await mustOpenssl(['pkcs12', '-in', file, '-passin', 'env:P12PASS', '-info', '-nodes', '-noout'], password);
    expect(info).toMatch(/MAC: sha256/);
    expect(info).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/);
  });

  it('round-trips: read(write(x)) gives back the aliases, kinds, certificates, chains and keys', async () => {
    const dir = tempDir();
    const ca = await selfSigned(dir, 'round-ca', 'rsa');
    const leaf = await signedBy(dir, 'round-leaf', ca);
    const ec = await selfSigned(dir, 'round-ec', 'P-384');
    const entries: Pkcs12EntryToWrite[] = [
      { kind: 'trusted-certificate', alias: 'Root', certificate: certificateDer(ca) },
      { kind: 'private-key', alias: 'leaf', key: privateKey(leaf), chain: [certificateDer(leaf), certificateDer(ca)] },
      { kind: 'private-key', alias: 'ec', key: privateKey(ec), chain: [certificateDer(ec)] },
    ];
    const keystore = readPkcs12(writePkcs12(entries, STOREPASS), STOREPASS);
    expect(keystore.entries.map((entry) => [entry.alias, entry.kind])).toEqual([
      ['Root', 'trusted-certificate'],
      ['leaf', 'private-key'],
      ['ec', 'private-key'],
    ]);
    for (const written of entries) {
      const read = keystore.entries.find((entry) => entry.alias === written.alias);
      if (written.kind === 'trusted-certificate') {
        expect(read).toEqual({ kind: 'trusted-certificate', alias: written.alias, certificate: written.certificate });
        continue;
      }
      expect(read?.kind).toBe('private-key');
      if (read?.kind !== 'private-key') continue;
      expect(read.chain).toEqual(written.chain);
      const pkcs8 = (key: KeyObject): Buffer => key.export({ format: 'der', type: 'pkcs8' });
      expect(pkcs8(read.key.recover(STOREPASS))).toEqual(pkcs8(written.key));
    }
  });

  it('refuses a key that does not belong to its certificate, a missing chain, and aliases equal but for case', async () => {
    const dir = tempDir();
    const a = await selfSigned(dir, 'refuse-a', 'P-256');
    const b = await selfSigned(dir, 'refuse-b', 'P-256');
    const mismatch: Pkcs12EntryToWrite = { kind: 'private-key', alias: 'a', key: privateKey(a), chain: [certificateDer(b)] };
    expect(() => writePkcs12([mismatch], STOREPASS)).toThrow(/does not belong to its certificate/);
    expect(() => writePkcs12([{ ...mismatch, chain: [] }], STOREPASS)).toThrow(/at least its own certificate/);
    const twice: Pkcs12EntryToWrite[] = [
      { kind: 'trusted-certificate', alias: 'Same', certificate: certificateDer(a) },
      { kind: 'trusted-certificate', alias: 'same', certificate: certificateDer(b) },
    ];
    expect(() => writePkcs12(twice, STOREPASS)).toThrow(/used twice/);
    // Java's PKCS#12 throws "Password is not ASCII" for such a file: refuse to write one.
    expect(() => writePkcs12([twice[0]!], 'pässwörd')).toThrow(/printable ASCII/);
  });
});

describe('readPkcs12 on bad input', () => {
  let sample: Buffer | undefined;
  async function sampleFile(): Promise<Buffer> {
    if (sample) return sample;
    const dir = tempDir();
    const ca = await selfSigned(dir, 'bad-ca', 'P-256');
    const entries: Pkcs12EntryToWrite[] = [
      { kind: 'private-key', alias: 'key', key: privateKey(ca), chain: [certificateDer(ca)] },
      { kind: 'trusted-certificate', alias: 'ca', certificate: certificateDer(ca) },
    ];
    sample = writePkcs12(entries, STOREPASS);
    return sample;
  }

  it('says wrong-password for a wrong store password, and wrong-key-password for a wrong key password', async () => {
    const bytes = await sampleFile();
    const error = expectKeystoreError(() => readPkcs12(bytes, 'not-it'), ['wrong-password']);
    expect(error.message).toMatch(/wrong password, or the file is damaged/);
    const key = readPkcs12(bytes, STOREPASS).entries.find((entry) => entry.kind === 'private-key');
    expect(key?.kind).toBe('private-key');
    if (key?.kind === 'private-key') expectKeystoreError(() => key.key.recover('not-it'), ['wrong-key-password']);
  });

  it('says corrupt, quickly, for a file cut short at any point', async () => {
    const bytes = await sampleFile();
    const started = Date.now();
    for (let length = 0; length < bytes.length; length += 3) {
      expectKeystoreError(() => readPkcs12(bytes.subarray(0, length), STOREPASS), ['corrupt', 'not-a-keystore']);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says corrupt for random bytes after a DER header, and for lengths that claim gigabytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), (tail) => {
        const bytes = Buffer.concat([Buffer.from([0x30, 0x82]), Buffer.from(tail)]);
        expectKeystoreError(() => readPkcs12(bytes, STOREPASS), ['corrupt']);
      }),
      { numRuns: 300 },
    );
    const started = Date.now();
    const outer = Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x03]);
    expect(expectKeystoreError(() => readPkcs12(outer, STOREPASS), ['corrupt']).message).toMatch(/damaged/);
    // A well-formed outer layer whose authenticated safe claims 2 GB.
    const inner = Buffer.from('3015020103301006092a864886f70d010701a003048480000000', 'hex');
    expectKeystoreError(() => readPkcs12(inner, STOREPASS), ['corrupt']);
    const fiveLengthBytes = Buffer.from('308500ffffffff020103', 'hex');
    expectKeystoreError(() => readPkcs12(fiveLengthBytes, STOREPASS), ['corrupt']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('never lets another exception out when bytes of a real file are changed', async () => {
    const bytes = await sampleFile();
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (offset, xor) => {
        const damaged = Buffer.from(bytes);
        damaged[offset] = damaged[offset]! ^ xor;
        try {
          const keystore = readPkcs12(damaged, STOREPASS);
          for (const entry of keystore.entries) if (entry.kind === 'private-key') entry.key.recover(STOREPASS);
        } catch (error) {
          expect(error).toBeInstanceOf(KeystoreError);
        }
      }),
      { numRuns: 80 },
    );
  });
});

/** A budget that records every derivation charged to it, in order. */
class RecordingBudget extends KdfBudget {
  readonly charged: string[] = [];
  override charge(iterations: number, what: string): void {
    this.charged.push(`${what} ${iterations}`);
    super.charge(iterations, what);
  }
}

describe('readPkcs12: the key-derivation budget of one file', () => {
  let made: { normal: Buffer; bomb: Buffer } | undefined;
  /** openssl's own files: one with its defaults (2048 iterations), one made with -iter 5000000 (MAC included). */
  async function files(): Promise<{ normal: Buffer; bomb: Buffer }> {
    if (made) return made;
    const dir = tempDir();
    const key = await selfSigned(dir, 'budget', 'P-256');
    const normal = path.join(dir, 'normal.p12');
    const bomb = path.join(dir, 'bomb.p12');
    await mustOpenssl([
      'pkcs12',
      '-export',
      '-in',
      key.cert,
      '-inkey',
      key.key,
      '-name',
      'budget',
      '-out',
      normal,
      '-passout',
      'env:P12PASS',
    ]);
    await mustOpenssl([
      'pkcs12',
      '-export',
      '-iter',
      '5000000',
      '-in',
      key.cert,
      '-inkey',
      key.key,
      '-name',
      'budget',
      '-out',
      bomb,
      '-passout',
      'env:P12PASS',
    ]);
    made = { normal: readFileSync(normal), bomb: readFileSync(bomb) };
    return made;
  }

  it('refuses a file made by openssl pkcs12 -export -iter 5000000 before deriving anything, with the right password or a wrong one', async () => {
    const { bomb } = await files();
    expect(bomb.length).toBeLessThan(3000);
    for (const password of [STOREPASS, 'not-it']) {
      const budget = new RecordingBudget();
      const error = expectKeystoreError(() => readPkcs12(bomb, password, budget), ['unsupported']);
      expect(error.message).toContain(
        'asks for 15000000 key-derivation iterations to be opened (the integrity check (MAC) 5000000, encrypted contents 1 5000000, private key 1 5000000)',
      );
      expect(error.message).toContain(`at most ${MAX_ITERATIONS_PER_FILE} on one file`);
      expect(budget.charged).toEqual([]);
    }
  });

  it('counts every bag set of the file: two sets of 5000000-iteration contents are refused as 25000000', async () => {
    const { bomb } = await files();
    const doubled = withContentsTwice(bomb);
    const budget = new RecordingBudget();
    const error = expectKeystoreError(() => readPkcs12(doubled, STOREPASS, budget), ['unsupported']);
    expect(error.message).toContain(
      'asks for 25000000 key-derivation iterations to be opened (the integrity check (MAC) 5000000, encrypted contents 1 5000000, private key 1 5000000, encrypted contents 2 5000000, private key 2 5000000)',
    );
    expect(budget.charged).toEqual([]);
  });

  it("refuses one operation above Java's cap, naming its iteration count", async () => {
    const { bomb } = await files();
    // The MAC's iteration count is the file's last INTEGER: 5000000 (4C4B40) becomes 8388607 (7FFFFF).
    const tail = Buffer.from('02034c4b40', 'hex');
    expect(bomb.subarray(-tail.length).equals(tail)).toBe(true);
    const capped = Buffer.concat([bomb.subarray(0, -3), Buffer.from('7fffff', 'hex')]);
    const error = expectKeystoreError(() => readPkcs12(capped, STOREPASS, new RecordingBudget()), ['unsupported']);
    expect(error.message).toContain(
      `asks for 8388607 iterations for the integrity check (MAC), more than Java accepts for one operation (${MAX_ITERATIONS_PER_OPERATION})`,
    );
  });

  it('checks the password with the MAC before decrypting anything, and derives each key once per password', async () => {
    const { normal } = await files();
    const wrong = new RecordingBudget();
    expectKeystoreError(() => readPkcs12(normal, 'not-it', wrong), ['wrong-password']);
    expect(wrong.charged).toEqual(['the integrity check (MAC) 2048']);

    const budget = new RecordingBudget();
    const keystore = readPkcs12(normal, STOREPASS, budget);
    expect(budget.charged).toEqual(['the integrity check (MAC) 2048', 'the encrypted contents 1 2048']);
    const entry = keystore.entries.find((candidate) => candidate.kind === 'private-key');
    if (entry?.kind !== 'private-key') throw new Error('openssl wrote no key entry');
    entry.key.recover(STOREPASS);
    entry.key.recover(STOREPASS);
    expectKeystoreError(() => entry.key.recover('not-it'), ['wrong-key-password']);
    expectKeystoreError(() => entry.key.recover('not-it'), ['wrong-key-password']);
    expect(budget.charged.slice(2)).toEqual(['a private key 2048', 'a private key 2048']);
  });

  it('refuses the derivation that would pass the budget, key recoveries after the opening included', async () => {
    const { normal } = await files();
    // Room for the opening and one key recovery: the MAC, the certificates, the key.
    const keystore = readPkcs12(normal, STOREPASS, new KdfBudget(3 * 2048));
    const entry = keystore.entries.find((candidate) => candidate.kind === 'private-key');
    if (entry?.kind !== 'private-key') throw new Error('openssl wrote no key entry');
    entry.key.recover(STOREPASS);
    const error = expectKeystoreError(() => entry.key.recover('another-password'), ['unsupported']);
    expect(error.message).toContain('asks for 2048 more key-derivation iterations for a private key, after 6144 already spent on it');
    expect(() => readPkcs12(normal, STOREPASS, new KdfBudget(3 * 2048 - 1))).toThrow(
      /asks for 6144 key-derivation iterations to be opened/,
    );
  });
});

/** The same PFX with its authenticated safe's ContentInfos twice over (the MAC no longer matches; the budget is checked first). */
function withContentsTwice(pfx: Buffer): Buffer {
  const asn1 = forge.asn1;
  const root = asn1.fromDer(pfx.toString('latin1'));
  const [version, authSafe, macData] = root.value as forge.asn1.Asn1[];
  const content = ((authSafe!.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!;
  const safe = asn1.fromDer(content.value as string);
  const doubled = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    ...(safe.value as forge.asn1.Asn1[]),
    ...(safe.value as forge.asn1.Asn1[]),
  ]);
  const newAuthSafe = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    (authSafe!.value as forge.asn1.Asn1[])[0]!,
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(doubled).getBytes()),
    ]),
  ]);
  const out = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [version!, newAuthSafe, macData!]);
  return Buffer.from(asn1.toDer(out).getBytes(), 'latin1');
}

describeWithFixtures('readPkcs12 on the PKCS#12 keystores WSO2 ships', () => {
  const root = fixturePath('wso2', 'keystores');
  const files = existsSync(root)
    ? readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.p12'))
        .map((name) => path.join(root, name))
    : [];

  it('finds some', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`reads ${path.relative(root, file)} as keytool does`, async () => {
      const keystore = await expectSameAsKeytool(file, 'wso2carbon');
      expect(keystore.entries.length).toBeGreaterThan(30);
      expectKeysWork(keystore, 'wso2carbon');
    });
  }
});
