import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SANDBOX_PASSWORD, SANDBOX_TRUSTSTORE } from '../../source/sandbox/keystores.js';
import { SECURITY } from '../support/homes.js';
import { keytool } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
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
  type ServerChain,
} from '../support/tls-servers.js';

/**
 * check-tls against TLS servers on 127.0.0.1 with chains made here, one case per verdict of issue 13; every verdict
 * is held against a Java client (SSLSocket, TrustManagerFactory over the same truststore, HTTPS endpoint
 * identification) on the same server.
 */
interface CheckJson {
  trusted: boolean;
  verdict: string;
  proxy: string | null;
  problems: Array<{ code: string; message: string; fix: string }>;
  presented: Array<{ subject: string; sha256: string }>;
  anchor: { alias: string } | null;
  suggestedTrust: { position: number; sha256: string } | null;
}

let dir: string;
let home: string;
let truststore: string;
const servers: RunningServer[] = [];

async function trustInHome(alias: string, der: Buffer): Promise<void> {
  const file = path.join(dir, `${alias}.pem`);
  writeFileSync(file, pem(der));
  await keytool(['-importcert', '-noprompt', '-alias', alias, '-file', file, '-keystore', truststore, '-storepass:env', 'T_STOREPASS'], {
    T_STOREPASS: SANDBOX_PASSWORD,
  });
}

async function serve(chain: ServerChain, byName: Record<string, ServerChain> = {}): Promise<number> {
  const server = await startTlsServer(chain, byName);
  servers.push(server);
  return server.port;
}

async function checkTls(target: string, servername: string | undefined, env: NodeJS.ProcessEnv = {}) {
  const run = await runCliCaptured(['check-tls', target, '--home', home, '--json', ...(servername ? ['--servername', servername] : [])], {
    env,
  });
  return { run, json: JSON.parse(run.stdout) as CheckJson };
}

/** check-tls and Java on the same server: the exit code, the verdict, and Java's word. */
async function expectVerdict(port: number, servername: string | undefined, verdict: string): Promise<CheckJson> {
  const { run, json } = await checkTls(`127.0.0.1:${port}`, servername);
  expect(json.verdict, run.stdout).toBe(verdict);
  expect(run.code).toBe(verdict === 'trusted' ? 0 : 1);
  const java = await javaTrusts({ file: truststore, password: SANDBOX_PASSWORD }, '127.0.0.1', port, servername);
  expect(java.connected).toBe(true);
  expect(java.trusted, `Java: ${java.error}`).toBe(verdict === 'trusted');
  return json;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'eik-check-tls-'));
  ({ home } = await createSandbox(path.join(dir, 'home'), 'mi-4'));
  truststore = path.join(home, SECURITY, SANDBOX_TRUSTSTORE);
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  rmSync(dir, { recursive: true, force: true });
});

