import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keytoolList } from '../../source/keytool/run.js';
import { tempDir } from '../support/tmp.js';
import { haveTmux, TmuxPane } from '../support/tmux-pane.js';
import { snapshotTree } from '../support/tree.js';

const bundle = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/ei-keystore.mjs');
// CI installs tmux (.ci/run); elsewhere its absence skips these tests with a message.
const describeTmux = (haveTmux && existsSync(bundle)) || process.env.CI === 'true' ? describe : describe.skip;
if (!haveTmux) console.warn('skipped the tmux end-to-end tests: tmux is not installed');

describeTmux('the wizard binary at 80x24 (tmux)', () => {
  async function toReview(pane: TmuxPane, password: string) {
    await pane.until((screen) => screen.includes('Change the primary keystore') && screen.includes('Profile'), 'the home screen');
    await pane.next('the first question');
    await pane.next('file name');
    await pane.next('type');
    await pane.next('alias');
    pane.keys('C-u');
    pane.text('e2e-node');
    await pane.next('password');
    pane.text(password);
    pane.keys('Enter');
    pane.text(password);
    await pane.next('key password');
    // Empty: the same as the keystore password, asked once.
    await pane.next('common name');
    return pane.enterUntil('Review:');
  }

  it('procedure 1 on a sandbox from the first key to the done screen; keytool opens the keystore; status is clean for the primary', async () => {
    const dir = tempDir();
    const home = path.join(dir, 'home');
    const password = 'Tmux-Secret-42';
    const pane = new TmuxPane(`cd ${dir} && node ${bundle} --sandbox ${home}; echo EXIT=$?; sleep 30`);
    try {
      const review = await toReview(pane, password);
      expect(review).toMatch(/Plan for "apply primary"/);
      pane.keys('a');
      const done = await pane.until((screen) => screen.includes('Done:'), 'the done screen', 60_000);
      expect(done).toMatch(/restore --home/);
      expect(done).not.toContain('…');
      expect(pane.history()).toBe(0);
      pane.keys('Enter');
      await pane.until((screen) => screen.includes('EXIT=0'), 'exit 0');
      // Issue 14, item 14: on the shell's screen each command is one line (joined across the terminal's own soft
      // wraps, as a copy is), and it runs as printed.
      const shell = pane.tmux('capture-pane', '-p', '-J', '-t', 'w');
      const undo = shell
        .split('\n')
        .find((line) => line.includes(' restore --home '))!
        .trim();
      expect(undo).toMatch(new RegExp(`^node ${bundle} restore --home ${home} \\S+$`));
      const status = shell
        .split('\n')
        .find((line) => line.includes(' status --home '))!
        .trim();
      expect(spawnSync('sh', ['-c', `${status} --json`], { encoding: 'utf8', cwd: dir }).status).toBe(0);
      for (const frame of pane.allFrames()) expect(frame).not.toContain(password);
    } finally {
      pane.kill();
    }
    const [entry] = await keytoolList(path.join(home, 'repository/resources/security/ei-primary.jks'), password);
    expect(entry).toMatchObject({ alias: 'e2e-node', kind: 'private-key' });
    const status = spawnSync(process.execPath, [bundle, 'status', '--home', home, '--json'], { encoding: 'utf8' });
    const report = JSON.parse(status.stdout) as { findings: Array<{ level: string; role?: string }> };
    expect(report.findings.filter((finding) => finding.level === 'error')).toEqual([]);
    expect(status.status).toBe(0);
  });

  it('Ctrl-C at the review leaves the home byte-identical and exits 130', async () => {
    const dir = tempDir();
    const home = path.join(dir, 'home');
    spawnSync(process.execPath, [bundle, 'sandbox', home, '--profile', 'ei-7']);
    const before = snapshotTree(home);
    const pane = new TmuxPane(`cd ${dir} && node ${bundle} --home ${home}; echo EXIT=$?; sleep 30`);
    try {
      await toReview(pane, 'Another-Secret-7');
      pane.keys('C-c');
      const end = await pane.until((screen) => /EXIT=\d+/.test(screen), 'the exit');
      expect(end).toContain('Cancelled, nothing was written.');
      expect(end).toContain('EXIT=130');
    } finally {
      pane.kill();
    }
    expect(snapshotTree(home)).toEqual(before);
    expect(readFileSync(path.join(home, 'conf/ei.toml'), 'utf8')).toContain('wso2carbon.jks');
  });

  it('without a terminal the wizard refuses and points at apply --answers (exit 2)', () => {
    const run = spawnSync(process.execPath, [bundle], { encoding: 'utf8', input: '' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/apply primary\|internal\|truststore --answers FILE/);
  });
});
