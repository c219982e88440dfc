/**
 * Planning is a function of the home snapshot and the answers: every procedure is planned once with its home on
 * disk, and once from a snapshot read before the home (and every file the answers name) was deleted. Both plans
 * must agree: same steps, same files, same expected bytes (the transaction's guard), same configuration after.
 */
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnswersFile } from '../../source/answers/answers-file.js';
import { readHardenAnswers } from '../../source/answers/harden-answers.js';
import { readKeystore, readKeystoreBytes } from '../../source/keystore/open.js';
import type { KeystoreRole } from '../../source/answers/types.js';
import { executePrepared } from '../../source/procedures/execute.js';
import { prepareHarden } from '../../source/procedures/harden-procedure.js';
import { NotInSnapshot, readHomeSnapshot, readWizardSnapshot, type HomeSnapshot } from '../../source/procedures/home-snapshot.js';
import { gatherPlanInputs } from '../../source/procedures/plan-inputs.js';
import { planChange, prepareChange } from '../../source/procedures/prepare.js';
import type { PreparedChange } from '../../source/procedures/prepared.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { statusOfFacts } from '../../source/session/session.js';
import { SECURITY } from '../support/homes.js';
import { makeTestCa, pem } from '../support/test-ca.js';
import { tempDir } from '../support/tmp.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const env = { NEW_PASS: 'fresh-password-1' };

async function sandbox(): Promise<string> {
  return (await createSandbox(path.join(tempDir(), 'home'), 'mi-4', NOW)).home;
}

function snapshotOf(home: string): Promise<HomeSnapshot> {
  return readHomeSnapshot({ home, env, cwd: home, now: NOW });
}

