import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { selfCommand } from '../../source/session/self-command.js';
import { describe, expect, it } from 'vitest';
import { SANDBOX_HELP, sandboxCommand } from '../../source/commands/sandbox.js';
import { statusCommand } from '../../source/commands/status.js';
import { tempDir } from '../support/tmp.js';
import { captureContext, usageError } from '../support/command-context.js';

const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');

const NOW = new Date('2026-11-26T12:00:00Z');
const context = (cwd: string) => captureContext(cwd, { now: NOW });

type SandboxCommand = typeof sandboxCommand;

describe('ei-keystore sandbox', () => {
  it('says where it made the home, its profile and files, and what to try next; status reads it', async () => {
    const cwd = tempDir();
    const run = context(cwd);
    expect(await sandboxCommand(['box', '--profile', 'mi-1.2'], run.ctx)).toBe(0);
    const home = path.join(cwd, 'box');
    const out = run.out();
    expect(out).toContain(`Made a sandbox home in ${home}`);
    expect(out).toContain('profile mi-1.2');
    for (const file of [
      'conf/deployment.toml',
      'repository/resources/conf/default.json',
      'repository/resources/security/wso2carbon.jks',
      'repository/resources/security/client-truststore.jks',
    ]) {
      expect(out).toContain(`  ${file}\n`);
    }
    expect(out).toMatch(/"wso2carbon" certificate only .*~90-150 public CAs/);
    expect(out).toContain('[keystore.tls]'); // the mi-1.2 quirk is announced
    // As this tool was invoked, with absolute paths: they run from any directory (issue 14, item 14).
    expect(out).toContain(`  ${selfCommand()} status --home ${home}\n`);
    expect(out).toContain(`  ${selfCommand()} --home ${home} --dry-run\n`);
    expect(out).not.toContain('--answers templates/');
    expect(run.err()).toBe('');

    const status = context('/');
    expect(await statusCommand(['--home', home, '--json'], status.ctx)).toBe(0);
    const report = JSON.parse(status.out()) as { profile: string; findings: { code: string }[] };
    expect(report.profile).toBe('mi-1.2');
    expect(report.findings.map((finding) => finding.code)).toEqual(expect.arrayContaining(['default-keystore', 'table-ignored']));
  });

  it('--json prints one document; a second run leaves the sandbox and says so on stderr', async () => {
    const home = path.join(tempDir(), 'json box');
    const first = context('/');
    expect(await sandboxCommand([home, '--json'], first.ctx)).toBe(0);
    expect(JSON.parse(first.out())).toEqual({
      home,
      profile: 'mi-4',
      files: [
        'conf/deployment.toml',
        'repository/resources/conf/default.json',
        'repository/resources/security/wso2carbon.jks',
        'repository/resources/security/client-truststore.jks',
      ],
      created: true,
    });
    expect(first.err()).toBe('');
    const keystore = readFileSync(path.join(home, 'repository/resources/security/wso2carbon.jks'));

    const second = context('/');
    expect(await sandboxCommand([home, '--json', '--profile', 'ei-7'], second.ctx)).toBe(0);
    expect(JSON.parse(second.out())).toMatchObject({ home, profile: 'mi-4', created: false });
    expect(second.err()).toContain('was made with profile mi-4, not ei-7');
    expect(second.err()).toContain('already a sandbox');
    expect(readFileSync(path.join(home, 'repository/resources/security/wso2carbon.jks'))).toEqual(keystore);

    const text = context('/');
    expect(await sandboxCommand([home], text.ctx)).toBe(0);
    expect(text.out()).toContain(`${home} is already a sandbox home`);
    // A path with a space is quoted, so the suggested command can be pasted.
    expect(text.out()).toContain(`${selfCommand()} status --home '${home}'`);
  });

  it('refuses bad usage and a non-empty directory with exit 2, writing nothing', async () => {
    const cwd = tempDir();
    expect((await usageError(sandboxCommand([], context(cwd).ctx))).message).toContain('needs a directory');
    expect((await usageError(sandboxCommand(['a', 'b'], context(cwd).ctx))).message).toContain('one directory');
    const profile = await usageError(sandboxCommand(['c', '--profile', 'mi-5'], context(cwd).ctx));
    expect(profile.message).toContain('ei-7, mi-1.1, mi-1.2, mi-4');
    await usageError(sandboxCommand(['d', '--force'], context(cwd).ctx));
    mkdirSync(path.join(cwd, 'full'));
    writeFileSync(path.join(cwd, 'full', 'keep.txt'), 'x');
    expect((await usageError(sandboxCommand(['full'], context(cwd).ctx))).message).toMatch(/not empty/);
    expect(readFileSync(path.join(cwd, 'full', 'keep.txt'), 'utf8')).toBe('x');
    expect(readdirSync(cwd)).toEqual(['full']);
  });

  it('--help prints the usage', async () => {
    const run = context('/');
    expect(await sandboxCommand(['--help'], run.ctx)).toBe(0);
    expect(run.out()).toBe(SANDBOX_HELP);
    expect(SANDBOX_HELP).toContain('ei-7 | mi-1.1 | mi-1.2 | mi-4');
  });

  it('works from an esbuild bundle: the .toml templates are inlined as text, as scripts/build.mjs does', async () => {
    expect(readFileSync(path.join(repositoryRoot, 'scripts/build.mjs'), 'utf8')).toMatch(/loader: \{ '\.toml': 'text' \}/);
    const dir = tempDir();
    const outfile = path.join(dir, 'sandbox-bundle.mjs');
    await build({
      entryPoints: [path.join(repositoryRoot, 'source/commands/sandbox.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      loader: { '.toml': 'text' },
      banner: {
        js: "import { createRequire as __eikCreateRequire } from 'node:module'; const require = __eikCreateRequire(import.meta.url);",
      },
      logLevel: 'silent',
    });
    const bundled = (await import(pathToFileURL(outfile).href)) as { sandboxCommand: SandboxCommand };
    const run = context(dir);
    expect(await bundled.sandboxCommand(['home', '--profile', 'ei-7', '--json'], run.ctx)).toBe(0);
    expect(JSON.parse(run.out())).toMatchObject({ profile: 'ei-7', created: true });
    expect(readFileSync(path.join(dir, 'home/conf/ei.toml'), 'utf8')).toBe(
      readFileSync(path.join(repositoryRoot, 'templates/sandbox/ei-7.toml'), 'utf8'),
    );
  });
});
