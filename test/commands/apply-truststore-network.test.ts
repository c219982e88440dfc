import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { keytoolList } from '../../source/keytool/run.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SANDBOX_PASSWORD, SANDBOX_TRUSTSTORE } from '../../source/sandbox/keystores.js';
import { SECURITY } from '../support/homes.js';
import { keytool } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
import { expectServerStarts } from '../support/startup-check.js';
import { pem } from '../support/test-ca.js';
import { javaTrusts } from '../support/tls-client.js';
import {
  ecChain,
  rsaChain,
  selfSigned,
  startConnectProxy,
  startOpensslServer,
  startTlsServer,
  type RunningServer,
} from '../support/tls-servers.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';

/**
 * apply truststore with [[truststore.import]] url = ...: the chain is fetched from a 127.0.0.1 server, the chosen
 * certificate must match its sha256 pin, and afterwards a Java client trusting only the new truststore trusts the
 * server and the server's start-up check passes. Also [truststore] remove / remove_expired against keytool's listing.
 */
const NEW_PASSWORD = 'new-truststore-pw';
const env = { EI_TRUSTSTORE_PASSWORD: NEW_PASSWORD };

async function sandbox(now?: Date): Promise<string> {
  return (await createSandbox(path.join(tempDir(), 'home'), 'mi-4', now)).home;
}

function answers(body: string, fileName = 'ei-truststore.jks'): string {
  const file = path.join(tempDir(), 'truststore.toml');
  writeFileSync(
    file,
    `[truststore]\nsource = "copy-current"\nfile_name = "${fileName}"\npassword = { env = "EI_TRUSTSTORE_PASSWORD" }\noverwrite = true\n${body}`,
  );
  return file;
}

async function serve(server: Promise<RunningServer>): Promise<RunningServer> {
  const running = await server;
  onTestFinished(() => running.close());
  return running;
}

const newTruststore = (home: string, name = 'ei-truststore.jks') => ({ file: path.join(home, SECURITY, name), password: NEW_PASSWORD });

