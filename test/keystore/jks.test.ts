import { createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserError } from '../../source/errors.js';
import { decodeModifiedUtf8, encodeModifiedUtf8, writeJavaUtf } from '../../source/keystore/jks/java-utf.js';
import { readJks, writeJks, type JksEntryToWrite } from '../../source/keystore/jks/jks.js';
import type { PrivateKeyEntry } from '../../source/keystore/model.js';
import { keytoolList, runKeytool, type KeytoolListing } from '../../source/keytool/run.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';
import { sha256, expectKeystoreError, ourListing, privateKeyEntry } from '../support/keystore-assertions.js';
import { keytool } from '../support/keytool.js';
import { thrownError } from '../support/user-error.js';

const STORE_PASSWORD = 'store-pass-1';
const KEY_PASSWORD = 'key-pass-2';
const CA_KEY_PASSWORD = 'ca-pass-3';
/** Non-ASCII: JKS feeds passwords to SHA-1 as UTF-16BE, so this proves the high byte of each char is right. */
const UNICODE_KEY_PASSWORD = 'ключ-пароль-🔑';

const thrown = (action: () => unknown): UserError => thrownError(action);

function sortedListing(listing: KeytoolListing[]): KeytoolListing[] {
  return [...listing].sort((a, b) => a.alias.localeCompare(b.alias));
}

function expectKeyMatchesLeaf(entry: PrivateKeyEntry, key: KeyObject): void {
  expect(new X509Certificate(entry.chain[0]!).checkPrivateKey(key)).toBe(true);
}

interface TestPki {
  ca: Buffer;
  rsaLeaf: Buffer;
  rsaKey: KeyObject;
  ecCertificate: Buffer;
  ecKey: KeyObject;
}

/** An EC CA, an RSA leaf it signed, and a self-signed EC certificate, made with openssl (fast, unlike keytool). */
async function makePki(dir: string): Promise<TestPki> {
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execa('openssl', args, { cwd: dir });
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-subj',
    '/CN=Writer Test CA',
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
  ]);
  await Promise.all([
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-out', 'rsa.csr', '-subj', '/CN=rsa leaf']),
    openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
      '-nodes',
      '-keyout',
      'ec.key',
      '-out',
      'ec.pem',
      '-subj',
      '/CN=ec self-signed',
      '-days',
      '30',
    ]),
  ]);
  await openssl([
    'x509',
    '-req',
    '-in',
    'rsa.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '30',
    '-out',
    'rsa.pem',
  ]);
  const der = (name: string) => Buffer.from(new X509Certificate(readFileSync(file(name))).raw);
  return {
    ca: der('ca.pem'),
    rsaLeaf: der('rsa.pem'),
    rsaKey: createPrivateKey(readFileSync(file('rsa.key'))),
    ecCertificate: der('ec.pem'),
    ecKey: createPrivateKey(readFileSync(file('ec.key'))),
  };
}

function writerEntries(pki: TestPki): JksEntryToWrite[] {
  return [
    { kind: 'private-key', alias: 'RSA-Leaf', key: pki.rsaKey, keyPassword: KEY_PASSWORD, chain: [pki.rsaLeaf, pki.ca] },
    { kind: 'private-key', alias: 'EC Key', key: pki.ecKey, keyPassword: UNICODE_KEY_PASSWORD, chain: [pki.ecCertificate] },
    { kind: 'trusted-certificate', alias: 'Trusted-CA', certificate: pki.ca },
  ];
}

