import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret } from '../../source/keystore/cipher-tool.js';
import { readKeystore } from '../../source/keystore/open.js';
import { keytoolList } from '../../source/keytool/run.js';
import { describeWithFixtures } from '../support/fixtures.js';
import { eiHome, homeFromFixtures, SECURITY } from '../support/homes.js';
import { genKeyPair, keytool } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';

const PASSWORDS = { EI_KEYSTORE_PASSWORD: 'new-store-pass', EI_KEY_PASSWORD: 'new-key-pass', EI_TRUSTSTORE_PASSWORD: 'new-trust-pass' };

function primaryAnswers(
  dir: string,
  extra: { type?: string; keyAlgorithm?: string; keySize?: number; secrets?: string; keyPassword?: boolean; fileName?: string } = {},
): string {
  const file = path.join(dir, 'primary.toml');
  writeFileSync(
    file,
    `[keystore]
source = "generate"
file_name = "${extra.fileName ?? 'ei-primary.jks'}"
type = "${extra.type ?? 'JKS'}"
alias = "EI-Primary"
password = { env = "EI_KEYSTORE_PASSWORD" }
${extra.keyPassword === false ? '' : 'key_password = { env = "EI_KEY_PASSWORD" }'}
[keystore.generate]
dname = "CN=ei.example.com, OU=Integration, O=Example, C=LK"
subject_alt_names = ["DNS:ei.example.com", "IP:127.0.0.1"]
key_algorithm = "${extra.keyAlgorithm ?? 'RSA'}"
key_size = ${extra.keySize ?? 2048}
${extra.secrets ? `[secrets]\nstrategy = "${extra.secrets}"` : ''}
`,
  );
  return file;
}

async function apply(home: string, procedure: string, answers: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const run = await runCliCaptured(['apply', procedure, '--answers', answers, '--home', home, '--json', ...args], {
    env: { ...PASSWORDS, ...env },
  });
  const document = run.stdout
    ? (JSON.parse(run.stdout) as {
        changed: boolean;
        backup: string | null;
        files: string[];
        findings: Array<{ level: string; code: string; role?: string }>;
        error?: { code: string };
      })
    : undefined;
  return { run, document };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex').toUpperCase();
}

describeWithFixtures('apply primary on shipped homes of every profile', () => {
  for (const [config, kernel, profileTable] of [
    ['mi-1.1.0', 'carbon-kernel-v4.5.0', 'keystore.tls'],
    ['mi-1.2.0', 'carbon-kernel-v4.5.0', 'keystore.primary'],
    ['mi-4.0.0', 'carbon-kernel-v4.9.26', 'keystore.primary'],
  ] as const) {
    it(`${config}: writes [${profileTable}], a keystore keytool opens, imports the certificate; a second run changes nothing; restore undoes it`, async () => {
      const home = homeFromFixtures(tempDir(), { config, kernel });
      const before = snapshotTree(home);
      const answers = primaryAnswers(tempDir());
      const { run, document } = await apply(home, 'primary', answers, ['--keytool']);
      expect(run.code, run.stderr).toBe(0);
      expect(document!.changed).toBe(true);
      expect(document!.findings.filter((f) => f.level === 'error' && f.role === 'primary')).toEqual([]);

      const keystore = path.join(home, SECURITY, 'ei-primary.jks');
      expect(statSync(keystore).mode & 0o777).toBe(0o600);
      const [listed] = await keytoolList(keystore, PASSWORDS.EI_KEYSTORE_PASSWORD);
      expect(listed).toMatchObject({ alias: 'ei-primary', kind: 'private-key' });
      const trusted = await keytoolList(path.join(home, SECURITY, 'client-truststore.jks'), 'wso2carbon');
      expect(trusted.find((entry) => entry.sha256 === listed!.sha256)?.alias).toBe('ei-primary');
      await expect(keytoolList(keystore, 'wrong-password')).rejects.toThrow();

      const data = parse(readFileSync(path.join(home, 'conf', 'deployment.toml'), 'utf8')) as Record<
        string,
        Record<string, Record<string, string>>
      >;
      const [outer, inner] = profileTable.split('.') as [string, string];
      const fileName = config === 'mi-4.0.0' ? 'repository/resources/security/ei-primary.jks' : 'ei-primary.jks';
      expect(data[outer]![inner]).toMatchObject({
        file_name: fileName,
        alias: 'EI-Primary',
        password: PASSWORDS.EI_KEYSTORE_PASSWORD,
        key_password: PASSWORDS.EI_KEY_PASSWORD,
        type: 'JKS',
      });
      // The truststore keeps its unread alias/algorithm lines.
      expect(readFileSync(path.join(home, 'conf', 'deployment.toml'), 'utf8')).toMatch(
        /alias = "symmetric\.key\.value"\nalgorithm = "AES"/,
      );

      const status = await runCliCaptured(['status', '--home', home, '--json']);
      const statusDoc = JSON.parse(status.stdout) as {
        roles: Array<Record<string, unknown>>;
        findings: Array<{ level: string; code: string; role?: string }>;
      };
      expect(statusDoc.roles[0]).toMatchObject({ file: keystore, opened: true, keyMatchesCertificate: true });
      expect(statusDoc.findings.filter((f) => f.level === 'error' && f.role === 'primary')).toEqual([]);

      const again = await apply(home, 'primary', answers);
      expect(again.run.code).toBe(0);
      expect(again.document).toMatchObject({ changed: false, backup: null, files: [] });

      const restored = await runCliCaptured(['restore', '--home', home, document!.backup!]);
      expect(restored.code, restored.stderr).toBe(0);
      const after = snapshotTree(home);
      for (const [file, fingerprint] of Object.entries(before)) expect(after[file], file).toBe(fingerprint);
      expect(after[path.join(SECURITY, 'ei-primary.jks')]).toBeUndefined();
    });
  }

  it('mi-1.2.0: internal is refused with the reason, nothing written', async () => {
    const home = homeFromFixtures(tempDir(), { config: 'mi-1.2.0', kernel: 'carbon-kernel-v4.5.0' });
    const before = snapshotTree(home);
    const dir = tempDir();
    const answers = primaryAnswers(dir, { fileName: 'ei-internal.jks' });
    const { run } = await apply(home, 'internal', answers);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not read \[keystore\.internal\]/);
    expect(snapshotTree(home)).toEqual(before);
  });
});

