import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backupsDir, lockPath, stateDir } from '../../source/apply/layout.js';
import { processAlive } from '../../source/apply/lock.js';
import { applyTransaction } from '../../source/apply/transaction.js';
import { UserError } from '../../source/errors.js';
import { expectNewState, expectOldState, makeHome } from './apply-home.js';

/** The pid of a process that has certainly exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  expect(processAlive(child.pid!)).toBe(false);
  return child.pid!;
}

describe('the home lock', () => {
  it('refuses a second transaction while one runs (exit 2, naming the lock file and the holder), and is released after', async () => {
    const h = makeHome();
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const first = applyTransaction({
      home: h.home,
      label: 'apply primary',
      writes: h.writes,
      verify: () => {
        holding();
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    await held;
    const lockText = JSON.parse(readFileSync(lockPath(h.home), 'utf8')) as { pid: number; label: string };
    expect(lockText).toMatchObject({ pid: process.pid, label: 'apply primary' });

    const other = `${h.home}/other.txt`;
    const second = await applyTransaction({
      home: h.home,
      label: 'apply truststore',
      writes: [{ path: other, content: Buffer.from('x'), role: 'truststore' }],
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(second).toBeInstanceOf(UserError);
    expect((second as UserError).exitCode).toBe(2);
    expect((second as UserError).code).toBe('locked');
    expect((second as UserError).message).toContain(lockPath(h.home));
    expect((second as UserError).message).toContain(`pid ${process.pid}`);
    expect(existsSync(other)).toBe(false);
    expect(readdirSync(backupsDir(h.home))).toHaveLength(1); // the first one's only

    release();
    await first;
    expect(expectNewState(h)).toEqual([]);
    expect(existsSync(lockPath(h.home))).toBe(false);
  });

  it('clears a stale lock left by a process that no longer exists, with a warning', async () => {
    const h = makeHome();
    const pid = await deadPid();
    mkdirSync(stateDir(h.home), { mode: 0o700 });
    writeFileSync(lockPath(h.home), JSON.stringify({ pid, startedAt: '2026-01-01T00:00:00.000Z', label: 'apply primary' }));
    const warned: string[] = [];
    const result = await applyTransaction({
      home: h.home,
      label: 'apply primary',
      writes: h.writes,
      onWarning: (message) => warned.push(message),
    });
    expect(result.warnings).toEqual(warned);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain('stale lock');
    expect(warned[0]).toContain(String(pid));
    expect(expectNewState(h)).toEqual([]);
    expect(existsSync(lockPath(h.home))).toBe(false);
  });

  it('waits out a fresh unreadable lock (refuses), but clears one long abandoned', async () => {
    const h = makeHome();
    mkdirSync(stateDir(h.home), { mode: 0o700 });
    writeFileSync(lockPath(h.home), '');
    const refused = await applyTransaction({ home: h.home, label: 'apply', writes: h.writes }).then(
      () => undefined,
      (caught: unknown) => caught as UserError,
    );
    expect(refused?.exitCode).toBe(2);
    expect(refused?.message).toContain(lockPath(h.home));
    expect(expectOldState(h)).toEqual([]);

    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lockPath(h.home), minuteAgo, minuteAgo);
    const result = await applyTransaction({ home: h.home, label: 'apply', writes: h.writes });
    expect(result.warnings.join()).toContain('damaged lock');
    expect(expectNewState(h)).toEqual([]);
  });
});
