import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readKeystore } from '../../source/keystore/open.js';
import { keytoolList } from '../../source/keytool/run.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SECURITY } from '../support/homes.js';
import { keytool } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
import { makeTestCa, p7b, pem } from '../support/test-ca.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';

const env = { EI_KEYSTORE_PASSWORD: 'request-pass', EI_KEY_PASSWORD: 'request-key-pass' };

function answers(dir: string, name: string, body: string): string {
  const file = path.join(dir, `${name}.toml`);
  writeFileSync(
    file,
    `[keystore]
file_name = "ei-primary.jks"
alias = "ei-primary"
password = { env = "EI_KEYSTORE_PASSWORD" }
key_password = { env = "EI_KEY_PASSWORD" }
${body}`,
  );
  return file;
}

const csrAnswers = (dir: string, extra = '') =>
  answers(
    dir,
    'request',
    `source = "csr"\ncsr_file = "ei-primary.csr"\n[keystore.csr]\ndname = "CN=localhost, OU=Integration, O=Example, C=LK"\nsubject_alt_names = ["DNS:localhost", "IP:127.0.0.1"]\n${extra}`,
  );
const replyAnswers = (dir: string, reply: string) => answers(dir, 'reply', `source = "ca-reply"\nreply = "${reply}"\n`);

async function apply(home: string, file: string, args: string[] = [], extraEnv: NodeJS.ProcessEnv = env) {
  return runCliCaptured(['apply', 'primary', '--answers', file, '--home', home, ...args], { env: extraEnv });
}

async function requested(profile: 'mi-4' | 'ei-7' = 'mi-4') {
  const { home } = await createSandbox(path.join(tempDir(), 'home'), profile);
  const dir = tempDir();
  const run = await apply(home, csrAnswers(dir));
  expect(run.code, run.stderr).toBe(0);
  return { home, dir, request: readFileSync(path.join(dir, 'ei-primary.csr'), 'utf8'), run };
}

