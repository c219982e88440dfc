import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { encodeKeystore } from '../../source/keystore/write.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SECURITY } from '../support/homes.js';
import { tempDir } from '../support/tmp.js';
import { keystoreAnswers, runBundle, type BundleRun } from './bundle.js';

/*
 * Issue 11, findings 4, 6 and 7, and the escapes: what a home's owner can plant in its files (a configuration,
 * a keystore) must not leak a secret into a log, stall the tool, or drive the terminal. Each test runs the
 * bundled tool as users do.
 */

/**
 * The bounds the issue sets for a bounded input: 2 s and 200 MB per run. Time is the child's CPU time (user +
 * system), not wall time: this machine and CI run test files in parallel on few cores, so wall time measures the
 * neighbours too, while a bomb is work the process itself does, which CPU time counts whatever the load. Memory
 * is the child's peak resident set. Both are generous: a plain `status` or `inspect` takes about 0.3 s of CPU
 * and 60 MB; the bombs took 16 to 45 s and up to 1.2 GB before the bounds.
 */
const MAX_CPU_SECONDS = 2;
const MAX_RSS_MB = 200;

interface MeasuredRun extends BundleRun {
  cpuSeconds: number;
  maxRssMb: number;
}

const TIME = '/usr/bin/time';
const MEASURE_LINE = /(?:^|\n)ei-measure (\d+) ([\d.]+) ([\d.]+)\n?$/;

/**
 * Without GNU time: the bundle imported by a small node program that prints its own resource usage at exit
 * (the same process, so the figures are the bundle's, plus node's start-up).
 */
const MEASURING_WRAPPER = [
  // node -e SCRIPT NODE BUNDLE ARGS... gives argv [node, NODE, BUNDLE, ARGS...]; the bundle wants [node, BUNDLE, ARGS...].
  'process.argv.splice(1, 1);',
  "process.on('exit', () => { const usage = process.resourceUsage(); process.stderr.write(`ei-measure ${usage.maxRSS} ${usage.userCPUTime / 1e6} ${usage.systemCPUTime / 1e6}\\n`); });",
  "import(require('node:url').pathToFileURL(process.argv[1]).href);",
].join('\n');

async function measuredRun(args: string[], env: NodeJS.ProcessEnv = {}, useTime = existsSync(TIME)): Promise<MeasuredRun> {
  const prefix = useTime ? [TIME, '-f', 'ei-measure %M %U %S'] : [process.execPath, '-e', MEASURING_WRAPPER];
  const run = await runBundle(args, env, { prefix });
  const match = MEASURE_LINE.exec(run.stderr);
  if (!match) throw new Error(`no resource figures in the output of ${args.join(' ')}: ${run.stderr}`);
  return {
    ...run,
    stderr: run.stderr.slice(0, match.index),
    maxRssMb: Number(match[1]) / 1024,
    cpuSeconds: Number(match[2]) + Number(match[3]),
  };
}

function expectBounded(run: MeasuredRun, what: string): void {
  expect(run.cpuSeconds, `${what}: CPU seconds`).toBeLessThan(MAX_CPU_SECONDS);
  expect(run.maxRssMb, `${what}: peak memory in MB`).toBeLessThan(MAX_RSS_MB);
}

async function sandboxHome(): Promise<string> {
  return (await createSandbox(path.join(tempDir(), 'home'), 'mi-4')).home;
}

const configOf = (home: string): string => path.join(home, 'conf', 'deployment.toml');

function editConfig(home: string, edit: (text: string) => string): void {
  writeFileSync(configOf(home), edit(readFileSync(configOf(home), 'utf8')));
}

describe('the measuring itself', () => {
  it('reads the CPU time and peak memory of a run, with GNU time and without', async () => {
    for (const useTime of existsSync(TIME) ? [true, false] : [false]) {
      const run = await measuredRun(['--version'], {}, useTime);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      expect(run.stderr).toBe('');
      // node itself needs some memory and some CPU: figures of zero would mean nothing was measured.
      expect(run.maxRssMb).toBeGreaterThan(10);
      expect(run.cpuSeconds).toBeGreaterThan(0);
    }
  });
});