/** The certificate of another sandbox's shipped key, as PEM: a certificate the current truststore does not hold. */
async function anotherCertificatePem(): Promise<string> {
  const other = await readKeystore(await readKeystoreBytes(path.join(await sandbox(), SECURITY, 'wso2carbon.jks')), 'wso2carbon');
  const entry = other.entries[0]!;
  if (entry.kind !== 'private-key') throw new Error('the sandbox keystore holds a key pair');
  return `-----BEGIN CERTIFICATE-----\n${entry.chain[0]!.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
}

/** What must not depend on when the plan was made: random keys and salts aside, the plan is the same. */
function shape(prepared: PreparedChange) {
  return {
    procedure: prepared.procedure,
    unchanged: prepared.unchanged,
    actions: prepared.actions.map((action) => action.kind),
    writes: prepared.writes.map((write) => [write.path, write.mode, write.role]),
    expected: prepared.expected,
    removals: prepared.removals,
    notes: prepared.notes,
    after: prepared.config.after,
    keystores: prepared.keystores.map((keystore) => [keystore.path, keystore.format, keystore.keyEntries.map((entry) => entry.alias)]),
  };
}

/** Plans with the disk, then again from a snapshot whose home and named files are gone by then. */
async function planBothWays(
  home: string,
  answersFile: string,
  procedure: KeystoreRole,
  gone: string[],
): Promise<{ onDisk: PreparedChange; fromSnapshot: PreparedChange }> {
  const { answers, secrets } = await readAnswersFile(answersFile, procedure, env);
  const onDisk = await prepareChange(await snapshotOf(home), answers, secrets);
  const snapshot = await snapshotOf(home);
  await gatherPlanInputs(snapshot, answers, { env });
  for (const file of [home, ...gone]) rmSync(file, { recursive: true, force: true });
  expect(existsSync(home)).toBe(false);
  const fromSnapshot = await planChange(snapshot, answers, secrets);
  return { onDisk, fromSnapshot };
}

describe('prepare plans from the home snapshot alone: no file is read while planning', () => {
  it('primary: a generated key, imported into the truststore, re-planned after the home is deleted', async () => {
    const home = await sandbox();
    const answersFile = path.join(tempDir(), 'primary.toml');
    writeFileSync(
      answersFile,
      '[keystore]\nsource = "generate"\nfile_name = "ei-primary.jks"\nalias = "ei-primary"\npassword = { env = "NEW_PASS" }\n[keystore.generate]\ndname = "CN=ei.example.com, O=Example"\n',
    );
    const { onDisk, fromSnapshot } = await planBothWays(home, answersFile, 'primary', []);
    expect(shape(fromSnapshot)).toEqual(shape(onDisk));
    expect(fromSnapshot.actions.map((action) => action.kind)).toEqual([
      'generate',
      'write-keystore',
      'import-certificate',
      'patch-config',
      'backup',
    ]);
    // The truststore's expected hash is the one of the bytes the snapshot read: the guard against a concurrent edit.
    const truststore = path.join(home, SECURITY, 'client-truststore.jks');
    expect(fromSnapshot.expected.find((file) => file.path === truststore)?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('internal: a key copied from an existing keystore outside the home, both deleted before planning', async () => {
    const home = await sandbox();
    const dir = tempDir();
    const source = path.join(dir, 'brought.jks');
    // Another sandbox's shipped keystore: a real key pair the answers bring in from outside the home.
    copyFileSync(path.join(await sandbox(), SECURITY, 'wso2carbon.jks'), source);
    const answersFile = path.join(dir, 'internal.toml');
    writeFileSync(
      answersFile,
      `[keystore]\nsource = "existing"\nfile_name = "ei-internal.jks"\nalias = "ei-internal"\npassword = { env = "NEW_PASS" }\n[keystore.existing]\npath = "${source}"\npassword = "wso2carbon"\nalias = "wso2carbon"\n`,
    );
    const { answers, secrets } = await readAnswersFile(answersFile, 'internal', env);
    await executePrepared(await prepareChange(await snapshotOf(home), answers, secrets), await snapshotOf(home), { keytool: false });
    // Applied once, the same answers change nothing: told from the target's and the source's bytes in the snapshot.
    const { onDisk, fromSnapshot } = await planBothWays(home, answersFile, 'internal', [source]);
    expect(shape(fromSnapshot)).toEqual(shape(onDisk));
    expect(fromSnapshot.unchanged).toMatch(/already points \[keystore.internal\] at .*ei-internal.jks/);
  });

  it('truststore: a certificate file imported into a copy of the current truststore, both deleted before planning', async () => {
    const home = await sandbox();
    const dir = tempDir();
    const certificate = path.join(dir, 'partner.pem');
    writeFileSync(certificate, await anotherCertificatePem());
    const answersFile = path.join(dir, 'truststore.toml');
    writeFileSync(
      answersFile,
      `[truststore]\nfile_name = "ei-truststore.jks"\npassword = { env = "NEW_PASS" }\n[[truststore.import]]\nalias = "partner"\nfile = "${certificate}"\n`,
    );
    const { onDisk, fromSnapshot } = await planBothWays(home, answersFile, 'truststore', [certificate]);
    expect(shape(fromSnapshot)).toEqual(shape(onDisk));
    expect(fromSnapshot.actions.map((action) => action.kind)).toContain('import-certificate');
  });

  it('secrets: passwords moved into the vault, planned after the home is deleted', async () => {
    const home = await sandbox();
    const answersFile = path.join(tempDir(), 'secrets.toml');
    writeFileSync(answersFile, '[secrets]\nencrypt_plaintext = true\nmove_keystore_passwords = true\n[vault]\npassword_file = "persist"\n');
    const { answers } = await readHardenAnswers(answersFile);
    const onDisk = await prepareHarden(await snapshotOf(home), answers);
    const snapshot = await snapshotOf(home);
    rmSync(home, { recursive: true, force: true });
    const fromSnapshot = await prepareHarden(snapshot, answers);
    // Encrypted values are random (OAEP): compare what the plan does, not the ciphertexts.
    expect({ ...shape(fromSnapshot), after: undefined }).toEqual({ ...shape(onDisk), after: undefined });
    expect(fromSnapshot.writes.map((write) => path.basename(write.path))).toEqual(['password-persist', 'deployment.toml']);
  });

  it('primary, certificate signing request then the CA reply: the pending request and the reply come from the snapshot', async () => {
    const home = await sandbox();
    const dir = tempDir();
    const keystore = '[keystore]\nfile_name = "ei-primary.jks"\nalias = "ei-primary"\npassword = { env = "NEW_PASS" }\n';
    const requestFile = path.join(dir, 'request.toml');
    writeFileSync(
      requestFile,
      `${keystore}source = "csr"\ncsr_file = "${path.join(dir, 'ei.csr')}"\n[keystore.csr]\ndname = "CN=localhost, O=Example"\nsubject_alt_names = ["DNS:localhost"]\n`,
    );
    const { answers, secrets } = await readAnswersFile(requestFile, 'primary', env);
    const request = await prepareChange(await snapshotOf(home), answers, secrets);
    expect(request.actions.map((action) => action.kind)).toEqual(['generate', 'write-keystore', 'write-request']);
    // Write the request as apply would, so the home has a pending request and the CA something to sign.
    await executePrepared(request, await snapshotOf(home), { keytool: false });
    const ca = makeTestCa({ now: NOW });
    const reply = path.join(dir, 'reply.pem');
    writeFileSync(reply, [ca.sign(readFileSync(path.join(dir, 'ei.csr'), 'utf8')), ca.intermediate, ca.root].map(pem).join(''));
    const replyFile = path.join(dir, 'reply.toml');
    writeFileSync(replyFile, `${keystore}source = "ca-reply"\nreply = "${reply}"\n`);
    const { onDisk, fromSnapshot } = await planBothWays(home, replyFile, 'primary', [reply]);
    expect(shape(fromSnapshot)).toEqual(shape(onDisk));
    expect(fromSnapshot.actions.map((action) => action.kind)).toEqual([
      'take',
      'write-keystore',
      'import-certificate',
      'patch-config',
      'remove-pending',
      'backup',
    ]);
    expect(fromSnapshot.removals?.map((file) => path.basename(file))).toEqual(['primary.jks', 'primary.json']);
  });

  it('what the answers name is read again at each plan: a certificate file put there after a refused plan is seen', async () => {
    const home = await sandbox();
    const dir = tempDir();
    const certificate = path.join(dir, 'partner.pem');
    const answersFile = path.join(dir, 'truststore.toml');
    writeFileSync(
      answersFile,
      `[truststore]\nfile_name = "ei-truststore.jks"\npassword = { env = "NEW_PASS" }\n[[truststore.import]]\nalias = "partner"\nfile = "${certificate}"\n`,
    );
    const { answers, secrets } = await readAnswersFile(answersFile, 'truststore', env);
    const snapshot = await snapshotOf(home);
    await expect(prepareChange(snapshot, answers, secrets)).rejects.toMatchObject({ code: 'certificate-unreadable' });
    writeFileSync(certificate, await anotherCertificatePem());
    const planned = await prepareChange(snapshot, answers, secrets);
    expect(planned.actions.map((action) => action.kind)).toContain('import-certificate');
  });

  it('status of the wizard snapshot judges the keystores and pending requests as the snapshot read them', async () => {
    const home = await sandbox();
    const snapshot = await readWizardSnapshot({ home, env, cwd: home, now: NOW });
    rmSync(path.join(home, SECURITY), { recursive: true, force: true });
    const report = await statusOfFacts(snapshot, { env, now: NOW });
    expect(report.roles.map((role) => [role.role, role.opened])).toEqual([
      ['primary', true],
      ['internal', true],
      ['truststore', true],
    ]);
    expect(report.findings.map((finding) => finding.code)).not.toContain('file-missing');
  });

  it('a file the answers name but nobody gathered is a loud bug, never a quiet read of the disk', async () => {
    const home = await sandbox();
    const answersFile = path.join(tempDir(), 'truststore.toml');
    writeFileSync(
      answersFile,
      `[truststore]\nfile_name = "ei-truststore.jks"\npassword = { env = "NEW_PASS" }\n[[truststore.import]]\nalias = "partner"\nfile = "${path.join(home, SECURITY, 'wso2carbon.jks')}"\n`,
    );
    const { answers, secrets } = await readAnswersFile(answersFile, 'truststore', env);
    await expect(planChange(await snapshotOf(home), answers, secrets)).rejects.toThrow(NotInSnapshot);
  });
});
