/**
 * The codec tier: the golden corpus (made by `npm run golden` with keytool and openssl, committed) read by our
 * own code, with no JVM and no ../shared. PATH is emptied for the whole file, so a call to keytool (or anything
 * else) fails the test instead of quietly making it depend on Java. Nothing here regenerates a file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeystoreError } from '../../source/errors.js';
import { inspectJson } from '../../source/commands/inspect-render.js';
import { parseCertificateFile } from '../../source/keystore/x509/certificate-file.js';
import { describeCertificate } from '../../source/keystore/describe.js';
import { readKeystore } from '../../source/keystore/open.js';
import { rejectedError } from '../support/user-error.js';
import { runCliCaptured } from '../support/run-cli.js';
import { corpus, expectedJson, goldenDir, withAgeingFieldsChecked, type GoldenFile, type InspectDocument } from './corpus.js';

let savedPath: string | undefined;
let emptyPath = '';
beforeAll(() => {
  savedPath = process.env.PATH;
  emptyPath = mkdtempSync(path.join(os.tmpdir(), 'eik-no-jvm-'));
  process.env.PATH = emptyPath;
  delete process.env.JAVA_HOME;
});
afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(emptyPath, { recursive: true, force: true });
});

const keystores = corpus.filter((file) => file.format !== 'PEM');
const PASSWORD_ENV = 'GOLDEN_PASSWORD';
/** Two instants: today, and one after the expired certificate's end and before every other one's. */
const INSTANTS = [new Date(), new Date('2027-06-01T00:00:00Z')];

async function inspect(file: GoldenFile, now: Date): Promise<InspectDocument> {
  const run = await runCliCaptured(['inspect', file.file, '--password-env', PASSWORD_ENV, '--json'], {
    env: { [PASSWORD_ENV]: file.password! },
    cwd: goldenDir,
    now,
  });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as InspectDocument;
}

describe('golden keystores, read without a JVM', () => {
  it('no keytool can be found while these tests run', () => {
    expect(process.env.PATH).toBe(emptyPath);
    expect(readdirSync(emptyPath)).toEqual([]);
  });

  it('the corpus lists every file in test/golden and each has its expected JSON', () => {
    const files = readdirSync(goldenDir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !/\.(ts|md|json)$/.test(entry.name))
      .map((entry) => entry.name);
    expect(corpus.map((file) => file.file).sort()).toEqual(files.sort());
    expect(readdirSync(path.join(goldenDir, 'expected')).sort()).toEqual(corpus.map((file) => `${file.file}.json`).sort());
    expect(new Set(corpus.map((file) => file.format))).toEqual(new Set(['JKS', 'JCEKS', 'PKCS12', 'PEM']));
  });

  for (const now of INSTANTS) {
    it.each(keystores)(`inspect --json on $file prints the committed JSON (at ${now.toISOString().slice(0, 10)})`, async (file) => {
      const printed = await inspect(file, now);
      expect(printed.file).toBe(path.join(goldenDir, file.file));
      expect(withAgeingFieldsChecked({ ...printed, file: file.file }, now)).toEqual(expectedJson(file));
    });
  }

  it('at 2027-06-01 the expired CA is expired and every other certificate valid', async () => {
    const states = new Map<string, string>();
    for (const file of keystores) {
      for (const entry of (await inspect(file, INSTANTS[1]!)).entries) {
        for (const certificate of entry.certificates)
          states.set(`${file.file} ${entry.alias} ${certificate.subject}`, certificate.expiry ?? '(none)');
      }
    }
    const expired = [...states].filter(([, state]) => state !== 'valid').map(([name, state]) => `${name}: ${state}`);
    expect(expired).toEqual(['jceks-key-secret-expired.jceks expired-ca CN=Golden Expired CA, O=Example: expired']);
  });

  it.each(keystores)('every private key of $file opens with its password', async (file) => {
    const keystore = await readKeystore(readFileSync(path.join(goldenDir, file.file)), file.password!);
    const keys = keystore.entries.filter((entry) => entry.kind === 'private-key');
    expect(keys.length).toBeGreaterThan(0);
    for (const entry of keys) {
      if (entry.kind !== 'private-key') continue;
      const key = entry.key.recover(file.password!);
      const expected = expectedJson(file).entries.find((candidate) => candidate.alias === entry.alias)!.certificates[0]!;
      expect(key.asymmetricKeyType, entry.alias).toBe(expected.keyAlgorithm.toLowerCase());
    }
  });

  it.each(keystores)('$file with a wrong password: exit 2, the file named, no stack trace', async (file) => {
    const run = await runCliCaptured(['inspect', file.file, '--password-env', PASSWORD_ENV, '--json'], {
      env: { [PASSWORD_ENV]: 'not-the-password' },
      cwd: goldenDir,
    });
    expect(run.code).toBe(2);
    const printed = JSON.parse(run.stdout) as { error: { code: string; exitCode: number; message: string } };
    expect(printed.error).toMatchObject({ code: 'wrong-password', exitCode: 2, message: expect.stringContaining(file.file) });
    expect(run.stderr).toContain(file.file);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const refused = await rejectedError(
      readKeystore(readFileSync(path.join(goldenDir, file.file)), 'not-the-password'),
      KeystoreError,
      file.file,
    );
    expect(refused.keystoreCode).toBe('wrong-password');
  });

  it('partner-ca.pem is the certificate inspect described, and the JKS trusted entry', () => {
    const pem = corpus.find((file) => file.format === 'PEM')!;
    const now = new Date();
    const certificates = parseCertificateFile(readFileSync(path.join(goldenDir, pem.file)), pem.file).map((der) =>
      describeCertificate(der, now),
    );
    // Shaped as inspect shapes a trusted certificate entry (the JSON was made from one).
    const described = inspectJson(pem.file, {
      format: 'PKCS12',
      entries: [{ alias: 'pem', kind: 'trusted-certificate', certificates }],
    }) as InspectDocument;
    const expected = JSON.parse(readFileSync(path.join(goldenDir, 'expected', `${pem.file}.json`), 'utf8')) as { certificates: unknown[] };
    expect(withAgeingFieldsChecked(described, now).entries[0]!.certificates).toEqual(expected.certificates);
    const jks = expectedJson(corpus.find((file) => file.file === 'jks-key-and-trusted.jks')!);
    expect(jks.entries.find((entry) => entry.alias === 'partner-ca')!.certificates).toEqual(expected.certificates);
  });
});
