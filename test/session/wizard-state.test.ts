import { describe, expect, it } from 'vitest';
import type { HardenAnswers } from '../../source/answers/harden-answers.js';
import type { ProcedureId } from '../../source/answers/types.js';
import { PROCEDURE_DEFINITIONS, visibleFields } from '../../source/core/fields/index.js';
import type { HardenFacts, WizardFacts } from '../../source/core/fields/types.js';
import { EXIT } from '../../source/exit-codes.js';
import type { HomeSnapshot } from '../../source/procedures/home-snapshot.js';
import type { PreparedChange, RequestSummary } from '../../source/procedures/prepared.js';
import { CLUSTER_NOTE } from '../../source/session/endings.js';
import type { Review } from '../../source/session/session.js';
import {
  initialWizardState,
  wizardStep,
  type LoadedHome,
  type WizardEffect,
  type WizardEvent,
  type WizardState,
} from '../../source/session/wizard-state.js';
import type { StatusReport } from '../../source/status/gather.js';

// The wizard's flow as data: every transition here is a pure function call, no disk, no terminal, no React.

const HOME = '/srv/wso2/home';
const SELF = 'ei-keystore';

function homeFacts(options: { internalConfigurable?: boolean; plaintextSecrets?: number } = {}): HomeSnapshot {
  return {
    located: { home: HOME },
    profile: {
      id: options.internalConfigurable === false ? 'mi-1.2' : 'mi-4',
      label: options.internalConfigurable === false ? 'EI 7.1.0 / MI 1.2' : 'Micro Integrator 4.x',
      internalConfigurable: options.internalConfigurable ?? true,
      internalNote: 'carbon.xml hard-codes wso2carbon.jks.',
    },
    resolved: { secrets: Array.from({ length: options.plaintextSecrets ?? 0 }, (_, n) => ({ alias: `s${n}`, state: 'plaintext' })) },
  } as unknown as HomeSnapshot;
}

const HARDEN: HardenFacts = {
  plaintextSecrets: ['admin_password'],
  keystorePasswords: [],
  otherPasswords: [],
  passwordPersist: true,
  passwordTmp: false,
};

function loadedHome(
  options: { internalConfigurable?: boolean; plaintextSecrets?: number; harden?: HardenFacts; primaryIsShippedKey?: boolean } = {},
): LoadedHome {
  const wizard: WizardFacts = {
    profile: 'mi-4',
    profileLabel: 'Micro Integrator 4.x',
    internalConfigurable: options.internalConfigurable ?? true,
    hostname: 'localhost',
    securityFiles: ['wso2carbon.jks', 'client-truststore.jks'],
    encryptedSecrets: 0,
    internalIsPrimary: true,
    currentTruststoreFile: 'client-truststore.jks',
    harden: options.harden ?? HARDEN,
    ...(options.primaryIsShippedKey ? { primaryIsShippedKey: true } : {}),
  };
  return { facts: homeFacts(options), wizard, report: { home: HOME, roles: [], findings: [] } as unknown as StatusReport };
}

function prepared(procedure: ProcedureId, extra: Partial<PreparedChange> = {}): PreparedChange {
  return {
    procedure,
    home: HOME,
    actions: [{ kind: 'generate', what: 'a new RSA 2048 key pair' }],
    writes: [],
    expected: [],
    keystores: [],
    config: { path: `${HOME}/conf/deployment.toml`, relative: 'conf/deployment.toml', before: '', after: '', changes: [] },
    notes: [],
    ...extra,
  } as unknown as PreparedChange;
}

const HARDEN_ANSWERS: HardenAnswers = { encryptPlaintext: true, moveKeystorePasswords: false, move: [], passwordFile: 'none' };

function review(procedure: ProcedureId, extra: Partial<PreparedChange> = {}, more: Partial<Review> = {}): Review {
  return {
    prepared: prepared(procedure, extra),
    diff: '--- a\n+++ b\n-password = "x"\n+password = ********\n',
    answers: procedure === 'secrets' ? HARDEN_ANSWERS : ({} as Review['answers']),
    ...more,
  };
}

