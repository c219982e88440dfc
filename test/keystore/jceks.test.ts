import { createCipheriv, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readJceks } from '../../source/keystore/jceks/jceks.js';
import { deriveTripleDesKeyAndIv } from '../../source/keystore/jceks/key-protector.js';
import { readJks } from '../../source/keystore/jks/jks.js';
import { keytoolList, type KeytoolListing } from '../../source/keytool/run.js';
import { tempDir } from '../support/tmp.js';
import { expectKeystoreError, ourListing, privateKeyEntry } from '../support/keystore-assertions.js';
import { keytool } from '../support/keytool.js';

const STORE_PASSWORD = 'store-pass-1';
/** JCEKS key passwords must be printable ASCII (Java's PBEKey refuses anything else). */
const RSA_KEY_PASSWORD = 'rsa-key-pass';
const EC_KEY_PASSWORD = 'ec-key-pass!';
const LEAF_ALIAS = 'clé-ünïcødé';
const EMOJI_ALIAS = 'emoji 🔑 ec';

interface MadeStore {
  bytes: Buffer;
  listing: KeytoolListing[];
}

let made: Promise<MadeStore> | undefined;

/**
 * One JCEKS keystore from keytool, shared by the tests below (keytool is slow): RSA and EC keys with their own
 * passwords, two secret keys (so that a serialized SealedObject sits between other entries), a trusted
 * certificate. The directory goes when the first test finishes; the bytes and keytool's listing stay in memory.
 */
function keytoolJceks(): Promise<MadeStore> {
  made ??= (async () => {
    const dir = tempDir();
    const store = path.join(dir, 'made-by-keytool.jceks');
    const secrets = { SP: STORE_PASSWORD, RK: RSA_KEY_PASSWORD, EK: EC_KEY_PASSWORD };
    const common = ['-storetype', 'JCEKS', '-keystore', store, '-storepass:env', 'SP'];
    await execa(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'trusted.key',
        '-out',
        'trusted.pem',
        '-subj',
        '/CN=trusted',
        '-days',
        '30',
      ],
      { cwd: dir },
    );
    await keytool(
      [
        '-genkeypair',
        ...common,
        '-keypass:env',
        'RK',
        '-alias',
        LEAF_ALIAS,
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-dname',
        'CN=rsa',
        '-validity',
        '30',
      ],
      secrets,
    );
    await keytool(['-genseckey', ...common, '-keypass:env', 'RK', '-alias', 'AES Key', '-keyalg', 'AES', '-keysize', '256'], secrets);
    await keytool(
      ['-genkeypair', ...common, '-keypass:env', 'EK', '-alias', 'Emoji 🔑 EC', '-keyalg', 'EC', '-dname', 'CN=ec', '-validity', '30'],
      secrets,
    );
    await keytool(['-genseckey', ...common, '-keypass:env', 'EK', '-alias', 'hmac', '-keyalg', 'HmacSHA256', '-keysize', '256'], secrets);
    await keytool(['-importcert', ...common, '-alias', 'trusted', '-file', path.join(dir, 'trusted.pem'), '-noprompt'], secrets);
    const listing = await keytoolList(store, STORE_PASSWORD, 'JCEKS');
    return { bytes: readFileSync(store), listing };
  })();
  return made;
}

