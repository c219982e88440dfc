import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import type { Choice } from '../../source/core/fields/types.js';
import { keytoolList } from '../../source/keytool/run.js';
import type { PlainPrompts } from '../../source/plain/prompts.js';
import { runPlain } from '../../source/plain/run-plain.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { tempDir } from '../support/tmp.js';

type Step = { kind: 'select' | 'input' | 'password' | 'confirm'; match: RegExp; answer: string | boolean };

/** Answers prompts from a script, checking each question is the expected one and that validation holds. */
function scripted(steps: Step[]): PlainPrompts & { asked: string[] } {
  const asked: string[] = [];
  const next = (kind: Step['kind'], message: string): Step => {
    asked.push(`${kind}: ${message}`);
    const step = steps.shift();
    if (!step) throw new Error(`no scripted answer for ${kind} "${message}"`);
    if (step.kind !== kind || !step.match.test(message)) throw new Error(`expected ${step.kind} ${step.match}, got ${kind} "${message}"`);
    return step;
  };
  return {
    asked,
    async select(message: string, choices: readonly Choice[]) {
      const step = next('select', message);
      if (!choices.some((choice) => choice.value === step.answer)) throw new Error(`${String(step.answer)} is not a choice of "${message}"`);
      return step.answer as string;
    },
    async input(message, options) {
      const step = next('input', message);
      const valid = options.validate?.(step.answer as string) ?? true;
      if (valid !== true) throw new Error(`"${String(step.answer)}" rejected for "${message}": ${valid}`);
      return (step.answer as string) === '' && options.default !== undefined ? options.default : (step.answer as string);
    },
    async password(message, options) {
      const step = next('password', message);
      const valid = options.validate?.(step.answer as string) ?? true;
      if (valid !== true) throw new Error(`password rejected for "${message}": ${valid}`);
      return step.answer as string;
    },
    async confirm(message) {
      return next('confirm', message).answer as boolean;
    },
  };
}