describe('check-tls: each verdict, agreed by a Java client', () => {
  it('full RSA chain whose root is trusted: trusted, exit 0', async () => {
    const chain = rsaChain({ names: ['full.test'], label: 'Full' });
    await trustInHome('full-root', chain.root);
    const json = await expectVerdict(await serve(chain), 'full.test', 'trusted');
    expect(json.anchor?.alias).toBe('full-root');
    expect(json.presented).toHaveLength(2);
  }, 60_000);

  it('root not trusted: says to import the root, with its fingerprint', async () => {
    const chain = rsaChain({ names: ['untrusted.test'], label: 'Untrusted', sendRoot: true });
    const json = await expectVerdict(await serve(chain), 'untrusted.test', 'root-not-trusted');
    expect(json.problems[0]!.fix).toMatch(/trust = "root"/);
    expect(json.suggestedTrust?.position).toBe(3);
  }, 60_000);

  it('leaf only (the intermediate missing): the backend is misconfigured, importing the intermediate works around it', async () => {
    const chain = rsaChain({ names: ['leafonly.test'], label: 'LeafOnly', leafOnly: true });
    await trustInHome('leafonly-root', chain.root);
    const json = await expectVerdict(await serve(chain), 'leafonly.test', 'intermediate-missing');
    expect(json.problems[0]!.message).toMatch(/sends only its own certificate/);
    expect(json.problems[0]!.fix).toMatch(/misconfigured.*import it into the truststore/s);
    // The workaround it names works: with the intermediate imported, both agree the server is trusted.
    await trustInHome('leafonly-intermediate', chain.intermediate!);
    await expectVerdict(servers.at(-1)!.port, 'leafonly.test', 'trusted');
  }, 60_000);

  it('self-signed server certificate: says to import the certificate itself, trust = "leaf"', async () => {
    const chain = selfSigned({ names: ['self.test'] });
    const port = await serve(chain);
    const json = await expectVerdict(port, 'self.test', 'self-signed');
    expect(json.problems[0]!.fix).toMatch(/trust = "leaf"/);
    expect(json.suggestedTrust?.position).toBe(1);
  }, 60_000);

  it("a trusted leaf is taken as it is, even expired (Java's PKIXValidator), with a note saying so", async () => {
    const chain = selfSigned({ names: ['pinned-leaf.test'], expired: true });
    const port = await serve(chain);
    await expectVerdict(port, 'pinned-leaf.test', 'self-signed');
    await trustInHome('pinned-leaf', chain.leaf);
    const json = await expectVerdict(port, 'pinned-leaf.test', 'trusted');
    expect(JSON.stringify(json)).toMatch(/Java accepts it as it is, even though it expired on/);
  }, 60_000);

  it('expired leaf: expired, with the date, renew it on the server', async () => {
    const chain = rsaChain({ names: ['expired.test'], label: 'ExpiredLeaf', leafExpired: true });
    await trustInHome('expiredleaf-root', chain.root);
    const json = await expectVerdict(await serve(chain), 'expired.test', 'expired');
    expect(json.problems[0]!.message).toMatch(/server's certificate .* expired on \d{4}-\d\d-\d\d/);
    expect(json.problems[0]!.fix).toMatch(/Renew/);
  }, 60_000);

  it('expired intermediate: expired, naming the CA certificate', async () => {
    const chain = rsaChain({ names: ['expiredca.test'], label: 'ExpiredInter', intermediateExpired: true });
    await trustInHome('expiredinter-root', chain.root);
    const json = await expectVerdict(await serve(chain), 'expiredca.test', 'expired');
    expect(json.problems[0]!.message).toMatch(/CA certificate .*ExpiredInter Intermediate CA.* expired/);
  }, 60_000);

  it('wrong name: name-mismatch, listing the names the certificate holds', async () => {
    const chain = rsaChain({ names: ['right.test', 'www.right.test'], label: 'Named' });
    await trustInHome('named-root', chain.root);
    const port = await serve(chain);
    const json = await expectVerdict(port, 'wrong.test', 'name-mismatch');
    expect(json.problems[0]!.message).toContain('DNS:right.test, DNS:www.right.test');
    await expectVerdict(port, 'www.right.test', 'trusted');
  }, 60_000);

  it('an IP address is matched against IP names only', async () => {
    const chain = rsaChain({ names: ['127.0.0.1'], label: 'Ip' });
    await trustInHome('ip-root', chain.root);
    await expectVerdict(await serve(chain), undefined, 'trusted');
  }, 60_000);

  it('two names by SNI on one port: each judged on the chain it gets', async () => {
    const first = rsaChain({ names: ['one.test'], label: 'SniOne' });
    const second = rsaChain({ names: ['two.test'], label: 'SniTwo' });
    await trustInHome('sni-one-root', first.root);
    const port = await serve(first, { 'two.test': second });
    const one = await expectVerdict(port, 'one.test', 'trusted');
    const two = await expectVerdict(port, 'two.test', 'root-not-trusted');
    expect(one.presented[0]!.sha256).not.toBe(two.presented[0]!.sha256);
    expect(two.presented[0]!.subject).toContain('two.test');
  }, 60_000);

  it('EC chain served by openssl s_server: trusted once its root is', async () => {
    const chain = await ecChain(path.join(dir, 'ec'), ['ec.test']);
    const server = await startOpensslServer(chain.files);
    servers.push(server);
    await expectVerdict(server.port, 'ec.test', 'root-not-trusted');
    await trustInHome('ec-root', chain.root);
    await expectVerdict(server.port, 'ec.test', 'trusted');
  }, 60_000);

  it('HTTPS_PROXY is used through CONNECT, and NO_PROXY bypasses it', async () => {
    const chain = rsaChain({ names: ['proxied.test'], label: 'Proxied' });
    await trustInHome('proxied-root', chain.root);
    const port = await serve(chain);
    const proxy = await startConnectProxy();
    servers.push(proxy);
    const proxied = await checkTls(`127.0.0.1:${port}`, 'proxied.test', { HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` });
    expect(proxied.run.code, proxied.run.stdout).toBe(0);
    expect(proxied.json.proxy).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(proxy.targets).toEqual([`127.0.0.1:${port}`]);
    const bypassed = await checkTls(`127.0.0.1:${port}`, 'proxied.test', {
      HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`,
      NO_PROXY: 'localhost,127.0.0.1',
    });
    expect(bypassed.run.code).toBe(0);
    expect(bypassed.json.proxy).toBeNull();
    expect(proxy.targets).toHaveLength(1);
  }, 60_000);

  it('could not connect: exit 2 with the network error in words; a proxy refusing CONNECT too', async () => {
    const closed = await startTlsServer(selfSigned({ names: ['gone.test'] }));
    await closed.close();
    const refused = await runCliCaptured(['check-tls', `127.0.0.1:${closed.port}`, '--home', home]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/could not connect: 127\.0\.0\.1:\d+ refused the connection/);
    const json = await checkTls(`127.0.0.1:${closed.port}`, undefined);
    expect(json.run.code).toBe(2);
    expect(json.json).toMatchObject({ connected: false, trusted: false });
    const badProxy = await runCliCaptured(['check-tls', `127.0.0.1:${closed.port}`, '--home', home], {
      env: { HTTPS_PROXY: `http://127.0.0.1:${closed.port}` },
    });
    expect(badProxy.code).toBe(2);
    expect(badProxy.stderr).toMatch(/the proxy http:\/\/127\.0\.0\.1:\d+ \(from HTTPS_PROXY\) refused the connection/);
  }, 60_000);

  it('text output names the problem and the fix; bad addresses are usage errors', async () => {
    const chain = rsaChain({ names: ['text.test'], label: 'Text', leafOnly: true });
    const port = await serve(chain);
    const run = await runCliCaptured(['check-tls', `127.0.0.1:${port}`, '--home', home, '--servername', 'text.test']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Not trusted/);
    expect(run.stdout).toMatch(/Fix: The backend is misconfigured/);
    expect(run.stdout).toMatch(/SHA-256 [0-9A-F]{2}(:[0-9A-F]{2}){31}/);
    const usage = await runCliCaptured(['check-tls', 'host:99999', '--home', home]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/not a server address/);
  }, 60_000);
});