/** Feeds events one after the other; the state and every effect asked for on the way. */
function run(state: WizardState, ...events: WizardEvent[]): { state: WizardState; effects: WizardEffect[] } {
  const effects: WizardEffect[] = [];
  for (const event of events) {
    const step = wizardStep(state, event);
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

const settings = { cwd: '/work/here', dryRun: false, keytoolAvailable: true, self: SELF };

/** A session with its home read, at the menu. */
function atHome(options: Parameters<typeof loadedHome>[0] & { dryRun?: boolean; vaultPassword?: string } = {}): WizardState {
  const start = initialWizardState({ ...settings, dryRun: options.dryRun ?? false }, options.vaultPassword);
  return run(start, { type: 'home-loaded', home: loadedHome(options) }).state;
}

/** Answers every question of the open procedure with its default until the flow leaves the questions. */
function answerAll(state: WizardState): { state: WizardState; effects: WizardEffect[] } {
  const effects: WizardEffect[] = [];
  for (let n = 0; n < 40 && state.screen.name === 'form'; n++) {
    const screen = state.screen;
    const context = { facts: state.home!.wizard, values: state.values[screen.procedure] };
    const field = visibleFields(PROCEDURE_DEFINITIONS[screen.procedure], context)[screen.index]!;
    const step = run(state, {
      type: 'answer',
      id: field.id,
      value: field.default?.(context) ?? (field.kind === 'new-secret' || field.kind === 'secret' ? 'Typed-Pw-1' : undefined),
    });
    state = step.state;
    effects.push(...step.effects);
  }
  return { state, effects };
}

/** At the review of `procedure`, planned as `planned`. */
function atReview(procedure: ProcedureId, planned: Review, options: Parameters<typeof atHome>[0] = {}): WizardState {
  const asked = answerAll(run(atHome(options), { type: 'choose', choice: procedure }).state);
  expect(asked.state.screen.name).toBe('planning');
  return run(asked.state, { type: 'planned', review: planned }).state;
}

const exitOf = (effects: WizardEffect[]) => effects.filter((effect) => effect.kind === 'exit');

describe('the session reducer: reading the home and the menu', () => {
  it('starts by asking for the home to be read, with the vault password given before the screens', () => {
    const start = initialWizardState(settings, 'vault-Pw-1');
    expect(start.screen).toEqual({ name: 'home' });
    expect(start.home).toBeUndefined();
    expect(wizardStep(start, { type: 'start' }).effects).toEqual([{ kind: 'load-home', vaultPassword: 'vault-Pw-1' }]);
    // Nothing can be chosen before the home is read, except leaving.
    expect(run(start, { type: 'choose', choice: 'primary' }).state.screen).toEqual({ name: 'home' });
  });

  it("a home that cannot be read ends the session with its error's exit code and message", () => {
    const { state, effects } = run(
      initialWizardState(settings),
      { type: 'start' },
      { type: 'load-failed', message: 'no configuration in /x', exitCode: EXIT.badInput },
    );
    expect(exitOf(effects)).toEqual([{ kind: 'exit', code: EXIT.badInput, message: 'ei-keystore: no configuration in /x' }]);
    expect(state.ended).toEqual({ code: EXIT.badInput, message: 'ei-keystore: no configuration in /x' });
  });

  it('quit at the menu ends with 0 and nothing said; a session that ended takes no more events', () => {
    const { state, effects } = run(atHome(), { type: 'choose', choice: 'quit' }, { type: 'choose', choice: 'quit' }, { type: 'interrupt' });
    expect(exitOf(effects)).toEqual([{ kind: 'exit', code: EXIT.ok }]);
    expect(state.ended).toEqual({ code: EXIT.ok });
  });

  it('separating the internal keystore is refused at the menu on a product that reads no [keystore.internal], saying why; moving the highlight clears it', () => {
    const { state, effects } = run(atHome({ internalConfigurable: false }), { type: 'choose', choice: 'internal' });
    expect(effects).toEqual([]);
    expect(state.screen).toEqual({
      name: 'home',
      notice: 'EI 7.1.0 / MI 1.2 reads no [keystore.internal], so it cannot be separated. carbon.xml hard-codes wso2carbon.jks.',
    });
    expect(run(state, { type: 'clear-notice' }).state.screen).toEqual({ name: 'home' });
    // Where the product reads it, the same choice opens its questions.
    expect(run(atHome(), { type: 'choose', choice: 'internal' }).state.screen).toEqual({ name: 'form', procedure: 'internal', index: 0 });
  });

  it('"Encrypt passwords" is refused at the menu with the planner\'s reason', () => {
    const refusal = 'Nothing to encrypt: every password the tool can move is already in the secure vault.';
    const { state } = run(atHome({ harden: { ...HARDEN, refusal } }), { type: 'choose', choice: 'secrets' });
    expect(state.screen).toEqual({ name: 'home', notice: refusal });
  });

  it('the full status and back; the CA reply opens at its path with the source answered', () => {
    const status = run(atHome(), { type: 'choose', choice: 'status' }).state;
    expect(status.screen).toEqual({ name: 'status' });
    expect(run(status, { type: 'back' }).state.screen).toEqual({ name: 'home' });
    const reply = run(atHome(), { type: 'choose', choice: 'reply-internal' }).state;
    expect(reply.screen).toEqual({ name: 'form', procedure: 'internal', index: 1 });
    expect(reply.values.internal).toEqual({ source: 'ca-reply' });
  });
});

describe('the session reducer: questions and planning', () => {
  it('answers move one question on; back goes one back keeping the answers, and from the first to the menu', () => {
    let state = run(atHome(), { type: 'choose', choice: 'primary' }).state;
    state = run(state, { type: 'answer', id: 'source', value: 'generate' }, { type: 'answer', id: 'file_name', value: 'kept.jks' }).state;
    expect(state.screen).toEqual({ name: 'form', procedure: 'primary', index: 2 });
    state = run(state, { type: 'back' }).state;
    expect(state.screen).toEqual({ name: 'form', procedure: 'primary', index: 1 });
    expect(state.values.primary).toMatchObject({ source: 'generate', file_name: 'kept.jks' });
    state = run(state, { type: 'back' }, { type: 'back' }).state;
    expect(state.screen).toEqual({ name: 'home' });
    // Re-entered, the answers are still there.
    expect(run(state, { type: 'choose', choice: 'primary' }).state.values.primary).toMatchObject({ file_name: 'kept.jks' });
  });

  it('the last answer asks for the plan of exactly the answers given', () => {
    const { state, effects } = answerAll(run(atHome(), { type: 'choose', choice: 'secrets' }).state);
    expect(state.screen).toEqual({ name: 'planning', procedure: 'secrets', lastField: 0 });
    expect(effects).toEqual([{ kind: 'plan', facts: state.home!.facts, procedure: 'secrets', values: { encrypt_plaintext: true } }]);
  });

  it('the plan shows as the review (warnings first, the plan, the masked diff); back from the review is the last question', () => {
    const planned = review(
      'primary',
      {},
      { answers: { secrets: { strategy: 'keep-old-key-as-internal' } } as unknown as Review['answers'] },
    );
    const state = atReview('primary', planned, { primaryIsShippedKey: true });
    if (state.screen.name !== 'review') throw new Error(state.screen.name);
    expect(state.screen.review.warnings[0]).toMatch(/^! Warning: the old key pair is WSO2's shipped wso2carbon key/);
    expect(state.screen.review.plan.heading).toBe(`Plan for "apply primary" on ${HOME}:`);
    expect(state.screen.review.diffLines).toContain('+password = ********');
    const lastField = state.screen.lastField;
    expect(lastField).toBeGreaterThan(3);
    expect(run(state, { type: 'back' }).state.screen).toEqual({ name: 'form', procedure: 'primary', index: lastField });
  });

  it('a plan refused (bad input): the failed screen; back is the last question; quit exits 2', () => {
    const asked = answerAll(run(atHome(), { type: 'choose', choice: 'secrets' }).state).state;
    const failed = run(asked, { type: 'plan-failed', message: 'the internal key is EC' }).state;
    expect(failed.screen).toEqual({ name: 'failed', procedure: 'secrets', lastField: 0, message: 'the internal key is EC', steps: [] });
    expect(run(failed, { type: 'back' }).state.screen).toEqual({ name: 'form', procedure: 'secrets', index: 0 });
    expect(exitOf(run(failed, { type: 'quit' }).effects)).toEqual([{ kind: 'exit', code: EXIT.badInput }]);
  });

  it('a plan that arrives after the user left the planning screen is dropped', () => {
    const asked = answerAll(run(atHome(), { type: 'choose', choice: 'secrets' }).state).state;
    const gone = { ...asked, screen: { name: 'home' as const } };
    expect(run(gone, { type: 'planned', review: review('secrets') }).state.screen).toEqual({ name: 'home' });
  });
});

describe('the session reducer: review, save, cancel', () => {
  it("save asks where (the home's answers folder by default) and saves through one effect; a refusal is said and the path asked again; a retry saves", () => {
    let state = run(atReview('secrets', review('secrets')), { type: 'save' }).state;
    expect(state.screen).toMatchObject({ name: 'save', defaultPath: `${HOME}/.ei-keystore/answers/secrets-answers.toml` });
    let step = run(state, { type: 'save-to', file: ' answers.toml ' });
    expect(step.effects).toEqual([
      { kind: 'save', home: HOME, target: '/work/here/answers.toml', text: expect.stringContaining('encrypt_plaintext = true') },
    ]);
    // While it is written a second Enter does not save twice.
    expect(run(step.state, { type: 'save-to', file: 'answers.toml' }).effects).toEqual([]);
    state = run(step.state, {
      type: 'save-refused',
      message:
        '/work/here/answers.toml already exists; ei-keystore does not overwrite it. Choose another name, or move that file away first.',
    }).state;
    expect(state.screen).toMatchObject({
      name: 'save',
      problem:
        '/work/here/answers.toml already exists; ei-keystore does not overwrite it. Choose another name, or move that file away first. Nothing was saved.',
    });
    step = run(state, { type: 'save-to', file: '/tmp/other.toml' });
    expect(step.effects).toEqual([{ kind: 'save', home: HOME, target: '/tmp/other.toml', text: expect.any(String) }]);
    state = run(step.state, { type: 'saved', target: '/tmp/other.toml' }).state;
    expect(state.screen).toMatchObject({
      name: 'review',
      notice: `Saved /tmp/other.toml: export the passwords it names, then run ${SELF} apply secrets --answers /tmp/other.toml --home ${HOME}`,
    });
  });

  it('back from the save question is the review, unchanged', () => {
    const state = atReview('secrets', review('secrets'));
    const back = run(state, { type: 'save' }, { type: 'back' }).state;
    expect(back.screen).toEqual(state.screen);
  });

  it('cancel at the review exits 130 with nothing written; in a dry run it exits 0 and apply is not possible', () => {
    expect(exitOf(run(atReview('secrets', review('secrets')), { type: 'cancel' }).effects)).toEqual([
      { kind: 'exit', code: EXIT.interrupted, message: 'Cancelled, nothing was written.' },
    ]);
    const dry = atReview('secrets', review('secrets'), { dryRun: true });
    expect(run(dry, { type: 'apply' })).toEqual({ state: dry, effects: [] });
    expect(exitOf(run(dry, { type: 'cancel' }).effects)).toEqual([
      { kind: 'exit', code: EXIT.ok, message: 'Dry run: nothing was written.' },
    ]);
  });

  it('Ctrl-C before apply ends at once: 130, nothing written', () => {
    for (const state of [atHome(), run(atHome(), { type: 'choose', choice: 'primary' }).state, atReview('secrets', review('secrets'))]) {
      expect(exitOf(run(state, { type: 'interrupt' }).effects)).toEqual([
        { kind: 'exit', code: EXIT.interrupted, message: 'Cancelled, nothing was written.' },
      ]);
    }
  });

  it('a plan with nothing to change: no apply, no save; leaving it is done, exit 0', () => {
    const state = atReview('secrets', review('secrets', { unchanged: 'The home already is as asked.' }));
    expect(state.screen).toMatchObject({ review: { unchanged: 'The home already is as asked.' } });
    expect(run(state, { type: 'apply' }).effects).toEqual([]);
    expect(run(state, { type: 'save' }).state.screen.name).toBe('review');
    expect(exitOf(run(state, { type: 'quit' }).effects)).toEqual([{ kind: 'exit', code: EXIT.ok }]);
  });
});

describe('the session reducer: apply and its endings', () => {
  it('apply runs the reviewed plan with the keytool choice; steps advance; the keytool step shows only when it runs', () => {
    const state = atReview('primary', review('primary'));
    const on = run(state, { type: 'apply' });
    expect(on.effects).toEqual([{ kind: 'apply', prepared: state.review!.prepared, facts: state.home!.facts, keytool: true }]);
    if (on.state.screen.name !== 'applying') throw new Error(on.state.screen.name);
    expect(on.state.screen.steps.map((step) => step.id)).toContain('verify-keytool');
    const off = run(state, { type: 'toggle-keytool' }, { type: 'apply' });
    expect(off.effects).toMatchObject([{ kind: 'apply', keytool: false }]);
    // Plain mode asks at apply: its answer wins.
    expect(run(state, { type: 'apply', keytool: false }).effects).toMatchObject([{ kind: 'apply', keytool: false }]);
    const stepped = run(on.state, { type: 'step', step: 'lock' }, { type: 'step', step: 'check' }, { type: 'step', step: 'verify' }).state;
    if (stepped.screen.name !== 'applying') throw new Error(stepped.screen.name);
    expect(stepped.screen.steps.slice(0, 3).map((step) => step.state)).toEqual(['done', 'running', 'pending']);
  });

  it('done after the primary: undo, check and export commands, restart; Enter exits 0 leaving the summary on the shell', () => {
    const state = atReview('primary', review('primary'));
    const done = run(
      state,
      { type: 'apply' },
      { type: 'step', step: 'lock' },
      { type: 'applied', backupId: '20260101T000000Z-abcd' },
    ).state;
    if (done.screen.name !== 'done') throw new Error(done.screen.name);
    expect(done.screen.steps.every((step) => step.state !== 'running')).toBe(true);
    expect(done.screen.report).toEqual({
      title: 'Change the primary keystore',
      request: false,
      backupId: '20260101T000000Z-abcd',
      commands: [
        { label: 'To undo', command: `${SELF} restore --home ${HOME} 20260101T000000Z-abcd` },
        { label: 'To check the result', command: `${SELF} status --home ${HOME}` },
        { label: 'For partners who must trust this server', command: `${SELF} export primary --out primary.pem --home ${HOME}` },
      ],
      next: ['Restart the server for the change to take effect.'],
      offerEncrypt: false,
    });
    expect(run(done, { type: 'encrypt-next' }).effects).toEqual([]);
    // Ctrl-C on the Done screen does not claim nothing was written: the summary is left on the shell, exit 130.
    expect(exitOf(run(done, { type: 'interrupt' }).effects)).toEqual([
      {
        kind: 'exit',
        code: EXIT.interrupted,
        message: expect.stringMatching(/^Done: Change the primary keystore\. Backup 20260101T000000Z-abcd\./),
      },
    ]);
    const [exit] = exitOf(run(done, { type: 'quit' }).effects);
    expect(exit).toEqual({
      kind: 'exit',
      code: EXIT.ok,
      message: expect.stringMatching(
        /^Done: Change the primary keystore\. Backup 20260101T000000Z-abcd\.\nTo undo:\n {2}ei-keystore restore --home \/srv\/wso2\/home 20260101T000000Z-abcd\n/,
      ),
    });
  });

  it('done after the internal keystore: the cluster note; after a request: what to send and how to resume, no offer', () => {
    const internal = run(atReview('internal', review('internal')), { type: 'apply' }, { type: 'applied', backupId: 'B1' }).state;
    expect(internal.screen).toMatchObject({
      name: 'done',
      report: { next: ['Restart the server for the change to take effect.', CLUSTER_NOTE] },
    });
    const request: RequestSummary = {
      csrFile: '/tmp/p.csr',
      subject: 'CN=node',
      subjectAltNames: ['DNS:node'],
      pendingKeystore: `${HOME}/.ei-keystore/pending/primary.jks`,
      renewal: false,
      resume: 'resume',
    };
    const csr = run(
      atReview('primary', review('primary', { request, notes: ['x written in plain text in y'] })),
      { type: 'apply' },
      { type: 'applied', backupId: 'B2' },
    ).state;
    if (csr.screen.name !== 'done') throw new Error(csr.screen.name);
    expect(csr.screen.report).toMatchObject({ title: 'request written (primary keystore)', request: true, offerEncrypt: false });
    expect(csr.screen.report.next).toEqual([
      'Request for CN=node (DNS:node).',
      'Written to /tmp/p.csr: send this file to your CA.',
      'The new key waits in .ei-keystore/pending/primary.jks; the configuration is unchanged.',
      `To resume, choose "Import the CA's reply" on the wizard's home screen.`,
    ]);
    expect(csr.screen.report.commands.map((command) => command.command)).toEqual([
      `${SELF} restore --home ${HOME} B2`,
      `${SELF} --home ${HOME}`,
    ]);
  });

  it('a change that wrote passwords in plain text offers "Encrypt passwords": the changed home is read again with each vault password candidate, once', () => {
    const planned = review(
      'truststore',
      { notes: ['[truststore] password written in plain text in conf/deployment.toml'] },
      { secrets: { password: 'New-Trust-Pw' } as unknown as Review['secrets'] },
    );
    const done = run(
      atReview('truststore', planned, { vaultPassword: 'Old-Vault-Pw' }),
      { type: 'apply' },
      { type: 'applied', backupId: 'B3' },
    ).state;
    if (done.screen.name !== 'done') throw new Error(done.screen.name);
    expect(done.screen.report.offerEncrypt).toBe(true);
    expect(done.screen.report.next).toContain(
      `New passwords were written in plain text: move them into the secure vault with "Encrypt passwords" (offered below), or later ${SELF} apply secrets.`,
    );
    const chosen = run(done, { type: 'encrypt-next' });
    expect(chosen.effects).toEqual([{ kind: 'reload-home', candidates: ['Old-Vault-Pw', 'New-Trust-Pw'] }]);
    expect(run(chosen.state, { type: 'encrypt-next' }).effects).toEqual([]);
    // Read again: "Encrypt passwords" opens fresh, with the vault password that opened the home.
    const reloaded = run(chosen.state, { type: 'home-reloaded', home: loadedHome(), vaultPassword: 'New-Trust-Pw' }).state;
    expect(reloaded.screen).toEqual({ name: 'form', procedure: 'secrets', index: 0 });
    expect(reloaded.values.secrets).toEqual({});
    expect(reloaded.vaultPassword).toBe('New-Trust-Pw');
    expect(reloaded.review).toBeUndefined();
    // Or, when the changed home has nothing the procedure can do, the menu says why.
    const refused = run(chosen.state, {
      type: 'home-reloaded',
      home: loadedHome({ harden: { ...HARDEN, refusal: 'The vault is locked.' } }),
    }).state;
    expect(refused.screen).toEqual({ name: 'home', notice: 'The vault is locked.' });
    expect(refused.vaultPassword).toBeUndefined();
  });

  it('[secrets] values left in brackets are counted on the Done screen and offered too', () => {
    const done = run(
      atReview('primary', review('primary'), { plaintextSecrets: 2 }),
      { type: 'apply' },
      { type: 'applied', backupId: 'B4' },
    ).state;
    expect(done.screen).toMatchObject({
      name: 'done',
      report: {
        offerEncrypt: true,
        next: expect.arrayContaining([expect.stringMatching(/^2 value\(s\) in \[secrets\] are still in plaintext brackets/)]),
      },
    });
    // "Encrypt passwords" itself offers nothing more.
    const hardened = run(
      atReview('secrets', review('secrets'), { plaintextSecrets: 2 }),
      { type: 'apply' },
      { type: 'applied', backupId: 'B5' },
    ).state;
    expect(hardened.screen).toMatchObject({ name: 'done', report: { offerEncrypt: false, title: 'Encrypt passwords' } });
  });

  it('an apply that failed (rolled back): the failed screen with its steps; back is the questions; quit exits 1', () => {
    const failed = run(
      atReview('primary', review('primary')),
      { type: 'apply' },
      { type: 'step', step: 'lock' },
      { type: 'step', step: 'stage' },
      { type: 'apply-failed', message: 'disk full' },
    ).state;
    if (failed.screen.name !== 'failed') throw new Error(failed.screen.name);
    expect(failed.screen.message).toBe('disk full');
    expect(failed.screen.steps.find((step) => step.id === 'stage')?.state).toBe('failed');
    expect(run(failed, { type: 'back' }).state.screen).toEqual({ name: 'form', procedure: 'primary', index: 0 });
    expect(exitOf(run(failed, { type: 'quit' }).effects)).toEqual([{ kind: 'exit', code: EXIT.failed }]);
  });

  it('Ctrl-C during apply waits: the change finishes, then the session ends 130 with the backup and the undo command', () => {
    const applying = run(atReview('primary', review('primary')), { type: 'apply' }, { type: 'interrupt' });
    expect(applying.effects.filter((effect) => effect.kind === 'exit')).toEqual([]);
    expect(applying.state.screen.name).toBe('applying');
    const ended = run(applying.state, { type: 'applied', backupId: 'B6' });
    expect(exitOf(ended.effects)).toEqual([
      {
        kind: 'exit',
        code: EXIT.interrupted,
        message: `Interrupted after the change was completed. Backup B6; to undo:\n  ${SELF} restore --home ${HOME} B6`,
      },
    ]);
    expect(ended.state.screen.name).toBe('applying');
  });

  it("a signal during apply ends with the guard's exit code (SIGTERM 143), after the change or its roll-back", () => {
    const applying = run(atReview('primary', review('primary')), { type: 'apply' }, { type: 'interrupt', signal: 'SIGTERM' }).state;
    expect(exitOf(run(applying, { type: 'applied', backupId: 'B7', signalExitCode: EXIT.terminated }).effects)).toMatchObject([
      { code: EXIT.terminated, message: expect.stringMatching(/^Interrupted after the change was completed\. Backup B7;/) },
    ]);
    expect(exitOf(run(applying, { type: 'apply-failed', message: 'verify failed', signalExitCode: EXIT.hungUp }).effects)).toEqual([
      { kind: 'exit', code: EXIT.hungUp, message: 'Interrupted; the change was rolled back. verify failed' },
    ]);
    // The guard's code alone (the signal reached the process, not the keys) is enough.
    const quiet = run(atReview('primary', review('primary')), { type: 'apply' }).state;
    expect(exitOf(run(quiet, { type: 'applied', backupId: 'B8', signalExitCode: EXIT.terminated }).effects)).toMatchObject([
      { code: EXIT.terminated },
    ]);
  });
});
