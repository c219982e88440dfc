import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { tempPathFor } from '../../source/apply/atomic-write.js';
import { sha256 } from '../../source/apply/targets.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { spawnBundle } from './bundle.js';
import { stepLabel } from '../../source/core/step-labels.js';
import {
  describeAsRoot,
  expectUserError,
  makeArena,
  NEW_PASS,
  openTempDir,
  primaryAnswers,
  productFiles,
  runTool,
  SERVICE_GID,
  SERVICE_UID,
  type Arena,
} from './hostile-home.js';

/**
 * The tool's own state (`.ei-keystore/`: lock, backups, pending requests, manifests) in a home owned by the
 * service account, attacked the ways issue 11 lists, with root running the tool. Each test: the exit code, the
 * message, nothing outside the home changed (a decoy tree, bytes and modes), no folder outside it chmodded.
 */

interface StatusDocument {
  findings: Array<{ level: string; code: string; message: string }>;
}

async function statusOf(home: string): Promise<{ code: number | null; document: StatusDocument; text: string }> {
  const run = await runTool(['status', '--home', home, '--json']);
  expectUserError(run);
  return { code: run.code, document: JSON.parse(run.stdout) as StatusDocument, text: run.stdout };
}

/** A manifest as ei-keystore writes it, for one file of the home, with `entry` fields overridden. */
function forgedManifest(id: string, target: string, entry: Record<string, unknown>): string {
  return JSON.stringify(
    {
      id,
      label: 'apply primary',
      createdAt: '2026-01-01T00:00:00.000Z',
      state: 'in-progress',
      files: [
        {
          path: target,
          writtenPath: target,
          role: 'primary keystore',
          existed: true,
          mode: 0o600,
          uid: 0,
          gid: 0,
          sha256Before: sha256(Buffer.from('attacker bytes\n')),
          sha256After: sha256(Buffer.from('whatever\n')),
          backupName: '01-payload',
          tempPath: tempPathFor(target, id),
          ...entry,
        },
      ],
    },
    null,
    2,
  );
}

/** Plants backups/<id>/ with a manifest and its payload copy. */
function plantBackup(arena: Arena, id: string, manifest: string): string {
  const dir = path.join(arena.home, '.ei-keystore', 'backups', id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'manifest.json'), manifest, { mode: 0o600 });
  writeFileSync(path.join(dir, '01-payload'), 'attacker bytes\n', { mode: 0o600 });
  return dir;
}