describe('finding 4: secrets in a configuration are masked by the shape of their key, in every output of apply', () => {
  // Values no other text contains: any occurrence in any output is a leak.
  const FOREIGN = {
    proxy_password: 'Foreign-Proxy-8d1e',
    keyStorePassword: 'Foreign-Keystore-2b7c',
    connection_password: 'Foreign-Db-5a0f',
    client_secret: 'Foreign-Oauth-9c3d',
  };

  it('--dry-run, --dry-run --json and apply show neither the foreign secrets nor the new password, and show placeholders as they are', async () => {
    const home = await sandboxHome();
    // Around [keystore.primary], so that they are context lines of its hunk.
    editConfig(home, (text) =>
      text
        .replace(
          '\n[keystore.primary]\n',
          `\n[database.shared_db]\nurl = "jdbc:h2:./shared"\nconnection_password = "${FOREIGN.connection_password}"\n[proxy]\nproxy_password = "${FOREIGN.proxy_password}"\n\n[keystore.primary]\n`,
        )
        .replace(
          '\n[truststore]',
          `[custom.listener]\nkeyStorePassword = "${FOREIGN.keyStorePassword}"\napi_token = "$env{MI_API_TOKEN}"\nclient_secret = "${FOREIGN.client_secret}"\n\n[truststore]`,
        ),
    );
    const answers = keystoreAnswers(tempDir(), 'ei-primary', { keyPassword: true });
    const env = { NEW_PASS: 'New-Store-Canary-41f0', NEW_KEY_PASS: 'New-Key-Canary-77aa' };
    const canaries = [...Object.values(FOREIGN), ...Object.values(env)];
    const args = ['apply', 'primary', '--answers', answers, '--home', home];

    const dryRun = await runBundle([...args, '--dry-run'], env);
    const dryRunJson = await runBundle([...args, '--dry-run', '--json'], env);
    const applied = await runBundle(args, env);
    for (const [name, run] of Object.entries({ dryRun, dryRunJson, applied })) {
      expect(run.code, `${name}: ${run.stderr}`).toBe(0);
      const output = run.stdout + run.stderr;
      for (const canary of canaries) expect(output, `${name} prints ${canary}`).not.toContain(canary);
    }
    const diff = (JSON.parse(dryRunJson.stdout) as { diff: string }).diff;
    for (const shown of [dryRun.stdout, diff, applied.stdout]) {
      expect(shown).toContain('\n proxy_password = ********\n');
      expect(shown).toContain('\n keyStorePassword = ********\n');
      expect(shown).toContain('\n api_token = "$env{MI_API_TOKEN}"\n');
      expect(shown).toMatch(/\n\+password = \*{8}\n/);
    }
    // The file itself holds them all: only what is shown is masked.
    const written = readFileSync(configOf(home), 'utf8');
    for (const canary of [...Object.values(FOREIGN), env.NEW_PASS]) expect(written).toContain(canary);
  });
});

