import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { keytoolList } from '../../source/keytool/run.js';
import { genKeyPair } from '../support/keytool.js';

// The one executable (`npm run build:exe`): copied ALONE into an empty folder, with a PATH that holds no `node`,
// it runs the commands, and prints what the one-file .mjs prints on the same home.

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PASSWORD = 'one-executable-password';

let buildDir = '';
let server = '';
let executable = '';
let bundle = '';
/** An empty folder: the PATH of every run, so that no `node` (nor anything else) can be found on it. */
let emptyPath = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(program: string[], args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const [command, ...leading] = program;
  const result = spawnSync(command!, [...leading, ...args], {
    cwd: server,
    encoding: 'utf8',
    env: { PATH: emptyPath, HOME: server, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const runExecutable = (args: string[], env?: NodeJS.ProcessEnv) => run([executable], args, env);
// The .mjs needs a node: the one running the tests, named by its full path (PATH has none).
const runBundle = (args: string[], env?: NodeJS.ProcessEnv) => run([process.execPath, bundle], args, env);

beforeAll(async () => {
  // Built afresh with scripts/build-exe.mjs (vitest alone does not run `npm run build:exe`), into a folder of its
  // own; the .mjs compared with it is the bundle that same build made.
  buildDir = mkdtempSync(path.join(os.tmpdir(), 'eik-exe-build-'));
  const built = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { buildBundle } = await import(${JSON.stringify(path.join(repositoryRoot, 'scripts/build.mjs'))});
       const { buildExecutable } = await import(${JSON.stringify(path.join(repositoryRoot, 'scripts/build-exe.mjs'))});
       const bundleFile = ${JSON.stringify(path.join(buildDir, 'ei-keystore.mjs'))};
       await buildBundle(bundleFile);
       const made = await buildExecutable({ outDir: ${JSON.stringify(buildDir)}, bundleFile });
       process.stdout.write(JSON.stringify(made));`,
    ],
    { cwd: repositoryRoot, encoding: 'utf8' },
  );
  expect(built.status, built.stderr).toBe(0);
  const made = JSON.parse(built.stdout) as { file: string; checksumFile: string; sha256: string };
  expect(path.basename(made.file)).toBe(`ei-keystore-${process.platform}-${process.arch}`);
  // The published checksum is `sha256sum -c`'s form, and right.
  expect(readFileSync(made.checksumFile, 'utf8')).toBe(`${createHash('sha256').update(readFileSync(made.file)).digest('hex')}  ${path.basename(made.file)}\n`);
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
    expect((JSON.parse(statusExe.stdout) as { roles: Array<{ opened: boolean }> }).roles.map((role) => role.opened)).toEqual([true, true, true]);

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

  it('says a bad answers file is a user error, exit 2, as the .mjs does', () => {
    writeFileSync(path.join(server, 'bad.toml'), '[keystore]\nsource = "generat"\n');
    const exe = runExecutable(['apply', 'primary', '--answers', 'bad.toml', '--home', 'home-exe']);
    const mjs = runBundle(['apply', 'primary', '--answers', 'bad.toml', '--home', 'home-exe']);
    expect(exe.code).toBe(2);
    expect(exe.stderr).toBe(mjs.stderr);
    expect(exe.stderr).not.toMatch(/\n\s+at /);
  });
});

const haveTmux = spawnSync('tmux', ['-V']).status === 0;
// CI installs tmux (.ci/run); elsewhere its absence skips this test with a message.
const describeTmux = haveTmux || process.env.CI === 'true' ? describe : describe.skip;
if (!haveTmux) console.warn('skipped the executable tmux test: tmux is not installed');

describeTmux('the one executable in an 80x24 tmux pane', () => {
  it('opens the wizard on a sandbox home and quits with Ctrl-C, nothing written', async () => {
    const socket = `eik-exe-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const home = path.join(server, 'wizard-home');
    const made = runExecutable(['sandbox', home, '--profile', 'mi-4']);
    expect(made.code, made.stderr).toBe(0);
    const before = treeOf(home);
    const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
    tmux('new-session', '-d', '-x', '80', '-y', '24', '-s', 'w', `env -i PATH=${quote(emptyPath)} HOME=${quote(server)} TERM=xterm-256color ${quote(executable)} --home ${quote(home)}; echo "exit=$?"; sleep 30`);
    try {
      const until = async (test: (screen: string) => boolean, what: string) => {
        const start = Date.now();
        for (;;) {
          const screen = tmux('capture-pane', '-p', '-t', 'w');
          if (test(screen)) return screen;
          if (Date.now() - start > 30_000) throw new Error(`timed out waiting for ${what}:\n${screen}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      const first = await until((screen) => screen.includes('Change the primary keystore') && screen.includes('Profile'), 'the home screen');
      expect(first.split('\n').every((line) => line.length <= 80)).toBe(true);
      tmux('send-keys', '-t', 'w', 'C-c');
      const last = await until((screen) => /exit=\d+/.test(screen), 'the wizard to exit');
      expect(/exit=(\d+)/.exec(last)?.[1]).toBe('130');
    } finally {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    }
    expect(treeOf(home)).toEqual(before);
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

function treeOf(dir: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (existsSync(full)) tree[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return tree;
}
