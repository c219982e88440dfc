import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { eiHome, homeFromFixtures, SECURITY } from '../support/homes.js';
import { genKeyPair, keytool } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
import { tempDir } from '../support/tmp.js';
import { parseDname } from '../../source/keystore/x509/dname.js';

interface JsonFinding {
  level: string;
  code: string;
  role?: string;
  message: string;
}

async function statusJson(home: string, now?: Date, env: NodeJS.ProcessEnv = {}) {
  const run = await runCliCaptured(['status', '--home', home, '--json'], { now, env });
  const document = JSON.parse(run.stdout) as { profile: string; roles: Array<Record<string, unknown>>; findings: JsonFinding[] };
  return { run, document, codes: document.findings.map((f) => `${f.level}:${f.code}${f.role ? `:${f.role}` : ''}`) };
}

const EI_TOML = (primary: Record<string, string>, extra = '') => `# the source document's layout
[server]
hostname = "localhost"

[keystore.tls]
${Object.entries(primary)
  .map(([k, v]) => `${k} = "${v}"`)
  .join('\n')}

[truststore]
file_name = "client-truststore.jks"
type = "JKS"
password = "trustpass"
alias = "symmetric.key.value"
algorithm = "AES"
${extra}`;

/** An ei-7 home with a keytool-made primary keystore and a truststore holding its certificate. */
async function eiHomeWithKeystore(
  dir: string,
  options: { keySize?: number; validityDays?: number; keyPassword?: string; configKeyPassword?: string; trust?: boolean } = {},
) {
  const keystore = path.join(dir, SECURITY, 'ei-primary.jks');
  const truststore = path.join(dir, SECURITY, 'client-truststore.jks');
  eiHome(
    dir,
    EI_TOML({
      file_name: 'ei-primary.jks',
      type: 'JKS',
      password: 'storepass',
      alias: 'ei-primary',
      key_password: options.configKeyPassword ?? options.keyPassword ?? 'storepass',
    }),
  );
  await genKeyPair({
    file: keystore,
    alias: 'ei-primary',
    storePassword: 'storepass',
    keyPassword: options.keyPassword,
    keySize: options.keySize,
    validityDays: options.validityDays,
  });
  const cert = path.join(dir, 'primary.cer');
  await keytool(['-exportcert', '-keystore', keystore, '-alias', 'ei-primary', '-file', cert, '-storepass:env', 'P'], { P: 'storepass' });
  if (options.trust !== false) {
    await keytool(
      [
        '-importcert',
        '-noprompt',
        '-keystore',
        truststore,
        '-storetype',
        'JKS',
        '-alias',
        'ei-primary',
        '-file',
        cert,
        '-storepass:env',
        'P',
      ],
      { P: 'trustpass' },
    );
  } else {
    await genKeyPair({ file: truststore, alias: 'other', storePassword: 'trustpass' });
  }
  return { keystore, truststore };
}

