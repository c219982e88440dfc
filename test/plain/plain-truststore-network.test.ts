import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { keytool } from '../support/keytool.js';
import { pem } from '../support/test-ca.js';
import { SANDBOX_PASSWORD } from '../../source/sandbox/keystores.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Choice } from '../../source/core/fields/types.js';
import { keytoolList } from '../../source/keytool/run.js';
import type { PlainPrompts } from '../../source/plain/prompts.js';
import { runPlain } from '../../source/plain/run-plain.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { javaTrusts } from '../support/tls-client.js';
import { rsaChain, startTlsServer } from '../support/tls-servers.js';
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

describe('plain mode: import from a server', () => {
  it('lists the presented chain with fingerprints and the note, asks which to trust, and imports it pinned', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'ei-7');
    const chain = rsaChain({ names: ['127.0.0.1'], label: 'Plain' });
    const server = await startTlsServer(chain);
    onTestFinished(() => server.close());
    let output = '';
    const prompts = scripted([
      { kind: 'select', match: /What do you want to do/, answer: 'truststore' },
      { kind: 'select', match: /Start the new truststore/, answer: 'copy-current' },
      { kind: 'input', match: /File name/, answer: '' },
      { kind: 'select', match: /type/, answer: 'JKS' },
      { kind: 'password', match: /Password of the new truststore/, answer: 'plain-secret' },
      { kind: 'password', match: /Type it again/, answer: 'plain-secret' },
      { kind: 'input', match: /Certificate file, or a server/, answer: `https://127.0.0.1:${server.port}` },
      { kind: 'select', match: /Trust which certificate/, answer: 'leaf' },
      { kind: 'input', match: /Alias for it/, answer: '127.0.0.1' },
      { kind: 'input', match: /Certificate file/, answer: '' },
      { kind: 'confirm', match: /wso2carbon/, answer: false },
      { kind: 'select', match: /Apply this change/, answer: 'apply' },
    ]);
    const code = await runPlain({ home, env: {}, cwd: home, now: new Date(), dryRun: false, keytoolAvailable: false, sandbox: true, prompts, write: (text) => (output += text) });
    expect(code, output).toBe(0);
    expect(output).toContain(`127.0.0.1:${server.port} presents:`);
    expect(output).toMatch(/2\. O=Check TLS Test, CN=Plain Intermediate CA/);
    expect(output).toMatch(/Compare the SHA-256 fingerprint/);
    expect(output).toContain(`After this change, 127.0.0.1:${server.port} is trusted`);
    const listing = await keytoolList(path.join(home, 'repository/resources/security/ei-truststore.jks'), 'plain-secret');
    const { createHash } = await import('node:crypto');
    expect(listing.find((entry) => entry.alias === '127.0.0.1')?.sha256).toBe(createHash('sha256').update(chain.leaf).digest('hex').toUpperCase());
    expect((await javaTrusts({ file: path.join(home, 'repository/resources/security/ei-truststore.jks'), password: 'plain-secret' }, '127.0.0.1', server.port)).trusted).toBe(true);
  }, 120_000);

  it('the removal list: each certificate with subject and expiry; the chosen one removed (keytool agrees)', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const truststore = path.join(home, 'repository/resources/security/client-truststore.jks');
    const dir = tempDir();
    const old = rsaChain({ names: ['old.test'], label: 'Old', leafExpired: true });
    writeFileSync(path.join(dir, 'old.pem'), pem(old.leaf));
    await keytool(['-importcert', '-noprompt', '-alias', 'old-partner', '-file', path.join(dir, 'old.pem'), '-keystore', truststore, '-storepass:env', 'T'], { T: SANDBOX_PASSWORD });
    let output = '';
    const prompts = scripted([
      { kind: 'select', match: /What do you want to do/, answer: 'truststore' },
      { kind: 'select', match: /Start the new truststore/, answer: 'copy-current' },
      { kind: 'input', match: /File name/, answer: '' },
      { kind: 'select', match: /type/, answer: 'JKS' },
      { kind: 'password', match: /Password of the new truststore/, answer: 'plain-secret' },
      { kind: 'password', match: /Type it again/, answer: 'plain-secret' },
      { kind: 'input', match: /Certificate file/, answer: '' },
      { kind: 'confirm', match: /wso2carbon/, answer: false },
      { kind: 'input', match: /Certificates to remove.*comma-separated/, answer: 'old-partner' },
      { kind: 'select', match: /Apply this change/, answer: 'apply' },
    ]);
    const code = await runPlain({ home, env: {}, cwd: home, now: new Date(), dryRun: false, keytoolAvailable: false, sandbox: true, prompts, write: (text) => (output += text) });
    expect(code, output).toBe(0);
    expect(output).toMatch(/old-partner {2}O=Check TLS Test, CN=old\.test, EXPIRED \d{4}-\d\d-\d\d/);
    expect(output).toMatch(/remove "old-partner" \(O=Check TLS Test, CN=old\.test, expired/);
    const aliases = (await keytoolList(path.join(home, 'repository/resources/security/ei-truststore.jks'), 'plain-secret')).map((entry) => entry.alias);
    expect(aliases).toEqual(['wso2carbon']);
  }, 120_000);
});
