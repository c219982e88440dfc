import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, describe, expect, it } from 'vitest';
import { readHardenAnswers } from '../../source/answers/harden-answers.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { WizardApp } from '../../source/ui/app.js';
import { genKeyPair } from '../support/keytool.js';
import { expectServerStarts } from '../support/startup-check.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';
import { keys, renderInk, stripAnsi, unmountAll, untilFrame as until, type RenderedInk } from './support/ink.js';

// Issue 12: "Encrypt passwords", the fourth procedure of the wizard, and the Done screen's offer of it.
afterEach(() => unmountAll());

const BRACKETED = 'admin-Pw-7';
const LDAP = 'ldap-Pw-3';
const JMS = 'jms-Pw-1';

/** A MI 4 sandbox with a bracketed [secrets] value and two other password keys (user store, JMS sender). */
async function plaintextHome(): Promise<string> {
  const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
  const config = path.join(home, 'conf/deployment.toml');
  const text = readFileSync(config, 'utf8').replace('type = "read_only_ldap"', `type = "read_only_ldap"\nconnection_password = "${LDAP}"`);
  writeFileSync(config, `${text}\n[transport.jms.sender]\nparameter.password = "${JMS}"\n\n[secrets]\nadmin_password = "[${BRACKETED}]"\n`);
  return home;
}

async function wizardAt(home: string) {
  const exits: Array<{ code: number; message?: string }> = [];
  const ink = renderInk(
    <WizardApp
      home={home}
      env={{}}
      cwd={home}
      now={new Date()}
      dryRun={false}
      keytoolAvailable={false}
      sandbox
      onExit={(code, message) => exits.push({ code, message })}
    />,
  );
  await until(ink, (frame) => frame.includes('Encrypt passwords') && frame.includes('Profile'), 'the home screen');
  return { ink, exits };
}

/** From the home screen to "Encrypt passwords" (the fourth procedure). */
async function chooseEncrypt(ink: RenderedInk) {
  await ink.press(keys.down, keys.down, keys.down);
  await ink.press(keys.enter);
}

const step = (frame: string) => /step (\d+) of/.exec(frame)?.[1];
async function answer(ink: RenderedInk, ...chunks: string[]) {
  const before = step(ink.frame());
  if (chunks.length > 0) await ink.press(...chunks);
  await ink.press(keys.enter);
  await until(ink, (frame) => step(frame) !== before || frame.includes('Review:'), 'the next question or the review');
}

function noFrameHolds(ink: RenderedInk, secret: string) {
  for (const frame of ink.frames) expect(stripAnsi(frame)).not.toContain(secret);
}

