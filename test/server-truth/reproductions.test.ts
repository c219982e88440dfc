/**
 * The four ways the tool's picture of a home used to differ from the server's (issue "Server truth"), each as the
 * user met it, plus the file collisions of roles. Every home is also opened by the Java start-up check, which
 * reads the configuration on its own: the tool's verdict must agree with it.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { encryptSecret } from '../../source/keystore/cipher-tool.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SECURITY } from '../support/homes.js';
import { genKeyPair, keytool } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';
import { runStartupCheck } from '../support/startup-check.js';

const NEW = { NEW_STORE_PW: 'new-store-Pw-77', NEW_KEY_PW: 'key-Pw-1290', NEW_TRUST_PW: 'trust-Pw-5521' };

async function mi4Home(): Promise<string> {
  return (await createSandbox(path.join(tempDir(), 'home'), 'mi-4')).home;
}

function configOf(home: string): string {
  return path.join(home, 'conf', 'deployment.toml');
}

function appendConfig(home: string, text: string): void {
  writeFileSync(configOf(home), readFileSync(configOf(home), 'utf8') + text);
}

async function certificateOf(file: string, alias: string, storePassword: string): Promise<Buffer> {
  const pem = await keytool(['-exportcert', '-rfc', '-keystore', file, '-alias', alias, '-storepass:env', 'SP'], { SP: storePassword });
  return Buffer.from(new X509Certificate(pem).raw);
}

/** The issue's home: an MI 4 sandbox with a separate internal keystore (key password wso2carbon) and one secret. */
async function separateInternalHome(): Promise<string> {
  const home = await mi4Home();
  const file = path.join(home, SECURITY, 'internal.jks');
  await genKeyPair({ file, alias: 'internal', storePassword: 'intern-Pw-9', keyPassword: 'wso2carbon' });
  const secret = encryptSecret(await certificateOf(file, 'internal', 'intern-Pw-9'), 'db-Pw-secret');
  appendConfig(
    home,
    `\n[keystore.internal]\nfile_name = "${SECURITY}/internal.jks"\npassword = "intern-Pw-9"\nalias = "internal"\n\n[secrets]\ndb_password = "${secret}"\n`,
  );
  return home;
}

function answers(body: string): string {
  const file = path.join(tempDir(), 'answers.toml');
  writeFileSync(file, body);
  return file;
}

function primaryAnswers(extra = ''): string {
  return answers(`[keystore]
source = "generate"
file_name = "ei-primary.jks"
type = "JKS"
alias = "ei-primary"
password = { env = "NEW_STORE_PW" }
key_password = { env = "NEW_KEY_PW" }
overwrite = true
[keystore.generate]
dname = "CN=localhost, O=Test"
subject_alt_names = ["DNS:localhost", "IP:127.0.0.1"]
${extra}`);
}

async function status(home: string, env: NodeJS.ProcessEnv = {}) {
  const run = await runCliCaptured(['status', '--home', home, '--json'], { env });
  return {
    run,
    report: JSON.parse(run.stdout) as {
      findings: Array<{ code: string; level: string; role?: string; message: string }>;
      roles: Array<{ role: string; resolved: Record<string, { value: string | null; from: string; via: string[] }> }>;
      references: Array<{ prefix: string; opens: boolean }>;
    },
  };
}

async function apply(home: string, procedure: string, file: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []) {
  return runCliCaptured(['apply', procedure, '--answers', file, '--home', home, ...extra], { env: { ...NEW, ...env } });
}

const codes = (findings: Array<{ code: string; role?: string }>, role?: string) =>
  findings.filter((f) => role === undefined || f.role === role).map((f) => f.code);

