import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keytoolList } from '../../source/keytool/run.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { genKeyPair } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
import { tempDir } from '../support/tmp.js';

interface InspectJson {
  format: string;
  entries: Array<{
    alias: string;
    kind: string;
    certificates: Array<{
      sha256: string;
      expiry: string;
      subject: string;
      keyAlgorithm: string;
      keySize: number;
      signatureAlgorithm: string;
      subjectAltNames: string[];
    }>;
  }>;
}

const env = { KS_PASS: 'storepass' };

describe('inspect', () => {
  it('describes a keytool-made EC key entry: subject, key, signature, SANs, fingerprint as keytool has it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'ec.p12');
    await genKeyPair({
      file,
      alias: 'edge',
      storePassword: 'storepass',
      storeType: 'PKCS12',
      keyAlgorithm: 'EC',
      keySize: 256,
      dname: 'CN=edge.example.com, O=Example',
    });
    const run = await runCliCaptured(['inspect', file, '--password-env', 'KS_PASS', '--json'], { env });
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as InspectJson;
    const [listing] = await keytoolList(file, 'storepass');
    expect(document.format).toBe('PKCS12');
    expect(document.entries).toHaveLength(1);
    const entry = document.entries[0]!;
    expect(entry).toMatchObject({ alias: 'edge', kind: 'private-key' });
    expect(entry.certificates[0]).toMatchObject({
      subject: 'CN=edge.example.com, O=Example',
      keyAlgorithm: 'EC',
      keySize: 256,
      signatureAlgorithm: 'SHA256withECDSA',
      expiry: 'valid',
    });
    expect(entry.certificates[0]!.sha256).toBe(listing!.sha256);
  });

  it('marks expired and soon-expiring certificates, in text at 80 columns', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'short.jks');
    await genKeyPair({ file, alias: 'short', storePassword: 'storepass', validityDays: 10 });
    const soon = await runCliCaptured(['inspect', file, '--password-env', 'KS_PASS'], { env });
    expect(soon.stdout).toMatch(/EXPIRES in (9|10) days/);
    const later = await runCliCaptured(['inspect', file, '--password-env', 'KS_PASS'], {
      env,
      now: new Date(Date.now() + 20 * 86_400_000),
    });
    expect(later.stdout).toMatch(/EXPIRED 1\d days ago/);
    for (const line of soon.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('without --password-env and without a terminal: exit 2 saying how to pass the password', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'a.jks');
    await genKeyPair({ file, alias: 'a', storePassword: 'storepass' });
    const run = await runCliCaptured(['inspect', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--password-env NAME/);
  });

  it('bad input: exit 2, the file named, no stack trace', async () => {
    const dir = tempDir();
    const good = path.join(dir, 'good.jks');
    await genKeyPair({ file: good, alias: 'a', storePassword: 'storepass' });
    const bytes = readFileSync(good);
    const cases: Array<[string, Buffer | null, RegExp]> = [
      ['truncated.jks', bytes.subarray(0, Math.floor(bytes.length / 2)), /damaged|cut short|truncated/i],
      ['random.bin', randomBytes(4096), /not a keystore/i],
      ['cert.pem', Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'), /PEM/],
      ['missing.jks', null, /no such file/],
    ];
    for (const [name, content, message] of cases) {
      const file = path.join(dir, name);
      if (content) writeFileSync(file, content);
      const run = await runCliCaptured(['inspect', file, '--password-env', 'KS_PASS'], { env });
      expect(run.code, name).toBe(2);
      expect(run.stderr, name).toContain(file);
      expect(run.stderr, name).toMatch(message);
      expect(run.stderr, name).not.toMatch(/\n\s+at /);
    }
    const wrong = await runCliCaptured(['inspect', good, '--password-env', 'KS_PASS'], { env: { KS_PASS: 'nope' } });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/password/);
    expect(wrong.stderr).not.toContain('nope');
    const unset = await runCliCaptured(['inspect', good, '--password-env', 'NOT_SET']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/NOT_SET.*not set/);
  });

  it('unknown options and commands are usage errors', async () => {
    expect((await runCliCaptured(['inspect', 'x', '--pasword-env', 'X'])).code).toBe(2);
    expect((await runCliCaptured(['frobnicate'])).stderr).toMatch(/unknown command/);
  });
});

describeWithFixtures('inspect on the shipped truststore', () => {
  it('lists all entries of the 4.10.x PKCS#12 truststore with keytool fingerprints', async () => {
    const file = fixturePath('wso2', 'keystores', 'carbon-kernel-4.10.x', 'client-truststore.p12');
    const run = await runCliCaptured(['inspect', file, '--password-env', 'KS_PASS', '--json'], { env: { KS_PASS: 'wso2carbon' } });
    expect(run.code).toBe(0);
    const document = JSON.parse(run.stdout) as InspectJson;
    const listing = await keytoolList(file, 'wso2carbon');
    expect(document.entries.length).toBe(listing.length);
    const ours = new Map(document.entries.map((entry) => [entry.alias, entry.certificates[0]?.sha256]));
    for (const entry of listing) expect(ours.get(entry.alias), entry.alias).toBe(entry.sha256);
  });
});
