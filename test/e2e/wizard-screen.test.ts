import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/tmp.js';
import { haveTmux, TmuxPane } from '../support/tmux-pane.js';

// Issue 14, screen items 1, 2 and 4: the bundled binary in real tmux panes at the sizes an SSH admin has.
const bundle = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/ei-keystore.mjs');
const describeTmux = (haveTmux && existsSync(bundle)) || process.env.CI === 'true' ? describe : describe.skip;
if (!haveTmux) console.warn('skipped the tmux screen tests: tmux is not installed');

type Size = { columns: number; rows: number };
const SEQUENCE: Size[] = [
  { columns: 60, rows: 15 },
  { columns: 100, rows: 40 },
  { columns: 80, rows: 24 },
];

function sandboxHome(): string {
  const home = path.join(tempDir(), 'home');
  const made = spawnSync(process.execPath, [bundle, 'sandbox', home, '--profile', 'mi-4'], { encoding: 'utf8' });
  expect(made.status).toBe(0);
  return home;
}

const wizard = (home: string, size: Size, extra = '') =>
  new TmuxPane(`node ${bundle} --home ${home}${extra}; echo EXIT=$?; sleep 60`, size);
const atHome = (pane: TmuxPane) => pane.until((screen) => screen.includes('6. Quit'), 'the home screen');

/** The stages the resize sequence is tried on: the home screen, a question with typed text, the review. */
async function toQuestion(pane: TmuxPane): Promise<void> {
  await atHome(pane);
  await pane.next('the first question');
  await pane.next('file name');
  await pane.next('type');
  await pane.next('alias');
  pane.keys('C-u');
  pane.text('resize-node');
  await pane.until((screen) => screen.includes('resize-node'), 'the typed alias');
}

async function toReview(pane: TmuxPane): Promise<void> {
  await pane.next('password');
  pane.text('Resize-Secret-1');
  pane.keys('Enter');
  pane.text('Resize-Secret-1');
  await pane.next('key password');
  await pane.enterUntil('Review:');
  await pane.until((screen) => screen.includes('Review:') && screen.includes('lines 1-'), 'the review');
}

function fitsIn(screen: string, size: Size): void {
  const rows = screen.split('\n');
  expect(rows.length).toBeLessThanOrEqual(size.rows);
  for (const row of rows) expect([...row].length).toBeLessThanOrEqual(size.columns);
}

describeTmux('the wizard at real terminal sizes (tmux)', () => {
  it('item 1: after each resize (80x24 -> 60x15 -> 100x40 -> 80x24) home, a question and the review are drawn exactly as a fresh start at that size draws them', async () => {
    const home = sandboxHome();
    const resized = wizard(home, { columns: 80, rows: 24 });
    const fresh = SEQUENCE.map((size) => wizard(home, size));
    const all = [resized, ...fresh];
    try {
      const stages: Array<[string, (pane: TmuxPane) => Promise<void>]> = [
        ['home', async (pane) => void (await atHome(pane))],
        ['question', toQuestion],
        ['review', toReview],
      ];
      for (const [stage, reach] of stages) {
        await Promise.all(all.map((pane) => reach(pane)));
        for (const [index, size] of SEQUENCE.entries()) {
          resized.resize(size.columns, size.rows);
          const after = await resized.settled(`${stage} at ${size.columns}x${size.rows}`);
          const expected = await fresh[index]!.settled(`fresh ${stage} at ${size.columns}x${size.rows}`);
          expect(after, `${stage} after resizing to ${size.columns}x${size.rows}`).toEqual(expected);
          fitsIn(after, size);
        }
        // Nothing was pushed into the scrollback by any redraw.
        expect(resized.history()).toBe(0);
      }
    } finally {
      for (const pane of all) pane.kill();
    }
  });

  it('item 2: at exactly 60x15 the home screen fits: title with SANDBOX and DRY RUN, the home about to change, every choice and the keys', async () => {
    const home = sandboxHome();
    const pane = wizard(home, { columns: 60, rows: 15 }, ' --dry-run');
    try {
      const screen = await atHome(pane);
      const rows = screen.split('\n');
      expect(rows[0]).toMatch(/^ei-keystore\s+SANDBOX DRY RUN$/);
      expect(rows[1]).toBe(`Home     ${home}`);
      for (const choice of [
        'Change the primary keystore',
        'Separate the internal keystore',
        'Change the truststore',
        'Encrypt passwords',
        'Full status',
        'Quit',
      ])
        expect(screen).toContain(choice);
      expect(rows.at(-1)).toMatch(/Enter choose/);
      fitsIn(screen, { columns: 60, rows: 15 });
      expect(pane.history()).toBe(0);
      // The finding codes are whole, not cut with "…".
      expect(screen).toContain('internal-not-separated');
      expect(screen).not.toContain('…');
    } finally {
      pane.kill();
    }
  });

  it("item 4: the wizard draws on the alternate screen; the shell's lines stay, and come back untouched on exit", async () => {
    const home = sandboxHome();
    const pane = new TmuxPane(`echo LINE-BEFORE-THE-WIZARD; node ${bundle} --home ${home}; echo EXIT=$?; sleep 60`);
    try {
      const screen = await atHome(pane);
      expect(screen).not.toContain('LINE-BEFORE-THE-WIZARD');
      pane.keys('Escape');
      const after = await pane.until((text) => text.includes('EXIT=0'), 'the exit');
      expect(after.split('\n')[0]).toBe('LINE-BEFORE-THE-WIZARD');
      expect(pane.everything()).not.toContain('Change the primary keystore');
    } finally {
      pane.kill();
    }
  });

  it('item 15: `npm start -- --dry-run` keeps the sandbox', async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    const pane = new TmuxPane(`cd ${root} && node scripts/start.mjs --dry-run; echo EXIT=$?; sleep 60`);
    try {
      const screen = await atHome(pane);
      expect(screen.split('\n')[0]).toMatch(/SANDBOX DRY RUN$/);
      expect(screen).toContain(`Home     ${path.join(root, '.sandbox', 'home')}`);
      pane.keys('Escape');
      await pane.until((text) => text.includes('EXIT=0'), 'the exit');
    } finally {
      pane.kill();
    }
  });
});