describe('readJceks on a keystore keytool made', () => {
  it('lists the same aliases, kinds and fingerprints as keytool, secret keys included', async () => {
    const { bytes, listing } = await keytoolJceks();
    const keystore = readJceks(bytes, STORE_PASSWORD);
    expect(keystore.format).toBe('JCEKS');
    expect(ourListing(keystore)).toEqual([...listing].sort((a, b) => a.alias.localeCompare(b.alias)));
    expect(keystore.entries.map((entry) => `${entry.alias}:${entry.kind}`).sort()).toEqual(
      [
        'aes key:secret-key',
        `${LEAF_ALIAS}:private-key`,
        `${EMOJI_ALIAS}:private-key`,
        'hmac:secret-key',
        'trusted:trusted-certificate',
      ].sort(),
    );
    for (const entry of keystore.entries) expect(Date.now() - entry.created!.getTime()).toBeLessThan(10 * 60_000);
    // The algorithm is inside the sealed part; we do not decrypt it.
    const secret = keystore.entries.find((entry) => entry.kind === 'secret-key');
    expect(secret && 'algorithm' in secret ? secret.algorithm : undefined).toBeUndefined();
  });

  it('recovers each private key with its own password, matching its certificate', async () => {
    const keystore = readJceks((await keytoolJceks()).bytes, STORE_PASSWORD);
    const rsa = privateKeyEntry(keystore, LEAF_ALIAS);
    const rsaKey = rsa.key.recover(RSA_KEY_PASSWORD);
    expect(rsaKey.asymmetricKeyType).toBe('rsa');
    expect(new X509Certificate(rsa.chain[0]!).checkPrivateKey(rsaKey)).toBe(true);
    const ec = privateKeyEntry(keystore, EMOJI_ALIAS);
    const ecKey = ec.key.recover(EC_KEY_PASSWORD);
    expect(ecKey.asymmetricKeyType).toBe('ec');
    expect(new X509Certificate(ec.chain[0]!).checkPrivateKey(ecKey)).toBe(true);
  });

  it('says which password is wrong', async () => {
    const { bytes } = await keytoolJceks();
    const error = expectKeystoreError(() => readJceks(bytes, RSA_KEY_PASSWORD), 'wrong-password');
    expect(error.message).toMatch(/password is wrong, or the file is damaged/);
    const keystore = readJceks(bytes, null);
    const ec = privateKeyEntry(keystore, EMOJI_ALIAS);
    expectKeystoreError(() => ec.key.recover(STORE_PASSWORD), 'wrong-key-password');
    expectKeystoreError(() => ec.key.recover(RSA_KEY_PASSWORD), 'wrong-key-password');
    expectKeystoreError(() => ec.key.recover('ключ-пароль'), 'wrong-key-password');
  });

  it('reports a store cut short at any point as damaged, and tells JCEKS from JKS', async () => {
    const { bytes } = await keytoolJceks();
    for (let length = 0; length < bytes.length; length += 97) {
      for (const password of [STORE_PASSWORD, null]) {
        expectKeystoreError(() => readJceks(bytes.subarray(0, length), password), length < 4 ? 'not-a-keystore' : 'corrupt');
      }
    }
    expect(expectKeystoreError(() => readJks(bytes, STORE_PASSWORD), 'not-a-keystore').message).toMatch(/JCEKS/);
  });

  it('never throws anything but a KeystoreError for random bytes after the magic, or for any flipped byte', async () => {
    const { bytes } = await keytoolJceks();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (tail) => {
        const input = Buffer.concat([Buffer.from([0xce, 0xce, 0xce, 0xce, 0, 0, 0, 2]), tail]);
        expectKeystoreError(() => readJceks(input, STORE_PASSWORD), 'corrupt', 'wrong-password', 'unsupported');
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 4, max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (offset, mask) => {
        const damaged = Buffer.from(bytes);
        damaged[offset]! ^= mask;
        // Damage either breaks the structure, or else the integrity digest (which the password read checks).
        expectKeystoreError(
          () => {
            readJceks(damaged, null);
            readJceks(damaged, STORE_PASSWORD);
          },
          'corrupt',
          'wrong-password',
          'unsupported',
        );
      }),
      { numRuns: 400 },
    );
  });
});

describe('PBEWithMD5AndTripleDES key derivation', () => {
  it('matches Java, including a salt whose two halves are equal', async () => {
    const dir = tempDir();
    // Java encrypts one block under salts we choose; our derivation must give the same ciphertext.
    const source = `
import javax.crypto.*; import javax.crypto.spec.*; import java.util.HexFormat;
public class Pbe { public static void main(String[] a) throws Exception {
  SecretKey key = SecretKeyFactory.getInstance("PBEWithMD5AndTripleDES").generateSecret(new PBEKeySpec(System.getenv("PBE_PASSWORD").toCharArray()));
  for (String salt : a) { Cipher c = Cipher.getInstance("PBEWithMD5AndTripleDES");
    c.init(Cipher.ENCRYPT_MODE, key, new PBEParameterSpec(HexFormat.of().parseHex(salt), 7));
    System.out.println(HexFormat.of().formatHex(c.doFinal("interop check".getBytes("US-ASCII")))); } } }`;
    writeFileSync(path.join(dir, 'Pbe.java'), source);
    const salts = ['0102030401020304', '0102030405060708', 'a1b2c3d4a1b2c3d4'];
    const password = 'pbe-password';
    const java = await execa('java', [path.join(dir, 'Pbe.java'), ...salts], { env: { PBE_PASSWORD: password } });
    const expected = java.stdout.trim().split('\n');
    const ours = salts.map((salt) => {
      const { key, iv } = deriveTripleDesKeyAndIv(Buffer.from(password, 'latin1'), Buffer.from(salt, 'hex'), 7);
      const cipher = createCipheriv('des-ede3-cbc', key, iv);
      return Buffer.concat([cipher.update('interop check', 'latin1'), cipher.final()]).toString('hex');
    });
    expect(ours).toEqual(expected);
    // Equal halves [a,b,c,d,a,b,c,d]: Java 17 reverses the first ([d,c,b,a]); older JDKs' typo gave [d,a,b,d].
    const derive = (salt: string, variant?: 'legacy-typo') =>
      deriveTripleDesKeyAndIv(Buffer.from(password), Buffer.from(salt, 'hex'), 7, variant);
    expect(derive('0102030401020304')).toEqual(derive('0403020101020304'));
    expect(derive('0102030401020304', 'legacy-typo')).toEqual(derive('0401020401020304'));
  });
});