describe('1. a table without key_password', () => {
  it('status: an internal keystore the server opens is reported healthy, with its key password traced to the primary', async () => {
    const home = await separateInternalHome();
    const { report } = await status(home);
    expect(codes(report.findings, 'internal')).not.toContain('wrong-key-password');
    const internal = report.roles.find((role) => role.role === 'internal')!;
    expect(internal.resolved.key_password).toEqual({
      value: '********',
      from: 'repository/resources/conf/default.json',
      via: [expect.stringMatching(/^\$ref\{keystore\.primary\.key_password\} from /)],
    });
    const java = await runStartupCheck(home);
    expect(java.serverStarts, JSON.stringify(java)).toBe(true);
  });

  it('apply primary with a new key password writes the internal key password explicitly, and the server still opens the internal key and every secret', async () => {
    const home = await separateInternalHome();
    const run = await apply(home, 'primary', primaryAnswers());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(
      /\[keystore\.internal\] key_password is written with the value it inherited until now, so the internal key keeps opening/,
    );
    const data = parse(readFileSync(configOf(home), 'utf8')) as {
      keystore: { internal: Record<string, string>; primary: Record<string, string> };
    };
    expect(data.keystore.internal.key_password).toBe('wso2carbon');
    expect(data.keystore.primary.key_password).toBe(NEW.NEW_KEY_PW);
    const java = await runStartupCheck(home);
    expect(java.serverStarts, JSON.stringify(java)).toBe(true);
  });

  it('a hand-written [keystore.primary] without key_password whose key password is not wso2carbon is reported broken, as the server finds it', async () => {
    const home = await mi4Home();
    await genKeyPair({
      file: path.join(home, SECURITY, 'hand.jks'),
      alias: 'hand',
      storePassword: 'hand-Store-1',
      keyPassword: 'hand-Key-2',
    });
    const text = readFileSync(configOf(home), 'utf8').replace(
      /^\[keystore\.primary\][^[]*/m,
      `[keystore.primary]\nfile_name = "${SECURITY}/hand.jks"\npassword = "hand-Store-1"\nalias = "hand"\n\n`,
    );
    writeFileSync(configOf(home), text);
    const { run, report } = await status(home);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(codes(report.findings, 'primary')).toContain('wrong-key-password');
    const java = await runStartupCheck(home);
    expect(java.serverStarts).toBe(false);
  });
});

describe('2. placeholders are kept', () => {
  it('$env{} passwords stay references; the plan says what to set; the server opens the result with the variable set to the new password', async () => {
    const home = await mi4Home();
    const text = readFileSync(configOf(home), 'utf8').replace(
      /^(\[keystore\.primary\][^[]*?)password = "wso2carbon"/m,
      '$1password = "$env{MI_KS_PW}"',
    );
    writeFileSync(configOf(home), text);
    // The reviewer sees the placeholder as itself, and never the new password.
    const dry = await apply(home, 'primary', primaryAnswers(), { MI_KS_PW: 'wso2carbon' }, ['--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^ password = "\$env\{MI_KS_PW\}"$/m);
    expect(dry.stdout).toMatch(/^\+key_password = \*{8}$/m);
    expect(dry.stdout + dry.stderr).not.toContain(NEW.NEW_STORE_PW);
    const run = await apply(home, 'primary', primaryAnswers(), { MI_KS_PW: 'wso2carbon' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(
      /\[keystore\.primary\] password stays \$env\{MI_KS_PW\}: set MI_KS_PW to the new store password/,
    );
    const after = readFileSync(configOf(home), 'utf8');
    expect(after).toContain('password = "$env{MI_KS_PW}"');
    expect(after).not.toContain(NEW.NEW_STORE_PW);
    expect((await runStartupCheck(home, { env: { MI_KS_PW: NEW.NEW_STORE_PW } })).serverStarts).toBe(true);
    expect((await runStartupCheck(home, { env: { MI_KS_PW: 'wso2carbon' } })).serverStarts).toBe(false);
  });

  it('a $secret{} password with the vault locked is refused with its alias named, and nothing is written', async () => {
    const home = await mi4Home();
    writeFileSync(
      configOf(home),
      readFileSync(configOf(home), 'utf8').replace(
        /^(\[keystore\.primary\][^[]*?)password = "wso2carbon"/m,
        '$1password = "$secret{keystore_password}"',
      ),
    );
    const before = snapshotTree(home);
    const run = await apply(home, 'primary', primaryAnswers());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /keeps passwords in the secure vault: \$secret\{keystore_password\} \(\[keystore\.primary\] password\)[\s\S]*--vault-password-env NAME[\s\S]*Nothing was written/,
    );
    expect(snapshotTree(home)).toEqual(before);
  });

  it('a new password the product would expand is refused', async () => {
    const home = await mi4Home();
    const before = snapshotTree(home);
    const run = await apply(home, 'primary', primaryAnswers(), { NEW_STORE_PW: 'abc$env{HOME}xyz' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\[keystore\] password: the new password contains "\$env\{"/);
    expect(snapshotTree(home)).toEqual(before);
  });
});

describe('3. explicit references outside the three tables', () => {
  const listener = (file: string) =>
    `\n[transport.http]\nlistener.keystore.location = "${file}"\nlistener.keystore.password = "wso2carbon"\n`;

  it('status says a listener set to the primary file is overridden; apply primary moves it with the primary; the server opens it', async () => {
    const home = await mi4Home();
    appendConfig(home, listener(`${SECURITY}/wso2carbon.jks`));
    const first = await status(home);
    expect(first.report.findings.find((f) => f.code === 'reference-overridden')?.message).toMatch(
      /\[transport\.http\.listener\.keystore\] \(location, password set explicitly\) opens the primary keystore's file/,
    );
    const run = await apply(home, 'primary', primaryAnswers());
    expect(run.code, run.stderr).toBe(0);
    const data = parse(readFileSync(configOf(home), 'utf8')) as { transport: { http: { listener: { keystore: Record<string, string> } } } };
    expect(data.transport.http.listener.keystore).toEqual({ location: `${SECURITY}/ei-primary.jks`, password: NEW.NEW_STORE_PW });
    const after = await status(home);
    expect(codes(after.report.findings)).not.toContain('reference-stale');
    const java = await runStartupCheck(home);
    expect(java.serverStarts, JSON.stringify(java)).toBe(true);
  });

  it('a listener on another file is reported stale and left alone by apply, with a note', async () => {
    const home = await mi4Home();
    await genKeyPair({ file: path.join(home, SECURITY, 'other.jks'), alias: 'wso2carbon', storePassword: 'wso2carbon' });
    appendConfig(home, listener(`${SECURITY}/other.jks`));
    const { report } = await status(home);
    expect(report.findings.find((f) => f.code === 'reference-stale')?.message).toMatch(/opens .*other\.jks, not the primary keystore/);
    const run = await apply(home, 'primary', primaryAnswers());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(
      /\[transport\.http\.listener\.keystore\] opens repository\/resources\/security\/other\.jks, not the primary keystore this change replaces: left as it is/,
    );
    expect(readFileSync(configOf(home), 'utf8')).toContain(`listener.keystore.location = "${SECURITY}/other.jks"`);
  });
});

describe('4. the key that encrypts secrets is RSA', () => {
  it('an EC internal key is warned about in the plan, and status then warns secrets-key-not-rsa', async () => {
    const home = await mi4Home();
    const file = answers(`[keystore]
source = "generate"
file_name = "internal-ec.jks"
type = "JKS"
alias = "internal"
password = { env = "NEW_STORE_PW" }
[keystore.generate]
dname = "CN=internal, O=Test"
key_algorithm = "EC"
key_size = 256
`);
    const run = await apply(home, 'internal', file);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/Warning: the new key is EC, and this keystore is the one that encrypts \[secrets\]/);
    const { report } = await status(home);
    expect(codes(report.findings, 'internal')).toContain('secrets-key-not-rsa');
  });
});

describe('roles do not share files', () => {
  it.each([
    [
      'internal',
      `[keystore]\nsource = "generate"\nfile_name = "wso2carbon.jks"\ntype = "JKS"\nalias = "internal"\npassword = { env = "NEW_STORE_PW" }\noverwrite = true\n[keystore.generate]\ndname = "CN=internal"\n`,
      /is the current primary keystore/,
    ],
    [
      'truststore',
      `[truststore]\nsource = "copy-current"\nfile_name = "wso2carbon.jks"\ntype = "JKS"\npassword = { env = "NEW_TRUST_PW" }\noverwrite = true\n`,
      /is the current primary keystore/,
    ],
    [
      'primary',
      `[keystore]\nsource = "generate"\nfile_name = "client-truststore.jks"\ntype = "JKS"\nalias = "p"\npassword = { env = "NEW_STORE_PW" }\noverwrite = true\n[keystore.generate]\ndname = "CN=p"\n[truststore]\nimport_certificate = false\n`,
      /is the current truststore/,
    ],
  ])("apply %s onto another role's file is refused, nothing written", async (procedure, body, message) => {
    const home = await mi4Home();
    const before = snapshotTree(home);
    const run = await apply(home, procedure, answers(body));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(snapshotTree(home)).toEqual(before);
  });
});