describe('status on a healthy home of the source document (ei-7)', () => {
  it('exits 0 with no errors and says the internal keystore is not separated', async () => {
    const home = tempDir();
    const { keystore } = await eiHomeWithKeystore(home);
    // Healthy includes private: the key and the plaintext passwords readable by their owner only.
    chmodSync(keystore, 0o600);
    chmodSync(path.join(home, 'conf', 'ei.toml'), 0o600);
    const { run, document, codes } = await statusJson(home);
    expect(run.code).toBe(0);
    expect(document.profile).toBe('ei-7');
    // Passwords written in plain text in a real (non-sandbox) home are worth moving into the vault.
    expect(codes).toEqual(['warning:internal-not-separated:internal', 'warning:password-plaintext']);
    const primary = document.roles.find((role) => role.role === 'primary')!;
    expect(primary).toMatchObject({
      exists: true,
      format: 'JKS',
      opened: true,
      aliasFound: true,
      isKeyEntry: true,
      keyRecovered: true,
      keyMatchesCertificate: true,
    });
  });

  it('reports a weak key, an expiring certificate and a primary certificate the truststore lacks', async () => {
    const home = tempDir();
    await eiHomeWithKeystore(home, { keySize: 1024, validityDays: 10, trust: false });
    const { run, codes } = await statusJson(home);
    expect(run.code).toBe(0);
    expect(codes).toEqual(
      expect.arrayContaining(['warning:weak-key:primary', 'warning:expiring-soon:primary', 'warning:primary-not-trusted:truststore']),
    );
  });

  it('finds a wrong key password where store and key passwords differ', async () => {
    const home = tempDir();
    await eiHomeWithKeystore(home, { keyPassword: 'keypass', configKeyPassword: 'not-it' });
    const { run, codes, document } = await statusJson(home);
    expect(run.code).toBe(1);
    expect(codes).toContain('error:wrong-key-password:primary');
    expect(document.roles[0]).toMatchObject({ opened: true, keyRecovered: false });
  });

  it('opens the key with its own key password when it differs from the store password', async () => {
    const home = tempDir();
    await eiHomeWithKeystore(home, { keyPassword: 'keypass' });
    const { run, codes } = await statusJson(home);
    expect(run.code).toBe(0);
    expect(codes).not.toContain('error:wrong-key-password:primary');
  });

  it('reports wrong store password, missing alias, a trusted entry named as the key, a missing file and a type mismatch', async () => {
    const home = tempDir();
    const { keystore, truststore } = await eiHomeWithKeystore(home);
    const config = path.join(home, 'conf', 'ei.toml');
    const original = readFileSync(config, 'utf8');
    const variants: Array<[string, string, string]> = [
      ['password = "storepass"', 'password = "wrong"', 'error:wrong-password:primary'],
      ['alias = "ei-primary"', 'alias = "nobody"', 'error:alias-missing:primary'],
      ['file_name = "ei-primary.jks"', 'file_name = "absent.jks"', 'error:file-missing:primary'],
      ['type = "JKS"', 'type = "PKCS12"', 'info:type-mismatch:primary'],
    ];
    for (const [from, to, expected] of variants) {
      writeFileSync(config, original.replace(from, to));
      const { run, codes } = await statusJson(home);
      expect(codes, `${from} -> ${to}`).toContain(expected);
      expect(run.code).toBe(expected.startsWith('error') ? 1 : 0);
    }
    // The truststore as primary: its only entry is a trusted certificate.
    copyFileSync(truststore, keystore);
    writeFileSync(config, original.replace('password = "storepass"', 'password = "trustpass"'));
    expect((await statusJson(home)).codes).toContain('error:not-a-key-entry:primary');
  });

  it('reports a keystore whose key does not match its certificate', async () => {
    const home = tempDir();
    const { keystore } = await eiHomeWithKeystore(home);
    // Our writers refuse a key that does not match its certificate, as they should; so forge one: a JKS of key A
    // and certificate A, with certificate A's bytes swapped for a same-sized certificate B, digest recomputed.
    const { writeJks } = await import('../../source/keystore/jks/jks.js');
    const { integrityDigest, INTEGRITY_DIGEST_LENGTH } = await import('../../source/keystore/jks/integrity.js');
    const { generateKeyPair } = await import('../../source/keystore/generate.js');
    const { createSelfSignedCertificate } = await import('../../source/keystore/x509/build.js');
    const now = new Date();
    const certificateFor = (pair: { privateKey: import('node:crypto').KeyObject; publicKey: import('node:crypto').KeyObject }) =>
      createSelfSignedCertificate({
        ...pair,
        subject: parseDname('CN=ei-primary.example.com, O=Test'),
        validityDays: 365,
        now,
        serialNumber: Buffer.from([1, 2, 3]),
      });
    const a = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
    const b = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
    const certA = certificateFor(a);
    const certB = certificateFor(b);
    expect(certB.length).toBe(certA.length);
    const file = writeJks(
      [{ kind: 'private-key', alias: 'ei-primary', key: a.privateKey, keyPassword: 'storepass', chain: [certA] }],
      'storepass',
      now,
    );
    const at = file.indexOf(certA);
    certB.copy(file, at);
    const bodyEnd = file.length - INTEGRITY_DIGEST_LENGTH;
    integrityDigest('storepass', file.subarray(0, bodyEnd)).copy(file, bodyEnd);
    writeFileSync(keystore, file);
    const { run, codes } = await statusJson(home);
    expect(run.code).toBe(1);
    expect(codes).toContain('error:key-cert-mismatch:primary');
  });

  it('reports an unset $env{} password as unavailable, and opens the keystore when it is set', async () => {
    const home = tempDir();
    await eiHomeWithKeystore(home);
    const config = path.join(home, 'conf', 'ei.toml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('password = "storepass"', 'password = "$env{EIK_TEST_PASS}"'));
    const unset = await statusJson(home);
    expect(unset.codes).toContain('warning:password-unavailable:primary');
    const set = await statusJson(home, undefined, { EIK_TEST_PASS: 'storepass' });
    expect(set.codes).not.toContain('warning:password-unavailable:primary');
    expect(set.document.roles[0]).toMatchObject({ opened: true, passwordFrom: '$env{EIK_TEST_PASS}' });
  });

  it('warns when a PKCS#12 truststore holds certificates Java cannot see (openssl pkcs12 -nokeys)', async () => {
    const home = tempDir();
    const { keystore, truststore } = await eiHomeWithKeystore(home);
    const pem = path.join(home, 'primary.pem');
    await keytool(['-exportcert', '-rfc', '-keystore', keystore, '-alias', 'ei-primary', '-file', pem, '-storepass:env', 'P'], {
      P: 'storepass',
    });
    const made = spawnSync('openssl', ['pkcs12', '-export', '-nokeys', '-in', pem, '-out', truststore, '-passout', 'env:TP'], {
      env: { ...process.env, TP: 'trustpass' },
    });
    expect(made.status, made.stderr?.toString()).toBe(0);
    const config = path.join(home, 'conf', 'ei.toml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        'file_name = "client-truststore.jks"\ntype = "JKS"',
        'file_name = "client-truststore.jks"\ntype = "PKCS12"',
      ),
    );
    const { codes } = await statusJson(home);
    expect(codes).toContain('warning:truststore-invisible-certificates:truststore');
  });

  it('exits 2 with line and column when the configuration does not parse, and names the file', async () => {
    const home = tempDir();
    eiHome(home, '[keystore.tls]\nfile_name = "a.jks\n');
    const run = await runCliCaptured(['status', '--home', home]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/ei\.toml/);
    expect(run.stderr).toMatch(/:2:\d+|line 2/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const json = await runCliCaptured(['status', '--home', home, '--json']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).findings[0].code).toBe('config-invalid');
  });

  it('exits 2 naming --home, EI_HOME and MI_HOME when there is no configuration', async () => {
    const home = tempDir();
    const run = await runCliCaptured(['status'], { cwd: home });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--home/);
    expect(run.stderr).toMatch(/EI_HOME/);
    expect(run.stderr).toMatch(/MI_HOME/);
  });
});

