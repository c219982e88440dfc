import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { keytoolList } from '../../source/keytool/run.js';
import { buildInto, runWithOnly, type ProgramRun } from '../support/build.js';
import { expectFullScreenWizardOpens, inTerminal, skipWithoutScript } from '../support/pseudo-terminal.js';
// @ts-expect-error a build script in JavaScript, without types
import { scriptFromModule } from '../../scripts/build/script-form.mjs';

// The one-file install: the bundle that `npm run build` makes, copied ALONE to a folder with no node_modules
// anywhere above it, must run every command there with nothing but Node.

const PASSWORD = 'one-file-password';

let buildDir = '';
let server = '';
let bundle = '';

function runBundle(args: string[], env: NodeJS.ProcessEnv = {}): ProgramRun {
  // Only what a bare server has: no NODE_PATH, no npm. HOME is the folder, so nothing of ours is found there.
  return runWithOnly([process.execPath, bundle, ...args], {
    cwd: server,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: server, NO_COLOR: '1', ...env },
  });
}

beforeAll(() => {
  buildDir = mkdtempSync(path.join(os.tmpdir(), 'eik-bundle-build-'));
  const built = buildInto(buildDir);
  server = mkdtempSync(path.join(os.tmpdir(), 'eik-one-file-'));
  bundle = path.join(server, 'ei-keystore.mjs');
  copyFileSync(built.bundle, bundle);
});

afterAll(() => {
  for (const dir of [buildDir, server]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dist/ei-keystore.mjs copied alone to a folder', () => {
  it('is alone: no node_modules above it, and it imports nothing but Node built-ins', () => {
    expect(readdirSync(server)).toEqual(['ei-keystore.mjs']);
    for (let dir = server; ; dir = path.dirname(dir)) {
      expect(existsSync(path.join(dir, 'node_modules')), `${dir}/node_modules would let the bundle find packages`).toBe(false);
      if (path.dirname(dir) === dir) break;
    }
    const text = readFileSync(bundle, 'utf8');
    const imported = [...text.matchAll(/^\s*import\s[^'"]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm)].map(
      (match) => match[1] ?? match[2]!,
    );
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((specifier) => !isBuiltin(specifier))).toEqual([]);
    const required = [...text.matchAll(/\b__require\(["']([^"']+)["']\)/g)].map((match) => match[1]!);
    expect(required.filter((specifier) => !isBuiltin(specifier))).toEqual([]);
    // The tool itself is the script in the file's last comment (scripts/build/script-form.mjs): all it requires
    // are built-ins too.
    const script = (scriptFromModule as (text: string) => string)(text);
    const scriptRequires = [...script.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((match) => match[1]!);
    expect(scriptRequires.length).toBeGreaterThan(10);
    expect(scriptRequires.filter((specifier) => !isBuiltin(specifier))).toEqual([]);
  });

  it('prints its version', () => {
    const run = runBundle(['--version']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(packageJson.version);
  });

  it('makes a sandbox from the templates inside it, reports its status, and applies primary twice (the second time changing nothing)', async () => {
    const made = runBundle(['sandbox', 'home', '--json']);
    expect(made.code, made.stderr).toBe(0);
    const home = path.join(server, 'home');
    expect(readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8')).toContain('[keystore.primary]');
    expect(existsSync(path.join(home, 'repository/resources/security/wso2carbon.jks'))).toBe(true);

    const status = runBundle(['status', '--home', 'home', '--json']);
    expect(status.stderr).toBe('');
    const report = JSON.parse(status.stdout) as { profile: string; roles: Array<{ role: string; opened: boolean }> };
    expect(report.profile).toBe('mi-4');
    expect(report.roles.map((role) => [role.role, role.opened])).toEqual([
      ['primary', true],
      ['internal', true],
      ['truststore', true],
    ]);

    mkdirSync(path.join(server, 'answers'));
    writeFileSync(
      path.join(server, 'answers', 'primary.toml'),
      `[keystore]
source = "generate"
file_name = "ei-primary.jks"
alias = "ei-primary"
password = { env = "EI_KEYSTORE_PASSWORD" }
[keystore.generate]
dname = "CN=one-file.example.com, O=Example"
subject_alt_names = ["DNS:one-file.example.com"]
`,
    );
    const env = { EI_KEYSTORE_PASSWORD: PASSWORD };
    const first = runBundle(['apply', 'primary', '--answers', 'answers/primary.toml', '--home', 'home', '--json', '--keytool'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      changed: true,
      files: expect.arrayContaining([path.join(home, 'repository/resources/security/ei-primary.jks')]),
    });
    const listed = await keytoolList(path.join(home, 'repository/resources/security/ei-primary.jks'), PASSWORD);
    expect(listed.map((entry) => [entry.alias, entry.kind])).toEqual([['ei-primary', 'private-key']]);

    const second = runBundle(['apply', 'primary', '--answers', 'answers/primary.toml', '--home', 'home', '--json'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ changed: false, backup: null, files: [] });
  });

  it('runs the plain wizard in a terminal, and Ctrl-C cancels it with nothing written', async (context) => {
    skipWithoutScript((note) => context.skip(note));
    const screen = await inTerminal([process.execPath, bundle, '--plain', '--sandbox', 'plain-home'], ['\x03'], server);
    expect(screen.text).toMatch(/What do you want to do\?/);
    expect(screen.code).toBe(130);
    expect(screen.text).toMatch(/Cancelled, nothing was written/);
  });

  it('runs the full-screen wizard at 80x24 in a terminal', async (context) => {
    skipWithoutScript((note) => context.skip(note));
    // The bundle is built before every run, so "not built yet" is no reason for it to end alone.
    await expectFullScreenWizardOpens([process.execPath, bundle], server);
  });
});
