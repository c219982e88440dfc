import { constants, publicEncrypt, X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCertificateRequest, certificateRequestPem } from '../../source/keystore/x509/csr.js';
import { generateKeyPair } from '../../source/keystore/generate.js';
import { encodeKeystore, type EntryToWrite, type WritableFormat } from '../../source/keystore/write.js';
import { createSelfSignedCertificate } from '../../source/keystore/x509/build.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { homeFromFixtures, SECURITY, type ShippedConfig } from '../support/homes.js';
import { genKeyPair, keytool } from '../support/keytool.js';
import {
  compileStartupCheckInto,
  expectServerStarts,
  runStartupCheck,
  startupRole,
  type StartupProfile,
} from '../support/startup-check.js';
import { makeTestCa } from '../support/test-ca.js';
import { tempDir } from '../support/tmp.js';
import { encodeDname, parseDname } from '../../source/keystore/x509/dname.js';
import { parseSubjectAltNames } from '../../source/keystore/x509/san.js';

/*
 * The start-up check is the test suite's stand-in for the server. These tests show that it passes what the
 * server starts on, and that it disagrees with the reading the issue calls naive ("a missing key_password is
 * the table's own password", "[keystore.internal] has its own key password") exactly where the server does.
 * One JVM run per home.
 */

const SANDBOX_PASSWORD = 'wso2carbon';
const SANDBOX_CERTIFICATE_ALIAS = 'wso2carbon';

interface MadeKey {
  entry: EntryToWrite;
  certificate: Buffer;
}

async function selfSignedKey(alias: string, keyPassword: string): Promise<MadeKey> {
  const { privateKey, publicKey } = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
  const certificate = createSelfSignedCertificate({
    privateKey,
    publicKey,
    subject: parseDname(`CN=${alias}.example.com, O=Test`),
    subjectAltNames: parseSubjectAltNames(['DNS:localhost']),
    validityDays: 365,
  });
  return { entry: { kind: 'private-key', alias, key: privateKey, keyPassword, chain: [certificate] }, certificate };
}

async function writeStore(file: string, entries: EntryToWrite[], storePassword: string, format: WritableFormat = 'JKS'): Promise<void> {
  writeFileSync(file, await encodeKeystore(format, entries, storePassword), { mode: 0o600 });
}

function trusted(alias: string, certificate: Buffer): EntryToWrite {
  return { kind: 'trusted-certificate', alias, certificate };
}

/** What the cipher tool writes into [secrets]: Base64 of RSA-OAEP (SHA-1) under the certificate's public key. */
function encryptSecret(certificate: Buffer, plaintext: string): string {
  const key = new X509Certificate(certificate).publicKey;
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(plaintext, 'utf8')).toString(
    'base64',
  );
}

/** The certificate of the sandbox's wso2carbon key, read with keytool (independent of the project's readers). */
async function sandboxCertificate(home: string): Promise<Buffer> {
  const file = path.join(home, 'sandbox.cer');
  await keytool(
    [
      '-exportcert',
      '-keystore',
      path.join(home, SECURITY, 'wso2carbon.jks'),
      '-alias',
      SANDBOX_CERTIFICATE_ALIAS,
      '-file',
      file,
      '-storepass:env',
      'P',
    ],
    { P: SANDBOX_PASSWORD },
  );
  return readFileSync(file);
}

async function mi4Sandbox(): Promise<string> {
  const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
  return home;
}

function writeConfig(home: string, toml: string): void {
  writeFileSync(path.join(home, 'conf', 'deployment.toml'), toml);
}

const SANDBOX_PRIMARY = `[keystore.primary]
file_name = "repository/resources/security/wso2carbon.jks"
password = "wso2carbon"
alias = "wso2carbon"
key_password = "wso2carbon"
`;

const SANDBOX_TRUSTSTORE = `[truststore]
file_name = "repository/resources/security/client-truststore.jks"
password = "wso2carbon"
alias = "symmetric.key.value"
algorithm = "AES"
`;