describe('Java modified UTF-8', () => {
  it('encodes NUL as C0 80 and a character outside the BMP as two three-byte surrogates', () => {
    expect(encodeModifiedUtf8('a\u0000é')).toEqual(Buffer.from([0x61, 0xc0, 0x80, 0xc3, 0xa9]));
    // U+1F600 is the surrogate pair D83D DE00.
    expect(encodeModifiedUtf8('😀')).toEqual(Buffer.from([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]));
    expect(writeJavaUtf('€')).toEqual(Buffer.from([0x00, 0x03, 0xe2, 0x82, 0xac]));
    expect(writeJavaUtf('x'.repeat(0x10000))).toBeUndefined();
  });

  it('decodes what it encodes, lone surrogates included, and rejects what readUTF rejects', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => decodeModifiedUtf8(encodeModifiedUtf8(text)) === text));
    expect(decodeModifiedUtf8(Buffer.from([0xed, 0xa0, 0xbd]))).toBe('\ud83d');
    expect(decodeModifiedUtf8(Buffer.from([0x80]))).toBeUndefined();
    expect(decodeModifiedUtf8(Buffer.from([0xc3]))).toBeUndefined();
    expect(decodeModifiedUtf8(Buffer.from([0xf0, 0x9f, 0x98, 0x80]))).toBeUndefined();
  });
});

describe('readJks on keystores keytool made', () => {
  it('reads RSA and EC keys, a CA-signed chain, non-ASCII aliases and a trusted certificate as keytool lists them', async () => {
    const dir = tempDir();
    const store = path.join(dir, 'made-by-keytool.jks');
    const secrets = { SP: STORE_PASSWORD, KP: KEY_PASSWORD, CP: CA_KEY_PASSWORD, UP: UNICODE_KEY_PASSWORD };
    const common = ['-storetype', 'JKS', '-keystore', store, '-storepass:env', 'SP'];
    const leafAlias = 'clé-ünïcødé';
    await keytool(
      [
        '-genkeypair',
        ...common,
        '-keypass:env',
        'CP',
        '-alias',
        'ca',
        '-keyalg',
        'EC',
        '-groupname',
        'secp256r1',
        '-dname',
        'CN=Test CA',
        '-ext',
        'bc:c',
        '-validity',
        '30',
      ],
      secrets,
    );
    await keytool(
      [
        '-genkeypair',
        ...common,
        '-keypass:env',
        'KP',
        '-alias',
        leafAlias,
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-dname',
        'CN=leaf',
        '-validity',
        '30',
      ],
      secrets,
    );
    await keytool(['-certreq', ...common, '-keypass:env', 'KP', '-alias', leafAlias, '-file', path.join(dir, 'leaf.csr')], secrets);
    await keytool(
      [
        '-gencert',
        ...common,
        '-keypass:env',
        'CP',
        '-alias',
        'ca',
        '-infile',
        path.join(dir, 'leaf.csr'),
        '-outfile',
        path.join(dir, 'leaf.crt'),
        '-validity',
        '30',
      ],
      secrets,
    );
    await keytool(
      ['-importcert', ...common, '-keypass:env', 'KP', '-alias', leafAlias, '-file', path.join(dir, 'leaf.crt'), '-noprompt'],
      secrets,
    );
    await keytool(['-importcert', ...common, '-alias', 'Trusted Leaf', '-file', path.join(dir, 'leaf.crt'), '-noprompt'], secrets);
    await keytool(
      ['-genkeypair', ...common, '-keypass:env', 'UP', '-alias', 'Emoji 🔑 Key', '-keyalg', 'EC', '-dname', 'CN=emoji', '-validity', '30'],
      secrets,
    );

    const listing = await keytoolList(store, STORE_PASSWORD, 'JKS');
    const bytes = readFileSync(store);
    const keystore = readJks(bytes, STORE_PASSWORD);

    expect(keystore.format).toBe('JKS');
    expect(ourListing(keystore)).toEqual(sortedListing(listing));
    expect(keystore.entries.map((entry) => entry.alias).sort()).toEqual(['ca', leafAlias, 'emoji 🔑 key', 'trusted leaf'].sort());
    for (const entry of keystore.entries) expect(Date.now() - entry.created!.getTime()).toBeLessThan(10 * 60_000);

    const leaf = privateKeyEntry(keystore, leafAlias);
    const ca = privateKeyEntry(keystore, 'ca');
    expect(leaf.chain).toHaveLength(2);
    expect(leaf.chain[1]).toEqual(ca.chain[0]);
    expect(new X509Certificate(leaf.chain[0]!).verify(new X509Certificate(ca.chain[0]!).publicKey)).toBe(true);

    const leafKey = leaf.key.recover(KEY_PASSWORD);
    expect(leafKey.asymmetricKeyType).toBe('rsa');
    expectKeyMatchesLeaf(leaf, leafKey);
    const caKey = ca.key.recover(CA_KEY_PASSWORD);
    expect(caKey.asymmetricKeyType).toBe('ec');
    expectKeyMatchesLeaf(ca, caKey);
    const emoji = privateKeyEntry(keystore, 'emoji 🔑 key');
    expectKeyMatchesLeaf(emoji, emoji.key.recover(UNICODE_KEY_PASSWORD));

    // Each key has its own password, and none of them is the store password.
    expectKeystoreError(() => ca.key.recover(KEY_PASSWORD), 'wrong-key-password');
    expectKeystoreError(() => leaf.key.recover(STORE_PASSWORD), 'wrong-key-password');
    const wrongStore = expectKeystoreError(() => readJks(bytes, 'not-the-password'), 'wrong-password');
    expect(wrongStore.message).toMatch(/password is wrong, or the file is damaged/);
    // null skips the integrity check (listing trusted certificates without the password).
    expect(ourListing(readJks(bytes, null))).toEqual(ourListing(keystore));
  });
});

