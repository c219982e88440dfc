import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runEffect, type SessionDriverOptions } from '../../source/session/session-driver.js';
import { defaultAnswersPath } from '../../source/session/session.js';
import { initialWizardState, wizardStep, type WizardEvent, type WizardState } from '../../source/session/wizard-state.js';
import { tempDir } from '../support/tmp.js';

// The one way both wizards save answers (the session's save effect, run by the one effect runner), on a real disk.

function options(home: string): SessionDriverOptions {
  return {
    home,
    env: {},
    cwd: home,
    now: new Date(),
    dryRun: false,
    keytoolAvailable: false,
    sandbox: true,
    onState: () => undefined,
    onExit: () => undefined,
  };
}

const save = (home: string, target: string, text: string) =>
  runEffect({ kind: 'save', home, target, text }, options(home), async () => undefined);

describe('saving answers: one function, one rule', () => {
  it("writes a new file 0600 (the home's answers folder made private first) and says where", async () => {
    const home = tempDir();
    const target = defaultAnswersPath(home, 'primary');
    expect(await save(home, target, 'first = 1\n')).toEqual([{ type: 'saved', target }]);
    expect(readFileSync(target, 'utf8')).toBe('first = 1\n');
    expect(statSync(target).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(target)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(home, '.ei-keystore')).mode & 0o777).toBe(0o700);
  });

  it('never over an existing file, a directory or a link: the problem is said, nothing is written, and the session asks again', async () => {
    const home = tempDir();
    const existing = path.join(home, 'answers.toml');
    writeFileSync(existing, 'kept = true\n');
    const [refused] = await save(home, existing, 'other = 1\n');
    expect(refused).toEqual({
      type: 'save-refused',
      message: expect.stringMatching(/answers\.toml already exists; ei-keystore does not overwrite it/),
    });
    expect(readFileSync(existing, 'utf8')).toBe('kept = true\n');

    mkdirSync(path.join(home, 'folder'));
    expect((await save(home, path.join(home, 'folder'), 'x'))[0]).toMatchObject({ type: 'save-refused' });
    const victim = path.join(home, 'victim');
    writeFileSync(victim, 'victim\n');
    symlinkSync(victim, path.join(home, 'link.toml'));
    expect((await save(home, path.join(home, 'link.toml'), 'x'))[0]).toMatchObject({ type: 'save-refused' });
    expect(readFileSync(victim, 'utf8')).toBe('victim\n');

    // The refusal, fed back to the session, leaves it on the save question with the problem said.
    const state = {
      ...initialWizardState({ cwd: home, dryRun: false, keytoolAvailable: false, self: 'ei-keystore' }),
      screen: {
        name: 'save',
        procedure: 'secrets',
        lastField: 0,
        review: { warnings: [], plan: { heading: '', steps: [], notes: [] }, diffLines: [] },
        defaultPath: existing,
        saving: true,
      },
    } as WizardState;
    const after = wizardStep(state, refused as WizardEvent).state;
    expect(after.screen).toMatchObject({
      name: 'save',
      saving: false,
      problem: expect.stringMatching(/already exists; ei-keystore does not overwrite it\..* Nothing was saved\.$/),
    });
  });
});