describe('plain mode', () => {
  it('changes the primary keystore of a sandbox end to end from scripted answers', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    let output = '';
    const prompts = scripted([
      { kind: 'select', match: /What do you want to do/, answer: 'primary' },
      { kind: 'select', match: /key pair come from/, answer: 'generate' },
      { kind: 'input', match: /File name/, answer: '' },
      { kind: 'select', match: /Keystore type/, answer: 'JKS' },
      { kind: 'input', match: /Alias/, answer: 'node-1' },
      { kind: 'password', match: /Password of the new keystore/, answer: 'plain-mode-pass' },
      { kind: 'password', match: /Type it again/, answer: 'plain-mode-pass' },
      { kind: 'password', match: /Password of the private key/, answer: '' },
      { kind: 'input', match: /Common name/, answer: 'node-1.example.com' },
      { kind: 'input', match: /OU/, answer: '' },
      { kind: 'input', match: /\(O\)/, answer: 'Example' },
      { kind: 'input', match: /\(L\)/, answer: '' },
      { kind: 'input', match: /\(ST\)/, answer: '' },
      { kind: 'input', match: /\(C\)/, answer: 'LK' },
      { kind: 'input', match: /alternative names/, answer: '' },
      { kind: 'select', match: /Key algorithm/, answer: 'RSA' },
      { kind: 'select', match: /Key size/, answer: '2048' },
      { kind: 'input', match: /Validity/, answer: '' },
      { kind: 'confirm', match: /truststore/, answer: true },
      { kind: 'select', match: /Apply this change/, answer: 'apply' },
      { kind: 'confirm', match: /keytool/, answer: true },
    ]);
    const code = await runPlain({ home, env: {}, cwd: home, now: new Date(), dryRun: false, keytoolAvailable: true, sandbox: true, prompts, write: (text) => (output += text) });
    expect(code, output).toBe(0);
    expect(output).toMatch(/SANDBOX/);
    expect(output).toMatch(/Done\. Backup \S+/);
    expect(output).toMatch(/To undo:\n  \S.* restore --home \S+ \S+\n/);
    expect(output).toMatch(/For partners who must trust this server: \S.* export primary --out primary\.pem --home /);
    expect(output).not.toContain('plain-mode-pass');
    const [entry] = await keytoolList(path.join(home, 'repository/resources/security/ei-primary.jks'), 'plain-mode-pass');
    expect(entry).toMatchObject({ alias: 'node-1', kind: 'private-key' });
    const config = parse(readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8')) as { keystore: { primary: Record<string, string> } };
    expect(config.keystore.primary).toMatchObject({ file_name: 'repository/resources/security/ei-primary.jks', alias: 'node-1' });
  });

  it('rejects a mismatched confirmation and asks again; cancel writes nothing and exits 130', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'ei-7');
    const before = readFileSync(path.join(home, 'conf/ei.toml'), 'utf8');
    let output = '';
    const prompts = scripted([
      { kind: 'select', match: /What do you want to do/, answer: 'truststore' },
      { kind: 'select', match: /Start the new truststore/, answer: 'copy-current' },
      { kind: 'input', match: /File name/, answer: '' },
      { kind: 'select', match: /type/, answer: 'JKS' },
      { kind: 'password', match: /Password of the new truststore/, answer: 'first-try' },
      { kind: 'password', match: /Type it again/, answer: 'other-try' },
      { kind: 'password', match: /Password of the new truststore/, answer: 'second-try' },
      { kind: 'password', match: /Type it again/, answer: 'second-try' },
      { kind: 'input', match: /Certificate file/, answer: 'no-such-file.pem' },
      { kind: 'input', match: /Certificate file/, answer: '' },
      { kind: 'confirm', match: /wso2carbon/, answer: false },
      { kind: 'select', match: /Apply this change/, answer: 'cancel' },
    ]);
    const code = await runPlain({ home, env: {}, cwd: home, now: new Date(), dryRun: false, keytoolAvailable: false, sandbox: true, prompts, write: (text) => (output += text) });
    expect(code).toBe(130);
    expect(output).toMatch(/do not match/);
    expect(output).toMatch(/no-such-file\.pem cannot be read: no such file/);
    expect(output).toMatch(/Cancelled, nothing was written/);
    expect(readFileSync(path.join(home, 'conf/ei.toml'), 'utf8')).toBe(before);
  });

  it('saves answers in the home\'s .ei-keystore/answers by default and refuses to overwrite them (issue 14, item 18)', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'ei-7');
    const cwd = tempDir();
    let output = '';
    const flow: Step[] = [
      { kind: 'select', match: /What do you want to do/, answer: 'truststore' },
      { kind: 'select', match: /Start the new truststore/, answer: 'copy-current' },
      { kind: 'input', match: /File name/, answer: '' },
      { kind: 'select', match: /type/, answer: 'JKS' },
      { kind: 'password', match: /Password of the new truststore/, answer: 'saved-trust' },
      { kind: 'password', match: /Type it again/, answer: 'saved-trust' },
      { kind: 'input', match: /Certificate file/, answer: '' },
      { kind: 'confirm', match: /wso2carbon/, answer: false },
      { kind: 'select', match: /Apply this change/, answer: 'save' },
      { kind: 'input', match: /Save the answers as/, answer: '' },
      { kind: 'select', match: /Apply this change/, answer: 'save' },
      { kind: 'input', match: /Save the answers as/, answer: '' },
      { kind: 'select', match: /Apply this change/, answer: 'cancel' },
    ];
    const prompts = scripted(flow);
    const code = await runPlain({ home, env: {}, cwd, now: new Date(), dryRun: false, keytoolAvailable: false, sandbox: true, prompts, write: (text) => (output += text) });
    expect(code).toBe(130);
    const saved = path.join(home, '.ei-keystore/answers/truststore-answers.toml');
    expect(readFileSync(saved, 'utf8')).toContain('password = { env = "EI_TRUSTSTORE_PASSWORD" }');
    expect(output).toContain(`Saved ${saved}`);
    expect(output).toMatch(/already exists; ei-keystore does not overwrite it.* Nothing was saved\./);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
