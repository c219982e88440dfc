import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { selfCommand } from '../../source/session/self-command.js';
import { stepLabel } from '../../source/core/step-labels.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { WizardApp } from '../../source/ui/app.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { homeFromFixtures, SECURITY } from '../support/homes.js';
import { runCliCaptured } from '../support/run-cli.js';
import { tempDir } from '../support/tmp.js';
import { renderInk, unmountAll, untilFrame } from '../ui/support/ink.js';

// Issue 14, "Home screen and status" (13) and "Commands and output" (14-19).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundle = path.join(root, 'dist/ei-keystore.mjs');
afterEach(() => unmountAll());

interface JsonFinding {
  level: string;
  code: string;
  role?: string;
  message: string;
}

/** WSO2's shipped MI 4 files as 4.10.x ships them: PKCS#12 bytes behind .jks names, no type lines. */
function shippedMi4Home(): string {
  const home = homeFromFixtures(tempDir(), { config: 'mi-4.0.0', kernel: 'carbon-kernel-v4.9.26' });
  for (const [from, to] of [
    ['wso2carbon.p12', 'wso2carbon.jks'],
    ['client-truststore.p12', 'client-truststore.jks'],
  ] as const) {
    copyFileSync(fixturePath('wso2', 'keystores', 'carbon-kernel-4.10.x', from), path.join(home, SECURITY, to));
  }
  return home;
}
// 13 days before the shipped wso2carbon certificate expires (2025-01-07).
const THIRTEEN_DAYS_BEFORE = new Date('2024-12-25T00:00:00Z');

describeWithFixtures('item 13: findings ranked by what matters, type-mismatch a note where Java reads the file anyway', () => {
  it('status: expiry and the shipped key before format notes; type-mismatch is info and names the default when there is no type line', async () => {
    const home = shippedMi4Home();
    const run = await runCliCaptured(['status', '--home', home, '--json'], { now: THIRTEEN_DAYS_BEFORE });
    const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
    const primary = findings.filter((finding) => finding.role === 'primary').map((finding) => `${finding.level}:${finding.code}`);
    expect(primary.indexOf('warning:expiring-soon')).toBe(0);
    expect(primary).toContain('warning:default-keystore');
    expect(primary.at(-1)).toBe('info:type-mismatch');
    const truststoreType = findings.find((finding) => finding.role === 'truststore' && finding.code === 'type-mismatch')!;
    expect(truststoreType.level).toBe('info');
    expect(truststoreType.message).toMatch(
      /\[truststore\] has no type line, so the server uses the default JKS \(repository\/resources\/conf\/default\.json\)/,
    );
    expect(truststoreType.message).not.toMatch(/type says/);
    // Levels first, then what matters: no warning after a note, no error after a warning.
    const levels = findings.map((finding) => ({ error: 0, warning: 1, info: 2 })[finding.level as 'error']);
    expect(levels).toEqual([...levels].sort());
  });

  it('home screen: the primary line headlines expiring-soon (not type-mismatch), with how many more; the counts match what status finds', async () => {
    const home = shippedMi4Home();
    const ink = renderInk(
      <WizardApp
        home={home}
        env={{}}
        cwd={home}
        now={THIRTEEN_DAYS_BEFORE}
        dryRun={false}
        keytoolAvailable={false}
        sandbox={false}
        onExit={() => undefined}
      />,
    );
    const frame = await untilFrame(
      ink,
      (text) => text.includes('Change the primary keystore') && text.includes('Profile'),
      'the home screen',
    );
    const run = await runCliCaptured(['status', '--home', home, '--json'], { now: THIRTEEN_DAYS_BEFORE });
    const findings = (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
    const primaryCount = findings.filter((finding) => finding.role === 'primary').length;
    expect(frame).toMatch(new RegExp(`^primary .*! expiring-soon \\+${primaryCount - 1}$`, 'm'));
    expect(frame).not.toMatch(/type-mismatch/);
    const warnings = findings.filter((finding) => finding.level === 'warning').length;
    const notes = findings.filter((finding) => finding.level === 'info').length;
    expect(frame).toContain(`0 errors, ${warnings} warnings, ${notes} notes`);
  });
});

describe('item 14: printed commands run where the user is', () => {
  it('selfCommand: `ei-keystore` when that name on PATH is this program, else node and the absolute script', () => {
    const dir = tempDir();
    const script = path.join(dir, 'dist', 'ei-keystore.mjs');
    mkdirSync(path.dirname(script));
    writeFileSync(script, '');
    const nodeDir = path.dirname(process.execPath);
    expect(selfCommand({ PATH: nodeDir }, ['node', script], process.execPath)).toBe(`node ${script}`);
    expect(selfCommand({ PATH: '/nonexistent' }, ['node', script], process.execPath)).toBe(`${process.execPath} ${script}`);
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(script, path.join(bin, 'ei-keystore'));
    expect(selfCommand({ PATH: `${bin}:${nodeDir}` }, ['node', path.join(bin, 'ei-keystore')], process.execPath)).toBe('ei-keystore');
    // A checkout's own copy is not the one on PATH: spelled out.
    expect(selfCommand({ PATH: `${bin}:${nodeDir}` }, ['node', path.join(dir, 'other.mjs')], process.execPath)).toBe(
      `node ${path.join(dir, 'other.mjs')}`,
    );
    expect(selfCommand({ PATH: nodeDir }, ['node', path.join(dir, 'with space.mjs')], process.execPath)).toBe(
      `node '${path.join(dir, 'with space.mjs')}'`,
    );
  });

  it("restore's own undo hint names the home, and runs as printed", async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const answers = path.join(tempDir(), 'truststore.toml');
    writeFileSync(
      answers,
      '[truststore]\nsource = "copy-current"\nfile_name = "ei-truststore.jks"\ntype = "JKS"\npassword = { env = "TP" }\n',
    );
    const applied = spawnSync(process.execPath, [bundle, 'apply', 'truststore', '--answers', answers, '--home', home, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, TP: 'trust-pass-14' },
    });
    expect(applied.status, applied.stderr).toBe(0);
    const backup = (JSON.parse(applied.stdout) as { backup: string }).backup;
    const restored = spawnSync(process.execPath, [bundle, 'restore', '--home', home, backup], { encoding: 'utf8', cwd: tempDir() });
    expect(restored.status, restored.stderr).toBe(0);
    const undo = /undo with (.*)$/m.exec(restored.stdout)![1]!;
    expect(undo).toBe(`node ${bundle} restore --home ${home} ${/backup (\S+): undo/.exec(restored.stdout)![1]}`);
    // Run exactly as printed, from another directory.
    const again = spawnSync('sh', ['-c', undo], { encoding: 'utf8', cwd: tempDir() });
    expect(again.status, again.stderr).toBe(0);
  });

  it('sandbox suggests commands that run anywhere: the tool as invoked, absolute paths', () => {
    const dir = path.join(tempDir(), 'box');
    const run = spawnSync(process.execPath, [bundle, 'sandbox', dir], { encoding: 'utf8', cwd: tempDir() });
    expect(run.status, run.stderr).toBe(0);
    const suggested = run.stdout.split('\n').filter((line) => line.startsWith(`  node ${bundle} `));
    expect(suggested.length).toBeGreaterThanOrEqual(2);
    expect(run.stdout).not.toMatch(/--answers templates\//);
    for (const line of suggested) {
      const answersPath = /--answers (\S+)/.exec(line)?.[1];
      if (answersPath) expect(existsSync(answersPath) && path.isAbsolute(answersPath)).toBe(true);
    }
  });
});

