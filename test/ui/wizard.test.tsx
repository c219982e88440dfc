import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WizardApp } from '../../source/ui/app.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { genKeyPair, keytool } from '../support/keytool.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';
import { keys, renderInk, stripAnsi, unmountAll, untilFrame, type RenderedInk } from './support/ink.js';
import { answer, defaultsUntil, pressUntil, toTruststoreImport } from './support/wizard-steps.js';

afterEach(() => unmountAll());

const SECRET = 'Zebra-Quokka-917';

const until = untilFrame;

async function wizardOn(profile: 'ei-7' | 'mi-1.1' | 'mi-1.2' | 'mi-4', options: { dryRun?: boolean } = {}) {
  const { home } = await createSandbox(path.join(tempDir(), 'home'), profile);
  const exits: Array<{ code: number; message?: string }> = [];
  const ink = renderInk(
    <WizardApp
      home={home}
      env={{}}
      cwd={home}
      now={new Date()}
      dryRun={options.dryRun ?? false}
      keytoolAvailable={false}
      sandbox
      onExit={(code, message) => exits.push({ code, message })}
    />,
  );
  await until(ink, (frame) => frame.includes('Change the primary keystore') && frame.includes('Profile'), 'the home screen');
  return { home, ink, exits };
}

function noFrameHolds(ink: RenderedInk, secret: string) {
  for (const frame of ink.frames) expect(stripAnsi(frame)).not.toContain(secret);
}

