import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { locateHome } from '../../source/config/locate.js';
import { PROFILE_IDS, type ProfileId } from '../../source/core/profiles.js';
import { UserError } from '../../source/errors.js';
import { readJks } from '../../source/keystore/jks/jks.js';
import { keytoolList } from '../../source/keytool/run.js';
import { createSandbox, SANDBOX_MARKER, sandboxFileNames } from '../../source/sandbox/create-sandbox.js';
import { gatherStatus } from '../../source/status/gather.js';
import { tempDir } from '../support/tmp.js';

const NOW = new Date('2026-11-26T12:00:00Z');
const SECURITY = 'repository/resources/security';
const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');

function sha256(der: Buffer): string {
  return new X509Certificate(der).fingerprint256.replaceAll(':', '');
}

async function refused(promise: Promise<unknown>, code: string): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as UserError).exitCode).toBe(2);
  expect((error as UserError).code).toBe(code);
  return error as UserError;
}

/** The tables a sandbox's configuration must have, per profile (the shipped files' keystore settings). */
const EXPECTED_TABLES: Record<ProfileId, { primaryTable: string; fileName: string; truststoreFile: string; type?: string }> = {
  'ei-7': { primaryTable: 'tls', fileName: 'wso2carbon.jks', truststoreFile: 'client-truststore.jks', type: 'JKS' },
  'mi-1.1': { primaryTable: 'tls', fileName: 'wso2carbon.jks', truststoreFile: 'client-truststore.jks' },
  'mi-1.2': { primaryTable: 'tls', fileName: 'wso2carbon.jks', truststoreFile: 'client-truststore.jks' },
  'mi-4': {
    primaryTable: 'primary',
    fileName: `${SECURITY}/wso2carbon.jks`,
    truststoreFile: `${SECURITY}/client-truststore.jks`,
  },
};

