import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { WizardApp } from '../../source/ui/app.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { expectServerStarts } from '../support/startup-check.js';
import { javaTrusts } from '../support/tls-client.js';
import { rsaChain, startTlsServer } from '../support/tls-servers.js';
import { tempDir } from '../support/tmp.js';
import { keys, renderInk, stripAnsi, unmountAll, untilFrame as until } from './support/ink.js';
import { answer, toTruststoreImport } from './support/wizard-steps.js';

afterEach(() => unmountAll());

describe('the wizard: import from a server', () => {
  it('shows the presented chain with each fingerprint and a note, trusts the chosen certificate, and the review says the server is trusted after the change', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const chain = rsaChain({ names: ['127.0.0.1'], label: 'Wizard', sendRoot: true });
    const server = await startTlsServer(chain);
    onTestFinished(() => server.close());
    const exits: number[] = [];
    const ink = renderInk(
      <WizardApp
        home={home}
        env={{}}
        cwd={home}
        now={new Date()}
        dryRun={false}
        keytoolAvailable={false}
        sandbox
        onExit={(code) => exits.push(code)}
      />,
    );
    await until(ink, (frame) => frame.includes('Change the primary keystore'), 'the home screen');
    await toTruststoreImport(ink, 'wizard-secret');
    expect(ink.frame()).toMatch(/a server \(https:\/\/host:port\)/);
    await ink.press(`https://127.0.0.1:${server.port}`, keys.enter);
    const shown = stripAnsi(await until(ink, (frame) => frame.includes('Trust which certificate?'), 'the presented chain'));
    expect(shown).toContain(`127.0.0.1:${server.port} presents:`);
    expect(shown).toMatch(/1\. O=Check TLS Test, CN=127\.0\.0\.1/);
    expect(shown).toMatch(/issued by O=Check TLS Test, CN=Wizard Intermediate CA; valid \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
    expect(shown).toMatch(/3\. O=Check TLS Test, CN=Wizard Root CA/);
    expect((shown.match(/SHA-256 [0-9A-F]{64}/g) ?? []).length).toBe(3);
    expect(shown).toMatch(/Compare the SHA-256 fingerprint with one obtained another way/);
    await ink.press(keys.enter); // the default: the top-most CA (the root here)
    await until(ink, (frame) => frame.includes('Alias for it in the truststore'), 'the alias');
    expect(ink.frame()).toContain('wizard-root-ca');
    await ink.press(keys.enter);
    await until(ink, (frame) => frame.includes('✓ wizard-root-ca'), 'the accepted certificate');
    await ink.press(keys.enter); // an empty path: the list, to correct or accept
    await until(ink, (frame) => frame.includes('Correct the list, or accept it'), 'the list');
    await answer(ink); // accept it ("Import it" is the first choice)
    await answer(ink); // keep wso2carbon
    const review = stripAnsi(await until(ink, (frame) => frame.includes('Review:'), 'the review'));
    expect(review).toMatch(/import O=Check TLS Test, CN=Wizard Root CA/);
    // The review's viewport may need scrolling to reach the notes.
    let text = review;
    for (let page = 0; page < 6 && !text.includes('After this change'); page++) {
      await ink.press(keys.pageDown);
      text = stripAnsi(ink.frame());
    }
    expect(text.replace(/\s+/g, ' ')).toContain(`After this change, 127.0.0.1:${server.port} is trusted`);
    await ink.press('a');
    await until(ink, (frame) => frame.includes('Done:'), 'the done screen');
    const truststore = { file: path.join(home, 'repository/resources/security/ei-truststore.jks'), password: 'wizard-secret' };
    expect((await javaTrusts(truststore, '127.0.0.1', server.port)).trusted).toBe(true);
    await expectServerStarts(home);
  }, 120_000);
});
