/**
 * The review draws the plan from data (planView), not by splitting the text `apply --dry-run` prints: the rows must
 * still be exactly the rows the printed plan wrapped at the same width gave, at every width.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readAnswersFile } from '../../source/answers/answers-file.js';
import { readHomeSnapshot } from '../../source/procedures/home-snapshot.js';
import { planView, renderPlan } from '../../source/procedures/plan-render.js';
import { prepareChange } from '../../source/procedures/prepare.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { hangingWrap } from '../../source/ui/screens/layout.js';
import { planRows, ReviewScreen } from '../../source/ui/screens/review-screen.js';
import { tempDir } from '../support/tmp.js';
import { renderInk, unmountAll } from './support/ink.js';

afterEach(() => unmountAll());

const env = { NEW_PASS: 'fresh-password-1' };

async function primaryPlan() {
  // A deep home: paths long enough that steps and notes wrap at 60 columns.
  const { home } = await createSandbox(path.join(tempDir(), 'a-home-folder-with-a-rather-long-name', 'home'), 'ei-7');
  const answers = path.join(tempDir(), 'primary.toml');
  writeFileSync(
    answers,
    '[keystore]\nsource = "generate"\nfile_name = "ei-primary-keystore-for-this-server.jks"\nalias = "ei-primary"\npassword = { env = "NEW_PASS" }\n[keystore.generate]\ndname = "CN=ei.example.com, O=Example"\n',
  );
  const { answers: parsed, secrets } = await readAnswersFile(answers, 'primary', env);
  return prepareChange(await readHomeSnapshot({ home, env, cwd: home, now: new Date() }), parsed, secrets);
}

describe('the review draws the plan from data', () => {
  it('gives, at every width, the rows the printed plan wrapped at that width gives', async () => {
    const prepared = await primaryPlan();
    const view = planView(prepared);
    expect(view.steps.map((step) => step.kind)).toEqual(prepared.actions.map((action) => action.kind));
    expect(view.notes.length).toBeGreaterThan(0);
    for (const width of [60, 80, 132]) {
      const printed = renderPlan(prepared)
        .trimEnd()
        .split('\n')
        .flatMap((line) => hangingWrap(line, width));
      const rows = planRows(view, width);
      expect(rows).toEqual(printed);
      // At 60 columns something wraps: the comparison covers continuation rows, not only whole lines.
      if (width === 60) expect(rows.length).toBeGreaterThan(1 + view.steps.length + 1 + view.notes.length);
    }
  });

  it('shows the warnings, then the numbered steps and notes, on the screen', async () => {
    const prepared = await primaryPlan();
    const ink = renderInk(
      <ReviewScreen
        title="Change the primary keystore"
        review={{ warnings: ['! Warning: first'], plan: planView(prepared), diffLines: [] }}
        dryRun={true}
        onChoose={() => undefined}
      />,
    );
    const frame = ink.frame();
    expect(frame).toContain('! Warning: first');
    expect(frame.indexOf('! Warning: first')).toBeLessThan(frame.indexOf('Plan for "apply primary"'));
    expect(frame).toMatch(/ {2}1\. generate a new RSA/);
  });
});
