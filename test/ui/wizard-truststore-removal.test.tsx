import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keytoolList } from '../../source/keytool/run.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SANDBOX_PASSWORD } from '../../source/sandbox/keystores.js';
import { WizardApp } from '../../source/ui/app.js';
import { keytool } from '../support/keytool.js';
import { pem } from '../support/test-ca.js';
import { rsaChain, selfSigned } from '../support/tls-servers.js';
import { tempDir } from '../support/tmp.js';
import { keys, renderInk, stripAnsi, unmountAll, untilFrame as until } from './support/ink.js';
import { answer, toTruststoreImport } from './support/wizard-steps.js';

afterEach(() => unmountAll());

describe('the wizard: the truststore removal list', () => {
  it('lists alias, subject and expiry with check boxes; the ticked one is removed, as the plan and keytool say', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const truststore = path.join(home, 'repository/resources/security/client-truststore.jks');
    const dir = tempDir();
    const old = rsaChain({ names: ['old.test'], label: 'Old', leafExpired: true });
    const partner = rsaChain({ names: ['partner.test'], label: 'Partner' });
    for (const [alias, der] of [
      ['old-partner', old.leaf],
      ['partner-root', partner.root],
    ] as const) {
      writeFileSync(path.join(dir, `${alias}.pem`), pem(der));
      await keytool(
        [
          '-importcert',
          '-noprompt',
          '-alias',
          alias,
          '-file',
          path.join(dir, `${alias}.pem`),
          '-keystore',
          truststore,
          '-storepass:env',
          'T',
        ],
        { T: SANDBOX_PASSWORD },
      );
    }
    const ink = renderInk(
      <WizardApp
        home={home}
        env={{}}
        cwd={home}
        now={new Date()}
        dryRun={false}
        keytoolAvailable={false}
        sandbox
        onExit={() => undefined}
      />,
    );
    await until(ink, (frame) => frame.includes('Change the primary keystore'), 'the home screen');
    await toTruststoreImport(ink, 'removal-secret');
    await answer(ink); // no certificate to import
    await answer(ink); // keep wso2carbon
    const list = stripAnsi(await until(ink, (frame) => frame.includes('Certificates to remove'), 'the removal list'));
    // Expired first, each with alias, subject and expiry; the shipped wso2carbon has its own question.
    expect(list).toMatch(/> \[ \] old-partner {2}O=Check TLS Test, CN=old\.test, EXPIRED \d{4}-\d\d-\d\d/);
    expect(list).toMatch(/\[ \] partner-root {2}O=Check TLS Test, CN=Partner Root CA, valid to \d{4}-\d\d-\d\d/);
    expect(list).not.toMatch(/\[ \] wso2carbon/);
    await ink.press(' ');
    await until(ink, (frame) => frame.includes('[x] old-partner'), 'the tick');
    await ink.press(keys.enter);
    const review = stripAnsi(await until(ink, (frame) => frame.includes('Review:'), 'the review'));
    expect(review).toMatch(/remove "old-partner" \(O=Check TLS Test, CN=old\.test, expired \d{4}-\d\d-\d\d\)/);
    expect(review).not.toMatch(/remove "partner-root"/);
    await ink.press('a');
    await until(ink, (frame) => frame.includes('Done:'), 'the done screen');
    const aliases = (await keytoolList(path.join(home, 'repository/resources/security/ei-truststore.jks'), 'removal-secret'))
      .map((entry) => entry.alias)
      .sort();
    expect(aliases).toEqual(['partner-root', 'wso2carbon']);
  }, 120_000);

  it('an alias the truststore already holds is refused as it is typed, and never suggested', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const truststore = path.join(home, 'repository/resources/security/client-truststore.jks');
    const dir = tempDir();
    const taken = selfSigned({ names: ['old-partner'] });
    writeFileSync(path.join(dir, 'taken.pem'), pem(taken.leaf));
    await keytool(
      [
        '-importcert',
        '-noprompt',
        '-alias',
        'old-partner',
        '-file',
        path.join(dir, 'taken.pem'),
        '-keystore',
        truststore,
        '-storepass:env',
        'T',
      ],
      { T: SANDBOX_PASSWORD },
    );
    const again = selfSigned({ names: ['old-partner'] });
    writeFileSync(path.join(dir, 'again.pem'), pem(again.leaf));
    const ink = renderInk(
      <WizardApp
        home={home}
        env={{}}
        cwd={home}
        now={new Date()}
        dryRun={false}
        keytoolAvailable={false}
        sandbox
        onExit={() => undefined}
      />,
    );
    await until(ink, (frame) => frame.includes('Change the primary keystore'), 'the home screen');
    await ink.press(keys.down, keys.down, keys.enter);
    await until(ink, (frame) => frame.includes('Change the truststore') && frame.includes('step 1 of'), 'the truststore procedure');
    await answer(ink);
    await answer(ink);
    await answer(ink);
    await ink.press('alias-secret', keys.enter, 'alias-secret');
    await answer(ink);
    await ink.press(path.join(dir, 'again.pem'), keys.enter);
    await until(ink, (frame) => frame.includes('Alias for it'), 'the alias question');
    expect(stripAnsi(ink.frame())).toContain('old-partner-2');
    await ink.press('\u0015', 'wso2carbon', keys.enter);
    await until(ink, (frame) => frame.includes('"wso2carbon" is already in the truststore'), 'the refusal');
    await ink.press('\u0015', 'old-partner-2', keys.enter);
    await until(ink, (frame) => frame.includes('✓ old-partner-2'), 'the accepted certificate');
  }, 120_000);
});