describe('apply truststore: import from a server', () => {
  it('default trust (the top-most CA presented), alias from its CN, pinned: Java then trusts the server and the server starts', async () => {
    const home = await sandbox();
    const chain = rsaChain({ names: ['import.test'], label: 'Import' });
    const server = await serve(startTlsServer(chain));
    const { stdout: print } = await execa('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem(chain.intermediate!) });
    const pin = print.trim().replace(/^.*=/, '');
    expect(
      (
        await javaTrusts(
          { file: path.join(home, SECURITY, SANDBOX_TRUSTSTORE), password: SANDBOX_PASSWORD },
          '127.0.0.1',
          server.port,
          'import.test',
        )
      ).trusted,
    ).toBe(false);

    const file = answers(
      `[[truststore.import]]\nurl = "https://127.0.0.1:${server.port}"\nservername = "import.test"\nsha256 = "${pin}"\n`,
    );
    const dry = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home, '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/import O=Check TLS Test, CN=Import Intermediate CA into .* as "import-intermediate-ca"/);
    expect(dry.stdout).toContain(
      `After this change, 127.0.0.1:${server.port} (name import.test) is trusted (check-tls, by Java's rules: the path ends at "import-intermediate-ca")`,
    );

    const run = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home], { env });
    expect(run.code, run.stderr).toBe(0);
    const listing = await keytoolList(newTruststore(home).file, NEW_PASSWORD);
    expect(listing.find((entry) => entry.alias === 'import-intermediate-ca')).toMatchObject({
      kind: 'trusted-certificate',
      sha256: pin.replaceAll(':', ''),
    });
    expect((await javaTrusts(newTruststore(home), '127.0.0.1', server.port, 'import.test')).trusted).toBe(true);
    const check = await runCliCaptured(['check-tls', `127.0.0.1:${server.port}`, '--servername', 'import.test', '--home', home], { env });
    expect(check.code, check.stdout).toBe(0);
    await expectServerStarts(home, { env });

    const again = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Nothing to change/);
  }, 120_000);

  it('a wrong sha256 pin: exit 2, the presented chain listed, nothing written', async () => {
    const home = await sandbox();
    const chain = rsaChain({ names: ['pinned.test'], label: 'Pinned' });
    const server = await serve(startTlsServer(chain));
    const before = snapshotTree(home);
    const file = answers(
      `[[truststore.import]]\nhost = "127.0.0.1"\nport = ${server.port}\nservername = "pinned.test"\nsha256 = "${'AB:'.repeat(31)}AB"\n`,
    );
    const run = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not the pinned AB:AB/);
    expect(run.stderr).toMatch(/something between here and the server intercepts/);
    expect(run.stderr).toMatch(/1\. O=Check TLS Test, CN=pinned\.test \(issued by O=Check TLS Test, CN=Pinned Intermediate CA\), SHA-256 /);
    expect(snapshotTree(home)).toEqual(before);
  }, 60_000);

  it('no pin: exit 2 naming the fingerprint to compare; --trust-on-first-use accepts it and prints it', async () => {
    const home = await sandbox();
    const chain = selfSigned({ names: ['tofu.test'] });
    const server = await serve(startTlsServer(chain));
    const { stdout: print } = await execa('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: pem(chain.leaf) });
    const hex = print.trim().replace(/^.*=/, '').replaceAll(':', '');
    const before = snapshotTree(home);
    const file = answers(`[[truststore.import]]\nalias = "tofu"\nurl = "https://127.0.0.1:${server.port}"\nservername = "tofu.test"\n`);
    const refused = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`sha256 = "${hex}"`);
    expect(refused.stderr).toMatch(/--trust-on-first-use/);
    expect(snapshotTree(home)).toEqual(before);

    const accepted = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home, '--trust-on-first-use'], { env });
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/Trusted on first use/);
    expect(accepted.stdout).toContain(hex.match(/../g)!.join(':'));
    expect((await keytoolList(newTruststore(home).file, NEW_PASSWORD)).find((entry) => entry.alias === 'tofu')?.sha256).toBe(hex);
    expect((await javaTrusts(newTruststore(home), '127.0.0.1', server.port, 'tofu.test')).trusted).toBe(true);
    await expectServerStarts(home, { env });
  }, 120_000);

  it('through a CONNECT proxy named by HTTPS_PROXY; trust = "leaf" on an EC chain served by openssl s_server', async () => {
    const home = await sandbox();
    const chain = await ecChain(path.join(tempDir(), 'ec'), ['ec-import.test']);
    const server = await serve(startOpensslServer(chain.files));
    const proxy = await startConnectProxy();
    onTestFinished(() => proxy.close());

    const { stdout: print } = await execa('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', chain.files.leaf]);
    const file = answers(
      `[[truststore.import]]\nurl = "https://127.0.0.1:${server.port}"\nservername = "ec-import.test"\ntrust = "leaf"\nsha256 = "${print.trim().replace(/^.*=/, '')}"\n`,
    );
    const run = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home], {
      env: { ...env, HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(proxy.targets).toEqual([`127.0.0.1:${server.port}`]);
    expect((await keytoolList(newTruststore(home).file, NEW_PASSWORD)).map((entry) => entry.alias)).toContain('ec-import.test');
    expect((await javaTrusts(newTruststore(home), '127.0.0.1', server.port, 'ec-import.test')).trusted).toBe(true);
    await expectServerStarts(home, { env });
  }, 120_000);

  it('the plan says when the server is still not trusted after the change (a name the certificate does not hold)', async () => {
    const home = await sandbox();
    const chain = rsaChain({ names: ['right.test'], label: 'After' });
    const server = await serve(startTlsServer(chain));
    const pin = createHash('sha256').update(chain.intermediate!).digest('hex');
    const file = answers(
      `[[truststore.import]]\nurl = "https://127.0.0.1:${server.port}"\nservername = "wrong.test"\ntrust = "issuer"\nsha256 = "${pin}"\n`,
    );
    const dry = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home, '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(
      `After this change, 127.0.0.1:${server.port} (name wrong.test) is still NOT trusted: the server's certificate is not for "wrong.test": it holds DNS:right.test`,
    );
  }, 60_000);

  it('trust = "issuer" on a server that sends only its leaf: exit 2 saying there is no issuer to trust', async () => {
    const home = await sandbox();
    const server = await serve(startTlsServer(rsaChain({ names: ['alone.test'], label: 'Alone', leafOnly: true })));
    const file = answers(
      `[[truststore.import]]\nurl = "https://127.0.0.1:${server.port}"\ntrust = "issuer"\nsha256 = "${'00'.repeat(32)}"\n`,
    );
    const run = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/presents only its own certificate, so there is no issuer to trust/);
  }, 60_000);
});

