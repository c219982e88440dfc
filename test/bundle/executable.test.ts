import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { keytoolList } from '../../source/keytool/run.js';
import { buildInto, runWithOnly, type ProgramRun } from '../support/build.js';
import { genKeyPair } from '../support/keytool.js';
import { haveTmux, TmuxPane } from '../support/tmux-pane.js';
import { snapshotTree } from '../support/tree.js';

// The one executable (`npm run build:exe`): copied ALONE into an empty folder, with a PATH that holds no `node`,
// it runs the commands, and prints what the one-file .mjs prints on the same home.

const PASSWORD = 'one-executable-password';

let buildDir = '';
let server = '';
let executable = '';
let bundle = '';
/** An empty folder: the PATH of every run, so that no `node` (nor anything else) can be found on it. */
let emptyPath = '';

function run(program: string[], args: string[], env: NodeJS.ProcessEnv = {}): ProgramRun {
  return runWithOnly([...program, ...args], { cwd: server, env: { PATH: emptyPath, HOME: server, NO_COLOR: '1', ...env } });
}
const runExecutable = (args: string[], env?: NodeJS.ProcessEnv) => run([executable], args, env);
// The .mjs needs a node: the one running the tests, named by its full path (PATH has none).
const runBundle = (args: string[], env?: NodeJS.ProcessEnv) => run([process.execPath, bundle], args, env);

beforeAll(async () => {
  // Built afresh with scripts/build-exe.mjs (vitest alone does not run `npm run build:exe`), into a folder of its
  // own; the .mjs compared with it is the bundle that same build made.
  buildDir = mkdtempSync(path.join(os.tmpdir(), 'eik-exe-build-'));
  const made = buildInto(buildDir, { executable: true }).executable!;
  expect(path.basename(made.file)).toBe(`ei-keystore-${process.platform}-${process.arch}`);
  // The published checksum is `sha256sum -c`'s form, and right.
  expect(readFileSync(made.checksumFile, 'utf8')).toBe(
    `${createHash('sha256').update(readFileSync(made.file)).digest('hex')}  ${path.basename(made.file)}\n`,
  );
  expect(execFileSync('sha256sum', ['-c', path.basename(made.checksumFile)], { cwd: buildDir, encoding: 'utf8' })).toContain(': OK');

  server = mkdtempSync(path.join(os.tmpdir(), 'eik-one-executable-'));
  emptyPath = path.join(server, 'empty-path');
  mkdirSync(emptyPath);
  mkdirSync(path.join(server, 'bin'));
  executable = path.join(server, 'bin', 'ei-keystore');
  copyFileSync(made.file, executable);
  execFileSync('chmod', ['755', executable]);
  bundle = path.join(buildDir, 'ei-keystore.mjs');
}, 180_000);

