/**
 * Issue 12 through the bundled wizard in a real 80x24 terminal (tmux): a sandbox is hardened with "Encrypt
 * passwords" (the server to ask for the vault's password at start-up, so the home keeps no password file), then
 * the primary, internal and truststore keystores are each rotated in their own session, the vault's password typed
 * at the wizard's own prompt. After each change the Java start-up check (given the password as an admin would, in
 * a copy of the home) says the server starts, and no password is left in plain text. One home for the whole file:
 * each step starts where the one before ended; at the end every backup is restored, newest first, and each restore
 * brings back the home exactly as it was before that change.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectServerStarts } from '../support/startup-check.js';
import { tempDir } from '../support/tmp.js';
import { haveTmux, TmuxPane } from '../support/tmux-pane.js';
import { snapshotTree } from '../support/tree.js';

const bundle = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/ei-keystore.mjs');
const describeTmux = (haveTmux && existsSync(bundle)) || process.env.CI === 'true' ? describe : describe.skip;
if (!haveTmux) console.warn('skipped the wizard vault tmux tests: tmux is not installed');

const PRIMARY_PW = 'Primary-Pw-41';
const INTERNAL_PW = 'Internal-Pw-52';
const TRUST_PW = 'Trust-Pw-63';
const TRUST_PW_2 = 'Trust-Pw-74';

/** Every password-like key of the configuration whose value is not a `$secret{}` reference. */
function plaintextPasswords(node: unknown, prefix = ''): string[] {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') return /password/i.test(key) && !/^\$secret\{[^}]+\}$/.test(value) ? [full] : [];
    return full === 'secrets' ? [] : plaintextPasswords(value, full);
  });
}

const step = (screen: string) => /step (\d+) of/.exec(screen)?.[1];

/** Enter, then wait for the step counter to move (or the review to show). */
async function next(pane: TmuxPane, what: string): Promise<void> {
  const before = step(pane.screen());
  pane.keys('Enter');
  await pane.until((screen) => (step(screen) !== before && !screen.includes('Planning the change')) || screen.includes('Review:'), what);
}

/** A new password typed twice (masked), then on to the question after it. */
async function typeNewPassword(pane: TmuxPane, password: string, nextQuestion: string): Promise<void> {
  pane.text(password);
  pane.keys('Enter');
  pane.text(password);
  await next(pane, nextQuestion);
}

/** Enter until the review shows (every remaining question takes its default). */
async function defaultsToReview(pane: TmuxPane): Promise<void> {
  for (let i = 0; i < 25 && !pane.screen().includes('Review:'); i++) await next(pane, `question ${i}`);
  await pane.until((screen) => screen.includes('Review:'), 'the review');
}