describe.each(PROFILE_IDS.map((profile) => [profile]))('createSandbox, profile %s', (profile) => {
  it('writes the layout, a parseable commented config, keystores status and keytool read as the shipped ones', async () => {
    const home = path.join(tempDir(), 'nested', 'sandbox');
    const result = await createSandbox(home, profile, NOW);
    expect(result).toEqual({ home, profile, files: sandboxFileNames(profile), created: true });
    const configFile = profile === 'ei-7' ? 'conf/ei.toml' : 'conf/deployment.toml';
    expect(result.files).toEqual([
      configFile,
      ...(profile === 'ei-7' ? [] : ['repository/resources/conf/default.json']),
      `${SECURITY}/wso2carbon.jks`,
      `${SECURITY}/client-truststore.jks`,
    ]);
    for (const file of result.files) expect(existsSync(path.join(home, file)), file).toBe(true);
    expect(readFileSync(path.join(home, SANDBOX_MARKER), 'utf8').trim()).toBe(profile);
    for (const file of result.files.slice(-2)) expect(statSync(path.join(home, file)).mode & 0o777, file).toBe(0o600);

    // The config is the template, byte for byte (so the .toml loader hands over the text unchanged).
    const text = readFileSync(path.join(home, configFile), 'utf8');
    expect(text).toBe(readFileSync(path.join(repositoryRoot, 'templates/sandbox', `${profile}.toml`), 'utf8'));
    expect(text.split('\n')[0]).toMatch(/^# ei-keystore sandbox/);
    expect(text).toMatch(/^# \[secrets\]$/m);
    const data = parse(text) as Record<string, Record<string, unknown>>;
    const expected = EXPECTED_TABLES[profile];
    expect(data.server).toEqual({ hostname: 'localhost' });
    const keystore = data.keystore as Record<string, Record<string, unknown>>;
    expect(Object.keys(keystore)).toEqual([expected.primaryTable]);
    expect(keystore[expected.primaryTable]).toEqual({
      file_name: expected.fileName,
      ...(expected.type ? { type: expected.type } : {}),
      password: 'wso2carbon',
      alias: 'wso2carbon',
      key_password: 'wso2carbon',
    });
    expect(data.truststore).toEqual({
      file_name: expected.truststoreFile,
      ...(expected.type ? { type: expected.type } : {}),
      password: 'wso2carbon',
      alias: 'symmetric.key.value',
      algorithm: 'AES',
    });

    // Our key pair: opens with the shipped passwords, key matches certificate, the shipped subject, SAN, 365 days.
    const store = readJks(readFileSync(path.join(home, SECURITY, 'wso2carbon.jks')), 'wso2carbon');
    expect(store.entries.map((entry) => [entry.alias, entry.kind])).toEqual([['wso2carbon', 'private-key']]);
    const entry = store.entries[0]!;
    if (entry.kind !== 'private-key') throw new Error('not a key entry');
    const certificate = new X509Certificate(entry.chain[0]!);
    expect(entry.chain).toHaveLength(1);
    expect(certificate.checkPrivateKey(entry.key.recover('wso2carbon'))).toBe(true);
    // Node prints the DER order; keytool shows it reversed, as written: CN=localhost, O=WSO2, ..., C=US.
    expect(certificate.subject.split('\n')).toEqual(['C=US', 'ST=CA', 'L=Mountain View', 'O=WSO2', 'CN=localhost']);
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.subjectAltName).toBe('DNS:localhost');
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const days = (Date.parse(certificate.validTo) - NOW.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    const trust = readJks(readFileSync(path.join(home, SECURITY, 'client-truststore.jks')), 'wso2carbon');
    expect(trust.entries).toMatchObject([{ alias: 'wso2carbon', kind: 'trusted-certificate', certificate: entry.chain[0] }]);

    // status reads the sandbox as a home of this profile, and says what a shipped home would make it say.
    const report = await gatherStatus({ located: locateHome({ home, env: {}, cwd: '/' }), env: {}, now: NOW });
    expect(report.profile).toBe(profile);
    const primary = report.roles.find((role) => role.role === 'primary')!;
    expect(primary).toMatchObject({
      file: path.join(home, SECURITY, 'wso2carbon.jks'),
      opened: true,
      format: 'JKS',
      aliasFound: true,
      isKeyEntry: true,
      keyRecovered: true,
      keyMatchesCertificate: true,
    });
    expect(report.roles.find((role) => role.role === 'truststore')).toMatchObject({ opened: true, entryCount: 1 });
    const codes = report.findings.map((finding) => finding.code);
    expect(codes).toContain('default-keystore');
    expect(codes).toContain('default-password');
    expect(codes).not.toContain('primary-not-trusted');
    expect(codes.includes('table-ignored')).toBe(profile === 'mi-1.2');
    expect(report.findings.filter((finding) => finding.level === 'error')).toEqual([]);

    // keytool lists both files as Java would load them.
    const fingerprint = sha256(entry.chain[0]!);
    const [keys, trusted] = await Promise.all([
      keytoolList(path.join(home, SECURITY, 'wso2carbon.jks'), 'wso2carbon', 'JKS'),
      keytoolList(path.join(home, SECURITY, 'client-truststore.jks'), 'wso2carbon', 'JKS'),
    ]);
    expect(keys).toEqual([{ alias: 'wso2carbon', kind: 'private-key', chainLength: 1, sha256: fingerprint }]);
    expect(trusted).toEqual([{ alias: 'wso2carbon', kind: 'trusted-certificate', sha256: fingerprint }]);
  });
});

describe('createSandbox, the directory', () => {
  it('fills an existing empty directory, and defaults to mi-4', async () => {
    const home = tempDir();
    const result = await createSandbox(home);
    expect(result.profile).toBe('mi-4');
    expect(result.created).toBe(true);
    expect(readdirSync(home).sort()).toEqual([SANDBOX_MARKER, 'conf', 'repository']);
  });

  it('leaves an existing sandbox untouched and reports its own profile', async () => {
    const home = path.join(tempDir(), 'box');
    await createSandbox(home, 'mi-1.1', NOW);
    const keystore = path.join(home, SECURITY, 'wso2carbon.jks');
    const before = readFileSync(keystore);
    const mtime = statSync(keystore).mtimeMs;
    const again = await createSandbox(home, 'mi-4', new Date(NOW.getTime() + 86_400_000));
    expect(again).toEqual({ home, profile: 'mi-1.1', files: sandboxFileNames('mi-1.1'), created: false });
    expect(readFileSync(keystore)).toEqual(before);
    expect(statSync(keystore).mtimeMs).toBe(mtime);
  });

  it('refuses a non-empty directory that is not a sandbox, and writes nothing', async () => {
    const home = tempDir();
    writeFileSync(path.join(home, 'notes.txt'), 'mine');
    const error = await refused(createSandbox(home, 'mi-4', NOW), 'sandbox-not-empty');
    expect(error.message).toContain(home);
    expect(error.message).toMatch(/not empty/);
    expect(readdirSync(home)).toEqual(['notes.txt']);
  });

  it('refuses a file where the directory should be', async () => {
    const file = path.join(tempDir(), 'file');
    writeFileSync(file, 'x');
    const error = await refused(createSandbox(file, 'mi-4', NOW), 'sandbox-not-empty');
    expect(error.message).toMatch(/not a directory/);
  });

  it('refuses a damaged marker instead of guessing', async () => {
    const home = tempDir();
    mkdirSync(path.join(home, 'conf'));
    writeFileSync(path.join(home, SANDBOX_MARKER), 'mi-9\n');
    await refused(createSandbox(home, 'mi-4', NOW), 'sandbox-marker-invalid');
  });

  it('a write failing part way leaves nothing behind, in a new or an empty directory', async () => {
    // A home path so long that the config fits under PATH_MAX but the truststore's path does not.
    const base = tempDir();
    let home = base;
    while (home.length < 4050 - 201) home = path.join(home, 'd'.repeat(200));
    home = path.join(home, 'e'.repeat(4050 - home.length - 1));
    expect(home).toHaveLength(4050);
    const nested = path.join(base, 'd'.repeat(200));
    mkdirSync(path.dirname(home), { recursive: true });
    await refused(createSandbox(home, 'mi-4', NOW), 'sandbox-write-failed');
    expect(existsSync(home)).toBe(false);
    mkdirSync(home);
    await refused(createSandbox(home, 'mi-4', NOW), 'sandbox-write-failed');
    expect(readdirSync(home)).toEqual([]);
    expect(existsSync(nested)).toBe(true);
  });

  it('refuses an unknown profile, listing the valid ones, before writing anything', async () => {
    const home = path.join(tempDir(), 'never');
    const error = await refused(createSandbox(home, 'mi-5' as ProfileId, NOW), 'usage');
    expect(error.message).toContain('ei-7, mi-1.1, mi-1.2, mi-4');
    expect(existsSync(home)).toBe(false);
  });
});