afterAll(() => {
  for (const dir of [buildDir, server]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the one executable, copied alone into an empty folder, with no node on PATH', () => {
  it('is alone in its folder, no node can be found, and it prints its version', () => {
    expect(readdirSync(path.dirname(executable))).toEqual(['ei-keystore']);
    expect(spawnSync('sh', ['-c', 'command -v node'], { env: { PATH: emptyPath } }).status).not.toBe(0);
    expect(statSync(executable).size).toBeGreaterThan(statSync(bundle).size);
    const version = runExecutable(['--version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout).toBe(`${packageJson.version}\n`);
    expect(version.stderr).toBe('');
  });

  it('makes a sandbox, reports its status and applies primary from an answers file, printing what the .mjs prints on the same home', async () => {
    const made = runExecutable(['sandbox', 'home-exe', '--profile', 'mi-4', '--json']);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ home: path.join(server, 'home-exe'), profile: 'mi-4' });
    const homeExe = path.join(server, 'home-exe');
    const homeMjs = path.join(server, 'home-mjs');

    // status: the same home, read by each.
    const statusExe = runExecutable(['status', '--home', 'home-exe', '--json']);
    const statusMjs = runBundle(['status', '--home', 'home-exe', '--json']);
    expect(statusExe.stderr).toBe('');
    expect(statusExe.code).toBe(statusMjs.code);
    expect(statusExe.stdout).toBe(statusMjs.stdout);
    expect((JSON.parse(statusExe.stdout) as { roles: Array<{ opened: boolean }> }).roles.map((role) => role.opened)).toEqual([
      true,
      true,
      true,
    ]);

    // apply primary: two copies of that home, one changed by each, from an answers file that brings in one
    // existing keystore (so that both make the same key, and their outputs can be compared whole).
    cpSync(homeExe, homeMjs, { recursive: true, preserveTimestamps: true });
    const source = path.join(server, 'answers', 'primary-source.p12');
    mkdirSync(path.dirname(source));
    await genKeyPair({ file: source, alias: 'primary-key', storePassword: 'source-pass', storeType: 'PKCS12' });
    writeFileSync(
      path.join(server, 'answers', 'primary.toml'),
      `[keystore]
source = "existing"
file_name = "ei-primary.jks"
alias = "ei-primary"
password = { env = "EI_KEYSTORE_PASSWORD" }
[keystore.existing]
path = "primary-source.p12"
password = { env = "EIK_SOURCE_PASSWORD" }
[truststore]
import_certificate = true
`,
    );
    const env = { EI_KEYSTORE_PASSWORD: PASSWORD, EIK_SOURCE_PASSWORD: 'source-pass' };
    const applyExe = runExecutable(['apply', 'primary', '--answers', 'answers/primary.toml', '--home', 'home-exe', '--json'], env);
    const applyMjs = runBundle(['apply', 'primary', '--answers', 'answers/primary.toml', '--home', 'home-mjs', '--json'], env);
    expect(applyExe.code, applyExe.stderr).toBe(0);
    expect(applyMjs.code, applyMjs.stderr).toBe(0);
    expect(JSON.parse(applyExe.stdout)).toMatchObject({ changed: true });
    expect(comparable(applyExe.stdout, homeExe)).toBe(comparable(applyMjs.stdout, homeMjs));
    const [listed] = await keytoolList(path.join(homeExe, 'repository/resources/security/ei-primary.jks'), PASSWORD);
    const [original] = await keytoolList(source, 'source-pass');
    expect(listed).toMatchObject({ alias: 'ei-primary', kind: 'private-key', sha256: original!.sha256 });

    // And after the change, each reads each home the same.
    for (const home of ['home-exe', 'home-mjs']) {
      const after = runExecutable(['status', '--home', home, '--json']);
      expect(after.stdout).toBe(runBundle(['status', '--home', home, '--json']).stdout);
    }
    expect(comparable(runExecutable(['status', '--home', 'home-exe', '--json']).stdout, homeExe)).toBe(
      comparable(runBundle(['status', '--home', 'home-mjs', '--json']).stdout, homeMjs),
    );
  });

  it("reads each command's groups from its assets and keeps their V8 code cache as the .mjs does, in the user's private folder", () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'eik-exe-cache-'));
    try {
      const cache = path.join(home, '.cache', 'ei-keystore');
      const groupsIn = (kind: string) => {
        const names = readdirSync(cache).filter((name) => name.includes(`-${kind}-`));
        expect(names).toEqual([
          expect.stringMatching(
            new RegExp(`^code-[0-9a-f]{16}-${process.version}-${process.arch}-${kind}-${statSync(executable).ino}\\.v8$`),
          ),
        ]);
        const data = readFileSync(path.join(cache, names[0]!));
        expect(data.toString('latin1', 0, 4)).toBe('EIKD');
        return {
          file: names[0]!,
          data,
          groups: Object.keys((JSON.parse(data.toString('utf8', 8, 8 + data.readUInt32LE(4))) as { groups: object }).groups),
        };
      };
      const version = runExecutable(['--version'], { HOME: home });
      expect(version).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
      // --version compiles the entry's group alone: the other groups are assets, not part of the main script.
      expect(groupsIn('version').groups).toEqual(['start']);
      expect(statSync(cache).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(cache, groupsIn('version').file)).mode & 0o777).toBe(0o600);

      const made = runExecutable(['sandbox', path.join(home, 'home'), '--json'], { HOME: home });
      expect(made.code, made.stderr).toBe(0);
      const keystore = path.join(home, 'home', 'repository', 'resources', 'security', 'wso2carbon.jks');
      const inspect = (env: NodeJS.ProcessEnv) =>
        runExecutable(['inspect', keystore, '--password-env', 'EIK_TEST_PASSWORD'], { EIK_TEST_PASSWORD: 'wso2carbon', ...env });
      const first = inspect({ HOME: home });
      expect(first.code, first.stderr).toBe(0);
      const written = groupsIn('inspect');
      expect(written.groups).toContain('start');
      expect(written.groups.some((group) => group.startsWith('commands-'))).toBe(true);
      // The next run uses it (V8 accepts it, so it is not written again) and prints the same.
      expect(inspect({ HOME: home })).toEqual(first);
      expect(groupsIn('inspect').data.equals(written.data)).toBe(true);
      // Without a cache (turned off, or a HOME it cannot write), the same output and nothing written.
      const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'eik-exe-nocache-'));
      try {
        expect(inspect({ HOME: elsewhere, EI_KEYSTORE_CODE_CACHE: 'off' })).toEqual(first);
        expect(readdirSync(elsewhere)).toEqual([]);
        expect(inspect({ HOME: '/proc/self' })).toEqual(first);
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('says a bad answers file is a user error, exit 2, as the .mjs does', () => {
    writeFileSync(path.join(server, 'bad.toml'), '[keystore]\nsource = "generat"\n');
    const exe = runExecutable(['apply', 'primary', '--answers', 'bad.toml', '--home', 'home-exe']);
    const mjs = runBundle(['apply', 'primary', '--answers', 'bad.toml', '--home', 'home-exe']);
    expect(exe.code).toBe(2);
    expect(exe.stderr).toBe(mjs.stderr);
    expect(exe.stderr).not.toMatch(/\n\s+at /);
  });
});

