import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { buildInto, repositoryRoot, runWithOnly, type ProgramRun } from '../support/build.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { expectFullScreenWizardOpens, skipWithoutScript } from '../support/pseudo-terminal.js';

// The npm install: package.json's bin, bin/ei-keystore.cjs, runs dist/ei-keystore.mjs's loader as CommonJS instead
// of importing the .mjs (which would have Node's ES module loader read and decode all of it at every start). Its
// output must be the .mjs's, whatever the command.

const TRUSTSTORE = fixturePath('wso2', 'keystores', 'carbon-kernel-v4.9.26', 'client-truststore.jks');

let buildDir = '';
let installed = '';
let bin = '';
let bundle = '';

function run(argv: string[], env: NodeJS.ProcessEnv = {}): ProgramRun {
  return runWithOnly(argv, { cwd: installed, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: installed, NO_COLOR: '1', ...env } });
}

beforeAll(() => {
  buildDir = mkdtempSync(path.join(os.tmpdir(), 'eik-bin-build-'));
  const built = buildInto(buildDir);
  // The package as npm installs it: bin/ and dist/ side by side.
  installed = mkdtempSync(path.join(os.tmpdir(), 'eik-npm-bin-'));
  mkdirSync(path.join(installed, 'bin'));
  mkdirSync(path.join(installed, 'dist'));
  bin = path.join(installed, 'bin', 'ei-keystore.cjs');
  bundle = path.join(installed, 'dist', 'ei-keystore.mjs');
  copyFileSync(path.join(repositoryRoot, packageJson.bin['ei-keystore']), bin);
  copyFileSync(built.bundle, bundle);
});

afterAll(() => {
  for (const dir of [buildDir, installed]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describeWithFixtures("package.json's bin", () => {
  it('is bin/ei-keystore.cjs, CommonJS, which Node runs without its ES module loader', () => {
    expect(packageJson.bin['ei-keystore']).toBe('bin/ei-keystore.cjs');
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('prints what the .mjs prints: version, inspect of the shipped truststore, sandbox and status', () => {
    const same = (args: string[], env: NodeJS.ProcessEnv = {}) => {
      const viaBin = run([process.execPath, bin, ...args], env);
      const viaModule = run([process.execPath, bundle, ...args], env);
      expect(viaBin.code, viaBin.stderr).toBe(0);
      expect(viaBin).toEqual(viaModule);
      return viaBin;
    };
    expect(same(['--version']).stdout.trim()).toBe(packageJson.version);
    const listed = same(['inspect', TRUSTSTORE, '--password-env', 'TP'], { TP: 'wso2carbon' });
    expect(listed.stdout).toMatch(/^JKS, 146 entries \(146 trusted certificates\)$/m);
    // One sandbox each (the second run's would be refused: the folder is not empty), then the same status.
    const made = run([process.execPath, bin, 'sandbox', 'home', '--json']);
    expect(made.code, made.stderr).toBe(0);
    const status = same(['status', '--home', 'home', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ profile: 'mi-4' });
  });

  it("runs the bundle's own loader, never importing the .mjs: a bundle whose ES module head is broken still runs", () => {
    const text = readFileSync(bundle, 'latin1');
    const head = "import { createRequire } from 'node:module';";
    expect(text).toContain(head);
    // Same length, so every offset the loader holds stays true.
    writeFileSync(bundle, text.replace(head, `throw 1${' '.repeat(head.length - 'throw 1'.length)}`), 'latin1');
    try {
      expect(run([process.execPath, bundle, '--version']).code).not.toBe(0);
      const viaBin = run([process.execPath, bin, '--version']);
      expect(viaBin.code, viaBin.stderr).toBe(0);
      expect(viaBin.stdout.trim()).toBe(packageJson.version);
    } finally {
      writeFileSync(bundle, text, 'latin1');
    }
  });

  it('reads a loader longer than its first block (32 KB), its mark split across two reads', () => {
    const text = readFileSync(bundle, 'latin1');
    const loaderStart = '/*EIK-LOADER*/\n';
    const at = text.indexOf(loaderStart) + loaderStart.length;
    const offsetField = /const SCRIPT_OFFSET = Number\('(\d+)'\);/.exec(text);
    expect(offsetField).not.toBeNull();
    // Padding that puts the groups' mark across the 64 KB boundary, where the second read ends.
    const scriptStart = text.indexOf('/*EIK-SCRIPT\n');
    const padding = `// ${'x'.repeat(64 * 1024 - scriptStart - 10)}\n`;
    const moved = String(Number(offsetField![1]) + padding.length).padStart(offsetField![1]!.length, '0');
    const padded = `${text.slice(0, at)}${padding}${text.slice(at)}`.replace(offsetField![0], `const SCRIPT_OFFSET = Number('${moved}');`);
    const mark = padded.indexOf('/*EIK-SCRIPT\n');
    expect(mark).toBeLessThan(64 * 1024);
    expect(mark + '/*EIK-SCRIPT\n'.length).toBeGreaterThan(64 * 1024);
    writeFileSync(bundle, padded, 'latin1');
    try {
      const viaBin = run([process.execPath, bin, 'inspect', TRUSTSTORE, '--password-env', 'TP'], { TP: 'wso2carbon' });
      expect(viaBin.code, viaBin.stderr).toBe(0);
      expect(viaBin).toEqual(run([process.execPath, bundle, 'inspect', TRUSTSTORE, '--password-env', 'TP'], { TP: 'wso2carbon' }));
    } finally {
      writeFileSync(bundle, text, 'latin1');
    }
  });

  it("numbers the loader's lines as the .mjs does: a stack trace points at the file's own line", () => {
    const text = readFileSync(bundle, 'latin1');
    const lines = text.split('\n');
    const at = lines.findIndex((line) => line.startsWith('const { dirname, join }'));
    expect(at).toBeGreaterThan(0);
    const thrower = "throw new Error('from the loader');";
    expect(lines[at]!.length).toBeGreaterThanOrEqual(thrower.length);
    lines[at] = thrower.padEnd(lines[at]!.length); // same length: every offset the loader holds stays true
    writeFileSync(bundle, lines.join('\n'), 'latin1');
    try {
      const run = runWithOnly([process.execPath, bin, '--version'], {
        cwd: installed,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: installed },
      });
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`${bundle}:${at + 1}`);
    } finally {
      writeFileSync(bundle, text, 'latin1');
    }
  });

  it('says to run `npm run build` when the bundle is missing or is not one, with exit code 2', () => {
    const moved = `${bundle}.away`;
    copyFileSync(bundle, moved);
    try {
      rmSync(bundle);
      const missing = run([process.execPath, bin, '--version']);
      expect(missing).toEqual({ code: 2, stdout: '', stderr: 'ei-keystore: the bundle is missing; run `npm run build` first.\n' });
      writeFileSync(bundle, 'console.log("something else");\n');
      const other = run([process.execPath, bin, '--version']);
      expect(other.code).toBe(2);
      expect(other.stdout).toBe('');
      expect(other.stderr).toBe(`ei-keystore: ${bundle} is not a bundle this version of the bin can run; run \`npm run build\` first.\n`);
    } finally {
      copyFileSync(moved, bundle);
      rmSync(moved);
    }
  });

  it('opens the full-screen wizard at 80x24 (Ink, loaded by a dynamic import of a section that awaits)', async (context) => {
    skipWithoutScript((note) => context.skip(note));
    await expectFullScreenWizardOpens([process.execPath, bin], installed);
  });
});
