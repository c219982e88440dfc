/**
 * What Java's KeyStore and the HTTPS transports' key manager do with a keystore, which our reader must not judge
 * more kindly: an alias stored with capital letters in a JKS file (Java looks aliases up in lower case), a second key
 * in the primary keystore (the transports open every key with the one key password), a truststore with nothing Java
 * can trust, a JCEKS type over JKS bytes, and a password that is not one value. Each home is also opened by the Java
 * start-up check, which reads the configuration on its own: both verdicts must agree.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { chmodSync, chownSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { encryptSecret } from '../../source/keystore/cipher-tool.js';
import { opensAtStartup } from '../../source/procedures/opens-at-startup.js';
import { readHomeSnapshot } from '../../source/procedures/home-snapshot.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SECURITY } from '../support/homes.js';
import { genKeyPair, keytool } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
import { javaCommand } from '../support/java-program.js';
import { compileStartupCheckInto, runStartupCheck, startupRole } from '../support/startup-check.js';
import { tempDir } from '../support/tmp.js';

interface StatusReport {
  findings: Array<{ code: string; level: string; role?: string; message: string }>;
}

async function sandboxHome(): Promise<string> {
  return (await createSandbox(path.join(tempDir(), 'home'), 'mi-4')).home;
}

const primaryFile = (home: string) => path.join(home, SECURITY, 'wso2carbon.jks');
const truststoreFile = (home: string) => path.join(home, SECURITY, 'client-truststore.jks');
const configOf = (home: string) => path.join(home, 'conf', 'deployment.toml');

async function status(home: string) {
  const run = await runCliCaptured(['status', '--home', home, '--json']);
  return { run, report: JSON.parse(run.stdout) as StatusReport };
}

const found = (report: StatusReport, code: string, role?: string) =>
  report.findings.filter((finding) => finding.code === code && (role === undefined || finding.role === role));

/**
 * A JKS file with one alias respelt, its integrity digest made again (SHA-1 of the password as UTF-16BE, "Mighty
 * Aphrodite", and every byte before it): what a tool other than keytool may write, since keytool lower-cases aliases.
 */
async function respellJksAlias(file: string, storePassword: string, from: string, to: string): Promise<void> {
  const bytes = await readFile(file);
  const spelt = (alias: string) => Buffer.concat([Buffer.from([0, alias.length]), Buffer.from(alias, 'utf8')]);
  const at = bytes.indexOf(spelt(from));
  expect(at, `"${from}" in ${file}`).toBeGreaterThan(0);
  const body = Buffer.from(bytes.subarray(0, bytes.length - 20));
  spelt(to).copy(body, at);
  const digest = createHash('sha1')
    .update(Buffer.from(storePassword, 'utf16le').swap16())
    .update('Mighty Aphrodite', 'utf8')
    .update(body)
    .digest();
  await writeFile(file, Buffer.concat([body, digest]));
}

