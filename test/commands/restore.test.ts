import { describe, expect, it } from 'vitest';
import { applyTransaction } from '../../source/apply/transaction.js';
import { RESTORE_HELP, restoreCommand } from '../../source/commands/restore.js';
import { expectNewState, expectOldState, makeHome } from '../apply/apply-home.js';
import { captureContext, usageError } from '../support/command-context.js';

const NOW = new Date('2026-11-26T18:31:04Z');
const context = (cwd: string, env: NodeJS.ProcessEnv = {}) => captureContext(cwd, { env, now: NOW });

describe('ei-keystore restore', () => {
  it('--list prints the backups newest first, as a table or JSON', async () => {
    const h = makeHome();
    const none = context(h.home);
    expect(await restoreCommand(['--list'], none.ctx)).toBe(0);
    expect(none.out()).toContain('No backups');

    await applyTransaction({ home: h.home, id: '20261126T183104Z-ab12', label: 'apply primary', writes: h.writes });
    await applyTransaction({
      home: h.home,
      id: '20261127T090000Z-cd34',
      label: 'apply truststore',
      writes: h.writes,
      faults: { failAt: 'verify' },
    }).catch(() => undefined);
    const text = context('/', { EI_HOME: h.home });
    expect(await restoreCommand(['--list'], text.ctx)).toBe(0);
    const lines = text.out().split('\n');
    expect(lines[1]).toMatch(/^ID\s+WHEN\s+WHAT\s+STATE\s+FILES$/);
    expect(lines[2]).toMatch(
      /^20261127T090000Z-cd34\s+20\d\d-\d\d-\d\d \d\d:\d\d UTC\s+apply truststore\s+rolled back\s+wso2carbon\.jks, internal\.jks, deployment\.toml$/,
    );
    expect(lines[3]).toMatch(/^20261126T183104Z-ab12 .* apply primary\s+complete /);

    const json = context(h.home);
    expect(await restoreCommand(['--list', '--json', '--home', h.home], json.ctx)).toBe(0);
    const document = JSON.parse(json.out()) as { home: string; backups: { id: string; state: string }[] };
    expect(document.home).toBe(h.home);
    expect(document.backups.map((backup) => [backup.id, backup.state])).toEqual([
      ['20261127T090000Z-cd34', 'rolled-back'],
      ['20261126T183104Z-ab12', 'complete'],
    ]);
  });

  it('ID restores, prints what it put back and how to undo it; the undo works', async () => {
    const h = makeHome();
    const { backupId } = await applyTransaction({ home: h.home, label: 'apply primary', writes: h.writes });
    const run = context(h.home);
    expect(await restoreCommand([backupId], run.ctx)).toBe(0);
    expect(expectOldState(h)).toEqual([]);
    expect(run.out()).toContain(`Restored backup ${backupId}`);
    expect(run.out()).toMatch(new RegExp(`put back\\s+${h.primary} \\(primary keystore\\)`));
    expect(run.out()).toMatch(new RegExp(`removed\\s+${h.internal}`));
    // The undo command names the home, so it runs from anywhere (issue 14, item 14).
    const undoId = new RegExp(`undo with \\S.* restore --home ${h.home} (\\S+)$`, 'm').exec(run.out())?.[1];
    expect(undoId).toBeDefined();

    const undo = context(h.home);
    expect(await restoreCommand([undoId!, '--json'], undo.ctx)).toBe(0);
    expect(JSON.parse(undo.out())).toMatchObject({ home: h.home, restored: undoId });
    expect(expectNewState(h)).toEqual([]);
  });

  it('refuses usage errors and unknown ids with exit 2', async () => {
    const h = makeHome();
    expect((await usageError(restoreCommand([], context(h.home).ctx))).message).toContain('--list');
    expect((await usageError(restoreCommand(['--list', 'x'], context(h.home).ctx))).message).toContain('not both');
    expect((await usageError(restoreCommand(['--bogus'], context(h.home).ctx))).code).toBe('usage');
    const { backupId } = await applyTransaction({ home: h.home, label: 'apply primary', writes: h.writes });
    const unknown = await usageError(restoreCommand(['20200101T000000Z-0000'], context(h.home).ctx));
    expect(unknown.message).toContain(backupId);
    expect(expectNewState(h)).toEqual([]);
  });

  it('prints its help', async () => {
    const run = context('/');
    expect(await restoreCommand(['--help'], run.ctx)).toBe(0);
    expect(run.out()).toBe(RESTORE_HELP);
  });
});
