import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  lstatSync,
  utimesSync,
  writeFileSync,
  readdirSync,
  copyFileSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SECURITY } from '../support/homes.js';
import { tempDir } from '../support/tmp.js';
import { snapshotTree } from '../support/tree.js';
import { keystoreAnswers, runBundle, spawnBundle } from './bundle.js';
import { stepLabel } from '../../source/core/step-labels.js';

const env = { NEW_PASS: 'files-test-pass' };
const isRoot = process.getuid?.() === 0;

async function sandboxHome(dir = tempDir(), name = 'home'): Promise<string> {
  return (await createSandbox(path.join(dir, name), 'mi-4')).home;
}

/** The home without the tool's own state: what a failed apply must leave exactly as it was. */
function productFiles(home: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotTree(home)).filter(([file]) => !file.startsWith('.ei-keystore')));
}

function tryRun(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('concurrency', () => {
  it('two applies started together on one home: one proceeds, the other exits 2 naming the lock', async () => {
    const home = await sandboxHome();
    const answers = keystoreAnswers(tempDir(), 'ei-primary');
    // --keytool keeps the winner inside its transaction for a second or two, well past the loser's start-up.
    const runs = await Promise.all(
      [0, 1].map(() => spawnBundle(['apply', 'primary', '--answers', answers, '--home', home, '--keytool'], env).done),
    );
    const codes = runs.map((run) => run.code).sort();
    expect(codes, runs.map((run) => run.stderr).join('\n---\n')).toEqual([0, 2]);
    const loser = runs.find((run) => run.code === 2)!;
    expect(loser.stderr).toMatch(/another ei-keystore \(pid \d+, "apply primary"/);
    expect(loser.stderr).toContain(path.join(home, '.ei-keystore', 'lock'));
    expect(loser.stderr).toMatch(/Nothing was written/);
    expect(existsSync(path.join(home, '.ei-keystore', 'lock')), 'the winner released the lock').toBe(false);
  });

  it('a config edited by another program while apply verifies is not overwritten: the apply rolls back, the edit stays', async () => {
    const home = await sandboxHome();
    const config = path.join(home, 'conf', 'deployment.toml');
    const before = productFiles(home);
    const apply = spawnBundle(
      ['apply', 'primary', '--answers', keystoreAnswers(tempDir(), 'ei-primary'), '--home', home, '--keytool'],
      env,
    );
    await apply.waitForLine(`  ${stepLabel('verify')}`); // planned, backed up and staged; keytool is now checking the staged files
    appendFileSync(config, '\n# edited by another program\n');
    const edited = readFileSync(config);
    const run = await apply.done;
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/deployment\.toml changed while this change was being prepared/);
    expect(run.stderr).toMatch(/Every file was put back as it was/);
    expect(readFileSync(config).equals(edited), "the other program's edit is kept").toBe(true);
    const after = productFiles(home);
    delete after['conf/deployment.toml'];
    const expected = { ...before };
    delete expected['conf/deployment.toml'];
    expect(after).toEqual(expected);
  });
});

describe('stale locks', () => {
  it('a lock left by a SIGKILLed apply is cleared with a message by the next one, without waiting', async () => {
    const home = await sandboxHome();
    const answers = keystoreAnswers(tempDir(), 'ei-primary');
    const killed = await runBundle(['apply', 'primary', '--answers', answers, '--home', home], { ...env, EIK_CRASH_AT: 'check' });
    expect(killed.signal).toBe('SIGKILL');
    const lock = JSON.parse(readFileSync(path.join(home, '.ei-keystore', 'lock'), 'utf8')) as { pid: number };
    const started = Date.now();
    const next = await runBundle(['apply', 'primary', '--answers', answers, '--home', home], env);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(new RegExp(`cleared a stale lock .* left by process ${lock.pid} \\("apply primary"`));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(path.join(home, '.ei-keystore', 'lock'))).toBe(false);
  });

  it('an unreadable lock file is refused while fresh (exit 2, says what to do) and cleared once old', async () => {
    const home = await sandboxHome();
    const answers = keystoreAnswers(tempDir(), 'ei-primary');
    const lock = path.join(home, '.ei-keystore', 'lock');
    mkdirSync(path.dirname(lock), { recursive: true, mode: 0o700 });
    writeFileSync(lock, ''); // a damaged lock, or one cut short on a file system without hard links
    const fresh = await runBundle(['apply', 'primary', '--answers', answers, '--home', home], env);
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toMatch(/is being written by another ei-keystore or is damaged.*delete/);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const later = await runBundle(['apply', 'primary', '--answers', answers, '--home', home], env);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stderr).toMatch(/cleared a damaged lock file/);
  });
});