describe('the primary keystore as the HTTPS transports open it (every key, with the one key password)', () => {
  it('a second key under another key password: an error naming it, as the server fails; apply plans refuse such an after-state', async () => {
    const home = await sandboxHome();
    await genKeyPair({ file: primaryFile(home), alias: 'other', storePassword: 'wso2carbon', keyPassword: 'other-Key-5' });
    const { run, report } = await status(home);
    expect(run.code, run.stdout).toBe(1);
    const [error] = found(report, 'wrong-key-password', 'primary');
    expect(error?.level).toBe('error');
    expect(error?.message).toMatch(/opens "wso2carbon" but not "other"/);
    const java = await runStartupCheck(home);
    expect(java.serverStarts).toBe(false);
    expect(java.problems.join('\n')).toMatch(/^tls: .*(Cannot recover key|UnrecoverableKey)/m);

    // The after-state check every apply runs says the same of this home (newlyBroken refuses what it says fails).
    const facts = await readHomeSnapshot({ home, env: {}, cwd: home, now: new Date() });
    const read = (file: string) => readFile(file).catch(() => undefined);
    const primary = (await opensAtStartup(facts.resolved, {}, read, {}, home)).find((opening) => opening.id === 'primary');
    expect(primary?.outcome).toBe('fails');
    expect(primary?.reason).toMatch(/does not open "other"/);
  });

  it('a second key under the same key password: a warning that the transport chooses which to serve, and here it serves the other', async () => {
    const home = await sandboxHome();
    await genKeyPair({ file: primaryFile(home), alias: 'ei-primary', storePassword: 'wso2carbon', keyPassword: 'wso2carbon' });
    const { run, report } = await status(home);
    expect(run.code, run.stdout).toBe(0);
    expect(found(report, 'primary-several-keys', 'primary')).toEqual([expect.objectContaining({ level: 'warning' })]);
    expect(found(report, 'wrong-key-password')).toEqual([]);
    // The sandbox's truststore holds the certificate of "wso2carbon", the configured alias: a handshake that fails
    // to build a path means the transport served "ei-primary" instead.
    const java = await runStartupCheck(home);
    expect(startupRole(java, 'primary').keyOpens).toBe(true);
    expect(java.problems).toEqual([expect.stringMatching(/^tls: .*PKIX path building failed/)]);
    // Trusting both certificates, the server works whichever it serves; the warning stays.
    const other = await keytool(['-exportcert', '-rfc', '-keystore', primaryFile(home), '-alias', 'ei-primary', '-storepass:env', 'SP'], {
      SP: 'wso2carbon',
    });
    const pem = path.join(tempDir(), 'ei-primary.pem');
    writeFileSync(pem, other);
    await keytool(
      ['-importcert', '-noprompt', '-alias', 'ei-primary', '-file', pem, '-keystore', truststoreFile(home), '-storepass:env', 'SP'],
      {
        SP: 'wso2carbon',
      },
    );
    expect((await runStartupCheck(home)).serverStarts).toBe(true);
    expect(found((await status(home)).report, 'primary-several-keys')).toHaveLength(1);
  });
});

