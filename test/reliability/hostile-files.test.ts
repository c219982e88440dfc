import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { tempDir } from '../support/tmp.js';
import { newTruststoreSteps, runPlainWith, scriptedPrompts } from '../support/plain-script.js';
import {
  describeAsRoot,
  expectBounded,
  expectUserError,
  makeArena,
  NEW_PASS,
  primaryAnswers,
  productFiles,
  runTool,
  SERVICE_UID,
  summarizeFigures,
  type ToolRun,
} from './hostile-home.js';

/**
 * Files of a home owned by the service account (and files the user names) that are not what they seem: links out
 * of the home, FIFOs, devices, procfs files, huge and unreadable files, bytes that are not UTF-8. Root runs the
 * tool. Each test: exit code, message, nothing outside the home changed, and for the bounded inputs at most
 * 2 CPU seconds and 200 MB (see BOUNDS in hostile-home.ts for why the wall clock gets 10 s).
 */

interface StatusDocument {
  findings: Array<{ level: string; code: string; role?: string; message: string }>;
}

function findingsOf(run: ToolRun): StatusDocument['findings'] {
  return (JSON.parse(run.stdout) as StatusDocument).findings;
}

/** One JSON document on stdout, whatever happened. */
function jsonDocument(run: ToolRun): Record<string, unknown> {
  expect(() => JSON.parse(run.stdout), `stdout is one JSON document: ${run.stdout}`).not.toThrow();
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

function existingAnswers(dir: string, sourcePath: string): string {
  const file = path.join(dir, `existing-${Math.random().toString(36).slice(2, 8)}.toml`);
  writeFileSync(
    file,
    `[keystore]\nsource = "existing"\nfile_name = "ei-primary.jks"\nalias = "ei-primary"\npassword = { env = "NEW_PASS" }\n[keystore.existing]\npath = "${sourcePath}"\npassword = { env = "NEW_PASS" }\n`,
  );
  return file;
}

afterAll(() => {
  console.log(`hostile-files: ${summarizeFigures()}`);
});

describeAsRoot('hostile homes: files that are not what they seem', () => {
  it('finding 3: a keystore target that is a symlink out of the home (existing or dangling) is refused for writing, naming both paths', async () => {
    const arena = await makeArena();
    const target = path.join(arena.security, 'ei-primary.jks');
    const outsideFile = path.join(arena.decoy, 'etc', 'ei-primary.jks');
    const dangling = path.join(arena.decoy, 'etc', 'created-by-root.jks');
    for (const [what, pointsTo] of [
      ['existing', outsideFile],
      ['dangling', dangling],
    ] as const) {
      rmSync(target, { force: true });
      symlinkSync(pointsTo, target);
      const before = productFiles(arena.home);
      const run = await runTool(
        ['apply', 'primary', '--answers', primaryAnswers(arena.work, { extra: 'overwrite = true' }), '--home', arena.home],
        { env: NEW_PASS },
      );
      expect(run.code, `${what}: ${run.stderr}`).toBe(2);
      expect(run.stderr, what).toContain(`${target} is a symbolic link to ${pointsTo}`);
      expectUserError(run);
      expect(productFiles(arena.home), what).toEqual(before);
      expect(existsSync(dangling), `${what}: root created the link's target`).toBe(false);
      expect(existsSync(path.join(arena.home, '.ei-keystore')), what).toBe(false);
    }
    arena.expectDecoyUntouched();
  });

  it('finding 3: a configuration linked out of the home, or a security folder that is a link out of it, is refused naming both paths', async () => {
    const arena = await makeArena();
    // The configuration: a link to a copy outside the home (which must stay as it is).
    mkdirSync(path.join(arena.work, 'elsewhere'));
    const outsideConfig = path.join(arena.work, 'elsewhere', 'deployment.toml');
    copyFileSync(arena.config, outsideConfig);
    chmodSync(outsideConfig, 0o644);
    const outsideBefore = readFileSync(outsideConfig);
    const savedConfig = path.join(arena.work, 'deployment.toml');
    renameSync(arena.config, savedConfig);
    symlinkSync(outsideConfig, arena.config);
    for (const args of [
      ['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home],
      ['status', '--home', arena.home],
    ]) {
      const run = await runTool(args, { env: NEW_PASS });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`${arena.config} is a symbolic link to ${outsideConfig}, outside the home ${arena.home}`);
      expectUserError(run);
    }
    expect(readFileSync(outsideConfig).equals(outsideBefore)).toBe(true);
    expect(statSync(outsideConfig).mode & 0o7777).toBe(0o644);
    rmSync(arena.config);
    renameSync(savedConfig, arena.config);

    // The security folder: a link to a folder outside the home holding the keystores.
    const outsideSecurity = path.join(arena.decoy, 'bin');
    const realSecurity = path.join(arena.work, 'security');
    renameSync(arena.security, realSecurity);
    symlinkSync(outsideSecurity, arena.security);
    const run = await runTool(['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home], { env: NEW_PASS });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${arena.security}/\\S+ leads to ${outsideSecurity}/\\S+, outside the home`));
    expectUserError(run);
    arena.expectDecoyUntouched();
  });

  it('finding 5: a FIFO, a link to /dev/zero and a 17 MB file as the configured keystore: status reports each at once, bounded', async () => {
    const arena = await makeArena();
    const keystore = path.join(arena.security, 'wso2carbon.jks');
    const plant: Array<[string, () => void, RegExp]> = [
      ['a FIFO', () => execFileSync('mkfifo', [keystore]), /is a named pipe \(FIFO\), not a regular file/],
      ['a link to /dev/zero', () => symlinkSync('/dev/zero', keystore), /is a symbolic link to \/dev\/zero/],
      ['a 17 MB file', () => execFileSync('truncate', ['-s', '17M', keystore]), /holds more than 16 MB/],
    ];
    for (const [what, make, message] of plant) {
      rmSync(keystore, { force: true });
      make();
      const run = await runTool(['status', '--home', arena.home, '--json']);
      expectBounded(run, `status, keystore ${what}`);
      expect(run.code, what).toBe(1);
      const finding = findingsOf(run).find((candidate) => candidate.role === 'primary' && candidate.level === 'error');
      expect(finding?.message, what).toMatch(message);
      expectUserError(run);
    }
    arena.expectDecoyUntouched();
  });

  it('finding 5: /dev/zero, a FIFO and /dev/urandom as files the user names (existing keystore, import file, inspect FILE, answers file) are refused at once, bounded', async () => {
    const arena = await makeArena();
    const fifo = path.join(arena.work, 'a-fifo');
    execFileSync('mkfifo', [fifo]);
    const truststoreAnswers = path.join(arena.work, 'truststore.toml');
    writeFileSync(
      truststoreAnswers,
      `[truststore]\nsource = "copy-current"\nfile_name = "ei-truststore.jks"\npassword = { env = "NEW_PASS" }\n[[truststore.import]]\nalias = "partner"\nfile = "/dev/urandom"\n`,
    );
    const cases: Array<[string, string[], RegExp]> = [
      [
        '[keystore.existing] path = /dev/zero',
        ['apply', 'primary', '--answers', existingAnswers(arena.work, '/dev/zero'), '--home', arena.home],
        /\/dev\/zero is a character device, not a regular file/,
      ],
      [
        '[keystore.existing] path = a FIFO',
        ['apply', 'primary', '--answers', existingAnswers(arena.work, fifo), '--home', arena.home],
        /is a named pipe \(FIFO\), not a regular file/,
      ],
      [
        'an import file = /dev/urandom',
        ['apply', 'truststore', '--answers', truststoreAnswers, '--home', arena.home],
        /\/dev\/urandom is a character device/,
      ],
      ['inspect a FIFO', ['inspect', fifo, '--password-env', 'NEW_PASS'], /is a named pipe \(FIFO\)/],
      ['inspect /dev/zero', ['inspect', '/dev/zero', '--password-env', 'NEW_PASS'], /\/dev\/zero is a character device/],
      ['--answers a FIFO', ['apply', 'primary', '--answers', fifo, '--home', arena.home], /is a named pipe \(FIFO\)/],
    ];
    const before = productFiles(arena.home);
    for (const [what, args, message] of cases) {
      const run = await runTool([...args, '--json'], { env: NEW_PASS });
      expectBounded(run, what);
      expect(run.code, `${what}: ${run.stderr}`).toBe(2);
      expect(run.stderr, what).toMatch(message);
      expectUserError(run);
      expect((jsonDocument(run).error as { exitCode: number }).exitCode, what).toBe(2);
    }
    expect(productFiles(arena.home)).toEqual(before);
    expect(existsSync(path.join(arena.home, '.ei-keystore'))).toBe(false);
    arena.expectDecoyUntouched();
  });

  it('medium: { file = "/proc/self/environ" } hits the 64 KB cap though procfs says its size is 0', async () => {
    const arena = await makeArena();
    expect(statSync('/proc/self/environ').size).toBe(0);
    const answers = path.join(arena.work, 'environ.toml');
    writeFileSync(
      answers,
      readFileSync(primaryAnswers(arena.work), 'utf8').replace(
        'password = { env = "NEW_PASS" }',
        'password = { file = "/proc/self/environ" }',
      ),
    );
    // The environment of the tool is over 64 KB: read to the end, it would become the "password".
    const run = await runTool(['apply', 'primary', '--answers', answers, '--home', arena.home], {
      env: { ...NEW_PASS, PADDING: 'x'.repeat(100_000) },
    });
    expectBounded(run, '/proc/self/environ as a secret file');
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain('the secret file /proc/self/environ holds more than 64 KB');
    expect(run.stderr).not.toContain('xxxxxxxx');
    expectUserError(run);
    expect(existsSync(path.join(arena.home, '.ei-keystore'))).toBe(false);
  });

  it('finding 9: a configuration over 2 GB, and one unreadable to the user running the tool: exit 2 with the path and what to do, one JSON document, no "bug"', async () => {
    const arena = await makeArena();
    // Sparse: 3 GB of holes, costing no disk. The bounded read stops after 16 MB.
    const saved = path.join(arena.work, 'deployment.toml');
    copyFileSync(arena.config, saved);
    execFileSync('truncate', ['-s', '3G', arena.config]);
    for (const args of [
      ['status', '--home', arena.home, '--json'],
      ['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home, '--json'],
    ]) {
      const run = await runTool(args, { env: NEW_PASS });
      expectBounded(run, `${args[0]} with a 3 GB configuration`);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(`the configuration file ${arena.config} holds more than 16 MB`);
      expectUserError(run);
      expect(JSON.stringify(jsonDocument(run))).toContain('holds more than 16 MB');
    }
    copyFileSync(saved, arena.config);

    // chmod 000 and run as an ordinary user (root reads anything): the service account itself.
    chmodSync(arena.config, 0o000);
    const run = await runTool(['status', '--home', arena.home, '--json'], { asUser: SERVICE_UID });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(`the configuration file ${arena.config} cannot be read: permission denied (EACCES)`);
    expectUserError(run);
    expect(jsonDocument(run)).toHaveProperty('error');
    arena.expectDecoyUntouched();
  });

  it('finding 9: EACCES, ENAMETOOLONG, ELOOP and EISDIR on the answers file are user errors with the path, under --json one document', async () => {
    const arena = await makeArena();
    const unreadable = primaryAnswers(arena.work);
    chmodSync(unreadable, 0o000);
    const tooLong = path.join(arena.work, `${'a'.repeat(300)}.toml`);
    const loop = path.join(arena.work, 'loop-a.toml');
    symlinkSync(path.join(arena.work, 'loop-b.toml'), loop);
    symlinkSync(loop, path.join(arena.work, 'loop-b.toml'));
    const folder = path.join(arena.work, 'answers-folder');
    mkdirSync(folder);
    const cases: Array<[string, string, RegExp, number | undefined]> = [
      ['EACCES', unreadable, /cannot be read: permission denied \(EACCES\)/, SERVICE_UID],
      ['ENAMETOOLONG', tooLong, /too long \(ENAMETOOLONG\)/, undefined],
      ['ELOOP', loop, /too many levels of symbolic links \(ELOOP\)/, undefined],
      ['EISDIR', folder, /is a directory, not a regular file/, undefined],
    ];
    for (const [what, file, message, asUser] of cases) {
      const run = await runTool(['apply', 'primary', '--answers', file, '--home', arena.home, '--json'], {
        env: NEW_PASS,
        ...(asUser === undefined ? {} : { asUser }),
      });
      expect(run.code, `${what}: ${run.stderr}`).toBe(2);
      expect(run.stderr, what).toMatch(message);
      expect(run.stderr, what).toContain(file.length > 200 ? 'aaaa' : file);
      expectUserError(run);
      expect((jsonDocument(run).error as { code: string }).code, what).toBe('answers-unreadable');
    }
  });

  it('finding 10: an answers file with a Latin-1 "ä" is refused naming the byte offset, line and column; nothing becomes U+FFFD', async () => {
    const arena = await makeArena();
    const text = readFileSync(primaryAnswers(arena.work), 'utf8').replace('O=Hostile', 'O=Hostile M\u00e4rz');
    const bytes = Buffer.from(text, 'latin1');
    const offset = bytes.indexOf(0xe4);
    const line = text.slice(0, offset).split('\n').length;
    const column = offset - text.lastIndexOf('\n', offset - 1);
    const answers = path.join(arena.work, 'latin1.toml');
    writeFileSync(answers, bytes);
    const run = await runTool(['apply', 'primary', '--answers', answers, '--home', arena.home, '--json'], { env: NEW_PASS });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(
      `The answers file ${answers} is not valid UTF-8 at byte ${offset} (0xE4, line ${line}, column ${column}).`,
    );
    expect(run.stdout).not.toContain('\ufffd');
    expect(existsSync(path.join(arena.home, '.ei-keystore'))).toBe(false);
  });

  it('medium: a new private key replacing a 0644 keystore is written 0600, and the plan says so', async () => {
    const arena = await makeArena();
    const first = await runTool(['apply', 'primary', '--answers', primaryAnswers(arena.work), '--home', arena.home], { env: NEW_PASS });
    expect(first.code, first.stderr).toBe(0);
    const keystore = path.join(arena.security, 'ei-primary.jks');
    chmodSync(keystore, 0o644);
    // Another subject, so the keystore really is replaced.
    const answers = path.join(arena.work, 'second.toml');
    writeFileSync(
      answers,
      readFileSync(primaryAnswers(arena.work, { extra: 'overwrite = true' }), 'utf8').replace('O=Hostile"', 'O=Hostile, OU=Second"'),
    );
    const dryRun = await runTool(['apply', 'primary', '--answers', answers, '--home', arena.home, '--dry-run'], { env: NEW_PASS });
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain(
      'repository/resources/security/ei-primary.jks is mode 0644 now; its replacement holds a private key and is written 0600 (owner only).',
    );
    const run = await runTool(['apply', 'primary', '--answers', answers, '--home', arena.home], { env: NEW_PASS });
    expect(run.code, run.stderr).toBe(0);
    const info = lstatSync(keystore);
    expect(info.mode & 0o7777).toBe(0o600);
    expect(info.uid, 'the owner (the service account) is kept').toBe(SERVICE_UID);
  });

  it('medium: status warns keystore-world-readable for a private key or plaintext passwords others can read, and stops once they are private', async () => {
    const arena = await makeArena();
    const keystore = path.join(arena.security, 'wso2carbon.jks');
    chmodSync(keystore, 0o644);
    chmodSync(arena.config, 0o644);
    const loose = await runTool(['status', '--home', arena.home, '--json']);
    const warnings = findingsOf(loose).filter((finding) => finding.code === 'keystore-world-readable');
    expect(warnings.map((finding) => finding.role ?? 'config').sort()).toEqual(['config', 'primary']);
    expect(warnings.find((finding) => finding.role === 'primary')!.message).toContain(
      `${keystore} holds a private key and is readable by its group and every other user (mode 0644)`,
    );
    expect(warnings.find((finding) => finding.role === undefined)!.message).toMatch(
      /holds passwords in plain text \(\[keystore\.primary\] password.*mode 0644/,
    );
    chmodSync(keystore, 0o600);
    chmodSync(arena.config, 0o600);
    const tight = await runTool(['status', '--home', arena.home, '--json']);
    expect(findingsOf(tight).map((finding) => finding.code)).not.toContain('keystore-world-readable');
  });
});

describe('hostile homes: the plain wizard saving answers', () => {
  it('finding 9 and medium: "save answers as" a folder is a message and a new question, not an internal error; an existing file is never overwritten', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'ei-7');
    const folder = path.join(home, 'answers-folder');
    mkdirSync(folder);
    const existing = path.join(home, 'existing.toml');
    writeFileSync(existing, 'precious = true\n');
    const prompts = scriptedPrompts([
      ...newTruststoreSteps('saved-pass'),
      { kind: 'input', match: /Certificate file/, answer: '' },
      { kind: 'confirm', match: /wso2carbon/, answer: false },
      { kind: 'select', match: /Apply this change/, answer: 'save' },
      { kind: 'input', match: /Save the answers as/, answer: 'answers-folder' },
      { kind: 'select', match: /Apply this change/, answer: 'save' },
      { kind: 'input', match: /Save the answers as/, answer: 'existing.toml' },
      { kind: 'select', match: /Apply this change/, answer: 'save' },
      { kind: 'input', match: /Save the answers as/, answer: 'fresh.toml' },
      { kind: 'select', match: /Apply this change/, answer: 'cancel' },
    ]);
    const { code, output } = await runPlainWith(home, prompts);
    expect(code).toBe(130);
    expect(output).toContain(`✗ ${folder} already exists; ei-keystore does not overwrite it.`);
    expect(output).toContain(`✗ ${existing} already exists; ei-keystore does not overwrite it.`);
    expect(output).not.toMatch(/internal error|this is a bug/);
    expect(readFileSync(existing, 'utf8')).toBe('precious = true\n');
    expect(readFileSync(path.join(home, 'fresh.toml'), 'utf8')).toContain('[truststore]');
    expect(statSync(path.join(home, 'fresh.toml')).mode & 0o777).toBe(0o600);
  });
});