describe('finding 6: a $ref expansion bomb in the configuration', () => {
  /** Eight lines, each referring to the previous one ten times: the 7th level is 10^7 characters. */
  function refBomb(): string {
    const lines = ['[bomb]', 'l0 = "xxxxxxxxxx"'];
    for (let level = 1; level <= 7; level++) lines.push(`l${level} = "${`$ref{bomb.l${level - 1}}`.repeat(10)}"`);
    return `${lines.join('\n')}\n`;
  }

  it.each([
    ['eight lines of ten refs each, 7 levels deep', '$ref{bomb.l7}', 'at $ref{bomb.l'],
    ['2,000 refs in one value', '$ref{bomb.l1}'.repeat(2000), 'at $ref{bomb.l1}'],
  ])('status stops at 64 KB with config-invalid naming the key: %s', async (_name, password, where) => {
    const home = await sandboxHome();
    editConfig(
      home,
      (text) => text.replace('password = "wso2carbon"\nalias = "wso2carbon"', `password = "${password}"\nalias = "wso2carbon"`) + refBomb(),
    );
    expect(readFileSync(configOf(home), 'utf8')).toContain(`password = "${password.slice(0, 40)}`);
    const run = await measuredRun(['status', '--home', home, '--json']);
    expectBounded(run, 'status');
    expect(run.stderr).not.toMatch(/internal error/);
    const report = JSON.parse(run.stdout) as { findings: Array<{ level: string; code: string; message: string }> };
    // A role whose values cannot be resolved is an error: the server would not start either.
    expect(run.code, run.stderr).toBe(1);
    const invalid = report.findings
      .filter((finding) => finding.code === 'config-invalid' && finding.level === 'error')
      .map((finding) => finding.message);
    expect(invalid).toContainEqual(expect.stringContaining('the $ref expansion of keystore.primary.password passes 65536 characters'));
    expect(invalid.join('\n')).toContain(where);
    // No change is planned on top of it, not even a dry run.
    const planned = await measuredRun(
      ['apply', 'primary', '--answers', keystoreAnswers(tempDir(), 'ei-primary'), '--home', home, '--dry-run'],
      { NEW_PASS: 'New-Store-Pass-1' },
    );
    expectBounded(planned, 'apply --dry-run');
    expect(planned.code, planned.stderr).toBe(2);
    expect(planned.stderr).toMatch(/passes 65536 characters[\s\S]*nothing was written/);
  });

  it('a chain deeper than 16 is refused the same way, naming the chain', async () => {
    const home = await sandboxHome();
    const chain = ['[chain]', ...Array.from({ length: 17 }, (_, n) => `k${n} = "$ref{chain.k${n + 1}}"`), 'k17 = "wso2carbon"'].join('\n');
    editConfig(
      home,
      (text) =>
        text.replace('password = "wso2carbon"\nalias = "wso2carbon"', 'password = "$ref{chain.k0}"\nalias = "wso2carbon"') + `${chain}\n`,
    );
    const run = await measuredRun(['status', '--home', home, '--json']);
    expectBounded(run, 'status');
    const report = JSON.parse(run.stdout) as { findings: Array<{ code: string; message: string }> };
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        code: 'config-invalid',
        message: expect.stringContaining('the $ref chain from keystore.primary.password is deeper than 16'),
      }),
    );
  });
});

describe('finding 7: PKCS#12 files that ask for millions of key-derivation iterations', () => {
  const PASSWORD = 'changeit';

  let made: Buffer | undefined;
  /**
   * A 2.5 KB file made by openssl pkcs12 -export -iter 5000000 (MAC, certificates and key at 5,000,000 each),
   * written into this test's directory. Made once: openssl itself takes seconds to derive 15,000,000 iterations.
   */
  function iterationBomb(): string {
    const dir = tempDir();
    const file = path.join(dir, 'bomb.p12');
    if (!made) {
      const key = path.join(dir, 'bomb.key');
      const cert = path.join(dir, 'bomb.crt');
      execFileSync(
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
          key,
          '-out',
          cert,
          '-subj',
          '/CN=bomb',
          '-days',
          '30',
        ],
        { stdio: 'ignore' },
      );
      execFileSync(
        'openssl',
        ['pkcs12', '-export', '-iter', '5000000', '-in', cert, '-inkey', key, '-name', 'bomb', '-out', file, '-passout', 'env:P12PASS'],
        { env: { ...process.env, P12PASS: PASSWORD }, stdio: 'ignore' },
      );
      made = readFileSync(file);
    }
    writeFileSync(file, made);
    return file;
  }

  /** The same file with its bag sets twice over (the MAC, now stale, is never reached: the budget is checked first). */
  function twoBagSets(file: string): string {
    const asn1 = forge.asn1;
    const root = asn1.fromDer(readFileSync(file).toString('latin1'));
    const [version, authSafe, macData] = root.value as forge.asn1.Asn1[];
    const [type, wrapper] = authSafe!.value as forge.asn1.Asn1[];
    const safe = asn1.fromDer((wrapper!.value as forge.asn1.Asn1[])[0]!.value as string);
    const bags = safe.value as forge.asn1.Asn1[];
    const doubled = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [...bags, ...bags]);
    const content = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(doubled).getBytes()),
    ]);
    const pfx = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      version!,
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [type!, content]),
      macData!,
    ]);
    const out = path.join(tempDir(), 'bomb-twice.p12');
    writeFileSync(out, Buffer.from(asn1.toDer(pfx).getBytes(), 'latin1'));
    return out;
  }

  it('inspect refuses the file (exit 2) naming the iterations, quickly, with the right password or a wrong one, and with two bag sets', async () => {
    const bomb = iterationBomb();
    expect(readFileSync(bomb).length).toBeLessThan(3000);
    const cases: Array<[string, string, string]> = [
      [bomb, PASSWORD, '15000000'],
      [bomb, 'wrong-password', '15000000'],
      [twoBagSets(bomb), PASSWORD, '25000000'],
    ];
    for (const [file, password, total] of cases) {
      for (const json of [false, true]) {
        const run = await measuredRun(['inspect', file, '--password-env', 'P12_PASSWORD', ...(json ? ['--json'] : [])], {
          P12_PASSWORD: password,
        });
        expectBounded(run, `inspect ${path.basename(file)}`);
        expect(run.code, run.stderr).toBe(2);
        expect(run.stderr).toContain(
          `the PKCS#12 file asks for ${total} key-derivation iterations to be opened (the integrity check (MAC) 5000000, encrypted contents 1 5000000, private key 1 5000000`,
        );
        expect(run.stderr).toContain('this tool spends at most 10000000 on one file');
        expect(run.stderr).not.toMatch(/internal error|wrong password/);
      }
    }
  }, 60_000);

  it('status on a home whose primary keystore is such a file reports it, quickly', async () => {
    const home = await sandboxHome();
    const bomb = iterationBomb();
    writeFileSync(path.join(home, SECURITY, 'bomb.p12'), readFileSync(bomb));
    editConfig(home, (text) =>
      text.replace(
        'file_name = "repository/resources/security/wso2carbon.jks"\npassword = "wso2carbon"\nalias = "wso2carbon"\nkey_password = "wso2carbon"',
        `file_name = "repository/resources/security/bomb.p12"\ntype = "PKCS12"\npassword = "${PASSWORD}"\nalias = "bomb"\nkey_password = "${PASSWORD}"`,
      ),
    );
    const run = await measuredRun(['status', '--home', home, '--json']);
    expectBounded(run, 'status');
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as { findings: Array<{ role: string; level: string; message: string }> };
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        role: 'primary',
        level: 'error',
        message: expect.stringContaining('asks for 15000000 key-derivation iterations'),
      }),
    );
  }, 60_000);
});