/** One TLS handshake: the server presents the installed key and chain; the client trusts only `root`. */
async function handshake(key: string, chain: string[], root: string): Promise<{ authorized: boolean; error?: string; peer: string }> {
  const server = tls.createServer({ key, cert: chain.join('') }, (socket) => socket.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  try {
    return await new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: [root] }, () => {
        resolve({
          authorized: socket.authorized,
          error: socket.authorizationError?.toString(),
          peer: socket.getPeerCertificate().subject.CN as string,
        });
        socket.end();
      });
      socket.on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('CA-signed certificates: request, then the CA reply', () => {
  it('request: pending key 0600 under .ei-keystore/pending, the request PEM, no config change, exit 0 with what to do; status reports it; a re-run changes nothing', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const dir = tempDir();
    const configBefore = readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8');
    const run = await apply(home, csrAnswers(dir));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Send ${path.join(dir, 'ei-primary.csr')} to your certificate authority`);
    expect(run.stdout).toMatch(/source = "ca-reply"/);
    expect(readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8')).toBe(configBefore);
    const pendingKeystore = path.join(home, '.ei-keystore/pending/primary.jks');
    expect(statSync(pendingKeystore).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(home, '.ei-keystore/pending')).mode & 0o777).toBe(0o700);
    const [entry] = await keytoolList(pendingKeystore, env.EI_KEYSTORE_PASSWORD);
    expect(entry).toMatchObject({ alias: 'ei-primary', kind: 'private-key' });
    const verified = await execa('openssl', ['req', '-in', path.join(dir, 'ei-primary.csr'), '-verify', '-noout', '-subject'], {
      all: true,
    });
    expect(verified.all).toMatch(/verify OK/i);
    expect(verified.all).toMatch(/CN\s?=\s?localhost/);

    const status = JSON.parse((await runCliCaptured(['status', '--home', home, '--json'])).stdout) as {
      findings: Array<{ level: string; code: string; message: string }>;
    };
    const pending = status.findings.find((finding) => finding.code === 'pending-request');
    expect(pending).toMatchObject({ level: 'info' });
    expect(pending!.message).toContain('CN=localhost');

    const again = await apply(home, csrAnswers(dir));
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already pending/);
    // Another request while one is pending is refused unless it says to replace it.
    const other = await apply(home, answers(dir, 'other', `source = "csr"\ncsr_file = "other.csr"\n[keystore.csr]\ndname = "CN=other"\n`));
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/already pending[\s\S]*replace_pending = true/);
  });

  it('reply as a .p7b (node-forge CA, root and intermediate): installed under the key alias, chain of 3 leaf to root, root trusted, pending removed, TLS handshake against the root only', async () => {
    const { home, dir, request } = await requested();
    const ca = makeTestCa();
    const leaf = ca.sign(request);
    // Deliberately out of order: the tool orders by issuer and signature, not by position.
    writeFileSync(path.join(dir, 'reply.p7b'), p7b([ca.root, leaf, ca.intermediate]));
    const run = await apply(home, replyAnswers(dir, 'reply.p7b'), ['--keytool']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/a chain of 3 from leaf to root/);

    const keystoreFile = path.join(home, SECURITY, 'ei-primary.jks');
    const listing = await keytool(['-list', '-v', '-keystore', keystoreFile, '-storepass:env', 'P'], { P: env.EI_KEYSTORE_PASSWORD });
    expect(listing).toMatch(/Alias name: ei-primary\n[\s\S]*Entry type: PrivateKeyEntry\nCertificate chain length: 3/);
    const owners = [...listing.matchAll(/Certificate\[(\d)\]:\nOwner: ([^\n]+)/g)].map((match) => `${match[1]} ${match[2]}`);
    expect(owners).toEqual([
      '1 CN=localhost, OU=Integration, O=Example, C=LK',
      '2 O=Test CA Org, CN=Test Intermediate CA',
      '3 O=Test CA Org, CN=Test Root CA',
    ]);
    const trusted = await keytoolList(path.join(home, SECURITY, 'client-truststore.jks'), 'wso2carbon');
    expect(trusted.find((entry) => entry.alias === 'ei-primary-ca')?.sha256).toBe(
      new X509Certificate(ca.root).fingerprint256.replaceAll(':', ''),
    );
    expect(existsSync(path.join(home, '.ei-keystore/pending/primary.jks'))).toBe(false);
    expect(readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8')).toMatch(
      /file_name = "repository\/resources\/security\/ei-primary\.jks"/,
    );

    const store = await readKeystore(readFileSync(keystoreFile), env.EI_KEYSTORE_PASSWORD);
    const installed = store.entries.find((entry) => entry.kind === 'private-key');
    if (installed?.kind !== 'private-key') throw new Error('no key entry');
    const key = installed.key.recover(env.EI_KEY_PASSWORD).export({ type: 'pkcs8', format: 'pem' }).toString();
    const result = await handshake(key, installed.chain.slice(0, 2).map(pem), pem(ca.root));
    expect(result).toEqual({ authorized: true, error: undefined, peer: 'localhost' });

    const again = await apply(home, replyAnswers(dir, 'reply.p7b'));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Nothing to change/);
  });

  it('reply from keytool -gencert as the CA (EC key), leaf and intermediate only: the root is completed from the truststore', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'ei-7');
    const dir = tempDir();
    const request = await apply(home, csrAnswers(dir, 'key_algorithm = "EC"\nkey_size = 256\n'));
    expect(request.code, request.stderr).toBe(0);
    const caStore = path.join(dir, 'ca.p12');
    const pass = { CA: 'ca-password' };
    const common = ['-keystore', caStore, '-storepass:env', 'CA', '-storetype', 'PKCS12'];
    await keytool(
      [
        '-genkeypair',
        ...common,
        '-alias',
        'root',
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-dname',
        'CN=Keytool Root CA',
        '-ext',
        'bc:c',
        '-validity',
        '3650',
      ],
      pass,
    );
    await keytool(
      [
        '-genkeypair',
        ...common,
        '-alias',
        'inter',
        '-keyalg',
        'RSA',
        '-keysize',
        '2048',
        '-dname',
        'CN=Keytool Intermediate CA',
        '-validity',
        '3650',
      ],
      pass,
    );
    await keytool(['-certreq', ...common, '-alias', 'inter', '-file', path.join(dir, 'inter.csr')], pass);
    await keytool(
      [
        '-gencert',
        ...common,
        '-alias',
        'root',
        '-infile',
        path.join(dir, 'inter.csr'),
        '-outfile',
        path.join(dir, 'inter.pem'),
        '-rfc',
        '-ext',
        'bc:c=ca:true,pathlen:0',
        '-ext',
        'ku:c=keyCertSign,cRLSign',
        '-validity',
        '3650',
      ],
      pass,
    );
    await keytool(['-exportcert', ...common, '-alias', 'root', '-rfc', '-file', path.join(dir, 'root.pem')], pass);
    await keytool(
      [
        '-gencert',
        ...common,
        '-alias',
        'inter',
        '-infile',
        path.join(dir, 'ei-primary.csr'),
        '-outfile',
        path.join(dir, 'leaf.pem'),
        '-rfc',
        '-ext',
        'san=dns:localhost,ip:127.0.0.1',
        '-ext',
        'eku=serverAuth',
        '-ext',
        'ku:c=digitalSignature',
        '-validity',
        '365',
      ],
      pass,
    );
    // keytool -gencert signs with the key of "inter"; the reply carries the certificate the root issued for that key.
    writeFileSync(
      path.join(dir, 'reply.pem'),
      readFileSync(path.join(dir, 'leaf.pem'), 'utf8') + readFileSync(path.join(dir, 'inter.pem'), 'utf8'),
    );
    await keytool(
      [
        '-importcert',
        '-noprompt',
        '-keystore',
        path.join(home, SECURITY, 'client-truststore.jks'),
        '-storepass:env',
        'T',
        '-alias',
        'keytool-root',
        '-file',
        path.join(dir, 'root.pem'),
      ],
      { T: 'wso2carbon' },
    );

    const run = await apply(home, replyAnswers(dir, 'reply.pem'), ['--keytool']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/came from the current truststore/);
    expect(run.stdout).toMatch(/already trusts that certificate \(as "keytool-root"\)/);
    const listing = await keytool(['-list', '-v', '-keystore', path.join(home, SECURITY, 'ei-primary.jks'), '-storepass:env', 'P'], {
      P: env.EI_KEYSTORE_PASSWORD,
    });
    expect(listing).toMatch(/Certificate chain length: 3/);
    const owners = [...listing.matchAll(/Certificate\[(\d)\]:\nOwner: ([^\n]+)/g)].map((match) => match[2]);
    expect(owners).toEqual(['CN=localhost, OU=Integration, O=Example, C=LK', 'CN=Keytool Intermediate CA', 'CN=Keytool Root CA']);
    expect(listing).toMatch(/Signature algorithm name: SHA256withRSA[\s\S]*Subject Public Key Algorithm: 256-bit EC/);
  });

  it('renewal: a request from the key of the current primary keystore (same key, its subject), the reply goes into a copy of that keystore', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const dir = tempDir();
    const current = await readKeystore(readFileSync(path.join(home, SECURITY, 'wso2carbon.jks')), 'wso2carbon');
    const oldEntry = current.entries.find((entry) => entry.alias === 'wso2carbon');
    if (oldEntry?.kind !== 'private-key') throw new Error('the sandbox has no wso2carbon key');
    const oldLeaf = new X509Certificate(oldEntry.chain[0]!);
    const request = await apply(home, answers(dir, 'renew', `source = "csr"\ncsr_file = "renew.csr"\n[keystore.csr]\nkey = "current"\n`));
    expect(request.code, request.stderr).toBe(0);
    expect(request.stdout).toMatch(/take the key "wso2carbon" of .*wso2carbon\.jks \(a renewal/);
    const csr = readFileSync(path.join(dir, 'renew.csr'), 'utf8');
    const printed = await execa('openssl', ['req', '-in', path.join(dir, 'renew.csr'), '-noout', '-pubkey'], { all: true });
    expect(printed.stdout.trim()).toBe(oldLeaf.publicKey.export({ type: 'spki', format: 'pem' }).toString().trim());

    const ca = makeTestCa();
    writeFileSync(path.join(dir, 'reply.pem'), [ca.sign(csr), ca.intermediate, ca.root].map(pem).join(''));
    const run = await apply(home, replyAnswers(dir, 'reply.pem'));
    expect(run.code, run.stderr).toBe(0);
    const renewed = await readKeystore(readFileSync(path.join(home, SECURITY, 'ei-primary.jks')), env.EI_KEYSTORE_PASSWORD);
    const entry = renewed.entries.find((candidate) => candidate.alias === 'ei-primary');
    if (entry?.kind !== 'private-key') throw new Error('no renewed key');
    const newLeaf = new X509Certificate(entry.chain[0]!);
    expect(entry.chain).toHaveLength(3);
    expect(newLeaf.subject).toBe(oldLeaf.subject);
    expect(
      newLeaf.publicKey.export({ type: 'spki', format: 'der' }).equals(oldLeaf.publicKey.export({ type: 'spki', format: 'der' })),
    ).toBe(true);
    expect(newLeaf.fingerprint256).not.toBe(oldLeaf.fingerprint256);
    expect(renewed.entries.length).toBe(current.entries.length);
  });

  describe('refusals: clear errors, nothing written', () => {
    async function refused(reply: Buffer | string, expected: RegExp, setup?: (home: string) => Promise<void>) {
      const { home, dir } = await requested();
      await setup?.(home);
      writeFileSync(path.join(dir, 'reply.pem'), reply);
      const before = snapshotTree(home);
      const run = await apply(home, replyAnswers(dir, 'reply.pem'));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(expected);
      expect(snapshotTree(home)).toEqual(before);
      return { home, dir };
    }

    it('a reply for another key', async () => {
      const ca = makeTestCa();
      const elsewhere = await requested();
      const otherLeaf = ca.sign(elsewhere.request);
      await refused([otherLeaf, ca.intermediate, ca.root].map(pem).join(''), /does not certify the pending key[\s\S]*another request/);
    });

    it('a chain that cannot be completed (root neither in the reply nor in the truststore)', async () => {
      const ca = makeTestCa();
      const { home, dir, request } = await requested();
      writeFileSync(path.join(dir, 'reply.pem'), pem(ca.sign(request)) + pem(ca.intermediate));
      const before = snapshotTree(home);
      const run = await apply(home, replyAnswers(dir, 'reply.pem'));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/cannot be completed: .*issued by .*Test Root CA.*neither in the reply nor in the truststore/);
      expect(snapshotTree(home)).toEqual(before);
    });

    it('an expired CA certificate', async () => {
      const ca = makeTestCa({ intermediateExpiresAt: new Date(Date.now() - 86_400_000) });
      const { home, dir, request } = await requested();
      writeFileSync(path.join(dir, 'reply.pem'), [ca.sign(request), ca.intermediate, ca.root].map(pem).join(''));
      const before = snapshotTree(home);
      const run = await apply(home, replyAnswers(dir, 'reply.pem'));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/The CA certificate .*Test Intermediate CA.* expired on/);
      expect(snapshotTree(home)).toEqual(before);
    });

    it('a leaf that is not a TLS server certificate', async () => {
      const ca = makeTestCa();
      const { home, dir, request } = await requested();
      writeFileSync(path.join(dir, 'reply.pem'), [ca.sign(request, { serverAuth: false }), ca.intermediate, ca.root].map(pem).join(''));
      const before = snapshotTree(home);
      const run = await apply(home, replyAnswers(dir, 'reply.pem'));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/not a TLS server certificate: its extended key usage does not include serverAuth/);
      expect(snapshotTree(home)).toEqual(before);
    });

    it('the wrong password for the pending key, and a reply with no pending request', async () => {
      const ca = makeTestCa();
      const { home, dir, request } = await requested();
      writeFileSync(path.join(dir, 'reply.pem'), [ca.sign(request), ca.intermediate, ca.root].map(pem).join(''));
      const before = snapshotTree(home);
      const wrong = await apply(home, replyAnswers(dir, 'reply.pem'), [], { ...env, EI_KEYSTORE_PASSWORD: 'another-pass' });
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/does not open the pending request's keystore/);
      expect(snapshotTree(home)).toEqual(before);

      const { home: fresh } = await createSandbox(path.join(tempDir(), 'fresh'), 'mi-4');
      const none = await apply(fresh, replyAnswers(dir, 'reply.pem'));
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/no pending certificate signing request/);
    });
  });
});