describe('the start-up check on sandbox homes', () => {
  it.each<StartupProfile>(['ei-7', 'mi-1.1', 'mi-1.2', 'mi-4'])('%s: the server starts, on the profile the home shows', async (profile) => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), profile);
    const result = await expectServerStarts(home);
    expect(result.profile).toBe(profile);
    expect(result.profileFrom).toBe(profile === 'ei-7' ? 'conf/ei.toml without default.json' : 'default.json');
    for (const role of ['primary', 'internal'] as const) {
      expect(startupRole(result, role)).toMatchObject({
        storeOpens: true,
        keyOpens: true,
        chainMatchesKey: true,
        alias: 'wso2carbon',
        format: 'JKS',
      });
    }
    expect(startupRole(result, 'truststore')).toMatchObject({ storeOpens: true, trustedCertificates: 1 });
    // MI 1.1 and 1.2 write the internal keystore into carbon.xml; the others read [keystore.internal].
    expect(startupRole(result, 'internal').table).toBe(
      profile.startsWith('mi-1.') ? `carbon.xml <InternalKeyStore> (hard-coded in ${profile})` : 'keystore.internal',
    );
    expect(result.tls).toMatchObject({ ok: true });
  });
});

describeWithFixtures('the start-up check on homes made of shipped files', () => {
  const cases: Array<{ config: ShippedConfig; kernel: string; date: string; profile: StartupProfile }> = [
    { config: 'mi-1.1.0', kernel: 'carbon-kernel-v4.5.0', date: '2025-01-01', profile: 'mi-1.1' },
    { config: 'mi-1.2.0', kernel: 'carbon-kernel-v4.6.2', date: '2021-06-01', profile: 'mi-1.2' },
    { config: 'mi-4.0.0', kernel: 'carbon-kernel-v4.6.2', date: '2021-06-01', profile: 'mi-4' },
    { config: 'mi-4.0.0', kernel: 'carbon-kernel-v4.9.26', date: '2025-06-01', profile: 'mi-4' },
  ];
  it.each(cases)('$config with the keystores of $kernel starts (PKIX date $date)', async ({ config, kernel, date, profile }) => {
    const home = homeFromFixtures(tempDir(), { config, kernel });
    const result = await expectServerStarts(home, { date });
    expect(result.profile).toBe(profile);
    expect(startupRole(result, 'primary')).toMatchObject({
      file: path.join(home, SECURITY, 'wso2carbon.jks'),
      keyOpens: true,
      chainMatchesKey: true,
    });
    // The shipped truststore holds the public CAs as well as the wso2carbon certificate.
    expect(startupRole(result, 'truststore').trustedCertificates).toBeGreaterThan(30);
  });

  it('a deployment.toml without default.json cannot be placed until --profile says which version it is', async () => {
    const dir = tempDir();
    homeFromFixtures(dir, { config: 'mi-1.2.0', kernel: 'carbon-kernel-v4.6.2', withDefaults: false });
    const unknown = await runStartupCheck(dir);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.error).toMatch(/--profile/);
    const told = await expectServerStarts(dir, { profile: 'mi-1.2', date: '2021-06-01' });
    expect(told.defaults).toBe('built-in mi-1.2 table');
  });
});