describe('"Encrypt passwords" in the Ink wizard', () => {
  it('asks what the planner needs, shows the plan masked, applies it; the server starts from password-persist; a second visit is refused at the menu', async () => {
    const home = await plaintextHome();
    const { ink } = await wizardAt(home);
    await chooseEncrypt(ink);
    const first = await until(ink, (frame) => frame.includes('step 1 of 4'), 'the first question');
    expect(first).toContain('Encrypt the [secrets] values still in plain-text brackets?');
    expect(first).toContain('admin_password');
    await answer(ink); // yes (the default)
    expect(ink.frame()).toMatch(/\[keystore\.primary\] password, \[keystore\.primary\] key_password, \[truststore\] password/);
    await answer(ink); // yes
    const list = await until(ink, (frame) => frame.includes('Other passwords to move'), 'the checklist');
    expect(list).toContain('[user_store] connection_password');
    expect(list).toContain('[transport.jms.sender.parameter] password');
    await answer(ink, ' '); // tick the user store's only
    const start = await until(ink, (frame) => frame.includes('at start-up?'), 'the start-up question');
    expect(start).toContain('Write password-persist (0600)');
    expect(start).toContain('Nothing: the server asks at start-up');
    await answer(ink); // persist (the default)
    const review = await until(ink, (frame) => frame.includes('Review:'), 'the review');
    expect(review).toMatch(/Plan for "apply secrets"/);
    for (const secret of [BRACKETED, LDAP, JMS]) noFrameHolds(ink, secret);
    expect(readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8')).toContain(LDAP); // nothing written yet

    await ink.press('a');
    const done = await until(ink, (frame) => frame.includes('Done:'), 'the done screen', 60_000);
    expect(done).toContain('Done: Encrypt passwords');
    expect(done).not.toMatch(/encrypt passwords/); // no offer to do again what was just done
    const text = readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8');
    const data = parse(text) as {
      keystore: { primary: Record<string, string> };
      truststore: Record<string, string>;
      user_store: Record<string, string>;
      secrets: Record<string, string>;
    };
    expect(data.keystore.primary.password).toBe('$secret{keystore_primary_password}');
    expect(data.keystore.primary.key_password).toBe('$secret{keystore_primary_key_password}');
    expect(data.truststore.password).toBe('$secret{truststore_password}');
    expect(data.user_store.connection_password).toBe('$secret{user_store_connection_password}');
    for (const secret of [BRACKETED, LDAP]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/password = "wso2carbon"/);
    expect(text).toContain(`parameter.password = "${JMS}"`); // not ticked: left as it was
    expect(readFileSync(path.join(home, 'password-persist'), 'utf8')).toBe('wso2carbon\n');
    expect(statSync(path.join(home, 'password-persist')).mode & 0o777).toBe(0o600);
    const server = await expectServerStarts(home);
    expect(
      server.secrets
        .filter((secret) => secret.decrypts === true)
        .map((secret) => secret.alias)
        .sort(),
    ).toEqual([
      'admin_password',
      'keystore_primary_key_password',
      'keystore_primary_password',
      'truststore_password',
      'user_store_connection_password',
    ]);
    unmountAll();

    // Only the JMS password is left: offered alone. Once it is moved too, there is nothing to do: refused at the menu.
    const again = await wizardAt(home);
    await chooseEncrypt(again.ink);
    const only = await until(again.ink, (frame) => frame.includes('step 1 of 1'), 'the one question left');
    expect(only).toContain('[transport.jms.sender.parameter] password');
    await answer(again.ink, ' ');
    await until(again.ink, (frame) => frame.includes('Review:'), 'the review');
    await again.ink.press('a');
    await until(again.ink, (frame) => frame.includes('Done:'), 'the done screen', 60_000);
    expect(readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8')).not.toContain(JMS);
    await expectServerStarts(home);
    unmountAll();

    const before = snapshotTree(home);
    const last = await wizardAt(home);
    await chooseEncrypt(last.ink);
    const refused = await until(last.ink, (frame) => frame.includes('Nothing to encrypt'), 'the refusal at the menu');
    expect(refused).toContain('not available here (Enter says why)');
    expect(refused).not.toContain('step 1 of');
    expect(refused).toContain('Full status');
    expect(snapshotTree(home)).toEqual(before);
  }, 120_000);

  it('an internal key that is not RSA is refused at the menu, saying why, before any question', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const ec = path.join(home, 'repository/resources/security/internal-ec.jks');
    await genKeyPair({ file: ec, alias: 'internal', storePassword: 'internal-Pw-5', keyAlgorithm: 'EC', keySize: 256 });
    const config = path.join(home, 'conf/deployment.toml');
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}\n[keystore.internal]\nfile_name = "repository/resources/security/internal-ec.jks"\ntype = "JKS"\npassword = "internal-Pw-5"\nalias = "internal"\nkey_password = "internal-Pw-5"\n`,
    );
    const { ink } = await wizardAt(home);
    await chooseEncrypt(ink);
    const refused = await until(ink, (frame) => frame.includes('needs RSA'), 'the refusal');
    expect(refused.replace(/\s+/g, ' ')).toMatch(/The internal keystore's key is EC; the secure vault needs RSA/);
    expect(refused).not.toContain('step 1 of');
  }, 60_000);

  it('save writes an answers file apply secrets reads back, with no password in it', async () => {
    const home = await plaintextHome();
    const { ink } = await wizardAt(home);
    await chooseEncrypt(ink);
    await until(ink, (frame) => frame.includes('step 1 of 4'), 'the first question');
    await answer(ink);
    await ink.press('n'); // no: y and n answer at once
    await until(ink, (frame) => step(frame) === '3', 'the third question');
    await answer(ink, keys.down, ' ');
    await answer(ink, keys.down); // nothing: the server asks
    await until(ink, (frame) => frame.includes('Review:'), 'the review');
    await ink.press('s');
    await until(ink, (frame) => frame.includes('secrets-answers.toml'), 'the save screen');
    await ink.press(keys.enter);
    await until(ink, (frame) => frame.includes('Saved '), 'saved');
    const file = path.join(home, '.ei-keystore/answers/secrets-answers.toml');
    const saved = readFileSync(file, 'utf8');
    for (const secret of [BRACKETED, LDAP, JMS, 'wso2carbon']) expect(saved).not.toContain(secret);
    expect((await readHardenAnswers(file)).answers).toEqual({
      encryptPlaintext: true,
      moveKeystorePasswords: false,
      move: ['transport.jms.sender.parameter.password'],
      passwordFile: 'none',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  }, 60_000);
});

describe('the Done screen offers "Encrypt passwords" after a change that wrote passwords in plain text', () => {
  it('a truststore change on a plain-text home: e starts "Encrypt passwords" in the same session; the truststore password ends in the vault', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const { ink } = await wizardAt(home);
    await ink.press(keys.down, keys.down, keys.enter); // Change the truststore
    await until(ink, (frame) => frame.includes('step 1 of'), 'the first question');
    await answer(ink); // copy the current one
    await answer(ink); // file name
    await answer(ink); // JKS
    await ink.press('Trust-Pw-61', keys.enter, 'Trust-Pw-61');
    await answer(ink);
    for (let i = 0; i < 5 && !ink.frame().includes('Review:'); i++) await answer(ink);
    await until(ink, (frame) => frame.includes('Review:'), 'the review');
    await ink.press('a');
    const done = await until(ink, (frame) => frame.includes('Done:'), 'the done screen', 60_000);
    expect(done).toMatch(/e encrypt passwords/);
    expect(done).toMatch(/New passwords were written in plain text/);
    expect(readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8')).toContain('Trust-Pw-61');
    await ink.press('e');
    const first = await until(ink, (frame) => frame.includes('Encrypt passwords') && frame.includes('step 1 of'), 'Encrypt passwords');
    expect(first).toContain('Move the keystore and truststore passwords into [secrets]?');
    for (let i = 0; i < 5 && !ink.frame().includes('Review:'); i++) await answer(ink);
    await until(ink, (frame) => frame.includes('Review:'), 'the review');
    await ink.press('a');
    await until(ink, (frame) => frame.includes('Done: Encrypt passwords'), 'the second done screen', 60_000);
    const text = readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8');
    expect(text).not.toContain('Trust-Pw-61');
    expect((parse(text) as { truststore: { password: string } }).truststore.password).toBe('$secret{truststore_password}');
    noFrameHolds(ink, 'Trust-Pw-61');
    await expectServerStarts(home);
  }, 120_000);
});