describeWithFixtures('status on shipped WSO2 homes', () => {
  it('mi-4.0.0 with kernel 4.6.2: the shipped certificate has expired, defaults are in use', async () => {
    const home = homeFromFixtures(tempDir(), { config: 'mi-4.0.0', kernel: 'carbon-kernel-v4.6.2' });
    const { run, document, codes } = await statusJson(home, new Date('2026-11-26T00:00:00Z'));
    expect(run.code).toBe(1);
    expect(document.profile).toBe('mi-4');
    expect(codes).toEqual(
      expect.arrayContaining([
        'error:expired:primary',
        'warning:default-keystore:primary',
        'warning:internal-not-separated:internal',
        'warning:default-password:primary',
      ]),
    );
    expect(codes).not.toContain('warning:primary-not-trusted:truststore');
  });

  it('mi-1.2.0: says the shipped [keystore.tls] is ignored', async () => {
    const home = homeFromFixtures(tempDir(), { config: 'mi-1.2.0', kernel: 'carbon-kernel-v4.5.0' });
    const { document, codes } = await statusJson(home, new Date('2026-11-26T00:00:00Z'));
    expect(document.profile).toBe('mi-1.2');
    expect(codes).toContain('warning:table-ignored');
    expect(document.findings.find((f) => f.code === 'table-ignored')!.message).toMatch(/\[keystore\.tls\]/);
    // Not configurable on 1.2: said as information, not as something to fix.
    expect(codes).toContain('info:internal-not-separated:internal');
  });

  it('mi-1.1.0 with kernel 4.5.0: valid until 2029, expiring within 30 days of its end', async () => {
    const home = homeFromFixtures(tempDir(), { config: 'mi-1.1.0', kernel: 'carbon-kernel-v4.5.0' });
    const today = await statusJson(home, new Date('2026-11-26T00:00:00Z'));
    expect(today.document.profile).toBe('mi-1.1');
    expect(today.codes).not.toContain('error:expired:primary');
    expect(today.run.code).toBe(0);
    const later = await statusJson(home, new Date('2029-08-01T00:00:00Z'));
    expect(later.codes).toContain('warning:expiring-soon:primary');
  });

  it('mi-4.0.0 with the 4.10.x PKCS#12 files behind .jks names: type mismatch (a note: Java 9+ reads them), still opened', async () => {
    const home = homeFromFixtures(tempDir(), { config: 'mi-4.0.0', kernel: 'carbon-kernel-v4.9.26' });
    const swaps: Array<[string, string]> = [
      ['wso2carbon.p12', 'wso2carbon.jks'],
      ['client-truststore.p12', 'client-truststore.jks'],
    ];
    for (const [from, to] of swaps) {
      copyFileSync(fixturePath('wso2', 'keystores', 'carbon-kernel-4.10.x', from), path.join(home, SECURITY, to));
    }
    const { document, codes } = await statusJson(home, new Date('2026-11-26T00:00:00Z'));
    expect(codes).toContain('info:type-mismatch:primary');
    expect(document.roles[0]).toMatchObject({ format: 'PKCS12', opened: true, keyMatchesCertificate: true });
  });

  it('prints a readable report at 80 columns', async () => {
    const home = homeFromFixtures(tempDir(), { config: 'mi-4.0.0', kernel: 'carbon-kernel-v4.9.26' });
    rmSync(path.join(home, SECURITY, 'client-truststore.jks'));
    const run = await runCliCaptured(['status', '--home', home], { now: new Date('2026-11-26T00:00:00Z') });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/file-missing/);
    for (const line of run.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});

describe("the wizard's start reads the configuration once", () => {
  it('status of the facts judges the bytes the procedures plan from, with the vault the facts unlocked', async () => {
    const { createSandbox } = await import('../../source/sandbox/create-sandbox.js');
    const { readWizardSnapshot } = await import('../../source/procedures/home-snapshot.js');
    const { statusOfFacts } = await import('../../source/session/session.js');
    const { gatherStatus } = await import('../../source/status/gather.js');
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const now = new Date();
    const facts = await readWizardSnapshot({ home, env: {}, cwd: home, now });
    // Changed on disk after the wizard read it: what the wizard shows must still be what it plans from.
    writeFileSync(facts.located.config.path, 'this is = = not TOML\n');
    const report = await statusOfFacts(facts, { env: {}, now });
    expect(report.roles.map((role) => role.opened)).toEqual([true, true, true]);
    await expect(gatherStatus({ located: facts.located, env: {}, now })).rejects.toThrow(/deployment\.toml/);
  });
});