describe('where the server and the naive reading of a home differ', () => {
  it('(a) [keystore.primary] without key_password opens its key with "wso2carbon", not with the table password', async () => {
    const home = await mi4Sandbox();
    // keytool's usual keystore: one password for store and key, and it is not wso2carbon.
    const keystore = path.join(home, SECURITY, 'ei-primary.jks');
    await genKeyPair({
      file: keystore,
      alias: 'ei-primary',
      storePassword: 'prim-Pw-5',
      keyPassword: 'prim-Pw-5',
      dname: 'CN=localhost, O=Test',
    });
    writeConfig(
      home,
      `[keystore.primary]
file_name = "repository/resources/security/ei-primary.jks"
password = "prim-Pw-5"
alias = "ei-primary"

${SANDBOX_TRUSTSTORE}`,
    );
    const result = await runStartupCheck(home);
    expect(result.exitCode).toBe(1);
    const primary = startupRole(result, 'primary');
    expect(primary).toMatchObject({ storeOpens: true, keyOpens: false, origins: { key_password: 'default.json' } });
    expect(primary.error).toMatch(/^java\.security\.UnrecoverableKeyException/);
    // The internal keystore is the primary, key by key, so it fails with it; so does the HTTPS listener.
    expect(startupRole(result, 'internal')).toMatchObject({ storeOpens: true, keyOpens: false });
    expect(result.tls?.ok).toBe(false);
  });

  it('(a) control: the same keystore with key_password written out starts', async () => {
    const home = await mi4Sandbox();
    const keystore = path.join(home, SECURITY, 'ei-primary.jks');
    await genKeyPair({
      file: keystore,
      alias: 'ei-primary',
      storePassword: 'prim-Pw-5',
      keyPassword: 'prim-Pw-5',
      dname: 'CN=localhost, O=Test',
    });
    const certificate = path.join(home, 'ei-primary.cer');
    await keytool(['-exportcert', '-keystore', keystore, '-alias', 'ei-primary', '-file', certificate, '-storepass:env', 'P'], {
      P: 'prim-Pw-5',
    });
    await keytool(
      [
        '-importcert',
        '-noprompt',
        '-keystore',
        path.join(home, SECURITY, 'client-truststore.jks'),
        '-alias',
        'ei-primary',
        '-file',
        certificate,
        '-storepass:env',
        'P',
      ],
      { P: SANDBOX_PASSWORD },
    );
    writeConfig(
      home,
      `[keystore.primary]
file_name = "repository/resources/security/ei-primary.jks"
password = "prim-Pw-5"
alias = "ei-primary"
key_password = "prim-Pw-5"

${SANDBOX_TRUSTSTORE}`,
    );
    const result = await expectServerStarts(home);
    expect(startupRole(result, 'internal')).toMatchObject({ file: keystore, keyOpens: true });
    expect(startupRole(result, 'truststore').trustedCertificates).toBe(2);
  });

  /** MI 4 with its own internal keystore (store password intern-Pw-9, key password wso2carbon) and a secret for it. */
  async function separatedInternalHome(
    options: {
      primary?: 'sandbox' | 'rotated';
      internalKeyPassword?: string;
      secrets?: (internal: Buffer, sandbox: Buffer) => Record<string, string>;
    } = {},
  ) {
    const home = await mi4Sandbox();
    const internal = await selfSignedKey('ei-internal', 'wso2carbon');
    await writeStore(path.join(home, SECURITY, 'ei-internal.jks'), [internal.entry], 'intern-Pw-9');
    let primaryTable = SANDBOX_PRIMARY;
    if (options.primary === 'rotated') {
      // `apply primary` with key_password = "key-Pw-1290": a new primary, trusted by the truststore.
      const primary = await selfSignedKey('ei-primary', 'key-Pw-1290');
      await writeStore(path.join(home, SECURITY, 'ei-primary.jks'), [primary.entry], 'prim-Pw-3');
      await writeStore(path.join(home, SECURITY, 'client-truststore.jks'), [trusted('ei-primary', primary.certificate)], SANDBOX_PASSWORD);
      primaryTable = `[keystore.primary]
file_name = "repository/resources/security/ei-primary.jks"
password = "prim-Pw-3"
alias = "ei-primary"
key_password = "key-Pw-1290"
`;
    }
    const secrets = options.secrets?.(internal.certificate, await sandboxCertificate(home)) ?? {
      db_password: encryptSecret(internal.certificate, 'db-Secret-1'),
    };
    writeConfig(
      home,
      `${primaryTable}
[keystore.internal]
file_name = "repository/resources/security/ei-internal.jks"
password = "intern-Pw-9"
alias = "ei-internal"
${options.internalKeyPassword === undefined ? '' : `key_password = "${options.internalKeyPassword}"\n`}
${SANDBOX_TRUSTSTORE}
[secrets]
${Object.entries(secrets)
  .map(([alias, value]) => `${alias} = "${value}"`)
  .join('\n')}
`,
    );
    return home;
  }

  it("(b) [keystore.internal] without key_password takes the primary's key password through $ref, and starts", async () => {
    const home = await separatedInternalHome({
      secrets: (internal) => ({ db_password: encryptSecret(internal, 'db-Secret-1'), api_key: '[not-yet-encrypted]' }),
    });
    const result = await expectServerStarts(home);
    const internal = startupRole(result, 'internal');
    expect(internal).toMatchObject({
      file: path.join(home, SECURITY, 'ei-internal.jks'),
      storeOpens: true,
      keyOpens: true,
      chainMatchesKey: true,
    });
    expect(internal.origins.key_password).toBe('default.json -> $ref{keystore.primary.key_password} (config)');
    expect(internal.origins.password).toBe('config');
    expect(result.secrets).toEqual([
      { alias: 'db_password', plaintext: false, decrypts: true, error: null },
      { alias: 'api_key', plaintext: true, decrypts: null, error: null },
    ]);
    // The report names where passwords come from, never a password or a decrypted secret.
    for (const secret of ['intern-Pw-9', 'db-Secret-1', 'not-yet-encrypted']) expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('(c) a new [keystore.primary] key_password is followed by the internal key password, which then fails', async () => {
    const home = await separatedInternalHome({ primary: 'rotated' });
    const result = await runStartupCheck(home);
    expect(result.exitCode).toBe(1);
    expect(startupRole(result, 'primary')).toMatchObject({ keyOpens: true, chainMatchesKey: true });
    const internal = startupRole(result, 'internal');
    expect(internal).toMatchObject({ storeOpens: true, keyOpens: false });
    expect(internal.error).toMatch(/^java\.security\.UnrecoverableKeyException/);
    expect(result.secrets).toEqual([
      { alias: 'db_password', plaintext: false, decrypts: false, error: expect.stringContaining('the internal key cannot be opened') },
    ]);
    expect(result.tls?.ok).toBe(true);
    for (const secret of ['intern-Pw-9', 'prim-Pw-3', 'key-Pw-1290', 'db-Secret-1']) expect(JSON.stringify(result)).not.toContain(secret);
  });

  it('(c) control: the internal key_password written out keeps the internal key and its secrets opening', async () => {
    const home = await separatedInternalHome({ primary: 'rotated', internalKeyPassword: 'wso2carbon' });
    const result = await expectServerStarts(home);
    expect(startupRole(result, 'internal').origins.key_password).toBe('config');
    expect(result.secrets[0]).toMatchObject({ alias: 'db_password', decrypts: true });
  });

  it('(d) a [secrets] value the internal key did not encrypt stops the server', async () => {
    const home = await separatedInternalHome({
      secrets: (internal, sandbox) => ({
        good: encryptSecret(internal, 'fine'),
        for_the_primary: encryptSecret(sandbox, 'encrypted for the wrong key'),
        damaged: 'bm90IGEgY2lwaGVydGV4dA==',
      }),
    });
    const result = await runStartupCheck(home);
    expect(result.exitCode).toBe(1);
    expect(startupRole(result, 'internal').keyOpens).toBe(true);
    const byAlias = Object.fromEntries(result.secrets.map((secret) => [secret.alias, secret]));
    expect(byAlias.good).toMatchObject({ decrypts: true });
    expect(byAlias.for_the_primary).toMatchObject({ decrypts: false, error: expect.stringMatching(/^javax\.crypto\.BadPaddingException/) });
    expect(byAlias.damaged).toMatchObject({ decrypts: false, error: expect.stringMatching(/^javax\.crypto\./) });
    expect(result.problems.filter((problem) => problem.startsWith('secret '))).toHaveLength(2);
  });

  it("(e) a truststore without the primary's certificate fails the TLS handshake, though every store opens", async () => {
    const home = await mi4Sandbox();
    const stranger = await selfSignedKey('stranger', 'x-Pw-1');
    await writeStore(path.join(home, SECURITY, 'client-truststore.jks'), [trusted('stranger', stranger.certificate)], SANDBOX_PASSWORD);
    const result = await runStartupCheck(home);
    expect(result.exitCode).toBe(1);
    for (const role of ['primary', 'internal'] as const) expect(startupRole(result, role).chainMatchesKey).toBe(true);
    expect(startupRole(result, 'truststore')).toMatchObject({ storeOpens: true, trustedCertificates: 1 });
    expect(result.tls?.ok).toBe(false);
    expect(result.tls?.error).toMatch(/^javax\.net\.ssl\.SSLHandshakeException: PKIX path (building|validation) failed/);
    expect(result.problems).toEqual([expect.stringMatching(/^tls: /)]);
  });

  describe('(f) a password from the environment', () => {
    const config = `[keystore.primary]
file_name = "repository/resources/security/wso2carbon.jks"
password = "$env{MI_KS_PW}"
alias = "wso2carbon"
key_password = "wso2carbon"

${SANDBOX_TRUSTSTORE}`;

    it('opens the keystore when the variable is set', async () => {
      const home = await mi4Sandbox();
      writeConfig(home, config);
      const result = await expectServerStarts(home, { env: { MI_KS_PW: SANDBOX_PASSWORD } });
      expect(startupRole(result, 'primary').origins.password).toBe('config -> $env{MI_KS_PW}');
    });

    it('stops the server, naming the variable, when it is unset', async () => {
      const home = await mi4Sandbox();
      writeConfig(home, config);
      const result = await runStartupCheck(home, { env: {} });
      expect(result.exitCode).toBe(1);
      expect(startupRole(result, 'primary')).toMatchObject({
        storeOpens: false,
        error: 'keystore.primary.password: environment variable MI_KS_PW is not set',
      });
      // keystore.internal.password is $ref{keystore.primary.password}: it fails the same way.
      expect(startupRole(result, 'internal').error).toMatch(/environment variable MI_KS_PW is not set/);
    });
  });
});

describe('the start-up check, further', () => {
  describe('a keystore password in the secure vault ($secret{})', () => {
    async function vaultHome(): Promise<string> {
      const home = await mi4Sandbox();
      const sandbox = await sandboxCertificate(home);
      writeConfig(
        home,
        `[keystore.primary]
file_name = "repository/resources/security/wso2carbon.jks"
password = "$secret{keystore_password}"
alias = "wso2carbon"
key_password = "wso2carbon"

${SANDBOX_TRUSTSTORE}
[secrets]
keystore_password = "${encryptSecret(sandbox, SANDBOX_PASSWORD)}"
`,
      );
      return home;
    }

    it('is decrypted with the internal key, whose password the server reads from password-persist', async () => {
      const home = await vaultHome();
      writeFileSync(path.join(home, 'password-persist'), `${SANDBOX_PASSWORD}\n`);
      const result = await expectServerStarts(home);
      expect(startupRole(result, 'primary').origins.password).toBe('config -> $secret{keystore_password}');
    });

    it('cannot be read without password-persist or password-tmp (the server would prompt)', async () => {
      const home = await vaultHome();
      const result = await runStartupCheck(home);
      expect(result.exitCode).toBe(1);
      expect(startupRole(result, 'primary').error).toMatch(/none of password, password-tmp, password-persist/);
    });
  });

  describe('a primary signed by a CA, validated at --date', () => {
    async function caSignedHome(): Promise<string> {
      const home = await mi4Sandbox();
      const ca = makeTestCa();
      const { privateKey, publicKey } = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
      const request = certificateRequestPem(
        createCertificateRequest({
          privateKey,
          publicKey,
          subject: encodeDname(parseDname('CN=localhost, O=Test')),
          subjectAltNames: parseSubjectAltNames(['DNS:localhost']),
        }),
      );
      const leaf = ca.sign(request, { validDays: 365 });
      await writeStore(
        path.join(home, SECURITY, 'wso2carbon.jks'),
        [{ kind: 'private-key', alias: 'wso2carbon', key: privateKey, keyPassword: SANDBOX_PASSWORD, chain: [leaf, ca.intermediate] }],
        SANDBOX_PASSWORD,
      );
      await writeStore(path.join(home, SECURITY, 'client-truststore.jks'), [trusted('test-root', ca.root)], SANDBOX_PASSWORD);
      return home;
    }

    it('completes the handshake through the chain to a trusted root, today and not after the leaf expires', async () => {
      const home = await caSignedHome();
      await expectServerStarts(home);
      const later = new Date(Date.now() + 2 * 365 * 86_400_000).toISOString().slice(0, 10);
      const expired = await runStartupCheck(home, { date: later });
      expect(expired.exitCode).toBe(1);
      expect(startupRole(expired, 'primary').keyOpens).toBe(true);
      expect(expired.tls?.error).toMatch(/CertificateExpiredException|validity check failed/);
    });
  });

  it('MI 1.2: [keystore.tls] is ignored, [keystore.primary] is read, and the internal keystore stays the hard-coded wso2carbon.jks', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-1.2');
    const primary = await selfSignedKey('ei-primary', 'key-Pw-7');
    await writeStore(path.join(home, SECURITY, 'ei-primary.jks'), [primary.entry], 'prim-Pw-7');
    await writeStore(path.join(home, SECURITY, 'client-truststore.jks'), [trusted('ei-primary', primary.certificate)], SANDBOX_PASSWORD);
    const sandbox = await sandboxCertificate(home);
    writeConfig(
      home,
      `[keystore.tls]
file_name = "nothing-reads-this.jks"
password = "nothing"

[keystore.primary]
file_name = "ei-primary.jks"
password = "prim-Pw-7"
alias = "ei-primary"
key_password = "key-Pw-7"

[truststore]
file_name = "client-truststore.jks"
password = "wso2carbon"

[secrets]
for_the_shipped_key = "${encryptSecret(sandbox, 'x')}"
`,
    );
    const result = await expectServerStarts(home);
    expect(startupRole(result, 'primary').file).toBe(path.join(home, SECURITY, 'ei-primary.jks'));
    expect(startupRole(result, 'internal')).toMatchObject({ file: path.join(home, SECURITY, 'wso2carbon.jks'), keyOpens: true });
    expect(result.secrets[0]).toMatchObject({ decrypts: true });
  });

  it('loads a PKCS#12 file configured as JKS (JDK 17 keystore.type.compat), but not a JCEKS one', async () => {
    const home = await mi4Sandbox();
    const primary = await selfSignedKey('ei-primary', 'p12-Pw-4');
    await writeStore(path.join(home, SECURITY, 'ei-primary.p12'), [primary.entry], 'p12-Pw-4', 'PKCS12');
    const certificate = path.join(home, 'ei-primary.cer');
    writeFileSync(certificate, primary.certificate);
    const jceks = path.join(home, SECURITY, 'trust.jceks');
    await keytool(
      [
        '-importcert',
        '-noprompt',
        '-storetype',
        'JCEKS',
        '-keystore',
        jceks,
        '-alias',
        'ei-primary',
        '-file',
        certificate,
        '-storepass:env',
        'P',
      ],
      { P: SANDBOX_PASSWORD },
    );
    writeConfig(
      home,
      `[keystore.primary]
file_name = "repository/resources/security/ei-primary.p12"
password = "p12-Pw-4"
alias = "ei-primary"
key_password = "p12-Pw-4"

[truststore]
file_name = "repository/resources/security/trust.jceks"
password = "wso2carbon"
`,
    );
    const result = await runStartupCheck(home);
    expect(startupRole(result, 'primary')).toMatchObject({
      type: 'JKS',
      format: 'PKCS12',
      storeOpens: true,
      keyOpens: true,
      chainMatchesKey: true,
    });
    expect(startupRole(result, 'truststore')).toMatchObject({
      type: 'JKS',
      format: 'JCEKS',
      storeOpens: false,
      error: 'java.io.IOException: Invalid keystore format',
    });
    expect(result.exitCode).toBe(1);
  });

  it('refuses a $ref cycle with the chain in its words', async () => {
    const home = await mi4Sandbox();
    writeConfig(
      home,
      `[keystore.primary]
file_name = "repository/resources/security/wso2carbon.jks"
password = "$ref{keystore.internal.password}"
alias = "wso2carbon"
key_password = "wso2carbon"

[keystore.internal]
password = "$ref{keystore.primary.password}"

${SANDBOX_TRUSTSTORE}`,
    );
    const result = await runStartupCheck(home);
    expect(startupRole(result, 'primary').error).toBe(
      '$ref cycle: keystore.primary.password -> keystore.internal.password -> keystore.primary.password',
    );
  });
});

describeWithFixtures('the start-up check with the shipped MI 4.0 default.json', () => {
  it('reports every explicit keystore reference, and the HTTPS listener serves its own keystore', async () => {
    // The sandbox's default.json holds only the roles' keys; the transports' defaults come from the shipped one.
    const home = await mi4Sandbox();
    copyFileSync(fixturePath('wso2', 'configs', 'mi-4.0.0', 'default.json'), path.join(home, 'repository/resources/conf/default.json'));
    const other = await selfSignedKey('listener', 'lis-Pw-2');
    await writeStore(path.join(home, SECURITY, 'listener.jks'), [other.entry], 'lis-Pw-2');
    writeConfig(
      home,
      `${SANDBOX_PRIMARY}
${SANDBOX_TRUSTSTORE}
[transport.http.listener.keystore]
location = "repository/resources/security/listener.jks"
password = "lis-Pw-2"
key_password = "lis-Pw-2"

[transport.http.sender.keystore]
location = "repository/resources/security/gone.jks"

[internal_api_ssl_config.trust_store]
location = "repository/resources/security/client-truststore.jks"
password = "not-the-password"
`,
    );
    const result = await runStartupCheck(home);
    expect(result.exitCode).toBe(1);
    const byFamily = Object.fromEntries(result.references.map((reference) => [reference.family, reference]));
    expect(Object.keys(byFamily).sort()).toEqual([
      'internal_api_ssl_config.trust_store',
      'transport.http.listener.keystore',
      'transport.http.sender.keystore',
    ]);
    expect(byFamily['transport.http.listener.keystore']).toMatchObject({
      storeOpens: true,
      keyOpens: true,
      error: null,
      type: 'JKS',
      origins: { type: 'default.json -> $ref{keystore.primary.type} (default.json)' },
    });
    expect(byFamily['transport.http.sender.keystore']).toMatchObject({
      storeOpens: false,
      error: expect.stringMatching(/^java\.nio\.file\.NoSuchFileException: .*gone\.jks/),
    });
    expect(byFamily['internal_api_ssl_config.trust_store']).toMatchObject({
      kind: 'truststore',
      storeOpens: false,
      error: expect.stringMatching(/password was incorrect/),
    });
    // The roles are healthy; the listener serves listener.jks, whose certificate nobody trusts.
    for (const role of ['primary', 'internal', 'truststore'] as const) expect(startupRole(result, role).error).toBeNull();
    expect(result.tls).toMatchObject({ ok: false, keystore: path.join(home, SECURITY, 'listener.jks') });
  });
});

describe('compiling the start-up check', () => {
  it('two workers compiling at once both get the same complete classes, and leave no half-built directory', async () => {
    const root = tempDir();
    const [first, second] = await Promise.all([compileStartupCheckInto(root), compileStartupCheckInto(root)]);
    expect(second).toBe(first);
    expect(readdirSync(root)).toEqual([path.basename(first)]);
    expect(readdirSync(first)).toContain('StartupCheck.class');
    // A third caller finds it and compiles nothing.
    expect(await compileStartupCheckInto(root)).toBe(first);
  });
});

describeWithFixtures("the start-up check's own TOML reader", () => {
  type Tagged = { type: string; value: string } | Tagged[] | { [key: string]: Tagged };

  /** toml-test's expected form, with what may be spelt two ways (floats, date-time punctuation) made one. */
  function normalise(value: Tagged): unknown {
    if (Array.isArray(value)) return value.map(normalise);
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof value.type === 'string' &&
      typeof value.value === 'string' &&
      Object.keys(value).length === 2
    ) {
      const { type, value: text } = value as { type: string; value: string };
      if (type === 'float') return { type, value: /nan/.test(text) ? 'nan' : Number(text.replace(/_/g, '')) };
      if (type === 'integer') return { type, value: BigInt(text).toString() };
      if (type.startsWith('date') || type.startsWith('time')) {
        return {
          type,
          value: text
            .toUpperCase()
            .replace(' ', 'T')
            .replace(/\.(\d*?)0+(?=$|Z|[+-])/, (_m, digits: string) => (digits ? `.${digits}` : '')),
        };
      }
      return { type, value: text };
    }
    return Object.fromEntries(Object.entries(value as Record<string, Tagged>).map(([key, item]) => [key, normalise(item)]));
  }

  it('reads every valid TOML 1.0 file of the toml-test corpus as the corpus says, and refuses every invalid one', async () => {
    const corpus = fixturePath('toml-test');
    const listed = readFileSync(path.join(corpus, 'files-toml-1.0.0'), 'utf8')
      .split('\n')
      .filter((line) => line.endsWith('.toml'));
    const valid = listed.filter((file) => file.startsWith('valid/'));
    const invalid = listed.filter((file) => file.startsWith('invalid/'));
    expect(valid.length).toBeGreaterThan(100);
    expect(invalid.length).toBeGreaterThan(100);
    const { execa } = await import('execa');
    const { compileStartupCheck } = await import('../support/startup-check.js');
    const classes = await compileStartupCheck();
    const run = await execa('java', ['-XX:TieredStopAtLevel=1', '-cp', classes, 'StartupCheck', '--parse-toml', ...listed], {
      cwd: corpus,
      reject: false,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const results = JSON.parse(run.stdout) as Array<{ file: string; ok: boolean; error?: string; tree?: Tagged }>;
    const wrong: string[] = [];
    for (const result of results) {
      if (result.file.startsWith('invalid/')) {
        if (result.ok) wrong.push(`${result.file}: accepted`);
        continue;
      }
      if (!result.ok) {
        wrong.push(`${result.file}: refused (${result.error})`);
        continue;
      }
      const expected = JSON.parse(readFileSync(path.join(corpus, result.file.replace(/\.toml$/, '.json')), 'utf8')) as Tagged;
      if (!isDeepStrictEqual(normalise(result.tree!), normalise(expected))) wrong.push(`${result.file}: read differently`);
    }
    expect(wrong).toEqual([]);
  });

  it("flattens tables, dotted and quoted keys, inline tables and arrays of tables into the config mapper's dotted keys", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'deployment.toml');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      file,
      `# comment
[keystore.primary] # trailing comment
file_name = 'C:\\path\\x.jks'
"password" = """
multi\\
   line"""
keystore.internal = { alias = "inline", key_password = "k\\u00e9y" }
[transport.http]
listener.keystore.location = "a.jks"
"dotted.name" = 1
list = [
  "a", # comment
  "b",
]
[[datasource]]
id = "one"
[[datasource]]
id = "two"
`,
    );
    const { execa } = await import('execa');
    const { compileStartupCheck } = await import('../support/startup-check.js');
    const run = await execa('java', ['-cp', await compileStartupCheck(), 'StartupCheck', '--parse-toml', file]);
    const [result] = JSON.parse(run.stdout) as Array<{ ok: boolean; flat: Record<string, unknown> }>;
    expect(result!.ok).toBe(true);
    expect(Object.keys(result!.flat)).toEqual([
      'keystore.primary.file_name',
      'keystore.primary.password',
      'keystore.primary.keystore.internal.alias',
      'keystore.primary.keystore.internal.key_password',
      'transport.http.listener.keystore.location',
      'transport.http."dotted.name"',
      'transport.http.list',
      'datasource',
    ]);
    expect(result!.flat['keystore.primary.file_name']).toEqual({ type: 'string', value: 'C:\\path\\x.jks' });
    expect(result!.flat['keystore.primary.password']).toEqual({ type: 'string', value: 'multiline' });
    expect(result!.flat['keystore.primary.keystore.internal.key_password']).toEqual({ type: 'string', value: 'kéy' });
  });
});