// CI installs tmux (.ci/run); elsewhere its absence skips this test with a message.
const describeTmux = haveTmux || process.env.CI === 'true' ? describe : describe.skip;
if (!haveTmux) console.warn('skipped the executable tmux test: tmux is not installed');

describeTmux('the one executable in an 80x24 tmux pane', () => {
  it('opens the wizard on a sandbox home and quits with Ctrl-C, nothing written', async () => {
    const home = path.join(server, 'wizard-home');
    const made = runExecutable(['sandbox', home, '--profile', 'mi-4']);
    expect(made.code, made.stderr).toBe(0);
    const before = snapshotTree(home);
    const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
    const pane = new TmuxPane(
      `env -i PATH=${quote(emptyPath)} HOME=${quote(server)} TERM=xterm-256color ${quote(executable)} --home ${quote(home)}; echo "exit=$?"; sleep 30`,
    );
    try {
      const first = await pane.until(
        (screen) => screen.includes('Change the primary keystore') && screen.includes('Profile'),
        'the home screen',
      );
      expect(first.split('\n').every((line) => line.length <= 80)).toBe(true);
      pane.keys('C-c');
      const last = await pane.until((screen) => /exit=\d+/.test(screen), 'the wizard to exit');
      expect(/exit=(\d+)/.exec(last)?.[1]).toBe('130');
    } finally {
      pane.kill();
    }
    expect(snapshotTree(home)).toEqual(before);
  });
});

/** Output with what differs between two copies of a home (its path; a backup's time and random suffix) made alike. */
function comparable(output: string, home: string): string {
  return output
    .replaceAll(home, '<home>')
    .replace(/\d{4}-?\d{2}-?\d{2}T\d{2}:?\d{2}:?\d{2}(?:[.,]\d+)?Z?/g, '<time>')
    .replace(/\b\d{8}-\d{6}(?:-\d+)?\b/g, '<time>')
    .replace(/<time>-[0-9a-f]{4,}\b/g, '<time>-<random>');
}
