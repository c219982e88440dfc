import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { keytoolList } from '../../source/keytool/run.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SANDBOX_KEYSTORE, SANDBOX_PASSWORD } from '../../source/sandbox/keystores.js';
import { SECURITY } from '../support/homes.js';
import { runCliCaptured } from '../support/run-cli.js';
import { pem } from '../support/test-ca.js';
import { rsaChain } from '../support/tls-servers.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';

/** export primary|internal, read back by openssl x509 and compared with keytool's fingerprint of the key entry. */
async function opensslFingerprint(file: string, der = false): Promise<string> {
  const { stdout } = await execa('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', file, ...(der ? ['-inform', 'DER'] : [])]);
  return stdout.trim().replace(/^.*=/, '').replaceAll(':', '');
}

describe('export', () => {
  it("primary as PEM and as DER: openssl reads the key entry's certificate; the home is untouched", async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const [entry] = await keytoolList(path.join(home, SECURITY, SANDBOX_KEYSTORE), SANDBOX_PASSWORD);
    const before = snapshotTree(home);
    const out = tempDir();
    const pemRun = await runCliCaptured(['export', 'primary', '--out', path.join(out, 'primary.pem'), '--home', home]);
    expect(pemRun.code, pemRun.stderr).toBe(0);
    expect(await opensslFingerprint(path.join(out, 'primary.pem'))).toBe(entry!.sha256);
    expect(pemRun.stdout).toContain(entry!.sha256!.match(/../g)!.join(':'));
    const derRun = await runCliCaptured(['export', 'internal', '--der', '--out', path.join(out, 'internal.der'), '--home', home, '--json']);
    expect(derRun.code, derRun.stderr).toBe(0);
    expect(await opensslFingerprint(path.join(out, 'internal.der'), true)).toBe(entry!.sha256);
    expect(JSON.parse(derRun.stdout)).toMatchObject({ format: 'DER', role: 'internal', certificates: [{ sha256: entry!.sha256 }] });
    expect(snapshotTree(home)).toEqual(before);

    const exists = await runCliCaptured(['export', 'primary', '--out', path.join(out, 'primary.pem'), '--home', home]);
    expect(exists.code).toBe(2);
    expect(exists.stderr).toMatch(/already exists/);
    const both = await runCliCaptured(['export', 'primary', '--chain', '--der', '--out', path.join(out, 'x.der'), '--home', home]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--der holds exactly one certificate/);
  }, 60_000);

  it("--chain writes the CA-signed primary's whole chain, leaf first, as openssl lists it", async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const dir = tempDir();
    const chain = rsaChain({ names: ['ei.example.com'], label: 'Export' });
    writeFileSync(path.join(dir, 'key.pem'), chain.keyPem);
    writeFileSync(path.join(dir, 'leaf.pem'), pem(chain.leaf));
    writeFileSync(path.join(dir, 'chain.pem'), pem(chain.intermediate!) + pem(chain.root));
    await execa(
      'openssl',
      [
        'pkcs12',
        '-export',
        '-inkey',
        'key.pem',
        '-in',
        'leaf.pem',
        '-certfile',
        'chain.pem',
        '-name',
        'ei-primary',
        '-out',
        'server.p12',
        '-passout',
        'env:P12',
      ],
      { cwd: dir, env: { P12: 'p12-password' } },
    );
    writeFileSync(
      path.join(dir, 'primary.toml'),
      `[keystore]\nsource = "existing"\nfile_name = "ei-primary.p12"\ntype = "PKCS12"\nalias = "ei-primary"\npassword = { env = "P12" }\n[keystore.existing]\npath = "server.p12"\npassword = { env = "P12" }\n[truststore]\nimport_certificate = true\n`,
    );
    const applied = await runCliCaptured(['apply', 'primary', '--answers', path.join(dir, 'primary.toml'), '--home', home], {
      env: { P12: 'p12-password' },
    });
    expect(applied.code, applied.stderr).toBe(0);

    const out = path.join(dir, 'chain-out.pem');
    const run = await runCliCaptured(['export', 'primary', '--chain', '--out', out, '--home', home], { env: { P12: 'p12-password' } });
    expect(run.code, run.stderr).toBe(0);
    const blocks = readFileSync(out, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n/g)!;
    expect(blocks).toHaveLength(3);
    const prints = [];
    for (const [index, block] of blocks.entries()) {
      const file = path.join(dir, `block-${index}.pem`);
      writeFileSync(file, block);
      prints.push(await opensslFingerprint(file));
    }
    const expected = [chain.leaf, chain.intermediate!, chain.root].map((der) =>
      createHash('sha256').update(der).digest('hex').toUpperCase(),
    );
    expect(prints).toEqual(expected);
    const { stdout } = await execa('openssl', ['x509', '-noout', '-subject', '-in', out]);
    expect(stdout).toMatch(/CN ?= ?ei\.example\.com/);
  }, 60_000);
});