describe('aliases as Java looks them up', () => {
  it('a JKS key alias stored with capitals is one the server cannot find: an error, as Java finds no key', async () => {
    const home = await sandboxHome();
    await respellJksAlias(primaryFile(home), 'wso2carbon', 'wso2carbon', 'WSO2carbon');
    const { run, report } = await status(home);
    expect(run.code, run.stdout).toBe(1);
    const [error] = found(report, 'alias-missing', 'primary');
    expect(error?.message).toMatch(/stores "WSO2carbon" with capital letters/);
    const java = await runStartupCheck(home);
    expect(startupRole(java, 'primary').keyOpens).toBe(false);
    expect(java.serverStarts).toBe(false);
  });

  it('a PKCS#12 key alias stored with capitals is found (PKCS#12 lower-cases both sides), by Java and by status', async () => {
    const home = await sandboxHome();
    const dir = tempDir();
    const [key, cert, p12] = [path.join(dir, 'k.pem'), path.join(dir, 'c.pem'), path.join(home, SECURITY, 'capital.p12')];
    await execa('openssl', [...'req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 30 -keyout'.split(' '), key, '-out', cert]);
    // -name: the friendlyName, which OpenSSL keeps as it is given.
    await execa('openssl', [...'pkcs12 -export -name WSO2carbon -passout env:P12 -in'.split(' '), cert, '-inkey', key, '-out', p12], {
      env: { P12: 'p12-Pass-1' },
    });
    const config = readFileSync(configOf(home), 'utf8').replace(
      /^\[keystore\.primary\][^[]*/m,
      `[keystore.primary]\nfile_name = "${SECURITY}/capital.p12"\ntype = "PKCS12"\npassword = "p12-Pass-1"\nalias = "wso2carbon"\nkey_password = "p12-Pass-1"\n\n`,
    );
    writeFileSync(configOf(home), config);
    const { report } = await status(home);
    expect(found(report, 'alias-missing')).toEqual([]);
    expect(found(report, 'wrong-key-password')).toEqual([]);
    expect(startupRole(await runStartupCheck(home), 'primary').keyOpens).toBe(true);
  });
});

describe('the truststore as Java trusts it', () => {
  it('a truststore with no certificate: an error, as the server fails', async () => {
    const home = await sandboxHome();
    await keytool(['-delete', '-alias', 'wso2carbon', '-keystore', truststoreFile(home), '-storepass:env', 'SP'], { SP: 'wso2carbon' });
    const { run, report } = await status(home);
    expect(run.code, run.stdout).toBe(1);
    expect(found(report, 'truststore-empty', 'truststore')).toEqual([expect.objectContaining({ level: 'error' })]);
    const java = await runStartupCheck(home);
    expect(startupRole(java, 'truststore').trustedCertificates).toBe(0);
    expect(java.serverStarts).toBe(false);
  });

  it('a JKS truststore whose only certificate is stored under capitals trusts nothing: a warning and the same error', async () => {
    const home = await sandboxHome();
    await respellJksAlias(truststoreFile(home), 'wso2carbon', 'wso2carbon', 'WSO2carbon');
    const { run, report } = await status(home);
    expect(run.code, run.stdout).toBe(1);
    expect(found(report, 'truststore-invisible-certificates')[0]?.message).toMatch(
      /1 certificate in the truststore is stored under an alias with capital letters/,
    );
    expect(found(report, 'truststore-empty')).toHaveLength(1);
    const java = await runStartupCheck(home);
    expect(startupRole(java, 'truststore').trustedCertificates).toBe(0);
    expect(java.serverStarts).toBe(false);
  });
});

describe('configuration values', () => {
  it('type = "JCEKS" over a JKS file is a note, not an error: Java\'s JCEKS keystore reads JKS files', async () => {
    const home = await sandboxHome();
    writeFileSync(
      configOf(home),
      readFileSync(configOf(home), 'utf8').replace('[keystore.primary]\n', '[keystore.primary]\ntype = "JCEKS"\n'),
    );
    const { run, report } = await status(home);
    expect(run.code, run.stdout).toBe(0);
    expect(found(report, 'type-mismatch', 'primary')).toEqual([
      expect.objectContaining({ level: 'info', message: expect.stringMatching(/JCEKS keystore loads JKS files too/) }),
    ]);
    expect((await runStartupCheck(home)).serverStarts).toBe(true);
  });

  it('a password that is a $ref to an array is an error too, and no second finding says the password is missing', async () => {
    const home = await sandboxHome();
    writeFileSync(
      configOf(home),
      `${readFileSync(configOf(home), 'utf8').replace('password = "wso2carbon"\nalias = "wso2carbon"', 'password = "$ref{custom.pw}"\nalias = "wso2carbon"')}\n[custom]\npw = ["wso2carbon"]\n`,
    );
    const { run, report } = await status(home);
    expect(run.code, run.stdout).toBe(1);
    expect(found(report, 'config-invalid', 'primary')).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(/\$ref\{custom\.pw\} names a table or array, not a single value/),
      }),
    ]);
    expect(found(report, 'password-unavailable', 'primary')).toEqual([]);
    expect((await runStartupCheck(home)).serverStarts).toBe(false);
  });

  it('a password that is an array is an error, as the server cannot use it', async () => {
    const home = await sandboxHome();
    writeFileSync(
      configOf(home),
      readFileSync(configOf(home), 'utf8').replace(
        'password = "wso2carbon"\nalias = "wso2carbon"',
        'password = ["wso2carbon"]\nalias = "wso2carbon"',
      ),
    );
    const { run, report } = await status(home);
    expect(run.code, run.stdout).toBe(1);
    expect(found(report, 'config-invalid', 'primary')).toEqual([
      expect.objectContaining({ level: 'error', message: expect.stringMatching(/password is not a single value/) }),
    ]);
    expect((await runStartupCheck(home)).serverStarts).toBe(false);
  });
});

