import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INTERNAL_PROCEDURE, PRIMARY_PROCEDURE, whyOf } from '../../source/core/fields/index.js';
import { validSans } from '../../source/core/fields/common-validators.js';
import { encryptSecret } from '../../source/keystore/cipher-tool.js';
import { readKeystore } from '../../source/keystore/open.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { WizardApp } from '../../source/ui/app.js';
import { wrapDiffLine } from '../../source/ui/screens/layout.js';
import type { TerminalSize } from '../../source/ui/terminal/terminal-size.js';
import { genKeyPair, keytool } from '../support/keytool.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';
import { keys, renderInk, stripAnsi, unmountAll, untilFrame as until, type RenderedInk } from './support/ink.js';
import { answer, defaultsUntil, stepOf as step, toTruststoreImport } from './support/wizard-steps.js';

// Issue 14, "Flow" (items 3, 5-12, 18, 20): each answer checked on its own step, in the wizard's words.
afterEach(() => unmountAll());

type Profile = 'ei-7' | 'mi-1.1' | 'mi-1.2' | 'mi-4';

async function sandbox(profile: Profile, options: { encryptedSecrets?: boolean } = {}) {
  const { home } = await createSandbox(path.join(tempDir(), 'home'), profile);
  if (options.encryptedSecrets) {
    const keystore = await readKeystore(readFileSync(path.join(home, 'repository/resources/security/wso2carbon.jks')), 'wso2carbon');
    const entry = keystore.entries.find((candidate) => candidate.kind === 'private-key');
    if (entry?.kind !== 'private-key') throw new Error('the sandbox keystore has no key entry');
    const config = path.join(home, profile === 'ei-7' ? 'conf/ei.toml' : 'conf/deployment.toml');
    appendFileSync(config, `\n[secrets]\ndb_password = "${encryptSecret(entry.chain[0]!, 'the-db-secret')}"\n`);
  }
  return home;
}

async function wizardAt(home: string, options: { size?: TerminalSize; keytool?: boolean; cwd?: string } = {}) {
  const exits: Array<{ code: number; message?: string }> = [];
  const ink = renderInk(
    <WizardApp
      home={home}
      env={{ PATH: process.env.PATH }}
      cwd={options.cwd ?? home}
      now={new Date()}
      dryRun={false}
      keytoolAvailable={options.keytool ?? false}
      sandbox
      size={options.size}
      onExit={(code, message) => exits.push({ code, message })}
    />,
  );
  await until(ink, (frame) => frame.includes('Change the primary keystore') && frame.includes('Profile'), 'the home screen');
  return { ink, exits };
}

const defaultsToReview = (ink: RenderedInk) => defaultsUntil(ink, 'Review:');

/** Home -> primary (or internal, one down) -> generate, file name, type, alias: at the password question. */
async function toPassword(ink: RenderedInk, procedure: 'primary' | 'internal') {
  if (procedure === 'internal') await ink.press(keys.down);
  await answer(ink);
  await defaultsUntil(ink, 'Password of the new keystore');
}