describe('escapes: text from a keystore or a configuration never drives the terminal', () => {
  // Clear the screen, set the window title, a C1 CSI (red), a right-to-left override.
  const EVIL = '\u001b[2J\u001b]0;owned\u0007evil\u009b31m\u202eexe.txt';
  const ESCAPED = '\\e[2J\\e]0;owned\\x07evil\\x9b31m\\u202eexe.txt';
  /** Anything a terminal acts on: C0 controls but newline and tab, DEL, C1, the bidi controls. */
  const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

  /** A PKCS#12 keystore with one key entry whose alias is EVIL and whose subject CN holds EVIL too. */
  async function evilKeystore(file: string, password: string): Promise<void> {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const certificate = forge.pki.createCertificate();
    certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    certificate.serialNumber = '01';
    certificate.validity.notBefore = new Date(Date.now() - 86_400_000);
    certificate.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
    // forge encodes a UTF8String value itself (its typings call the tag a class).
    const name: forge.pki.CertificateField[] = [
      { name: 'commonName', value: EVIL, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class },
    ];
    certificate.setSubject(name);
    certificate.setIssuer(name);
    certificate.sign(
      forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey,
      forge.md.sha256.create(),
    );
    const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
    writeFileSync(
      file,
      await encodeKeystore(
        'PKCS12',
        [{ kind: 'private-key', alias: EVIL, key: privateKey, keyPassword: password, chain: [der] }],
        password,
      ),
      { mode: 0o600 },
    );
  }

  it('inspect shows the alias and subject escaped, and --json keeps the real alias in valid JSON', async () => {
    const file = path.join(tempDir(), 'evil.p12');
    await evilKeystore(file, 'evil-pass');
    const text = await runBundle(['inspect', file, '--password-env', 'P'], { P: 'evil-pass' });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toMatch(CONTROL);
    expect(text.stdout).toContain(`\n${ESCAPED}  private key`);
    const json = await runBundle(['inspect', file, '--password-env', 'P', '--json'], { P: 'evil-pass' });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toMatch(CONTROL);
    const parsed = JSON.parse(json.stdout) as { entries: Array<{ alias: string; certificates: Array<{ subject: string }> }> };
    expect(parsed.entries[0]?.alias).toBe(EVIL);
  });

  it('status and the plan of apply show the alias escaped; the error of a refused apply too', async () => {
    const home = await sandboxHome();
    const keystore = path.join(home, SECURITY, 'evil.p12');
    await evilKeystore(keystore, 'evil-pass');
    // The alias as the configuration writes it: TOML's own escapes.
    const tomlAlias = JSON.stringify(EVIL).replace(/\\u001b/g, '\\e');
    editConfig(home, (text) =>
      text.replace(
        'file_name = "repository/resources/security/wso2carbon.jks"\npassword = "wso2carbon"\nalias = "wso2carbon"\nkey_password = "wso2carbon"',
        `file_name = "repository/resources/security/evil.p12"\ntype = "PKCS12"\npassword = "evil-pass"\nalias = ${tomlAlias}\nkey_password = "evil-pass"`,
      ),
    );
    const status = await runBundle(['status', '--home', home]);
    expect(status.stdout + status.stderr).not.toMatch(CONTROL);
    expect(status.stdout).toContain(`${ESCAPED}: key matches certificate`);
    const statusJson = await runBundle(['status', '--home', home, '--json']);
    expect(statusJson.stdout).not.toMatch(CONTROL);
    expect((JSON.parse(statusJson.stdout) as { roles: Array<{ alias: string | null }> }).roles[0]?.alias).toBe(EVIL);
    expect(status.stdout).toContain('evil\\x9b31m\\u202eexe.txt; RSA 2048');

    // The existing keystore taken as the internal one: the plan names its key by alias and subject.
    const dir = tempDir();
    const answers = path.join(dir, 'internal.toml');
    writeFileSync(
      answers,
      `[keystore]\nsource = "existing"\nfile_name = "ei-internal.p12"\ntype = "PKCS12"\nalias = "internal"\npassword = { env = "P" }\n[keystore.existing]\npath = "${keystore}"\npassword = { env = "P" }\n`,
    );
    const plan = await runBundle(['apply', 'internal', '--answers', answers, '--home', home, '--dry-run'], { P: 'evil-pass' });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout + plan.stderr).not.toMatch(CONTROL);
    expect(plan.stdout).toContain(`take key "${ESCAPED}" from ${keystore}`);

    // Refused: an alias the keystore does not have. The error lists the aliases it has.
    writeFileSync(answers, readFileSync(answers, 'utf8').replace('[keystore.existing]\n', '[keystore.existing]\nalias = "missing"\n'));
    const refused = await runBundle(['apply', 'internal', '--answers', answers, '--home', home, '--dry-run'], { P: 'evil-pass' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).not.toMatch(CONTROL);
    expect(refused.stderr).toContain(ESCAPED);
  });

  it('sandbox and restore print a home whose path holds control characters escaped, in text and in --json', async () => {
    const home = path.join(tempDir(), EVIL);
    const made = await runBundle(['sandbox', home]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout + made.stderr).not.toMatch(CONTROL);
    expect(made.stdout).toContain(ESCAPED);
    const again = await runBundle(['sandbox', home, '--json']);
    expect(again.stdout + again.stderr).not.toMatch(CONTROL);
    expect((JSON.parse(again.stdout) as { home: string }).home).toBe(home);
    const answers = path.join(tempDir(), 'truststore.toml');
    writeFileSync(answers, '[truststore]\nsource = "copy-current"\nfile_name = "trust.jks"\ntype = "JKS"\npassword = { env = "P" }\n');
    const applied = await runBundle(['apply', 'truststore', '--answers', answers, '--home', home, '--json'], { P: 'trust-Pw-1' });
    expect(applied.code, applied.stderr).toBe(0);
    const list = await runBundle(['restore', '--home', home, '--list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout + list.stderr).not.toMatch(CONTROL);
    expect(list.stdout).toContain(ESCAPED);
    const restored = await runBundle(['restore', '--home', home, (JSON.parse(applied.stdout) as { backup: string }).backup]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout + restored.stderr).not.toMatch(CONTROL);
    expect(restored.stdout).toContain(ESCAPED);
  });
});