describe('what apply leaves', () => {
  const answers = (text: string) => {
    const file = path.join(tempDir(), 'answers.toml');
    writeFileSync(file, text);
    return file;
  };
  const template = (name: string) => readFileSync(new URL(`../../templates/answers/${name}`, import.meta.url), 'utf8');
  const apply = (home: string, procedure: string, file: string, env: Record<string, string>) =>
    runCliCaptured(['apply', procedure, '--answers', file, '--home', home], { env });

  it('a truststore whose certificate Java cannot reach is not "already in place": apply truststore rewrites it, and the server trusts it', async () => {
    const home = await sandboxHome();
    await respellJksAlias(truststoreFile(home), 'wso2carbon', 'wso2carbon', 'WSO2carbon');
    const same = answers(
      '[truststore]\nsource = "copy-current"\nfile_name = "client-truststore.jks"\ntype = "JKS"\npassword = { env = "TP" }\n',
    );
    const run = await apply(home, 'truststore', same, { TP: 'wso2carbon' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/Nothing to change/);
    const { report } = await status(home);
    expect(found(report, 'truststore-empty')).toEqual([]);
    expect(found(report, 'truststore-invisible-certificates')).toEqual([]);
    expect(startupRole(await runStartupCheck(home), 'truststore').trustedCertificates).toBe(1);
  });

  it('a primary keystore given a second key under another password is not "already in place": running the same answers again repairs it', async () => {
    const home = await sandboxHome();
    // The shipped template, allowed to replace its own file on the second run.
    const primary = answers(template('primary.toml').replace('overwrite = false', 'overwrite = true'));
    const env = { EI_KEYSTORE_PASSWORD: 'store-Pw-8812', EI_KEY_PASSWORD: 'key-Pw-1290' };
    expect((await apply(home, 'primary', primary, env)).code).toBe(0);
    await genKeyPair({
      file: path.join(home, SECURITY, 'ei-primary.jks'),
      alias: 'other',
      storePassword: env.EI_KEYSTORE_PASSWORD,
      keyPassword: 'other-Key-5',
    });
    expect(found((await status(home)).report, 'wrong-key-password')).toHaveLength(1);
    const again = await apply(home, 'primary', primary, env);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/Nothing to change/);
    expect(found((await status(home)).report, 'wrong-key-password')).toEqual([]);
    expect((await runStartupCheck(home)).serverStarts).toBe(true);
  });

  it('an internal key stored under capitals (no secret opens on the server) is carried into the new internal keystore by apply internal, which re-encrypts the secrets for it', async () => {
    const home = await sandboxHome();
    const file = path.join(home, SECURITY, 'internal.jks');
    await genKeyPair({ file, alias: 'internal', storePassword: 'intern-Pw-9', keyPassword: 'intern-Pw-9' });
    const pem = await keytool(['-exportcert', '-rfc', '-keystore', file, '-alias', 'internal', '-storepass:env', 'SP'], {
      SP: 'intern-Pw-9',
    });
    const secret = encryptSecret(Buffer.from(new X509Certificate(pem).raw), 'db-Pw-secret');
    await respellJksAlias(file, 'intern-Pw-9', 'internal', 'INTERNAL');
    writeFileSync(
      configOf(home),
      `${readFileSync(configOf(home), 'utf8')}\n[keystore.internal]\nfile_name = "${SECURITY}/internal.jks"\npassword = "intern-Pw-9"\nalias = "internal"\nkey_password = "intern-Pw-9"\n\n[secrets]\ndb_password = "${secret}"\n`,
    );
    expect(found((await status(home)).report, 'alias-missing', 'internal')[0]?.message).toMatch(/stores "INTERNAL" with capital letters/);
    expect((await runStartupCheck(home)).serverStarts).toBe(false);
    const internal = answers(template('internal.toml'));
    const run = await apply(home, 'internal', internal, { EI_INTERNAL_KEYSTORE_PASSWORD: 'internal-Pw-7' });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const java = await runStartupCheck(home);
    expect(java.secrets).toEqual([expect.objectContaining({ alias: 'db_password', decrypts: true })]);
    expect(java.serverStarts).toBe(true);
  });

  it("a truststore that is a copy of the primary keystore trusts its key entry's certificate, as Java does: not empty, and the primary trusted", async () => {
    const home = await sandboxHome();
    writeFileSync(truststoreFile(home), readFileSync(primaryFile(home)));
    const { report } = await status(home);
    expect(found(report, 'truststore-empty')).toEqual([]);
    expect(found(report, 'primary-not-trusted')).toEqual([]);
    const java = await runStartupCheck(home);
    expect(startupRole(java, 'truststore').trustedCertificates).toBe(1);
    expect(java.serverStarts).toBe(true);
  });
});