describe('awkward files and file systems', () => {
  it('a config that is a symlink to a file inside the home: the target is edited, the link kept; restore puts the target back', async () => {
    const home = await sandboxHome();
    const config = path.join(home, 'conf', 'deployment.toml');
    // Inside the home: a link out of it is refused (test/reliability/hostile-files.test.ts).
    const shared = path.join(home, 'shared config');
    mkdirSync(shared);
    const target = path.join(shared, 'deployment.toml');
    renameSync(config, target);
    symlinkSync(target, config);
    const old = readFileSync(target);
    const run = await runBundle(['apply', 'primary', '--answers', keystoreAnswers(tempDir(), 'ei-primary'), '--home', home, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(lstatSync(config).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toContain('ei-primary.jks');
    expect(readdirSync(shared)).toEqual(['deployment.toml']); // no temporary file left beside the target
    const restored = await runBundle(['restore', '--home', home, (JSON.parse(run.stdout) as { backup: string }).backup]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(lstatSync(config).isSymbolicLink()).toBe(true);
    expect(readFileSync(target).equals(old)).toBe(true);
  });

  it('a home whose path has spaces and non-ASCII characters: apply, status and restore work', async () => {
    const home = await sandboxHome(tempDir(), 'WSO2 home – ünïcødé 日本');
    const before = productFiles(home);
    const run = await runBundle(
      ['apply', 'primary', '--answers', keystoreAnswers(tempDir('eik answers ü '), 'ei-primary'), '--home', home, '--json'],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const status = JSON.parse((await runBundle(['status', '--home', home, '--json'])).stdout) as {
      roles: Array<{ file: string; opened: boolean }>;
    };
    expect(status.roles[0]).toMatchObject({ file: path.join(home, SECURITY, 'ei-primary.jks'), opened: true });
    const restored = await runBundle(['restore', '--home', home, (JSON.parse(run.stdout) as { backup: string }).backup]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(productFiles(home)).toEqual(before);
  });

  it('owner and mode of a replaced config are kept; the new keystore gets the owner of its directory', async () => {
    if (!isRoot) {
      console.warn('skipped the owner check: it needs root to give files another owner');
      return;
    }
    const home = await sandboxHome();
    const config = path.join(home, 'conf', 'deployment.toml');
    chownSync(config, 4321, 4322);
    execFileSync('chmod', ['0640', config]);
    chownSync(path.join(home, SECURITY), 4321, 4322);
    const run = await runBundle(['apply', 'primary', '--answers', keystoreAnswers(tempDir(), 'ei-primary'), '--home', home], env);
    expect(run.code, run.stderr).toBe(0);
    const info = statSync(config);
    expect([info.uid, info.gid, info.mode & 0o7777]).toEqual([4321, 4322, 0o640]);
    const keystore = statSync(path.join(home, SECURITY, 'ei-primary.jks'));
    expect([keystore.uid, keystore.gid, keystore.mode & 0o7777]).toEqual([4321, 4322, 0o600]);
  });

  it('a read-only security directory: exit 1 with the reason, every file as it was', async () => {
    const home = await sandboxHome();
    const security = path.join(home, SECURITY);
    let undo: () => void;
    if (!isRoot) {
      execFileSync('chmod', ['0555', security]);
      undo = () => execFileSync('chmod', ['0755', security]);
    } else if (tryRun('mount', ['--bind', security, security]) && tryRun('mount', ['-o', 'remount,bind,ro', security])) {
      undo = () => execFileSync('umount', [security]);
    } else {
      tryRun('umount', [security]);
      console.warn('skipped: root cannot be refused a write without a read-only bind mount, and mount is not permitted here');
      return;
    }
    try {
      const before = productFiles(home);
      const run = await runBundle(['apply', 'primary', '--answers', keystoreAnswers(tempDir(), 'ei-primary'), '--home', home], env);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(
        /apply primary failed while writing the new files to temporary names: .*(EROFS|EACCES|read-only|permission denied)/i,
      );
      expect(run.stderr).toMatch(/Every file was put back as it was/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(productFiles(home)).toEqual(before);
    } finally {
      undo();
    }
  });

  it('a full disk: exit 1 naming ENOSPC, every file as it was, and no temporary file left', async () => {
    if (!isRoot) {
      console.warn('skipped: mounting a tiny tmpfs needs root');
      return;
    }
    const home = await sandboxHome();
    const security = path.join(home, SECURITY);
    const saved = path.join(tempDir(), 'saved');
    mkdirSync(saved);
    for (const name of readdirSync(security)) copyFileSync(path.join(security, name), path.join(saved, name));
    if (!tryRun('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', security])) {
      console.warn('skipped: mount -t tmpfs is not permitted here');
      return;
    }
    try {
      for (const name of readdirSync(saved)) {
        copyFileSync(path.join(saved, name), path.join(security, name));
        execFileSync('chmod', ['0600', path.join(security, name)]);
      }
      // Fill what is left: dd stops at ENOSPC.
      tryRun('dd', ['if=/dev/zero', `of=${path.join(security, 'filler')}`, 'bs=1k', 'count=1024']);
      const before = productFiles(home);
      const run = await runBundle(['apply', 'primary', '--answers', keystoreAnswers(tempDir(), 'ei-primary'), '--home', home], env);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/ENOSPC|no space left/i);
      expect(run.stderr).toMatch(/Every file was put back as it was/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(productFiles(home)).toEqual(before);
      expect(readdirSync(security).filter((name) => name.endsWith('.eik-tmp'))).toEqual([]);
    } finally {
      execFileSync('umount', [security]);
    }
  });
});