describe('writeJks', () => {
  it('writes a store keytool lists, that refuses a wrong store password, and whose key passwords Java accepts', async () => {
    const dir = tempDir();
    const pki = await makePki(dir);
    const store = path.join(dir, 'written.jks');
    writeFileSync(store, writeJks(writerEntries(pki), STORE_PASSWORD));

    const listing = sortedListing(await keytoolList(store, STORE_PASSWORD, 'JKS'));
    expect(listing).toEqual([
      { alias: 'ec key', kind: 'private-key', sha256: sha256(pki.ecCertificate), chainLength: 1 },
      { alias: 'rsa-leaf', kind: 'private-key', sha256: sha256(pki.rsaLeaf), chainLength: 2 },
      { alias: 'trusted-ca', kind: 'trusted-certificate', sha256: sha256(pki.ca) },
    ]);

    const wrong = await runKeytool(['-list', '-storetype', 'JKS', '-keystore', store, '-storepass:env', 'SP'], { SP: 'wrong-store-pass' });
    expect(wrong.exitCode).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toMatch(/password was incorrect/);

    // Java must recover each key with its own key password to copy it into PKCS12.
    const p12 = path.join(dir, 'copied.p12');
    const secrets = { SP: STORE_PASSWORD, KP: KEY_PASSWORD, UP: UNICODE_KEY_PASSWORD, DP: 'dest-pass-4' };
    const importKey = (alias: string, keyPasswordEnv: string) =>
      runKeytool(
        [
          '-importkeystore',
          '-srckeystore',
          store,
          '-srcstoretype',
          'JKS',
          '-srcstorepass:env',
          'SP',
          '-srcalias',
          alias,
          '-srckeypass:env',
          keyPasswordEnv,
          '-destkeystore',
          p12,
          '-deststoretype',
          'PKCS12',
          '-deststorepass:env',
          'DP',
          '-noprompt',
        ],
        secrets,
      );
    const withStorePassword = await importKey('rsa-leaf', 'SP');
    expect(withStorePassword.exitCode).not.toBe(0);
    expect((await importKey('rsa-leaf', 'KP')).exitCode).toBe(0);
    expect((await importKey('ec key', 'UP')).exitCode).toBe(0);
    expect(sortedListing(await keytoolList(p12, 'dest-pass-4', 'PKCS12'))).toEqual(listing.slice(0, 2));
  });

  it('round-trips: read(write(x)) gives back the aliases lower-cased, the certificates, the keys and the date', async () => {
    const pki = await makePki(tempDir());
    const now = new Date('2024-02-29T12:34:56.789Z');
    const entries: JksEntryToWrite[] = [
      ...writerEntries(pki),
      { kind: 'trusted-certificate', alias: 'NUL\u0000 and Smile 😀', certificate: pki.rsaLeaf },
    ];
    const bytes = writeJks(entries, UNICODE_KEY_PASSWORD, now);
    expect(bytes.includes(Buffer.from([0xc0, 0x80]))).toBe(true);
    expect(bytes.includes(Buffer.from([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]))).toBe(true);

    const keystore = readJks(bytes, UNICODE_KEY_PASSWORD);
    expect(keystore.entries.map((entry) => entry.alias)).toEqual(['rsa-leaf', 'ec key', 'trusted-ca', 'nul\u0000 and smile 😀']);
    for (const entry of keystore.entries) expect(entry.created).toEqual(now);
    expect(privateKeyEntry(keystore, 'rsa-leaf').chain).toEqual([pki.rsaLeaf, pki.ca]);
    const pkcs8 = (key: KeyObject) => key.export({ format: 'der', type: 'pkcs8' });
    expect(pkcs8(privateKeyEntry(keystore, 'rsa-leaf').key.recover(KEY_PASSWORD))).toEqual(pkcs8(pki.rsaKey));
    expect(pkcs8(privateKeyEntry(keystore, 'ec key').key.recover(UNICODE_KEY_PASSWORD))).toEqual(pkcs8(pki.ecKey));
    const trusted = keystore.entries[2];
    expect(trusted?.kind === 'trusted-certificate' && trusted.certificate).toEqual(pki.ca);
    // A fresh random salt each time: the same input never gives the same bytes.
    expect(writeJks(entries, UNICODE_KEY_PASSWORD, now).equals(bytes)).toBe(false);
  });

  it('refuses aliases that differ only in case, a key that does not match its certificate, and a key without a chain', async () => {
    const pki = await makePki(tempDir());
    const duplicate = thrown(() =>
      writeJks(
        [
          { kind: 'trusted-certificate', alias: 'Same', certificate: pki.ca },
          { kind: 'trusted-certificate', alias: 'sAME', certificate: pki.rsaLeaf },
        ],
        STORE_PASSWORD,
      ),
    );
    expect(duplicate.message).toMatch(/"same"/);
    const mismatch = thrown(() =>
      writeJks([{ kind: 'private-key', alias: 'x', key: pki.ecKey, keyPassword: KEY_PASSWORD, chain: [pki.rsaLeaf] }], STORE_PASSWORD),
    );
    expect(mismatch.message).toMatch(/does not match/);
    const noChain = thrown(() =>
      writeJks([{ kind: 'private-key', alias: 'x', key: pki.ecKey, keyPassword: KEY_PASSWORD, chain: [] }], STORE_PASSWORD),
    );
    expect(noChain.message).toMatch(/certificate chain/);
  });
});