describe('apply on the source document layout (ei-7)', () => {
  async function eiHomeWithDefaults(dir: string, secrets = ''): Promise<string> {
    eiHome(
      dir,
      `# conf/ei.toml, as in the source document
[server]
hostname = "localhost"   # keep this comment

[keystore.tls]
file_name="wso2carbon.jks"
type="JKS"
password="wso2carbon"
alias="wso2carbon"
key_password="wso2carbon"

[truststore]
file_name="client-truststore.jks"
type="JKS"
password="wso2carbon"
alias="symmetric.key.value"
algorithm=""
${secrets}`,
    );
    const keystore = path.join(dir, SECURITY, 'wso2carbon.jks');
    await genKeyPair({ file: keystore, alias: 'wso2carbon', storePassword: 'wso2carbon', dname: 'CN=localhost, O=WSO2, C=US' });
    await keytool(
      ['-exportcert', '-keystore', keystore, '-alias', 'wso2carbon', '-file', path.join(dir, 'old.cer'), '-storepass:env', 'P'],
      { P: 'wso2carbon' },
    );
    await keytool(
      [
        '-importcert',
        '-noprompt',
        '-keystore',
        path.join(dir, SECURITY, 'client-truststore.jks'),
        '-storetype',
        'JKS',
        '-alias',
        'wso2carbon',
        '-file',
        path.join(dir, 'old.cer'),
        '-storepass:env',
        'P',
      ],
      { P: 'wso2carbon' },
    );
    return dir;
  }

  it('a dry run prints the plan and a masked diff and leaves the home byte-identical', async () => {
    const home = await eiHomeWithDefaults(tempDir());
    const before = snapshotTree(home);
    const run = await runCliCaptured(['apply', 'primary', '--answers', primaryAnswers(tempDir()), '--home', home, '--dry-run'], {
      env: PASSWORDS,
    });
    expect(run.code, run.stderr).toBe(0);
    // The file writes `key="value"` without spaces: the patch keeps that form.
    expect(run.stdout).toMatch(/\+file_name="ei-primary\.jks"/);
    expect(run.stdout).toMatch(/-password=\*\*\*\*\*\*\*\*/);
    expect(run.stdout).toMatch(/\+password=\*\*\*\*\*\*\*\*/);
    for (const secret of [...Object.values(PASSWORDS), 'password="wso2carbon"']) expect(run.stdout + run.stderr).not.toContain(secret);
    expect(run.stdout).toMatch(/nothing was written/i);
    expect(snapshotTree(home)).toEqual(before);
  });

  it('writes PKCS12 and EC keystores that keytool lists, comments kept', async () => {
    const home = await eiHomeWithDefaults(tempDir());
    const answers = primaryAnswers(tempDir(), {
      type: 'PKCS12',
      keyAlgorithm: 'EC',
      keySize: 256,
      keyPassword: false,
      fileName: 'ei-primary.p12',
    });
    const { run } = await apply(home, 'primary', answers, ['--keytool']);
    expect(run.code, run.stderr).toBe(0);
    const [listed] = await keytoolList(path.join(home, SECURITY, 'ei-primary.p12'), PASSWORDS.EI_KEYSTORE_PASSWORD);
    expect(listed).toMatchObject({ alias: 'ei-primary', kind: 'private-key' });
    const text = readFileSync(path.join(home, 'conf', 'ei.toml'), 'utf8');
    expect(text).toContain('hostname = "localhost"   # keep this comment');
    expect(text).toContain('file_name="ei-primary.p12"');
  });

  it('refuses to replace an existing file without overwrite = true, and bad answers, with exit 2 and nothing written', async () => {
    const home = await eiHomeWithDefaults(tempDir());
    const dir = tempDir();
    const before = snapshotTree(home);
    const exists = await apply(home, 'primary', primaryAnswers(dir, { fileName: 'wso2carbon.jks' }));
    expect(exists.run.code).toBe(2);
    expect(exists.run.stderr).toMatch(/overwrite = true/);
    // --json still prints one document, with the error in it.
    expect(exists.document).toMatchObject({ changed: false, backup: null, error: { code: 'file-exists', exitCode: 2 } });
    const misspelt = path.join(dir, 'bad.toml');
    writeFileSync(misspelt, readFileSync(primaryAnswers(dir), 'utf8').replace('password = {', 'passwrd = {'));
    const bad = await apply(home, 'primary', misspelt);
    expect(bad.run.code).toBe(2);
    expect(bad.run.stderr).toMatch(/passwrd/);
    expect(bad.run.stderr).toMatch(/did you mean password/);
    const unset = await runCliCaptured(['apply', 'primary', '--answers', primaryAnswers(dir), '--home', home], { env: {} });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/EI_KEYSTORE_PASSWORD/);
    expect(snapshotTree(home)).toEqual(before);
  });

  it('--keytool without keytool: exit 2 naming JAVA_HOME and PATH, nothing written', async () => {
    const home = await eiHomeWithDefaults(tempDir());
    const before = snapshotTree(home);
    const bundle = path.resolve(__dirname, '../../dist/ei-keystore.mjs');
    // PATH holds a folder with node alone: no keytool anywhere, and no JAVA_HOME.
    const bin = tempDir();
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const run = spawnSync(
      process.execPath,
      [bundle, 'apply', 'primary', '--answers', primaryAnswers(tempDir()), '--home', home, '--keytool'],
      {
        encoding: 'utf8',
        env: { ...PASSWORDS, PATH: bin },
      },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/JAVA_HOME/);
    expect(run.stderr).toMatch(/PATH/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(snapshotTree(home)).toEqual(before);
  });

  it('a failure injected at every step leaves every file old, and no temporary file behind', async () => {
    const home = await eiHomeWithDefaults(tempDir());
    const answers = primaryAnswers(tempDir());
    const watched = ['conf/ei.toml', `${SECURITY}/client-truststore.jks`, `${SECURITY}/wso2carbon.jks`];
    const old = Object.fromEntries(watched.map((file) => [file, sha256(path.join(home, file))]));
    for (const step of ['lock', 'check', 'backup', 'stage', 'verify', 'commit:0', 'commit:1', 'commit:2', 'commit', 'unlock']) {
      const { run } = await apply(home, 'primary', answers, [], { EIK_FAIL_AT: step });
      expect(run.code, `${step}: ${run.stderr}`).toBe(1);
      for (const file of watched) expect(sha256(path.join(home, file)), `${step}: ${file}`).toBe(old[file]);
      const tree = Object.keys(snapshotTree(home));
      expect(
        tree.filter((file) => file.includes('.eik-tmp')),
        step,
      ).toEqual([]);
      expect(tree).not.toContain(`${SECURITY}/ei-primary.jks`);
    }
    const { run } = await apply(home, 'primary', answers);
    expect(run.code, 'the next apply works').toBe(0);
  });

  it('secrets encrypted with the old key: refused without a strategy; re-encrypt keeps every plaintext', async () => {
    const dir = tempDir();
    const oldKeystore = path.join(dir, SECURITY, 'wso2carbon.jks');
    await eiHomeWithDefaults(dir);
    const oldCert = readFileSync(path.join(dir, 'old.cer'));
    const secrets = { db_password: 'p@ss "quoted" ü', api_key: 'k-123' };
    writeFileSync(
      path.join(dir, 'conf', 'ei.toml'),
      readFileSync(path.join(dir, 'conf', 'ei.toml'), 'utf8') +
        `\n[secrets]\ndb_password = "${encryptSecret(oldCert, secrets.db_password)}"\napi_key = "${encryptSecret(oldCert, secrets.api_key)}"\nnot_yet = "[plain]"\n`,
    );
    const answersDir = tempDir();
    const refused = await apply(dir, 'primary', primaryAnswers(answersDir));
    expect(refused.run.code).toBe(2);
    expect(refused.run.stderr).toMatch(/re-encrypt/);
    expect(refused.run.stderr).toMatch(/keep-old-key-as-internal/);

    // The new key becomes the vault's too: the server opens it with the store password, so another key password is refused.
    const twoPasswords = await apply(dir, 'primary', primaryAnswers(answersDir, { secrets: 're-encrypt' }));
    expect(twoPasswords.run.code).toBe(2);
    expect(twoPasswords.run.stderr).toMatch(/one password for the store and the key/);

    const { run } = await apply(dir, 'primary', primaryAnswers(answersDir, { secrets: 're-encrypt', keyPassword: false }));
    expect(run.code, run.stderr).toBe(0);
    const data = parse(readFileSync(path.join(dir, 'conf', 'ei.toml'), 'utf8')) as { secrets: Record<string, string> };
    expect(data.secrets.not_yet).toBe('[plain]');
    const store = await readKeystore(readFileSync(path.join(dir, SECURITY, 'ei-primary.jks')), PASSWORDS.EI_KEYSTORE_PASSWORD);
    const entry = store.entries[0]!;
    if (entry.kind !== 'private-key') throw new Error('expected a key entry');
    const newKey = entry.key.recover(PASSWORDS.EI_KEYSTORE_PASSWORD);
    expect(decryptSecret(newKey, data.secrets.db_password!)).toBe(secrets.db_password);
    expect(decryptSecret(newKey, data.secrets.api_key!)).toBe(secrets.api_key);
    expect(readFileSync(oldKeystore).length).toBeGreaterThan(0);
  });

  it('keep-old-key-as-internal: the old key pair becomes [keystore.internal] and still decrypts the secrets', async () => {
    const dir = await eiHomeWithDefaults(tempDir());
    const oldCert = readFileSync(path.join(dir, 'old.cer'));
    writeFileSync(
      path.join(dir, 'conf', 'ei.toml'),
      readFileSync(path.join(dir, 'conf', 'ei.toml'), 'utf8') + `\n[secrets]\ndb_password = "${encryptSecret(oldCert, 'the-secret')}"\n`,
    );
    const { run } = await apply(dir, 'primary', primaryAnswers(tempDir(), { secrets: 'keep-old-key-as-internal' }), ['--keytool']);
    expect(run.code, run.stderr).toBe(0);
    const data = parse(readFileSync(path.join(dir, 'conf', 'ei.toml'), 'utf8')) as {
      keystore: { internal: Record<string, string> };
      secrets: Record<string, string>;
    };
    expect(data.keystore.internal).toMatchObject({ file_name: 'wso2carbon-internal.jks', alias: 'wso2carbon' });
    const internal = await readKeystore(readFileSync(path.join(dir, SECURITY, 'wso2carbon-internal.jks')), 'wso2carbon');
    const entry = internal.entries[0]!;
    if (entry.kind !== 'private-key') throw new Error('expected a key entry');
    expect(new X509Certificate(entry.chain[0]!).fingerprint256).toBe(new X509Certificate(oldCert).fingerprint256);
    expect(decryptSecret(entry.key.recover('wso2carbon'), data.secrets.db_password!)).toBe('the-secret');
    const status = JSON.parse((await runCliCaptured(['status', '--home', dir, '--json'])).stdout) as { findings: Array<{ code: string }> };
    expect(status.findings.map((f) => f.code)).not.toContain('internal-not-separated');
  });

  it('separates the internal keystore from an existing PKCS12 file (store and key password of the source)', async () => {
    const home = await eiHomeWithDefaults(tempDir());
    const dir = tempDir();
    const source = path.join(dir, 'internal-source.p12');
    await genKeyPair({ file: source, alias: 'internal-key', storePassword: 'source-pass', storeType: 'PKCS12' });
    const answers = path.join(dir, 'internal.toml');
    writeFileSync(
      answers,
      `[keystore]
source = "existing"
file_name = "ei-internal.jks"
alias = "ei-internal"
password = { env = "EI_KEYSTORE_PASSWORD" }
key_password = { env = "EI_KEY_PASSWORD" }
[keystore.existing]
path = "internal-source.p12"
password = "source-pass"
`,
    );
    const { run } = await apply(home, 'internal', answers, ['--keytool']);
    expect(run.code, run.stderr).toBe(0);
    const [listed] = await keytoolList(path.join(home, SECURITY, 'ei-internal.jks'), PASSWORDS.EI_KEYSTORE_PASSWORD);
    const [original] = await keytoolList(source, 'source-pass');
    expect(listed).toMatchObject({ alias: 'ei-internal', kind: 'private-key', sha256: original!.sha256 });
    const status = JSON.parse((await runCliCaptured(['status', '--home', home, '--json'])).stdout) as {
      roles: Array<Record<string, unknown>>;
      findings: Array<{ code: string }>;
    };
    expect(status.roles[1]).toMatchObject({ role: 'internal', table: 'keystore.internal', keyMatchesCertificate: true });
    expect(status.findings.map((f) => f.code)).not.toContain('internal-not-separated');
  });

  it('an existing keystore that already matches the target is copied byte for byte (identical files across a cluster)', async () => {
    const dir = tempDir();
    const source = path.join(dir, 'shared-internal.jks');
    await genKeyPair({ file: source, alias: 'ei-internal', storePassword: PASSWORDS.EI_KEYSTORE_PASSWORD });
    const answers = path.join(dir, 'internal.toml');
    writeFileSync(
      answers,
      `[keystore]
source = "existing"
file_name = "ei-internal.jks"
alias = "ei-internal"
password = { env = "EI_KEYSTORE_PASSWORD" }
[keystore.existing]
path = "shared-internal.jks"
password = { env = "EI_KEYSTORE_PASSWORD" }
`,
    );
    for (const home of [await eiHomeWithDefaults(tempDir()), await eiHomeWithDefaults(tempDir())]) {
      const { run } = await apply(home, 'internal', answers);
      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(path.join(home, SECURITY, 'ei-internal.jks')).equals(readFileSync(source))).toBe(true);
    }
  });

  it('truststore: copies the current one, imports a PEM bundle once, removes wso2carbon, keeps alias and algorithm', async () => {
    const home = await eiHomeWithDefaults(tempDir());
    const dir = tempDir();
    for (const name of ['partner-a', 'partner-b']) {
      await genKeyPair({ file: path.join(dir, `${name}.p12`), alias: name, storePassword: 'whatever', storeType: 'PKCS12' });
      await keytool(
        [
          '-exportcert',
          '-rfc',
          '-keystore',
          path.join(dir, `${name}.p12`),
          '-alias',
          name,
          '-file',
          path.join(dir, `${name}.pem`),
          '-storepass:env',
          'P',
        ],
        { P: 'whatever' },
      );
    }
    writeFileSync(
      path.join(dir, 'bundle.pem'),
      readFileSync(path.join(dir, 'partner-a.pem'), 'utf8') + readFileSync(path.join(dir, 'partner-b.pem'), 'utf8'),
    );
    const answers = path.join(dir, 'truststore.toml');
    writeFileSync(
      answers,
      `[truststore]
source = "copy-current"
file_name = "ei-truststore.jks"
type = "JKS"
password = { env = "EI_TRUSTSTORE_PASSWORD" }
remove_default_certificate = true
[[truststore.import]]
alias = "partners"
file = "bundle.pem"
[[truststore.import]]
alias = "partner-a-again"
file = "partner-a.pem"
`,
    );
    const dry = await runCliCaptured(['apply', 'truststore', '--answers', answers, '--home', home, '--dry-run'], { env: PASSWORDS });
    expect(dry.stdout).toMatch(/already trusts/);
    const { run } = await apply(home, 'truststore', answers, ['--keytool']);
    expect(run.code, run.stderr).toBe(0);
    const listed = await keytoolList(path.join(home, SECURITY, 'ei-truststore.jks'), PASSWORDS.EI_TRUSTSTORE_PASSWORD);
    expect(listed.map((entry) => entry.alias).sort()).toEqual(['partners', 'partners-2']);
    expect(listed.every((entry) => entry.kind === 'trusted-certificate')).toBe(true);
    const text = readFileSync(path.join(home, 'conf', 'ei.toml'), 'utf8');
    expect(text).toMatch(
      /\[truststore\]\nfile_name="ei-truststore\.jks"\ntype="JKS"\npassword="new-trust-pass"\nalias="symmetric\.key\.value"\nalgorithm=""/,
    );
    const again = await apply(home, 'truststore', answers);
    expect(again.document).toMatchObject({ changed: false });
  });
});
