import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { keytoolList } from '../../source/keytool/run.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { runPlain } from '../../source/plain/run-plain.js';
import { tempDir } from '../support/tmp.js';
import { newTruststoreSteps, runPlainWith, scriptedPrompts, type ScriptStep } from '../support/plain-script.js';

describe('plain mode', () => {
  it('changes the primary keystore of a sandbox end to end from scripted answers', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const prompts = scriptedPrompts([
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
      { kind: 'select', match: /What next/, answer: 'quit' },
    ]);
    const { code, output } = await runPlainWith(home, prompts, { keytoolAvailable: true });
    expect(code, output).toBe(0);
    expect(output).toMatch(/SANDBOX/);
    expect(output).toMatch(/Done\. Backup \S+/);
    expect(output).toMatch(/To undo:\n {2}\S.* restore --home \S+ \S+\n/);
    expect(output).toMatch(/For partners who must trust this server:\n {2}\S.* export primary --out primary\.pem --home /);
    expect(output).not.toContain('plain-mode-pass');
    const [entry] = await keytoolList(path.join(home, 'repository/resources/security/ei-primary.jks'), 'plain-mode-pass');
    expect(entry).toMatchObject({ alias: 'node-1', kind: 'private-key' });
    const config = parse(readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8')) as {
      keystore: { primary: Record<string, string> };
    };
    expect(config.keystore.primary).toMatchObject({ file_name: 'repository/resources/security/ei-primary.jks', alias: 'node-1' });
  });

  it('rejects a mismatched confirmation and asks again; cancel writes nothing and exits 130', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'ei-7');
    const before = readFileSync(path.join(home, 'conf/ei.toml'), 'utf8');
    const prompts = scriptedPrompts([
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
    const { code, output } = await runPlainWith(home, prompts);
    expect(code).toBe(130);
    expect(output).toMatch(/do not match/);
    expect(output).toMatch(/no-such-file\.pem cannot be read: no such file/);
    expect(output).toMatch(/Cancelled, nothing was written/);
    expect(readFileSync(path.join(home, 'conf/ei.toml'), 'utf8')).toBe(before);
  });

  it('Ctrl-C at a prompt ends through the session: nothing written, the words on stderr, exit 130', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const interrupted = scriptedPrompts([]);
    interrupted.select = async () => {
      throw Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });
    };
    let output = '';
    let errors = '';
    const code = await runPlain({
      home,
      env: {},
      cwd: home,
      now: new Date(),
      dryRun: false,
      keytoolAvailable: false,
      sandbox: true,
      prompts: interrupted,
      write: (text) => (output += text),
      writeError: (text) => (errors += text),
    });
    expect(code).toBe(130);
    expect(errors).toBe('Cancelled, nothing was written.\n');
    expect(output).toContain(home);
    expect(output).not.toContain('Cancelled');
  });

  it("saves answers in the home's .ei-keystore/answers by default and refuses to overwrite them (issue 14, item 18)", async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'ei-7');
    const cwd = tempDir();
    const flow: ScriptStep[] = [
      ...newTruststoreSteps('saved-trust'),
      { kind: 'input', match: /Certificate file/, answer: '' },
      { kind: 'confirm', match: /wso2carbon/, answer: false },
      { kind: 'select', match: /Apply this change/, answer: 'save' },
      { kind: 'input', match: /Save the answers as/, answer: '' },
      { kind: 'select', match: /Apply this change/, answer: 'save' },
      { kind: 'input', match: /Save the answers as/, answer: '' },
      { kind: 'select', match: /Apply this change/, answer: 'cancel' },
    ];
    const prompts = scriptedPrompts(flow);
    const { code, output } = await runPlainWith(home, prompts, { cwd });
    expect(code).toBe(130);
    const saved = path.join(home, '.ei-keystore/answers/truststore-answers.toml');
    expect(readFileSync(saved, 'utf8')).toContain('password = { env = "EI_TRUSTSTORE_PASSWORD" }');
    expect(output).toContain(`Saved ${saved}`);
    expect(output).toMatch(/already exists; ei-keystore does not overwrite it.* Nothing was saved\./);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