describe('readJks on bad input', () => {
  /** A store our writer made (its bytes are proven against keytool above); no keytool call needed here. */
  async function sampleStore(): Promise<{ bytes: Buffer; pki: TestPki }> {
    const pki = await makePki(tempDir());
    return { bytes: writeJks(writerEntries(pki), STORE_PASSWORD), pki };
  }

  it('says which password is wrong', async () => {
    const { bytes } = await sampleStore();
    expectKeystoreError(() => readJks(bytes, KEY_PASSWORD), 'wrong-password');
    const keystore = readJks(bytes, STORE_PASSWORD);
    const error = expectKeystoreError(() => privateKeyEntry(keystore, 'rsa-leaf').key.recover(STORE_PASSWORD), 'wrong-key-password');
    expect(error.message).toContain('rsa-leaf');
  });

  it('reports a store cut short at any point as damaged, with or without the password', async () => {
    const { bytes } = await sampleStore();
    for (let length = 0; length < bytes.length; length += 97) {
      for (const password of [STORE_PASSWORD, null]) {
        const code = length < 4 ? 'not-a-keystore' : 'corrupt';
        expectKeystoreError(() => readJks(bytes.subarray(0, length), password), code);
      }
    }
    expectKeystoreError(() => readJks(bytes.subarray(0, bytes.length - 1), STORE_PASSWORD), 'corrupt');
  });

  it('never throws anything but a KeystoreError for random bytes after the magic, or for any flipped byte', async () => {
    const { bytes } = await sampleStore();
    const magic = Buffer.from([0xfe, 0xed, 0xfe, 0xed]);
    const version2 = Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (tail, keepVersion) => {
        const input = Buffer.concat([keepVersion ? version2 : magic, tail]);
        expectKeystoreError(() => readJks(input, STORE_PASSWORD), 'corrupt', 'wrong-password', 'unsupported');
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (offset, mask) => {
        const damaged = Buffer.from(bytes);
        damaged[offset]! ^= mask;
        const code = offset < 4 ? 'not-a-keystore' : undefined;
        if (code) expectKeystoreError(() => readJks(damaged, STORE_PASSWORD), code);
        else expectKeystoreError(() => readJks(damaged, STORE_PASSWORD), 'corrupt', 'wrong-password', 'unsupported');
      }),
      { numRuns: 300 },
    );
  });

  it('rejects counts and lengths that claim more than the file holds, before allocating', async () => {
    const { bytes } = await sampleStore();
    const patched = (offset: number) => {
      const copy = Buffer.from(bytes);
      copy.writeInt32BE(0x7fffffff, offset);
      return copy;
    };
    // The first entry: tag(4) at 12, alias length(2) at 16, alias, date(8), key length(4), key, certificate count(4).
    const aliasLength = bytes.readUInt16BE(16);
    const keyLengthAt = 18 + aliasLength + 8;
    const certificateCountAt = keyLengthAt + 4 + bytes.readInt32BE(keyLengthAt);
    expect(bytes.readInt32BE(certificateCountAt)).toBe(2);
    for (const offset of [8, keyLengthAt, certificateCountAt]) {
      const error = expectKeystoreError(() => readJks(patched(offset), null), 'corrupt');
      expect(error.message).toMatch(/claims 2147483647/);
    }
  });

  it('tells a JCEKS store or another file from a damaged JKS, and refuses a foreign key protector when the key is recovered', async () => {
    const { bytes } = await sampleStore();
    const jceks = Buffer.from(bytes);
    jceks.writeUInt32BE(0xcececece, 0);
    expect(expectKeystoreError(() => readJks(jceks, STORE_PASSWORD), 'not-a-keystore').message).toMatch(/JCEKS/);
    expectKeystoreError(() => readJks(Buffer.from('PK\u0003\u0004 a zip file'), null), 'not-a-keystore');

    // Change the last arc of the KeyProtector OID (1.3.6.1.4.1.42.2.17.1.1 -> ...1.2).
    const oid = Buffer.from([0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x2a, 0x02, 0x11, 0x01, 0x01]);
    const foreign = Buffer.from(bytes);
    const at = foreign.indexOf(oid);
    expect(at).toBeGreaterThan(0);
    foreign[at + oid.length - 1] = 0x02;
    const entry = privateKeyEntry(readJks(foreign, null), 'rsa-leaf');
    expectKeystoreError(() => entry.key.recover(KEY_PASSWORD), 'unsupported');
  });

  it('refuses to write a chain certificate that is not DER X.509', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const error = thrown(() =>
      writeJks([{ kind: 'private-key', alias: 'a', key: privateKey, keyPassword: 'x', chain: [Buffer.from([0x30, 0x00])] }], 'p'),
    );
    expect(error.message).toMatch(/not a DER X.509 certificate/);
  });
});

describeWithFixtures('readJks on the keystores WSO2 ships', () => {
  const root = fixturePath('wso2', 'keystores');
  const files = existsSync(root)
    ? readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.jks'))
        .sort()
    : [];

  it('finds the JKS fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)("%s: entries, aliases, kinds and fingerprints equal keytool's; the key opens with wso2carbon", async (name) => {
    const file = path.join(root, name);
    const keystore = readJks(readFileSync(file), 'wso2carbon');
    const listing = await keytoolList(file, 'wso2carbon', 'JKS');
    expect(keystore.entries).toHaveLength(listing.length);
    expect(ourListing(keystore)).toEqual(sortedListing(listing));
    for (const entry of keystore.entries) {
      if (entry.kind === 'private-key') expectKeyMatchesLeaf(entry, entry.key.recover('wso2carbon'));
    }
    if (path.basename(name) === 'wso2carbon.jks') expect(privateKeyEntry(keystore, 'wso2carbon').chain.length).toBeGreaterThan(0);
  });
});