describe('apply truststore: remove and remove_expired', () => {
  async function addToTruststore(home: string, alias: string, der: Buffer): Promise<void> {
    const file = path.join(tempDir(), `${alias}.pem`);
    writeFileSync(file, pem(der));
    await keytool(
      [
        '-importcert',
        '-noprompt',
        '-alias',
        alias,
        '-file',
        file,
        '-keystore',
        path.join(home, SECURITY, SANDBOX_TRUSTSTORE),
        '-storepass:env',
        'T',
      ],
      { T: SANDBOX_PASSWORD },
    );
  }

  it('removes the listed and the expired certificates, each listed in the plan; keytool agrees', async () => {
    const home = await sandbox();
    const expired = rsaChain({ names: ['old.test'], label: 'Old', leafExpired: true });
    const valid = rsaChain({ names: ['partner.test'], label: 'Partner' });
    await addToTruststore(home, 'old-partner', expired.leaf);
    await addToTruststore(home, 'partner-root', valid.root);
    await addToTruststore(home, 'partner-intermediate', valid.intermediate!);
    const file = answers('remove = ["Partner-Root"]\nremove_expired = true\n');
    const dry = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home, '--dry-run'], { env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/remove "partner-root" \(O=Check TLS Test, CN=Partner Root CA, valid to \d{4}-\d\d-\d\d\)/);
    expect(dry.stdout).toMatch(/remove "old-partner" \(O=Check TLS Test, CN=old\.test, expired \d{4}-\d\d-\d\d\)/);
    const run = await runCliCaptured(['apply', 'truststore', '--answers', file, '--home', home], { env });
    expect(run.code, run.stderr).toBe(0);
    const aliases = (await keytoolList(newTruststore(home).file, NEW_PASSWORD)).map((entry) => entry.alias).sort();
    expect(aliases).toEqual(['partner-intermediate', 'wso2carbon']);
    await expectServerStarts(home, { env });
  }, 120_000);

  it('remove_expired keeps the expired certificate of our own primary key, and says so', async () => {
    // The sandbox's certificates are made two years back, so its wso2carbon certificate has expired.
    const home = await sandbox(new Date(Date.now() - 2 * 366 * 86_400_000));
    const expired = rsaChain({ names: ['gone.test'], label: 'Gone', leafExpired: true });
    await addToTruststore(home, 'gone', expired.leaf);
    const run = await runCliCaptured(['apply', 'truststore', '--answers', answers('remove_expired = true\n'), '--home', home], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/"wso2carbon" .* certifies our own primary key, so remove_expired keeps it/);
    expect((await keytoolList(newTruststore(home).file, NEW_PASSWORD)).map((entry) => entry.alias)).toEqual(['wso2carbon']);
  }, 60_000);

  it('an alias that is not there: exit 2 naming it, nothing written', async () => {
    const home = await sandbox();
    const before = snapshotTree(home);
    const run = await runCliCaptured(['apply', 'truststore', '--answers', answers('remove = ["no-such-alias"]\n'), '--home', home], {
      env,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\[truststore\] remove: "no-such-alias" is not in the truststore it starts from \(1 entries: wso2carbon\)/);
    expect(snapshotTree(home)).toEqual(before);
  }, 60_000);
});
