import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readKeystore } from '../../source/keystore/open.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { WizardApp } from '../../source/ui/app.js';
import { SECURITY } from '../support/homes.js';
import { makeTestCa, pem } from '../support/test-ca.js';
import { tempDir } from '../support/tmp.js';
import { keys, renderInk, stripAnsi, unmountAll, untilFrame } from './support/ink.js';
import { answer, defaultsUntil } from './support/wizard-steps.js';

afterEach(() => unmountAll());

const SECRET = 'Pending-Key-Pass-42';

const until = untilFrame;

function mount(home: string, exits: Array<{ code: number; message?: string }>) {
  return renderInk(
    <WizardApp
      home={home}
      env={{}}
      cwd={home}
      now={new Date()}
      dryRun={false}
      keytoolAvailable={false}
      sandbox
      onExit={(code, message) => exits.push({ code, message })}
    />,
  );
}

describe('the wizard: a certificate signing request, then the CA reply', () => {
  it('request: the done screen shows the request and how to resume; next start: the home screen offers the reply, which installs the chain', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const dir = tempDir();
    const csrFile = path.join(dir, 'ei-primary.csr');
    const exits: Array<{ code: number; message?: string }> = [];
    const ink = mount(home, exits);
    await until(ink, (frame) => frame.includes('Change the primary keystore') && frame.includes('Profile'), 'the home screen');
    await answer(ink); // primary
    const sourceQuestion = ink.frame();
    expect(sourceQuestion).toContain('Create a certificate signing request');
    expect(sourceQuestion).not.toContain("Import the CA's reply");
    await ink.press(keys.down);
    await answer(ink); // csr
    expect(ink.frame()).toMatch(/Which key should the request certify/);
    await answer(ink); // a new key
    expect(ink.frame()).toMatch(/Where to write the request/);
    await answer(ink, `${keys.ctrlU}${csrFile}`);
    await answer(ink); // file name
    await answer(ink); // JKS
    await answer(ink); // alias
    await ink.press(SECRET, keys.enter, SECRET);
    await answer(ink);
    await ink.press(keys.enter);
    await answer(ink); // key password: the same
    const review = await defaultsUntil(ink, 'Review:'); // CN (default), OU, O, L, ST, C, SANs, algorithm, size
    expect(review).toMatch(/write the certificate signing request for CN=/);
    await ink.press('a');
    const done = await until(ink, (frame) => frame.includes('request written'), 'the done screen');
    expect(done).toMatch(/Request for CN=/);
    expect(done).toMatch(/send this file to your CA/);
    expect(done).toMatch(/Import the CA's reply/);
    expect(done).toMatch(/configuration is unchanged/);
    for (const frame of ink.frames) expect(stripAnsi(frame)).not.toContain(SECRET);
    ink.unmount();

    const ca = makeTestCa();
    writeFileSync(path.join(dir, 'reply.pem'), [ca.sign(readFileSync(csrFile, 'utf8')), ca.intermediate, ca.root].map(pem).join(''));
    const next = mount(home, exits);
    const homeScreen = await until(
      next,
      (frame) => frame.includes('Profile') && frame.includes('pending'),
      'the home screen with the pending request',
    );
    expect(homeScreen).toMatch(/pending\s+primary request CN=/);
    expect(homeScreen).toContain("Import the CA's reply to the pending primary request");
    await next.press(keys.enter);
    await until(next, (frame) => frame.includes("Path of the CA's reply"), 'the reply question');
    await answer(next, path.join(dir, 'reply.pem'));
    await answer(next); // file name
    await answer(next); // type
    await answer(next); // alias
    // The password question says it must be the request's, and a wrong one is refused on this step.
    const passwordStep = stripAnsi(next.frame()).replace(/\s+/g, ' ');
    expect(passwordStep).toContain('Password of the new keystore');
    expect(passwordStep).toContain('the password you gave when the request was made');
    await next.press('Not-The-Request-Pw-1', keys.enter, 'Not-The-Request-Pw-1');
    await next.press(keys.enter);
    const refused = await until(
      next,
      (frame) => frame.includes('not the password given when the request was made'),
      'the wrong request password refused',
    );
    expect(refused).toContain('Password of the new keystore');
    // Both entries are asked afresh: the first one was the wrong one.
    expect(refused).toMatch(/> *\n/);
    await next.press(SECRET, keys.enter, SECRET);
    await answer(next);
    await next.press(keys.enter);
    await answer(next); // key password
    await answer(next); // trust the CA
    const replyReview = await until(next, (frame) => frame.includes('Review:'), 'the reply review');
    expect(replyReview).toMatch(/a chain of 3 from leaf to root/);
    await next.press('a');
    const doneFrame = await until(next, (frame) => frame.includes('Done:'), 'the done screen');
    // The Done screen offers the export partners need (issue 13).
    expect(stripAnsi(doneFrame).replace(/\s+/g, ' ')).toMatch(
      /For partners who must trust this server: \S.* export primary --out primary\.pem --home/,
    );
    const store = await readKeystore(readFileSync(path.join(home, SECURITY, 'ei-primary.jks')), SECRET);
    const entry = store.entries.find((candidate) => candidate.kind === 'private-key');
    expect(entry?.kind === 'private-key' ? entry.chain.length : 0).toBe(3);
  });
});
