import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SECURITY } from '../support/homes.js';
import { tempDir } from '../support/tmp.js';
import { keystoreAnswers, runBundle, spawnBundle, type BundleRun } from './bundle.js';

// Distinctive passwords: any occurrence of them anywhere is a leak.
const SECRETS = { NEW_PASS: 'Leak-Canary-Store-7f3a', NEW_KEY_PASS: 'Leak-Canary-Key-91c2', TRUST_PASS: 'Leak-Canary-Trust-5d0e' };
const CANARIES = Object.values(SECRETS);

function leaks(text: string): string[] {
  return CANARIES.filter((secret) => text.includes(secret));
}

/** Every process's command line, NUL-separated arguments joined with spaces; vanished processes skipped. */
function commandLines(): Array<{ pid: string; program: string; cmdline: string }> {
  const out: Array<{ pid: string; program: string; cmdline: string }> = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`).toString('utf8').split('\0');
      out.push({ pid, program: path.basename(args[0] ?? ''), cmdline: args.join(' ') });
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

async function sandboxHome(profile: 'mi-4' | 'ei-7' = 'mi-4'): Promise<string> {
  return (await createSandbox(path.join(tempDir(), 'home'), profile)).home;
}

function manifestsText(home: string): string {
  const dir = path.join(home, '.ei-keystore', 'backups');
  return readdirSync(dir)
    .map((id) => readFileSync(path.join(dir, id, 'manifest.json'), 'utf8'))
    .join('\n');
}

function outputOf(run: BundleRun): string {
  return run.stdout + run.stderr;
}

describe('secrets hygiene', () => {
  it('while apply --keytool runs, no password is in any command line (keytool seen alive), nor in its output, diff or manifest', async () => {
    const home = await sandboxHome();
    const answers = keystoreAnswers(tempDir(), 'ei-primary', { keyPassword: true });
    const apply = spawnBundle(['apply', 'primary', '--answers', answers, '--home', home, '--keytool'], SECRETS);
    let polls = 0;
    let keytoolSeen = 0;
    const leaked: string[] = [];
    let running = true;
    void apply.done.then(() => (running = false));
    while (running) {
      for (const { pid, program, cmdline } of commandLines()) {
        // keytool's launcher keeps its name as argv[0] (the apply itself has --keytool in its arguments: not counted).
        if (program === 'keytool') keytoolSeen++;
        for (const secret of leaks(cmdline)) leaked.push(`pid ${pid}: ${secret} in ${cmdline}`);
      }
      polls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const run = await apply.done;
    expect(run.code, run.stderr).toBe(0);
    expect(polls).toBeGreaterThan(10);
    expect(keytoolSeen, 'keytool was alive during some polls').toBeGreaterThan(0);
    expect(leaked).toEqual([]);
    expect(leaks(outputOf(run))).toEqual([]);
    expect(run.stdout).toMatch(/\+key_password = \*{8}/); // the diff is there, masked
    expect(leaks(manifestsText(home))).toEqual([]);
    // The configuration must hold the new password: that is where the product reads it.
    expect(readFileSync(path.join(home, 'conf', 'deployment.toml'), 'utf8')).toContain(SECRETS.NEW_PASS);
  });

  it('no password in --json, --dry-run, status, restore --list, nor in the errors of a failed or refused apply', async () => {
    const home = await sandboxHome('ei-7');
    const dir = tempDir();
    const answers = keystoreAnswers(dir, 'ei-primary', { keyPassword: true });
    const runs: Array<[string, BundleRun]> = [];
    const record = async (name: string, args: string[], env: NodeJS.ProcessEnv = SECRETS) => {
      const run = await runBundle(args, env);
      runs.push([name, run]);
      return run;
    };
    await record('dry run', ['apply', 'primary', '--answers', answers, '--home', home, '--dry-run']);
    await record('dry run --json', ['apply', 'primary', '--answers', answers, '--home', home, '--dry-run', '--json']);
    const failed = await record('failure rolled back', ['apply', 'primary', '--answers', answers, '--home', home], {
      ...SECRETS,
      EIK_FAIL_AT: 'verify',
    });
    expect(failed.code).toBe(1);
    const short = await record('password too short', ['apply', 'primary', '--answers', answers, '--home', home], {
      ...SECRETS,
      NEW_PASS: 'Leak-',
    });
    expect(short.code).toBe(2);
    // A source keystore opened with a wrong password: the error names the file, not the password tried.
    writeFileSync(
      path.join(dir, 'existing.toml'),
      `[keystore]\nsource = "existing"\nfile_name = "ei-internal.jks"\npassword = { env = "NEW_PASS" }\n[keystore.existing]\npath = "${path.join(home, SECURITY, 'wso2carbon.jks')}"\npassword = { env = "TRUST_PASS" }\n`,
    );
    const wrong = await record('wrong source password', [
      'apply',
      'internal',
      '--answers',
      path.join(dir, 'existing.toml'),
      '--home',
      home,
    ]);
    expect(wrong.code).toBe(2);
    const json = await record('apply --json', ['apply', 'primary', '--answers', answers, '--home', home, '--json']);
    expect(json.code, json.stderr).toBe(0);
    await record('status', ['status', '--home', home]);
    await record('status --json', ['status', '--home', home, '--json']);
    await record('restore --list', ['restore', '--home', home, '--list']);
    for (const [name, run] of runs) expect(leaks(outputOf(run)), name).toEqual([]);
    expect(leaks(manifestsText(home))).toEqual([]);
  });

  it('keystores are written 0600, the backup folder is 0700, restored files get their original modes', async () => {
    const home = await sandboxHome();
    const config = path.join(home, 'conf', 'deployment.toml');
    const truststore = path.join(home, SECURITY, 'client-truststore.jks');
    chmodSync(config, 0o640);
    chmodSync(truststore, 0o604);
    const run = await runBundle(
      ['apply', 'primary', '--answers', keystoreAnswers(tempDir(), 'ei-primary'), '--home', home, '--json'],
      SECRETS,
    );
    expect(run.code, run.stderr).toBe(0);
    const backup = (JSON.parse(run.stdout) as { backup: string }).backup;
    const mode = (file: string) => statSync(file).mode & 0o7777;
    expect(mode(path.join(home, SECURITY, 'ei-primary.jks'))).toBe(0o600);
    expect(mode(config), 'a replaced file keeps its mode').toBe(0o640);
    expect(mode(truststore), 'a truststore replaced in place keeps its mode').toBe(0o604);
    for (const dir of ['.ei-keystore', '.ei-keystore/backups', `.ei-keystore/backups/${backup}`])
      expect(mode(path.join(home, dir)), dir).toBe(0o700);
    for (const name of readdirSync(path.join(home, '.ei-keystore/backups', backup)))
      expect(mode(path.join(home, '.ei-keystore/backups', backup, name)), name).toBe(0o600);
    chmodSync(config, 0o600); // changed by hand after the apply: the restore puts back the mode it had before
    const restored = await runBundle(['restore', '--home', home, backup]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(mode(truststore)).toBe(0o604);
    expect(mode(config)).toBe(0o640);
  });
});