describe('the wizard (ink-testing-library)', () => {
  it('home screen: profile, roles with their worst finding, the procedures', async () => {
    const { ink } = await wizardOn('mi-1.2');
    const frame = ink.frame();
    expect(frame).toContain('SANDBOX');
    expect(frame).toContain('mi-1.2');
    expect(frame).toMatch(/primary\s+wso2carbon\.jks\s+to \d{4}-\d\d-\d\d\s+wso2carbon/);
    expect(frame).toMatch(/default-keystore/);
    expect(frame).toContain('Change the truststore');
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });

  it('primary: the happy path to the review, with a masked diff that scrolls, and a password in no frame', async () => {
    const { ink, home } = await wizardOn('mi-4');
    const before = snapshotTree(home);
    await answer(ink); // home: primary
    expect(ink.frame()).toContain('step 1 of');
    expect(ink.frame()).toMatch(/CA-signed certificate is recommended/);
    await answer(ink); // generate
    await answer(ink); // file name
    await answer(ink); // JKS
    await answer(ink, 'node-a'); // alias
    await ink.press(SECRET, keys.enter, SECRET);
    await answer(ink); // password twice
    await ink.press(keys.enter);
    await answer(ink); // key password: the same
    await answer(ink, '\u0015node-a.example.com'); // CN (Ctrl-U clears the default)
    const review = await defaultsUntil(ink, 'Review:');
    expect(review).toMatch(/generate a new RSA 2048 key pair/);
    expect(review).toMatch(/lines 1-\d+ of \d+/);
    await ink.press(keys.pageDown);
    const scrolled = ink.frame();
    expect(scrolled).not.toEqual(review);
    expect(scrolled).toMatch(/password = \*{8}/);
    noFrameHolds(ink, SECRET);
    // Nothing is written before apply.
    expect(snapshotTree(home)).toEqual(before);
  });

  it('Esc goes back one step and keeps what was typed; validation shows inline and blocks Enter', async () => {
    const { ink } = await wizardOn('ei-7');
    await answer(ink); // primary
    await answer(ink); // generate
    await ink.press('\u0015', '../escape.jks', keys.enter);
    expect(ink.frame()).toMatch(/A file name only/);
    expect(ink.frame()).toContain('step 2 of');
    await ink.press('\u0015');
    await answer(ink, 'kept-name.jks');
    expect(ink.frame()).toContain('step 3 of');
    await ink.press(keys.escape);
    await until(ink, (frame) => frame.includes('step 2 of'), 'the previous question');
    expect(ink.frame()).toContain('kept-name.jks');
    await ink.press(keys.escape);
    await until(ink, (frame) => frame.includes('step 1 of'), 'the first question');
    await ink.press(keys.escape);
    await until(ink, (frame) => frame.includes('Full status'), 'home');
  });

  it('passwords: too short and mismatched confirmations are refused', async () => {
    const { ink } = await wizardOn('mi-4');
    await defaultsUntil(ink, 'Password of the new keystore'); // primary, generate, file, type, alias
    await ink.press('abc', keys.enter);
    expect(ink.frame()).toMatch(/6 characters/);
    await ink.press(keys.backspace, keys.backspace, keys.backspace, 'first-secret', keys.enter, 'other-secret', keys.enter);
    expect(ink.frame()).toMatch(/do not match/);
    noFrameHolds(ink, 'first-secret');
    noFrameHolds(ink, 'other-secret');
  });

  it('internal on mi-1.2 is refused at the menu, before any question, saying why; Ctrl-C then writes nothing and exits 130', async () => {
    const { ink, home, exits } = await wizardOn('mi-1.2');
    expect(ink.frame()).not.toContain('hard-codes');
    await ink.press(keys.down);
    expect(ink.frame()).toMatch(/not possible on mi-1\.2: carbon\.xml hard-codes wso2carbon\.jks/);
    await ink.press(keys.enter);
    const refused = await until(ink, (frame) => frame.includes('reads no [keystore.internal]'), 'the refusal');
    expect(refused).not.toContain('step 1 of');
    expect(refused).toContain('Full status');
    const before = snapshotTree(home);
    await ink.press('\u0003');
    expect(exits).toEqual([{ code: 130, message: 'Cancelled, nothing was written.' }]);
    expect(snapshotTree(home)).toEqual(before);
  });

  it('truststore: a certificate file is read and its subject shown before it is accepted; save writes env references only', async () => {
    const { ink, home } = await wizardOn('ei-7');
    const dir = tempDir();
    await genKeyPair({
      file: path.join(dir, 'p.p12'),
      alias: 'partner',
      storePassword: 'whatever',
      storeType: 'PKCS12',
      dname: 'CN=Partner CA, O=Partner',
    });
    await keytool(
      [
        '-exportcert',
        '-rfc',
        '-keystore',
        path.join(dir, 'p.p12'),
        '-alias',
        'partner',
        '-file',
        path.join(dir, 'partner.pem'),
        '-storepass:env',
        'P',
      ],
      { P: 'whatever' },
    );
    writeFileSync(path.join(dir, 'junk.pem'), 'not a certificate');
    await toTruststoreImport(ink, 'trust-secret');
    await ink.press(path.join(dir, 'junk.pem'), keys.enter);
    await until(ink, (frame) => frame.includes('neither PEM nor DER') || frame.includes('no certificate block'), 'the file error');
    await ink.press('\u0015', path.join(dir, 'partner.pem'), keys.enter);
    await until(ink, (frame) => frame.includes('CN=Partner CA'), 'the certificate summary');
    expect(ink.frame()).toMatch(/Alias for it/);
    await ink.press(keys.enter);
    await until(ink, (frame) => frame.includes('✓ partner-ca'), 'the accepted certificate');
    await ink.press(keys.enter); // end the list: it is shown to correct or accept
    await until(ink, (frame) => frame.includes('Remove partner-ca'), 'the list to correct');
    await answer(ink); // accept it
    await answer(ink); // keep wso2carbon
    await until(ink, (frame) => frame.includes('Review:'), 'the review');
    expect(ink.frame()).toMatch(/import CN=Partner CA/);
    await ink.press('s');
    await until(ink, (frame) => frame.includes('Save the answers'), 'the save screen');
    await ink.press(keys.enter);
    await until(ink, (frame) => frame.includes('Saved'), 'the saved notice');
    const saved = readFileSync(path.join(home, '.ei-keystore/answers/truststore-answers.toml'), 'utf8');
    expect(saved).toContain('password = { env = "EI_TRUSTSTORE_PASSWORD" }');
    expect(saved).not.toContain('trust-secret');
    noFrameHolds(ink, 'trust-secret');
    expect(existsSync(path.join(home, 'repository/resources/security/ei-truststore.jks'))).toBe(false);
  });

  it('internal on mi-4: the happy path to the review writes [keystore.internal] in the diff; Esc from the review keeps the answers', async () => {
    const { ink } = await wizardOn('mi-4');
    await ink.press(keys.down, keys.enter);
    await until(ink, (frame) => frame.includes('Separate the internal keystore') && frame.includes('step 1 of'), 'the internal procedure');
    expect(ink.frame()).toMatch(/needs no CA-signed certificate/);
    await answer(ink); // generate
    await answer(ink); // file name
    await answer(ink); // type
    await answer(ink, '\u0015cluster-internal'); // alias
    await ink.press('internal-pass-1', keys.enter, 'internal-pass-1');
    await answer(ink);
    await defaultsUntil(ink, 'Review:');
    await ink.press(keys.pageDown);
    expect(ink.frame()).toMatch(/\+\[keystore\.internal\]|keystore\.internal/);
    await ink.press(keys.escape);
    await until(ink, (frame) => frame.includes('Validity'), 'the last question');
    await pressUntil(ink, 'Alias of the key entry', { key: keys.escape });
    expect(ink.frame()).toContain('cluster-internal');
    noFrameHolds(ink, 'internal-pass-1');
  });

  it('Ctrl-C during apply lets the change finish, then exits 130 saying so', async () => {
    const { ink, home, exits } = await wizardOn('mi-4');
    await defaultsUntil(ink, 'Password of the new keystore');
    await ink.press('during-apply', keys.enter, 'during-apply');
    await answer(ink);
    await defaultsUntil(ink, 'Review:');
    await ink.pressTogether('a', '\u0003');
    const start = Date.now();
    while (exits.length === 0 && Date.now() - start < 20_000) await ink.press('');
    expect(exits).toHaveLength(1);
    expect(exits[0]!.code).toBe(130);
    expect(exits[0]!.message).toMatch(
      /Interrupted after the change was completed\. Backup \S+; to undo:\n {2}\S.* restore --home \S+ \S+$/,
    );
    // Finished, not half-done: the new keystore is in place and the configuration names it.
    expect(existsSync(path.join(home, 'repository/resources/security/ei-primary.jks'))).toBe(true);
    expect(readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8')).toContain('ei-primary.jks');
  });

  it('dry run: the review offers no apply, and quitting exits 0', async () => {
    const { ink, exits } = await wizardOn('mi-1.1', { dryRun: true });
    expect(ink.frame()).toContain('DRY RUN');
    await defaultsUntil(ink, 'Password of the new keystore');
    await ink.press('dry-run-pass', keys.enter, 'dry-run-pass');
    await answer(ink);
    const review = await defaultsUntil(ink, 'Review:'); // the key password (the same), the subject, the key
    expect(review).not.toMatch(/a apply/);
    await ink.press('a');
    expect(ink.frame()).toContain('Review:');
    await ink.press('c');
    expect(exits).toEqual([{ code: 0, message: 'Dry run: nothing was written.' }]);
  });
});