describeTmux('the wizard on a hardened home, vault password typed at its prompt (tmux, 80x24)', () => {
  let home = '';
  let config = '';
  const backups: Array<{ id: string; before: Record<string, string>; passwordTmp?: boolean }> = [];
  const typed: string[] = [];

  // One home for every step (tempDir() is removed after each test).
  const root = mkdtempSync(path.join(os.tmpdir(), 'eik-vault-tmux-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  beforeAll(() => {
    home = path.join(root, 'home');
    const made = spawnSync(process.execPath, [bundle, 'sandbox', home, '--profile', 'mi-4'], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    config = path.join(home, 'conf/deployment.toml');
  });

  /** The server's word on the home, given the vault's password as the admin would (password-tmp, in a copy). */
  async function serverStartsWith(vaultPassword: string): Promise<void> {
    const copy = path.join(tempDir(), 'server');
    cpSync(home, copy, { recursive: true, filter: (source) => path.basename(source) !== '.ei-keystore' });
    writeFileSync(path.join(copy, 'password-tmp'), `${vaultPassword}\n`, { mode: 0o600 });
    await expectServerStarts(copy);
  }

  function expectNoPlaintext(): void {
    const text = readFileSync(config, 'utf8');
    expect(plaintextPasswords(parse(text))).toEqual([]);
    for (const password of typed) expect(text).not.toContain(password);
  }

  /** Starts the wizard; with `vaultPassword`, waits for the vault prompt and types it. Returns at the home screen. */
  async function wizard(vaultPassword?: string): Promise<TmuxPane> {
    const pane = new TmuxPane(`node ${bundle} --home ${home}; echo EXIT=$?; sleep 30`);
    if (vaultPassword !== undefined) {
      const prompt = await pane.until((screen) => screen.includes('Internal keystore password'), 'the vault prompt');
      expect(prompt).toContain('This server keeps its keystore passwords in the secure vault:');
      pane.text(vaultPassword);
      pane.keys('Enter');
    }
    const screen = await pane.until((text) => text.includes('Encrypt passwords') && text.includes('Profile'), 'the home screen');
    expect(screen).not.toMatch(/vault-locked|password-unavailable/);
    return pane;
  }

  /** Applies the review, reads the backup id off the Done screen, quits; the home snapshot taken before is kept. */
  async function applyAndQuit(pane: TmuxPane, before: Record<string, string>, secrets: string[]): Promise<string> {
    pane.keys('a');
    const done = await pane.until((screen) => screen.includes('Done:'), 'the done screen', 90_000);
    const id = /Backup (\S+)\./.exec(done)?.[1];
    expect(id, done).toBeDefined();
    pane.keys('Enter');
    const end = await pane.until((screen) => /EXIT=\d+/.test(screen), 'the exit');
    expect(end).toContain('EXIT=0');
    for (const secret of secrets) expect(pane.screen()).not.toContain(secret);
    pane.kill();
    backups.push({ id: id!, before });
    return done;
  }

  it('hardens the sandbox through "Encrypt passwords", the server to ask at start-up: nothing in plain text, no password file, the server starts', async () => {
    const before = snapshotTree(home);
    const pane = await wizard();
    pane.keys('Down', 'Down', 'Down', 'Enter');
    const first = await pane.until((screen) => screen.includes('step 1 of 2'), 'the first question');
    expect(first).toContain('Move the keystore and truststore passwords into [secrets]?');
    await next(pane, 'the start-up question');
    expect(pane.screen()).toContain('Nothing: the server asks at start-up');
    pane.keys('Down');
    await next(pane, 'the review');
    const review = pane.screen();
    expect(review).toMatch(/Plan for "apply secrets"/);
    const done = await applyAndQuit(pane, before, []);
    expect(done).not.toContain('encrypt passwords'); // nothing left in plain text to offer
    expect(readFileSync(config, 'utf8')).toMatch(/^password = "\$secret\{keystore_primary_password\}"$/m);
    expectNoPlaintext();
    expect(existsSync(path.join(home, 'password-persist'))).toBe(false);
    expect(existsSync(path.join(home, 'password-tmp'))).toBe(false);
    await serverStartsWith('wso2carbon');
  }, 120_000);

  it('rotates the primary keystore (the internal key with it), the vault password typed at the prompt', async () => {
    const before = snapshotTree(home);
    const pane = await wizard('wso2carbon');
    pane.keys('Enter');
    await pane.until((screen) => screen.includes('step 1 of'), 'the first question');
    await next(pane, 'file name');
    await next(pane, 'type');
    await next(pane, 'alias');
    pane.keys('C-u');
    pane.text('vault-node');
    await next(pane, 'password');
    await typeNewPassword(pane, PRIMARY_PW, 'key password');
    typed.push(PRIMARY_PW);
    await defaultsToReview(pane); // key password as the store's; [secrets] re-encrypted with the new key
    const done = await applyAndQuit(pane, before, [PRIMARY_PW]);
    expect(done).not.toContain('encrypt passwords');
    expectNoPlaintext();
    expect(existsSync(path.join(home, 'password-persist')) || existsSync(path.join(home, 'password-tmp'))).toBe(false);
    await serverStartsWith(PRIMARY_PW);
  }, 180_000);

  it('separates the internal keystore, the vault password (now the new primary one) typed at the prompt', async () => {
    const before = snapshotTree(home);
    const pane = await wizard(PRIMARY_PW);
    pane.keys('Down', 'Enter');
    await pane.until((screen) => screen.includes('step 1 of'), 'the first question');
    await next(pane, 'file name');
    await next(pane, 'type');
    await next(pane, 'alias');
    await next(pane, 'password');
    // No key password is asked: the vault opens the internal key with the store's password.
    await typeNewPassword(pane, INTERNAL_PW, 'the common name');
    typed.push(INTERNAL_PW);
    await defaultsToReview(pane);
    await applyAndQuit(pane, before, [INTERNAL_PW]);
    expect(parse(readFileSync(config, 'utf8'))).toMatchObject({
      keystore: { internal: { file_name: 'repository/resources/security/ei-internal.jks' } },
    });
    expectNoPlaintext();
    expect(existsSync(path.join(home, 'password-persist')) || existsSync(path.join(home, 'password-tmp'))).toBe(false);
    await serverStartsWith(INTERNAL_PW);
  }, 180_000);

  it('changes the truststore, the vault password (now the internal one) typed at the prompt', async () => {
    const before = snapshotTree(home);
    const pane = await wizard(INTERNAL_PW);
    pane.keys('Down', 'Down', 'Enter');
    await pane.until((screen) => screen.includes('step 1 of'), 'the first question');
    await next(pane, 'file name');
    await next(pane, 'type');
    await next(pane, 'password');
    await typeNewPassword(pane, TRUST_PW, 'imports');
    typed.push(TRUST_PW);
    await defaultsToReview(pane);
    await applyAndQuit(pane, before, [TRUST_PW]);
    expect(parse(readFileSync(config, 'utf8'))).toMatchObject({
      truststore: { file_name: 'repository/resources/security/ei-truststore.jks' },
    });
    expectNoPlaintext();
    await serverStartsWith(INTERNAL_PW);
  }, 180_000);

  it('with password-tmp in the home the wizard does not ask; a truststore change leaves the file byte for byte', async () => {
    writeFileSync(path.join(home, 'password-tmp'), `${INTERNAL_PW}\n`, { mode: 0o600 });
    const tmp = readFileSync(path.join(home, 'password-tmp'));
    const before = snapshotTree(home);
    const pane = await wizard();
    pane.keys('Down', 'Down', 'Enter');
    await pane.until((screen) => screen.includes('step 1 of'), 'the first question');
    await next(pane, 'file name');
    pane.keys('C-u');
    pane.text('trust-2.jks');
    await next(pane, 'type');
    await next(pane, 'password');
    pane.text(TRUST_PW_2);
    pane.keys('Enter');
    pane.text(TRUST_PW_2);
    await next(pane, 'imports');
    typed.push(TRUST_PW_2);
    await defaultsToReview(pane);
    await applyAndQuit(pane, before, [TRUST_PW_2]);
    backups.at(-1)!.passwordTmp = true;
    expect(readFileSync(path.join(home, 'password-tmp')).equals(tmp)).toBe(true);
    expectNoPlaintext();
    await expectServerStarts(home); // the server itself reads password-tmp here
  }, 180_000);

  it('restore, newest first, brings back every byte each change replaced', () => {
    expect(backups).toHaveLength(5);
    const withoutState = (tree: Record<string, string>) =>
      Object.fromEntries(Object.entries(tree).filter(([file]) => !file.startsWith('.ei-keystore')));
    for (const backup of [...backups].reverse()) {
      const run = spawnSync(process.execPath, [bundle, 'restore', '--home', home, backup.id], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(withoutState(snapshotTree(home))).toEqual(withoutState(backup.before));
      // password-tmp was the admin's, given before the last change: taken away again for the changes before it.
      if (backup.passwordTmp) rmSync(path.join(home, 'password-tmp'));
    }
  }, 60_000);
});
