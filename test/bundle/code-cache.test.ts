import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
// @ts-expect-error a build script in JavaScript, without types
import { groupsFromModule, moduleFromScript, scriptFromModule } from '../../scripts/build/script-form.mjs';
import { tempDir } from '../support/tmp.js';

// dist/ei-keystore.mjs is a loader and the tool as a script in a comment, compiled with V8's code cache kept under
// $XDG_CACHE_HOME/ei-keystore. The cache is only a speed-up: stale, foreign or unwritable, the tool runs the same.

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const toScriptForm = moduleFromScript as (script: string) => string;
const fromModule = scriptFromModule as (text: string) => string;

let buildDir = '';
let bundle = '';

beforeAll(() => {
  buildDir = mkdtempSync(path.join(os.tmpdir(), 'eik-code-cache-build-'));
  bundle = path.join(buildDir, 'ei-keystore.mjs');
  const built = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { buildBundle } = await import(${JSON.stringify(path.join(repositoryRoot, 'scripts/build.mjs'))}); await buildBundle(${JSON.stringify(bundle)});`,
    ],
    { encoding: 'utf8' },
  );
  expect(built.status, built.stderr).toBe(0);
});

afterAll(() => {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

function run(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [bundle, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const cacheFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.v8')) : []);

describe('the script form of the bundle', () => {
  it('keeps a script holding `*/`, control characters and the marker itself, byte for byte, and runs it', () => {
    const script =
      "const text = '*/ /*EIK-SCRIPT\\n \\u000e'; /* a comment */ process.stdout.write(JSON.stringify([text, '\x0e*/\x0f']));\n";
    const made = toScriptForm(script);
    expect(fromModule(made)).toBe(script);
    const dir = tempDir();
    writeFileSync(path.join(dir, 'm.mjs'), made);
    const ran = spawnSync(process.execPath, [path.join(dir, 'm.mjs')], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir } });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toEqual(['*/ /*EIK-SCRIPT\n \u000e', '\x0e*/\x0f']);
  });

  it('refuses a .mjs that does not hold a script', () => {
    expect(() => fromModule("console.log('hello')\n")).toThrow(/does not hold the script/);
  });
});

describe('the V8 code cache of dist/ei-keystore.mjs', () => {
  it('is written once per command in a private folder of the user, and used: the output is the same', () => {
    const home = tempDir();
    const cache = path.join(home, '.cache', 'ei-keystore');
    const first = run(['--version'], { HOME: home });
    expect(first).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    const [written] = cacheFiles(cache);
    expect(written).toMatch(new RegExp(`^code-[0-9a-f]{16}-${process.version}-${process.arch}-version-${statSync(bundle).ino}\\.v8$`));
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(cache, written!)).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(path.join(cache, written!));
    const second = run(['--version'], { HOME: home });
    expect(second).toEqual(first);
    // Accepted by V8, so not written again.
    expect(readFileSync(path.join(cache, written!)).equals(bytes)).toBe(true);
    const help = run(['status', '--help'], { HOME: home });
    expect(help.code).toBe(0);
    expect(cacheFiles(cache).sort()).toEqual([written!, written!.replace('-version-', '-status-')].sort());
    expect(readdirSync(cache).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it("holds the groups of code each command compiled: --version only the entry's, status never Ink's", () => {
    const home = tempDir();
    const cache = path.join(home, '.cache', 'ei-keystore');
    // The groups a command compiled are the keys of its cache file's index ("EIKD", the index's length, the index).
    const groupsOf = (kind: string) => {
      const file = cacheFiles(cache).find((name) => name.includes(`-${kind}-`));
      expect(file, `no cache file for ${kind}`).toBeDefined();
      const data = readFileSync(path.join(cache, file!));
      expect(data.toString('latin1', 0, 4)).toBe('EIKD');
      const index = JSON.parse(data.toString('utf8', 8, 8 + data.readUInt32LE(4))) as { groups: Record<string, number> };
      return Object.keys(index.groups);
    };
    expect(run(['--version'], { HOME: home }).code).toBe(0);
    expect(groupsOf('version')).toEqual(['start']);
    expect(run(['--help'], { HOME: home }).code).toBe(0);
    expect(groupsOf('version')).toEqual(['start']);
    // Ink's group: the one whose section awaits at its top level (yoga-layout's WebAssembly).
    const sections = JSON.parse(/^const SECTIONS = (.*);$/m.exec(readFileSync(bundle, 'latin1'))![1]!) as Array<
      [string, string, boolean, string[]]
    >;
    const inkGroups = [...new Set(sections.filter(([, , awaits]) => awaits).map(([, group]) => group))];
    expect(inkGroups).toHaveLength(1);
    const sandbox = run(['sandbox', path.join(home, 'home'), '--json'], { HOME: home });
    expect(sandbox.code, sandbox.stderr).toBe(0);
    const status = run(['status', '--home', path.join(home, 'home'), '--json'], { HOME: home });
    expect(status.code, status.stderr).toBe(0);
    expect(groupsOf('status').some((group) => group.startsWith('commands-'))).toBe(true);
    expect(groupsOf('status')).not.toContain(inkGroups[0]);
    // The commands' code is grouped by the commands that run it: inspect reads and compiles its own share of it,
    // not every command's (it was one group of ~450 KB, of which inspect ran ~80).
    // Their scripts' sizes as compiled (a group may be stored compressed).
    const scriptLengths = new Map(
      (groupsFromModule(readFileSync(bundle, 'latin1')) as Array<{ name: string; script: string }>).map((group) => [
        group.name,
        group.script.length,
      ]),
    );
    const commandsBytes = (groups: string[]) =>
      groups.filter((group) => group.startsWith('commands-')).reduce((sum, group) => sum + scriptLengths.get(group)!, 0);
    const inspect = run(
      ['inspect', path.join(home, 'home', 'repository', 'resources', 'security', 'wso2carbon.jks'), '--password-env', 'EIK_TEST_PASSWORD'],
      {
        HOME: home,
        EIK_TEST_PASSWORD: 'wso2carbon',
      },
    );
    expect(inspect.code, inspect.stderr).toBe(0);
    expect(commandsBytes(groupsOf('inspect'))).toBeGreaterThan(0);
    expect(commandsBytes(groupsOf('inspect'))).toBeLessThan(commandsBytes([...scriptLengths.keys()]) / 3);
    // What --version and inspect compile is stored as text, read as it is; most of the rest (status's, apply's,
    // Ink's ...) is stored compressed, which makes the file Node's ES module loader reads at every start smaller.
    const stored = JSON.parse(/^const GROUPS = (.*);$/m.exec(readFileSync(bundle, 'latin1'))![1]!) as Record<string, [number, boolean]>;
    for (const group of [...groupsOf('version'), ...groupsOf('inspect')])
      expect(stored[group]![1], `${group} stored compressed`).toBe(false);
    const packedScript = Object.keys(stored)
      .filter((group) => stored[group]![1])
      .reduce((sum, group) => sum + scriptLengths.get(group)!, 0);
    expect(packedScript).toBeGreaterThan([...scriptLengths.values()].reduce((sum, length) => sum + length, 0) / 2);
  });

  it("drops other versions' cache files that no run has used for 30 days, when it writes its own, and marks its own as used", () => {
    const home = tempDir();
    const cache = path.join(home, '.cache', 'ei-keystore');
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    const old = path.join(cache, 'code-0123456789abcdef-v20.0.0-x64-status.v8');
    const oldTemporary = path.join(cache, 'code-0123456789abcdef-v20.0.0-x64-status.v8.4242.tmp');
    const recent = path.join(cache, 'code-fedcba9876543210-v20.0.0-x64-status.v8');
    const notOurs = path.join(cache, 'notes.txt');
    for (const file of [old, oldTemporary, recent, notOurs]) writeFileSync(file, 'x', { mode: 0o600 });
    const monthsAgo = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    for (const file of [old, oldTemporary, notOurs]) utimesSync(file, monthsAgo, monthsAgo);
    expect(run(['--version'], { HOME: home }).code).toBe(0);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(oldTemporary)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(notOurs)).toBe(true);
    // A cache that is used keeps a recent time (it is rewritten only when something was missing), so another
    // version's run does not drop it.
    const [own] = cacheFiles(cache).filter((name) => name.includes('-version-'));
    utimesSync(path.join(cache, own!), monthsAgo, monthsAgo);
    expect(run(['--version'], { HOME: home }).code).toBe(0);
    expect(Date.now() - statSync(path.join(cache, own!)).mtimeMs).toBeLessThan(24 * 3600 * 1000);
  });

  it('is not used for a file changed since: V8 would take code cached for other text of the same length', () => {
    const home = tempDir();
    const copy = path.join(home, 'ei-keystore.mjs');
    writeFileSync(copy, readFileSync(bundle));
    const runCopy = () =>
      spawnSync(process.execPath, [copy, '--version'], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } });
    expect(runCopy().stdout).toBe(`${packageJson.version}\n`);
    expect(cacheFiles(path.join(home, '.cache', 'ei-keystore'))).toHaveLength(1);
    // The same number of bytes, one digit of the version changed: the start group's text differs, its length not.
    const text = readFileSync(copy, 'latin1');
    const version = `version:"${packageJson.version}"`;
    expect(text.includes(version)).toBe(true);
    const changed = `${packageJson.version.slice(0, -1)}${packageJson.version.endsWith('9') ? '8' : '9'}`;
    writeFileSync(copy, text.replace(version, `version:"${changed}"`), 'latin1');
    const after = runCopy();
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toBe(`${changed}\n`);
  });

  it('is kept per copy of the file: two copies of one version do not overwrite each other', () => {
    const home = tempDir();
    const copies = ['a.mjs', 'b.mjs'].map((name) => path.join(home, name));
    for (const copy of copies) writeFileSync(copy, readFileSync(bundle));
    const runCopy = (copy: string) =>
      spawnSync(process.execPath, [copy, '--version'], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: home } });
    for (const copy of copies) expect(runCopy(copy).stdout).toBe(`${packageJson.version}\n`);
    const cache = path.join(home, '.cache', 'ei-keystore');
    const files = cacheFiles(cache).sort();
    expect(files).toHaveLength(2);
    const written = files.map((name) => readFileSync(path.join(cache, name)));
    // Each run after the first finds its own cache accepted, so nothing is written again.
    for (const copy of [...copies, ...copies]) runCopy(copy);
    expect(files.map((name) => readFileSync(path.join(cache, name)).equals(written[files.indexOf(name)]!))).toEqual([true, true]);
  });

  it('a cache V8 rejects (stale or damaged) is ignored and replaced', () => {
    const home = tempDir();
    const cache = path.join(home, '.cache', 'ei-keystore');
    run(['--version'], { HOME: home });
    const [written] = cacheFiles(cache);
    writeFileSync(path.join(cache, written!), Buffer.alloc(4096, 7), { mode: 0o600 });
    const damaged = run(['--version'], { HOME: home });
    expect(damaged).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    expect(readFileSync(path.join(cache, written!)).equals(Buffer.alloc(4096, 7))).toBe(false);
  });

  it('a cache file others may write is not used, and a cache folder others may write is not written', () => {
    const home = tempDir();
    const cache = path.join(home, '.cache', 'ei-keystore');
    run(['--version'], { HOME: home });
    const [written] = cacheFiles(cache);
    chmodSync(path.join(cache, written!), 0o666);
    expect(run(['--version'], { HOME: home }).stdout).toBe(`${packageJson.version}\n`);
    // Not read, so written anew: the private file replaced the shared one.
    expect(statSync(path.join(cache, written!)).mode & 0o777).toBe(0o600);

    const shared = path.join(tempDir(), 'shared-cache');
    mkdirSync(path.join(shared, 'ei-keystore'), { recursive: true });
    chmodSync(path.join(shared, 'ei-keystore'), 0o777);
    expect(run(['--version'], { HOME: home, XDG_CACHE_HOME: shared }).code).toBe(0);
    expect(readdirSync(path.join(shared, 'ei-keystore'))).toEqual([]);
  });

  it('an unwritable cache, or EI_KEYSTORE_CODE_CACHE=off, changes nothing but speed', () => {
    const home = tempDir();
    const notADirectory = path.join(home, 'a-file');
    writeFileSync(notADirectory, '');
    expect(run(['--version'], { HOME: home, XDG_CACHE_HOME: notADirectory })).toEqual({
      code: 0,
      stdout: `${packageJson.version}\n`,
      stderr: '',
    });
    const off = run(['--version'], { HOME: home, EI_KEYSTORE_CODE_CACHE: 'off' });
    expect(off).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    expect(existsSync(path.join(home, '.cache'))).toBe(false);
    // A HOME where mkdir says ENOENT under a folder that exists (procfs): Node's recursive mkdir retried that for
    // ever, and the tool hung at exit after printing.
    expect(run(['--version'], { HOME: '/proc/self' })).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    // An XDG_CACHE_HOME whose folders are missing gets them, one by one.
    const nested = path.join(home, 'not', 'yet', 'there');
    expect(run(['--version'], { HOME: home, XDG_CACHE_HOME: nested }).code).toBe(0);
    expect(readdirSync(path.join(nested, 'ei-keystore')).filter((name) => name.endsWith('.v8'))).toHaveLength(1);
    // ~/.cache is made when missing, private, as the cache folder in it.
    expect(run(['--version'], { HOME: home }).code).toBe(0);
    expect(statSync(path.join(home, '.cache')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(home, '.cache', 'ei-keystore')).mode & 0o777).toBe(0o700);
  });
});