describe('the wizard at real terminals: flow (ink-testing-library)', () => {
  it('item 3: at 60 columns a long validation message is wrapped whole, never cut with "…"', async () => {
    const home = await sandbox('mi-4');
    const { ink } = await wizardAt(home, { size: { columns: 60, rows: 30 } });
    await toPassword(ink, 'primary');
    await ink.press('Sixty-Cols-1', keys.enter, 'Sixty-Cols-1');
    await answer(ink);
    await defaultsUntil(ink, 'Subject alternative names');
    await ink.press(keys.ctrlU, 'DNS:ok.example.com, IP:10.0.0.300');
    const frame = ink.frame();
    const expected = validSans('DNS:ok.example.com, IP:10.0.0.300')!;
    expect(expected.length).toBeGreaterThan(60);
    expect(frame.replace(/\s+/g, ' ')).toContain(expected.replace(/\s+/g, ' '));
    expect(frame).not.toContain('…');
    for (const line of frame.split('\n')) expect(line.length, `${line}\n${frame}`).toBeLessThanOrEqual(60);
  });

  it('item 3: a long diff line is wrapped, continuation rows marked, nothing lost', () => {
    const line = `+file_name = "repository/resources/security/${'a'.repeat(90)}.jks"`;
    const rows = wrapDiffLine(line, 60);
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(60);
    expect(rows.slice(1).every((row) => row.startsWith('↳ '))).toBe(true);
    expect(
      rows[0]! +
        rows
          .slice(1)
          .map((row) => row.slice(2))
          .join(''),
    ).toBe(line);
  });

  it('item 5: EC for the internal key is refused at the question when [secrets] hold encrypted values, saying why', async () => {
    const home = await sandbox('mi-4', { encryptedSecrets: true });
    const { ink } = await wizardAt(home);
    await toPassword(ink, 'internal');
    await ink.press('Internal-Pass-5', keys.enter, 'Internal-Pass-5');
    await answer(ink);
    await defaultsUntil(ink, 'Key algorithm');
    expect(ink.frame()).not.toContain('EC is not possible here');
    const at = step(ink.frame());
    await ink.press(keys.down);
    expect(ink.frame()).toMatch(/not possible here: 1 encrypted \[secrets\] value/);
    await ink.press(keys.enter);
    const refused = await until(ink, (frame) => frame.includes('EC is not possible here'), 'the refusal');
    expect(step(refused)).toBe(at);
    expect(refused).toMatch(/only be encrypted again for an RSA key\. Choose RSA\./);
    // RSA goes on.
    await ink.press(keys.up, keys.enter);
    await until(ink, (frame) => step(frame) !== at, 'the next question');
  });

  it("item 6: a missing source keystore is said on its own question, the message goes once the path is edited, a wrong alias is said on the alias question in the wizard's words", async () => {
    const home = await sandbox('mi-4');
    const dir = tempDir();
    const source = path.join(dir, 'server.p12');
    await genKeyPair({ file: source, alias: 'server', storePassword: 'source-pass', storeType: 'PKCS12', dname: 'CN=server.example.com' });
    const { ink } = await wizardAt(home);
    await answer(ink); // primary
    await ink.press(keys.down, keys.down);
    await answer(ink); // "Use a keystore I have"
    expect(ink.frame()).toContain('Path of the keystore to use');
    const at = step(ink.frame());
    await ink.press(path.join(dir, 'nothing-here.p12'), keys.enter);
    const missing = await until(ink, (frame) => frame.includes('There is no file at'), 'the missing-file message');
    expect(step(missing)).toBe(at);
    expect(missing).not.toContain('[keystore.existing]');
    await ink.press(keys.backspace);
    expect(ink.frame()).not.toContain('There is no file at');
    await ink.press(keys.ctrlU);
    await answer(ink, source);
    expect(ink.frame()).toContain('Its store password');
    await answer(ink, 'source-pass');
    expect(ink.frame()).toContain('Alias of its key entry');
    const aliasStep = step(ink.frame());
    await ink.press('wrongalias', keys.enter);
    const wrong = await until(ink, (frame) => frame.includes('There is no entry "wrongalias"'), 'the alias message');
    expect(step(wrong)).toBe(aliasStep);
    expect(wrong).toContain('Its key entries: server.');
    expect(wrong).not.toContain('[keystore.existing]');
    await ink.press(keys.ctrlU);
    await answer(ink, 'server');
    expect(ink.frame()).toContain('Its key password');
  });

  it('item 7: the shipped password is warned about for the primary and refused for the internal keystore; an empty key password asks nothing more; Esc and back keeps the password', async () => {
    const home = await sandbox('mi-4');
    const { ink } = await wizardAt(home);
    await toPassword(ink, 'primary');
    await ink.press('wso2carbon', keys.enter);
    expect(ink.frame()).toMatch(/"wso2carbon" is the password every WSO2 server ships with/);
    await ink.press('wso2carbon', keys.enter);
    await until(ink, (frame) => frame.includes('Password of the private key'), 'the key password');
    // Empty: the same as the keystore password, and no "Type it again".
    await answer(ink);
    expect(ink.frame()).not.toContain('Password of the private key');
    expect(ink.frame()).not.toContain('Type it again');
    // Back to the password: what was typed is kept (masked) and Enter takes it as it is.
    await ink.press(keys.escape);
    await until(ink, (frame) => frame.includes('Password of the private key'), 'back to the key password');
    await ink.press(keys.escape);
    const kept = await until(ink, (frame) => frame.includes('Password of the new keystore'), 'back to the password');
    expect(kept).toContain('*'.repeat('wso2carbon'.length));
    await answer(ink);
    expect(ink.frame()).toContain('Password of the private key');
    for (const frame of ink.frames) expect(stripAnsi(frame)).not.toContain('wso2carbon"  ');

    const internal = await wizardAt(await sandbox('mi-4'));
    await toPassword(internal.ink, 'internal');
    const at = step(internal.ink.frame());
    await internal.ink.press('wso2carbon', keys.enter);
    expect(internal.ink.frame()).toMatch(/Not "wso2carbon": it is the password every WSO2 server ships with/);
    expect(internal.ink.frame()).not.toContain('Type it again');
    expect(step(internal.ink.frame())).toBe(at);
  });

  it('item 8: the internal keystore is asked what an internal key needs: a name, no SANs, ten years', async () => {
    const home = await sandbox('mi-4');
    const { ink } = await wizardAt(home);
    await toPassword(ink, 'internal');
    await ink.press('Internal-Pass-8', keys.enter, 'Internal-Pass-8');
    await answer(ink);
    await defaultsUntil(ink, 'Common name (CN)');
    expect(ink.frame()).toContain('a name that says what this key is');
    expect(ink.frame()).not.toContain('clients connect to');
    expect(ink.frame()).toContain('> ei-internal');
    const seen: string[] = [];
    for (let i = 0; i < 25 && !ink.frame().includes('Validity'); i++) {
      seen.push(ink.frame());
      await answer(ink);
    }
    expect(seen.join('\n')).not.toContain('Subject alternative names');
    expect(ink.frame()).toContain('> 3650');
  });

  it('item 9: the import list can be corrected (an entry removed) and an alias already in the truststore is refused as it is typed', async () => {
    const home = await sandbox('ei-7');
    const dir = tempDir();
    for (const name of ['partner', 'other']) {
      await genKeyPair({
        file: path.join(dir, `${name}.p12`),
        alias: name,
        storePassword: 'whatever',
        storeType: 'PKCS12',
        dname: `CN=${name} CA, O=Partner`,
      });
      await keytool(
        [
          '-exportcert',
          '-rfc',
          '-keystore',
          path.join(dir, `${name}.p12`),
          '-alias',
          name,
          '-file',
          path.join(dir, `${name}.pem`),
          '-storepass:env',
          'P',
        ],
        { P: 'whatever' },
      );
    }
    const { ink } = await wizardAt(home);
    await toTruststoreImport(ink, 'trust-secret');
    await ink.press(path.join(dir, 'partner.pem'), keys.enter);
    await until(ink, (frame) => frame.includes('Alias for it'), 'the alias question');
    // The sandbox truststore holds "wso2carbon": refused now, not in the review.
    await ink.press(keys.ctrlU, 'wso2carbon');
    expect(ink.frame().replace(/\s+/g, ' ')).toMatch(/"wso2carbon" is already in the truststore \(.*\); choose another alias/);
    await ink.press(keys.ctrlU, 'partner-ca', keys.enter);
    await until(ink, (frame) => frame.includes('✓ partner-ca'), 'the first certificate');
    await ink.press(path.join(dir, 'other.pem'), keys.enter);
    await until(ink, (frame) => frame.includes('Alias for it'), 'the second alias');
    await ink.press(keys.ctrlU, 'other-ca', keys.enter);
    await until(ink, (frame) => frame.includes('✓ other-ca'), 'the second certificate');
    await ink.press(keys.enter);
    await until(ink, (frame) => frame.includes('Remove other-ca'), 'the list');
    await ink.press(keys.down, keys.down, keys.down, keys.enter); // Remove other-ca
    await until(ink, (frame) => !frame.includes('Remove other-ca') && frame.includes('Remove partner-ca'), 'the corrected list');
    await answer(ink); // import it
    await defaultsToReview(ink);
    const review = ink.frame();
    expect(review).toMatch(/import CN=partner CA/);
    expect(review).not.toMatch(/other CA/);
  });

  it('item 10: keeping the shipped key as the internal keystore is warned against at the choice and in the review', async () => {
    const home = await sandbox('mi-4', { encryptedSecrets: true });
    const { ink } = await wizardAt(home);
    await toPassword(ink, 'primary');
    await ink.press('Primary-Pass-10', keys.enter, 'Primary-Pass-10');
    await answer(ink);
    const question = await defaultsUntil(ink, 'What should happen to them?');
    expect(question).toMatch(/shipped wso2carbon key: its private key is public/);
    expect(question).toMatch(/recommended: the shipped key is public/);
    await ink.press(keys.down);
    expect(ink.frame()).toMatch(/not recommended: the old key is the shipped wso2carbon key/);
    await ink.press(keys.enter);
    const review = await until(ink, (frame) => frame.includes('Review:'), 'the review');
    expect(review).toMatch(/! Warning: the old key pair is WSO2's shipped wso2carbon key/);
    expect(review).toMatch(/re-encrypt them instead/);
  });

  it("item 11: importing the CA reply says the password must be the request's", () => {
    const password = PRIMARY_PROCEDURE.fields.find((field) => field.id === 'password')!;
    const context = (source: string) => ({
      facts: {
        profile: 'mi-4',
        profileLabel: '',
        internalConfigurable: true,
        hostname: 'h',
        securityFiles: [],
        encryptedSecrets: 0,
        internalIsPrimary: true,
        currentTruststoreFile: 't.jks',
      } as const,
      values: { source },
    });
    expect(whyOf(password, context('ca-reply'))).toMatch(/the password you gave when the request was made/);
    expect(whyOf(password, context('generate'))).toBeUndefined();
    const internalPassword = INTERNAL_PROCEDURE.fields.find((field) => field.id === 'password')!;
    expect(whyOf(internalPassword, context('ca-reply'))).toMatch(/request was made/);
  });

  it('item 12: after the internal keystore is separated the Done screen (and what is left on the shell) says every node needs the same one; item 14: its commands are whole, one per line', async () => {
    const home = await sandbox('mi-4');
    const { ink, exits } = await wizardAt(home);
    await toPassword(ink, 'internal');
    await ink.press('Internal-Pass-12', keys.enter, 'Internal-Pass-12');
    await answer(ink);
    await defaultsToReview(ink);
    await ink.press('a');
    const done = await until(ink, (frame) => frame.includes('Done:'), 'the done screen', 60_000);
    expect(done.replace(/\s+/g, ' ')).toMatch(/every node that shares this configuration needs this same internal keystore/);
    await ink.press(keys.enter);
    expect(exits).toHaveLength(1);
    const message = exits[0]!.message!;
    expect(message).toMatch(/every node that shares this configuration needs this same internal keystore/);
    const lines = message.split('\n');
    const undo = lines[lines.indexOf('To undo:') + 1]!;
    expect(undo).toMatch(new RegExp(`^  \\S.* restore --home ${home} \\S+$`));
    expect(lines).toContain(lines.find((line) => /^ {2}\S.* status --home /.test(line)));
  });

  it("item 18: the answers are saved in the home's .ei-keystore/answers by default, never over an existing file", async () => {
    const home = await sandbox('mi-4');
    const cwd = tempDir();
    const { ink } = await wizardAt(home, { cwd });
    await toPassword(ink, 'primary');
    await ink.press('Save-Pass-18', keys.enter, 'Save-Pass-18');
    await answer(ink);
    await defaultsToReview(ink);
    for (let round = 0; round < 2; round++) {
      await ink.press('s');
      const save = await until(ink, (frame) => frame.includes('Save the answers'), 'the save screen');
      expect(save).toContain(path.join(home, '.ei-keystore/answers/primary-answers.toml'));
      await ink.press(keys.enter);
      if (round === 0) {
        await until(ink, (frame) => frame.includes('Saved'), 'the saved notice');
      } else {
        await until(ink, (frame) => frame.includes('already exists'), 'the refusal to overwrite');
        await ink.press(keys.escape);
      }
    }
    expect(existsSync(path.join(home, '.ei-keystore/answers/primary-answers.toml'))).toBe(true);
    expect(snapshotTree(cwd)).toEqual({});
  });

  it('item 20: the keytool hint says what k does and the state it is in', async () => {
    const home = await sandbox('mi-4');
    const { ink } = await wizardAt(home, { keytool: true });
    await toPassword(ink, 'primary');
    await ink.press('Keytool-Pass-20', keys.enter, 'Keytool-Pass-20');
    await answer(ink);
    const review = await defaultsToReview(ink);
    expect(review).toContain('k turn the keytool check off (it is on)');
    await ink.press('k');
    expect(ink.frame()).toContain('k turn the keytool check on (it is off)');
  });
});