describe.runIf(process.getuid?.() === 0)('files the server user cannot read (run as root)', () => {
  // Debian's own unprivileged account, there on every machine: the server's user here.
  const SERVER_UID = 65534;
  const SERVER_USER = 'nobody';

  it("a keystore left root's and 0600 opens for root but not for the configuration's owner: a warning, as the server run as that user fails", async () => {
    // A home the server's user can reach: its parents open to others, as an installation's are.
    const parent = tempDir();
    chmodSync(parent, 0o755);
    const home = (await createSandbox(path.join(parent, 'home'), 'mi-4')).home;
    await execa('chown', ['-R', `${SERVER_UID}:${SERVER_UID}`, home]);
    chownSync(primaryFile(home), 0, 0);
    chmodSync(primaryFile(home), 0o600);
    const { report } = await status(home);
    const [warning] = found(report, 'keystore-unreadable', 'primary');
    expect(warning?.level).toBe('warning');
    expect(warning?.message).toMatch(
      new RegExp(
        `^If the server runs as ${SERVER_USER}, the owner of .*deployment\\.toml, it cannot read .*wso2carbon\\.jks \\(owner uid 0`,
      ),
    );
    expect(warning?.message).toContain(`chown ${SERVER_USER} '${primaryFile(home)}'`);
    expect(found(report, 'keystore-unreadable', 'truststore')).toEqual([]);

    // The start-up check, run as that user, cannot open the primary keystore.
    const classes = await compileStartupCheckInto(parent);
    await execa('chmod', ['-R', 'a+rX', classes]);
    const asServer = await execa(
      'setpriv',
      [`--reuid=${SERVER_UID}`, `--regid=${SERVER_UID}`, '--clear-groups', javaCommand('java'), '-cp', classes, 'StartupCheck', home],
      {
        reject: false,
        env: { HOME: parent },
      },
    );
    expect(asServer.stdout, asServer.stderr).toMatch(/^\{/);
    const java = JSON.parse(asServer.stdout) as {
      serverStarts: boolean;
      roles: Array<{ role: string; storeOpens: boolean; error: string | null }>;
    };
    expect(java.serverStarts).toBe(false);
    expect(java.roles.find((role) => role.role === 'primary')).toEqual(
      expect.objectContaining({ storeOpens: false, error: expect.stringMatching(/AccessDenied|Permission denied/) }),
    );

    // Given back to the server's user, it is readable again and the warning goes.
    chownSync(primaryFile(home), SERVER_UID, SERVER_UID);
    expect(found((await status(home)).report, 'keystore-unreadable')).toEqual([]);
    // A third user's keystore says nothing about who the server is (it may run as that user): no advice to chown it.
    chownSync(primaryFile(home), 4242, 4242);
    expect(found((await status(home)).report, 'keystore-unreadable')).toEqual([]);
  });
});
