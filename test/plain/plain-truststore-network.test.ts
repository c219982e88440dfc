import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { keytool } from '../support/keytool.js';
import { pem } from '../support/test-ca.js';
import { SANDBOX_PASSWORD } from '../../source/sandbox/keystores.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { keytoolList } from '../../source/keytool/run.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { javaTrusts } from '../support/tls-client.js';
import { rsaChain, startTlsServer } from '../support/tls-servers.js';
import { tempDir } from '../support/tmp.js';
import { newTruststoreSteps, runPlainWith, scriptedPrompts } from '../support/plain-script.js';

describe('plain mode: import from a server', () => {
  it('lists the presented chain with fingerprints and the note, asks which to trust, and imports it pinned', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'ei-7');
    const chain = rsaChain({ names: ['127.0.0.1'], label: 'Plain' });
    const server = await startTlsServer(chain);
    onTestFinished(() => server.close());
    const prompts = scriptedPrompts([
      ...newTruststoreSteps('plain-secret'),
      { kind: 'input', match: /Certificate file, or a server/, answer: `https://127.0.0.1:${server.port}` },
      { kind: 'select', match: /Trust which certificate/, answer: 'leaf' },
      { kind: 'input', match: /Alias for it/, answer: '127.0.0.1' },
      { kind: 'input', match: /Certificate file/, answer: '' },
      { kind: 'confirm', match: /wso2carbon/, answer: false },
      { kind: 'select', match: /Apply this change/, answer: 'apply' },
      { kind: 'select', match: /What next/, answer: 'quit' },
    ]);
    const { code, output } = await runPlainWith(home, prompts);
    expect(code, output).toBe(0);
    expect(output).toContain(`127.0.0.1:${server.port} presents:`);
    expect(output).toMatch(/2\. O=Check TLS Test, CN=Plain Intermediate CA/);
    expect(output).toMatch(/Compare the SHA-256 fingerprint/);
    expect(output).toContain(`After this change, 127.0.0.1:${server.port} is trusted`);
    const listing = await keytoolList(path.join(home, 'repository/resources/security/ei-truststore.jks'), 'plain-secret');
    const { createHash } = await import('node:crypto');
    expect(listing.find((entry) => entry.alias === '127.0.0.1')?.sha256).toBe(
      createHash('sha256').update(chain.leaf).digest('hex').toUpperCase(),
    );
    expect(
      (
        await javaTrusts(
          { file: path.join(home, 'repository/resources/security/ei-truststore.jks'), password: 'plain-secret' },
          '127.0.0.1',
          server.port,
        )
      ).trusted,
    ).toBe(true);
  }, 120_000);

  it('the removal list: each certificate with subject and expiry; the chosen one removed (keytool agrees)', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const truststore = path.join(home, 'repository/resources/security/client-truststore.jks');
    const dir = tempDir();
    const old = rsaChain({ names: ['old.test'], label: 'Old', leafExpired: true });
    writeFileSync(path.join(dir, 'old.pem'), pem(old.leaf));
    await keytool(
      [
        '-importcert',
        '-noprompt',
        '-alias',
        'old-partner',
        '-file',
        path.join(dir, 'old.pem'),
        '-keystore',
        truststore,
        '-storepass:env',
        'T',
      ],
      { T: SANDBOX_PASSWORD },
    );
    const prompts = scriptedPrompts([
      ...newTruststoreSteps('plain-secret'),
      { kind: 'input', match: /Certificate file/, answer: '' },
      { kind: 'confirm', match: /wso2carbon/, answer: false },
      { kind: 'input', match: /Certificates to remove.*comma-separated/, answer: 'old-partner' },
      { kind: 'select', match: /Apply this change/, answer: 'apply' },
      { kind: 'select', match: /What next/, answer: 'quit' },
    ]);
    const { code, output } = await runPlainWith(home, prompts);
    expect(code, output).toBe(0);
    expect(output).toMatch(/old-partner {2}O=Check TLS Test, CN=old\.test, EXPIRED \d{4}-\d\d-\d\d/);
    expect(output).toMatch(/remove "old-partner" \(O=Check TLS Test, CN=old\.test, expired/);
    const aliases = (await keytoolList(path.join(home, 'repository/resources/security/ei-truststore.jks'), 'plain-secret')).map(
      (entry) => entry.alias,
    );
    expect(aliases).toEqual(['wso2carbon']);
  }, 120_000);
});