describeAsRoot("hostile homes: the tool's own state", () => {
  it('finding 1: a backup planted by the service account (state in-progress, a path outside the home, setuid 07777 mode, a foreign temp path) is refused by restore and reported as backup-untrusted, never as a restore command', async () => {
    const arena = await makeArena();
    const id = '20260101T000000Z-beef';
    const victim = path.join(arena.decoy, 'bin', 'tool');
    plantBackup(arena, id, forgedManifest(id, victim, { mode: 0o6777, tempPath: path.join(arena.decoy, 'etc', 'shadow') }));
    arena.plantedByService(); // moved .ei-keystore aside and planted its own: everything belongs to the service account

    const status = await statusOf(arena.home);
    expect(status.code).toBe(1);
    const codes = status.document.findings.map((finding) => finding.code);
    expect(codes).toContain('backup-untrusted');
    expect(codes).not.toContain('interrupted-transaction');
    const untrusted = status.document.findings.find((finding) => finding.code === 'backup-untrusted')!;
    expect(untrusted.message).toMatch(/belongs to uid 65534, not to root/);
    expect(status.text).not.toMatch(/ei-keystore restore/);

    const restore = await runTool(['restore', '--home', arena.home, id]);
    expect(restore.code).toBe(2);
    expect(restore.stderr).toMatch(new RegExp(`backup ${id} cannot be trusted, so ei-keystore will not restore it`));
    expect(restore.stderr).toMatch(/chown -R 0/);
    expectUserError(restore);
    const list = await runTool(['restore', '--home', arena.home, '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Not trusted, never restored/);
    arena.expectDecoyUntouched();
  });

  it('finding 1: in a state folder that passes the ownership checks, a manifest is still checked entry by entry before any use', async () => {
    const arena = await makeArena();
    const inside = path.join(arena.security, 'wso2carbon.jks');
    const passwd = path.join(arena.decoy, 'etc', 'passwd');
    const climbing = `${arena.home}/../decoy/etc/passwd`;
    // Each forged entry differs from a genuine one in one way only.
    const variants: Array<[string, (id: string) => Record<string, unknown>, RegExp]> = [
      ['a path outside the home', (id) => ({ path: passwd, writtenPath: passwd, tempPath: tempPathFor(passwd, id) }), /outside the home/],
      [
        'a path that climbs out with ..',
        (id) => ({ path: climbing, writtenPath: climbing, tempPath: tempPathFor(climbing, id) }),
        /not a plain absolute path/,
      ],
      ['setuid and setgid bits (3583 = 06777)', () => ({ mode: 3583 }), /set-user-ID, set-group-ID or sticky/],
      ['an owner the file never had', () => ({ uid: 4242, gid: 4242 }), /owner uid 4242/],
      [
        "a temporary path that is not the tool's own",
        () => ({ tempPath: path.join(arena.decoy, 'etc', 'shadow') }),
        /temporary path .* is not ei-keystore's own/,
      ],
      [
        'a written path other than the file (a link target only the config may have)',
        () => ({ writtenPath: path.join(arena.security, 'client-truststore.jks') }),
        /link target/,
      ],
    ];
    // A genuine state folder: made by a real apply as root.
    const applied = await runTool(['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home, '--json'], {
      env: NEW_PASS,
    });
    expect(applied.code, applied.stderr).toBe(0);
    for (const [index, [what, forge, reason]] of variants.entries()) {
      const id = `20260101T00000${index}Z-f00d`;
      plantBackup(arena, id, forgedManifest(id, inside, forge(id)));
      const before = productFiles(arena.home);
      const restore = await runTool(['restore', '--home', arena.home, id]);
      expect(restore.code, `${what}: ${restore.stderr}`).toBe(2);
      expect(restore.stderr, what).toMatch(/cannot be trusted/);
      expect(restore.stderr, what).toMatch(reason);
      expectUserError(restore);
      expect(productFiles(arena.home), what).toEqual(before);
      const status = await statusOf(arena.home);
      const finding = status.document.findings.find((candidate) => candidate.code === 'backup-untrusted' && candidate.message.includes(id));
      expect(finding, what).toBeDefined();
      expect(
        status.document.findings.some((candidate) => candidate.code === 'interrupted-transaction' && candidate.message.includes(id)),
        what,
      ).toBe(false);
    }
    arena.expectDecoyUntouched();
  });

  it('finding 2: .ei-keystore as a symlink to a folder outside the home is refused naming both, and that folder is neither chmodded nor written', async () => {
    const arena = await makeArena();
    symlinkSync(path.join(arena.decoy, 'etc'), path.join(arena.home, '.ei-keystore'));
    const run = await runTool(['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home], { env: NEW_PASS });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path.join(arena.home, '.ei-keystore')} is a symbolic link to ${path.join(arena.decoy, 'etc')}`);
    expect(run.stderr).toMatch(/Remove the link .* Nothing was written/);
    expectUserError(run);
    expect(statSync(path.join(arena.decoy, 'etc')).mode & 0o7777).toBe(0o755);
    expect(readdirSync(path.join(arena.decoy, 'etc')).sort()).toEqual(['ei-primary.jks', 'passwd', 'shadow']);
    const status = await statusOf(arena.home);
    expect(status.document.findings.map((finding) => finding.code)).toContain('backup-untrusted');
    arena.expectDecoyUntouched();
  });

  it('finding 2: backups/ or pending/ as links out, a state folder of the service account or writable by its group: each refused with what to fix', async () => {
    const cases: Array<{ what: string; plant: (arena: Arena, state: string) => void; csr?: boolean; message: RegExp }> = [
      {
        what: 'backups -> decoy',
        plant: (arena, state) => symlinkSync(path.join(arena.decoy, 'etc'), path.join(state, 'backups')),
        message: /backups is a symbolic link to .*decoy\/etc.*Remove the link/,
      },
      {
        what: 'pending -> decoy (a certificate signing request)',
        plant: (arena, state) => symlinkSync(path.join(arena.decoy, 'etc'), path.join(state, 'pending')),
        csr: true,
        message: /pending is a symbolic link to .*decoy\/etc/,
      },
      {
        what: 'a state folder owned by the service account',
        plant: (_arena, state) => chownSync(state, SERVICE_UID, SERVICE_GID),
        message: /belongs to uid 65534, not to root.*chown -R 0/,
      },
      {
        what: 'a state folder writable by its group',
        plant: (_arena, state) => chmodSync(state, 0o770),
        message: /writable by its group \(mode 0770\).*chmod go-w/,
      },
    ];
    for (const item of cases) {
      const arena = await makeArena();
      const state = path.join(arena.home, '.ei-keystore');
      mkdirSync(state, { mode: 0o700 });
      item.plant(arena, state);
      let answers = primaryAnswers(arena.work);
      if (item.csr) {
        answers = path.join(arena.work, 'csr.toml');
        writeFileSync(
          answers,
          `[keystore]\nsource = "csr"\ncsr_file = "ei-primary.csr"\nfile_name = "ei-primary.jks"\nalias = "ei-primary"\npassword = { env = "NEW_PASS" }\n[keystore.csr]\ndname = "CN=ei.example.com"\n`,
        );
      }
      const before = productFiles(arena.home);
      const run = await runTool(['apply', 'primary', '--answers', answers, '--home', arena.home], { env: NEW_PASS });
      expect(run.code, `${item.what}: ${run.stderr}`).toBe(2);
      expect(run.stderr, item.what).toMatch(item.message);
      expect(run.stderr, item.what).toMatch(/Nothing was written/);
      expectUserError(run);
      expect(productFiles(arena.home), item.what).toEqual(before);
      expect(existsSync(path.join(arena.work, 'ei-primary.csr')), item.what).toBe(false);
      arena.expectDecoyUntouched();
    }
  });

  it('medium: a dangling lock symlink is refused as untrusted state with what to do, not "other processes keep taking it"', async () => {
    const arena = await makeArena();
    const state = path.join(arena.home, '.ei-keystore');
    mkdirSync(state, { mode: 0o700 });
    symlinkSync(path.join(arena.decoy, 'etc', 'lock-target'), path.join(state, 'lock'));
    const run = await runTool(['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home], { env: NEW_PASS });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${path.join(state, 'lock')} is a symbolic link to ${path.join(arena.decoy, 'etc', 'lock-target')}`);
    expect(run.stderr).toMatch(/Remove the link \(rm '.*lock'\) and run again/);
    expect(run.stderr).not.toMatch(/keep taking it/);
    expect(existsSync(path.join(arena.decoy, 'etc', 'lock-target'))).toBe(false);
    arena.expectDecoyUntouched();
  });

  it('medium: exit 2 creates nothing, not even .ei-keystore/ (a truststore configured outside the home, refused under the lock)', async () => {
    const arena = await makeArena();
    // The configuration (the service account's) points the truststore at a keystore outside the home.
    const outside = path.join(arena.decoy, 'etc', 'cacerts.jks');
    execFileSync('cp', [path.join(arena.security, 'client-truststore.jks'), outside]);
    const config = readFileSync(arena.config, 'utf8').replace(
      'file_name = "repository/resources/security/client-truststore.jks"',
      `file_name = "${outside}"`,
    );
    expect(config).toContain(outside);
    writeFileSync(arena.config, config);
    const decoyBefore = readFileSync(outside);
    const before = productFiles(arena.home);
    const run = await runTool(['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home], { env: NEW_PASS });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`${outside} is outside the home ${arena.home}; ei-keystore writes only inside the home`);
    expectUserError(run);
    expect(existsSync(path.join(arena.home, '.ei-keystore')), 'exit 2 left .ei-keystore/ behind').toBe(false);
    expect(productFiles(arena.home)).toEqual(before);
    expect(readFileSync(outside).equals(decoyBefore)).toBe(true);
  });

  it('medium: a rollback on a full disk that cannot rewrite its manifest marks it rolled back by a rename; status reports no interruption', async () => {
    const dir = openTempDir();
    const mountPoint = path.join(dir, 'full');
    mkdirSync(mountPoint);
    const mount = (inodes: number) => {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', `size=8m,nr_inodes=${inodes}`, 'tmpfs', mountPoint], { stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    };
    if (!mount(400)) {
      console.warn('skipped the full-disk rollback: mount -t tmpfs is not permitted here');
      return;
    }
    execFileSync('umount', [mountPoint]);
    // Free inodes left for the transaction: enough for the state folder, the lock, the backup folder, two copies and
    // the manifest, none for the staged files or the rewritten manifest. The exact count depends on details (a
    // lock draft, a temp name) that may move by one, so the budgets around it are tried until one hits the case.
    let hit: { home: string; stderr: string; code: number | null } | undefined;
    for (const spare of [7, 6, 8, 5, 9]) {
      if (!mount(400)) throw new Error('mount failed the second time');
      try {
        const { home } = await createSandbox(path.join(mountPoint, 'home'), 'mi-4');
        const fillers = path.join(mountPoint, 'fill');
        mkdirSync(fillers);
        let count = 0;
        for (;;) {
          try {
            writeFileSync(path.join(fillers, String(count)), '');
            count++;
          } catch {
            break;
          }
        }
        for (let index = 0; index < spare; index++) execFileSync('rm', [path.join(fillers, String(count - 1 - index))]);
        const run = await runTool(['apply', 'primary', '--answers', primaryAnswers(dir), '--home', home], { env: NEW_PASS });
        const backups = path.join(home, '.ei-keystore', 'backups');
        const renamed =
          existsSync(backups) && readdirSync(backups).some((id) => existsSync(path.join(backups, id, 'manifest.rolled-back.json')));
        if (renamed) {
          // Room again, for status and restore --list to run (they write nothing, but the test reads).
          for (let index = 0; index < 50 && index < count; index++) execFileSync('rm', ['-f', path.join(fillers, String(index))]);
          hit = { home, stderr: run.stderr, code: run.code };
          const status = await statusOf(home);
          expect(status.document.findings.map((finding) => finding.code)).not.toContain('interrupted-transaction');
          const list = await runTool(['restore', '--home', home, '--list']);
          expect(list.stdout).toMatch(/rolled back/);
          expect(list.stdout).not.toMatch(/Interrupted:/);
          break;
        }
      } finally {
        execFileSync('umount', [mountPoint]);
      }
    }
    expect(hit, 'no inode budget made the staging fail after the backup').toBeDefined();
    expect(hit!.code).toBe(1);
    expect(hit!.stderr).toMatch(/ENOSPC|no space left/i);
    expect(hit!.stderr).toMatch(/renamed it to manifest\.rolled-back\.json, which marks it rolled back/);
    expect(hit!.stderr).toMatch(/Every file was put back as it was/);
  });

  it('medium: restore refuses to discard an edit made after the backup, unless --force (and then the edit is itself backed up)', async () => {
    const arena = await makeArena();
    const applied = await runTool(['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home, '--json'], {
      env: NEW_PASS,
    });
    expect(applied.code, applied.stderr).toBe(0);
    const id = (JSON.parse(applied.stdout) as { backup: string }).backup;
    const edited = `${readFileSync(arena.config, 'utf8')}\n# edited by hand after the change\n`;
    writeFileSync(arena.config, edited);
    const refused = await runTool(['restore', '--home', arena.home, id]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `${arena.config} changed after backup ${id} was made; restoring it would discard those changes. Nothing was written.`,
    );
    expect(refused.stderr).toContain(`ei-keystore restore --force ${id}`);
    expect(readFileSync(arena.config, 'utf8')).toBe(edited);
    const forced = await runTool(['restore', '--home', arena.home, '--force', id, '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/changed after backup .* restoring anyway \(--force\)/);
    const undo = (JSON.parse(forced.stdout) as { backupId: string }).backupId;
    expect(readFileSync(arena.config, 'utf8')).not.toContain('edited by hand');
    const back = await runTool(['restore', '--home', arena.home, undo]);
    expect(back.code, back.stderr).toBe(0);
    expect(readFileSync(arena.config, 'utf8')).toBe(edited);
    arena.expectDecoyUntouched();
  });

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGHUP', 129],
    ['SIGINT', 130],
  ] as const) {
    it(`medium: ${signal} during apply: the change finishes, the manifest is complete, the lock is released, the backup id printed, exit ${code}`, async () => {
      const arena = await makeArena();
      // --keytool keeps the transaction in its verify step for a second or more: the signal lands mid-change.
      const apply = spawnBundle(['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home, '--keytool'], NEW_PASS);
      await apply.waitForLine(`  ${stepLabel('verify')}`);
      apply.child.kill(signal);
      const run = await apply.done;
      expect(run.code, run.stderr).toBe(code);
      expect(run.stderr).toContain(`Interrupted (${signal}): finishing the change (or rolling it back) before exiting...`);
      const id = /Backup (\S+)\. To undo/.exec(run.stdout)?.[1];
      expect(id, run.stdout).toBeDefined();
      expect(run.stderr).toContain(`Interrupted (${signal}) after the change was completed: backup ${id}.`);
      const manifest = JSON.parse(readFileSync(path.join(arena.home, '.ei-keystore', 'backups', id!, 'manifest.json'), 'utf8')) as {
        state: string;
      };
      expect(manifest.state).toBe('complete');
      expect(existsSync(path.join(arena.home, '.ei-keystore', 'lock'))).toBe(false);
      expect(lstatSync(path.join(arena.security, 'ei-primary.jks')).mode & 0o777).toBe(0o600);
      arena.expectDecoyUntouched();
    });
  }

  it('medium: SIGINT after the change is complete (while the outcome is reported) still prints the backup id, exit 130', async () => {
    const arena = await makeArena();
    const apply = spawnBundle(['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home], NEW_PASS);
    // "unlock" starts once every file is renamed into place and the manifest says complete.
    await apply.waitForLine(`  ${stepLabel('unlock')}`);
    apply.child.kill('SIGINT');
    const run = await apply.done;
    expect(run.code, run.stderr).toBe(130);
    const id = /Backup (\S+)\. To undo/.exec(run.stdout)?.[1];
    expect(id, run.stdout).toBeDefined();
    expect(run.stderr).toContain(`after the change was completed: backup ${id}.`);
    expect(existsSync(path.join(arena.home, '.ei-keystore', 'lock'))).toBe(false);
  });
});