describe('items 15-17, 19: start, pipes, progress words, install', () => {
  it('item 16: a command into a closed pipe exits quietly, no stack trace', () => {
    const file = path.join(tempDir(), 'big.jks');
    // The shipped 145-entry truststore makes far more JSON than a pipe holds.
    copyFileSync(fixturePath('wso2', 'keystores', 'carbon-kernel-v4.9.26', 'client-truststore.jks'), file);
    const run = spawnSync(
      'bash',
      ['-c', `node ${bundle} inspect ${file} --password-env P --json | head -c 10 >/dev/null; echo "\${PIPESTATUS[0]}"`],
      { encoding: 'utf8', env: { ...process.env, P: 'wso2carbon' } },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('0');
  });

  it('item 17: apply without a terminal reports its steps in words on stderr', async () => {
    const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4');
    const answers = path.join(tempDir(), 'truststore.toml');
    writeFileSync(
      answers,
      '[truststore]\nsource = "copy-current"\nfile_name = "ei-truststore.jks"\ntype = "JKS"\npassword = { env = "TP" }\n',
    );
    const run = await runCliCaptured(['apply', 'truststore', '--answers', answers, '--home', home], { env: { TP: 'trust-pass-17' } });
    expect(run.code, run.stderr).toBe(0);
    for (const words of ['Lock the home against other runs', 'Back up every file that changes', 'Rename the new files into place'])
      expect(run.stderr).toContain(words);
    expect(run.stderr).not.toMatch(/^\s*(lock|check|backup|stage|verify|verify-own|commit|unlock)\s*$/m);
    // The crash harness reads the same words to know where a kill landed.
    const harness = readFileSync(path.join(root, 'scripts/crash-harness.mjs'), 'utf8');
    for (const step of ['lock', 'check', 'backup', 'stage', 'verify', 'commit', 'unlock', 'rollback'] as const)
      expect(harness).toContain(`${step}: '${stepLabel(step)}'`);
  });

  it('item 19: npm is told esbuild may run its install script; the README names every test prerequisite', () => {
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
      devDependencies: Record<string, string>;
    };
    // Every dependency with an install script is decided on, so `npm ci` has nothing to warn about.
    const withScripts = Object.keys(manifest.devDependencies).filter((name) => {
      const scripts =
        (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { scripts?: Record<string, string> })
          .scripts ?? {};
      return ['preinstall', 'install', 'postinstall'].some((hook) => hook in scripts);
    });
    expect(withScripts).toContain('esbuild');
    for (const name of withScripts) expect(manifest.allowScripts?.[name], name).toBeTypeOf('boolean');
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme.split('\n').find((line) => line.startsWith('npm ci && npm test'))).toMatch(/ansible/);
  });
});
