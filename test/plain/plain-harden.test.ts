import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { runPlain } from '../../source/plain/run-plain.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { expectServerStarts } from '../support/startup-check.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';
import { scriptedPrompts, type ScriptStep } from '../support/plain-script.js';

// Issue 12: "Encrypt passwords" in plain mode, and the Done offer of it after a change that wrote plain text.

type Step = ScriptStep;
const scripted = scriptedPrompts;

async function run(home: string, steps: Step[]): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await runPlain({
    home,
    env: {},
    cwd: home,
    now: new Date(),
    dryRun: false,
    keytoolAvailable: false,
    sandbox: true,
    prompts: scripted(steps),
    write: (text) => (output += text),
  });
  return { code, output };
}

describe('"Encrypt passwords" in plain mode', () => {
  it('the same questions as the Ink wizard; applied, the server starts from password-persist; then refused at the menu with nothing to encrypt', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'ei-7');
    const config = path.join(home, 'conf/ei.toml');
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}\n[transport.jms.sender]\nparameter.password = "jms-Pw-1"\n\n[secrets]\nadmin_password = "[admin-Pw-7]"\n`,
    );
    const { code, output } = await run(home, [
      { kind: 'select', match: /What do you want to do/, answer: 'secrets' },
      { kind: 'confirm', match: /Encrypt the \[secrets\] values still in plain-text brackets/, answer: true },
      { kind: 'confirm', match: /Move the keystore and truststore passwords/, answer: true },
      { kind: 'input', match: /Other passwords to move.*comma-separated/, answer: 'transport.jms.sender.parameter.password' },
      { kind: 'select', match: /internal keystore's password at start-up/, answer: 'persist' },
      { kind: 'select', match: /Apply this change/, answer: 'apply' },
    ]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/\[1\/4\][\s\S]*\(1 value in brackets: admin_password/);
    expect(output).toMatch(/Plan for "apply secrets"/);
    expect(output).toMatch(/password-persist \(0600\) gives the server/);
    // The passwords it moves become $secret{}: the plan does not call them plain text.
    expect(output).not.toMatch(/written in plain text/);
    expect(output).not.toMatch(/admin-Pw-7|jms-Pw-1/);
    expect(output).not.toMatch(/What next/);
    const text = readFileSync(config, 'utf8');
    expect(text).not.toMatch(/admin-Pw-7|jms-Pw-1|password = "wso2carbon"/);
    expect(
      (parse(text) as { transport: { jms: { sender: { parameter: { password: string } } } } }).transport.jms.sender.parameter.password,
    ).toBe('$secret{transport_jms_sender_parameter_password}');
    expect(statSync(path.join(home, 'password-persist')).mode & 0o777).toBe(0o600);
    await expectServerStarts(home);

    const before = snapshotTree(home);
    const again = await run(home, [{ kind: 'select', match: /What do you want to do/, answer: 'secrets' }]);
    expect(again.code).toBe(0);
    expect(again.output).toMatch(/Nothing to encrypt: every password the tool can move is already in the secure vault/);
    expect(again.output).not.toMatch(/\[1\//);
    expect(snapshotTree(home)).toEqual(before);
  }, 120_000);

  it('after a truststore change writes its new password in plain text, "What next?" starts Encrypt passwords on the changed home; password-tmp is read, never changed', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    writeFileSync(path.join(home, 'password-tmp'), 'wso2carbon\n', { mode: 0o600 });
    const tmp = readFileSync(path.join(home, 'password-tmp'));
    const { code, output } = await run(home, [
      { kind: 'select', match: /What do you want to do/, answer: 'truststore' },
      { kind: 'select', match: /Start the new truststore/, answer: 'copy-current' },
      { kind: 'input', match: /File name/, answer: '' },
      { kind: 'select', match: /type/, answer: 'JKS' },
      { kind: 'password', match: /Password of the new truststore/, answer: 'Plain-Trust-8' },
      { kind: 'password', match: /Type it again/, answer: 'Plain-Trust-8' },
      { kind: 'input', match: /Certificate file/, answer: '' },
      { kind: 'confirm', match: /wso2carbon/, answer: false },
      { kind: 'select', match: /Apply this change/, answer: 'apply' },
      { kind: 'select', match: /What next/, answer: 'secrets' },
      { kind: 'confirm', match: /Move the keystore and truststore passwords/, answer: true },
      // password-tmp is there: the default is to write nothing (the server reads it, then deletes it).
      { kind: 'select', match: /internal keystore's password at start-up/, answer: 'none' },
      { kind: 'select', match: /Apply this change/, answer: 'apply' },
    ]);
    expect(code, output).toBe(0);
    expect(output).toMatch(
      /Done\. Backup[\s\S]*Passwords are now in plain text[\s\S]*Encrypt passwords: Passwords move into the secure vault[\s\S]*Done\. Backup/,
    );
    expect(output).not.toContain('Plain-Trust-8');
    const text = readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8');
    expect(text).not.toContain('Plain-Trust-8');
    expect((parse(text) as { truststore: { password: string } }).truststore.password).toBe('$secret{truststore_password}');
    expect(readFileSync(path.join(home, 'password-tmp')).equals(tmp)).toBe(true);
    expect(() => statSync(path.join(home, 'password-persist'))).toThrow();
    await expectServerStarts(home);
  }, 120_000);
});
