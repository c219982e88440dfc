/**
 * apply starts a new keystore's key pair as soon as the answers are read (commands/apply.ts, procedures/key-in-advance.ts),
 * so it is made while the rest of the command loads and the home is read. What must hold: the plan uses that key
 * (one generation, not two); only quick keys start early (a plan that refuses waits for the key it started: Node
 * cannot cancel it); and a run that needs no key (the answers are already in place) starts none, as before.
 *
 * The bundle's runs count node:crypto's generateKeyPair through a preload (--require).
 */
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnswersFile } from '../../source/answers/answers-file.js';
import { generateInAdvance, type KeyPair, type KeyPairSpec } from '../../source/keystore/generate.js';
import { readKeystore } from '../../source/keystore/open.js';
import { startKeyPairInAdvance } from '../../source/procedures/key-in-advance.js';
import { readHomeSnapshot } from '../../source/procedures/home-snapshot.js';
import { gatherPlanInputs } from '../../source/procedures/plan-inputs.js';
import { planChange } from '../../source/procedures/prepare.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { spawnBundle } from '../reliability/bundle.js';
import { tempDir } from '../support/tmp.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const PASSWORD = 'fresh-password-1';
const env = { NEW_PASS: PASSWORD };
const RSA_2048: KeyPairSpec = { algorithm: 'RSA', size: 2048 };

function answersFile(dir: string, options: { password?: string; existing?: boolean; key?: [string, number] } = {}): string {
  const file = path.join(dir, `primary-${options.key?.join('-') ?? 'rsa-2048'}.toml`);
  const [algorithm, size] = options.key ?? ['RSA', 2048];
  const password = options.password === undefined ? '{ env = "NEW_PASS" }' : JSON.stringify(options.password);
  const key = options.existing
    ? `source = "existing"\n[keystore.existing]\npath = ${JSON.stringify(path.join(dir, 'other.jks'))}\npassword = { env = "NEW_PASS" }\n`
    : `source = "generate"\n[keystore.generate]\ndname = "CN=ei.example.com, O=Example"\nkey_algorithm = "${algorithm}"\nkey_size = ${size}\n`;
  writeFileSync(file, `[keystore]\nfile_name = "ei-primary.jks"\nalias = "ei-primary"\npassword = ${password}\n${key}`);
  return file;
}

/** A preload that records each generateKeyPair call in `log`. */
function keyGenerationPreload(dir: string): { preload: string; log: string; calls: () => number } {
  const preload = path.join(dir, 'key-generation.cjs');
  const log = path.join(dir, 'generations.log');
  writeFileSync(
    preload,
    `const crypto = require('node:crypto');
const { appendFileSync } = require('node:fs');
const original = crypto.generateKeyPair;
const counting = function (...args) {
  appendFileSync(${JSON.stringify(log)}, 'generateKeyPair\\n');
  return original.apply(this, args);
};
// util.promisify resolves to { publicKey, privateKey } by a symbol the original carries.
for (const symbol of Object.getOwnPropertySymbols(original)) Object.defineProperty(counting, symbol, Object.getOwnPropertyDescriptor(original, symbol));
crypto.generateKeyPair = counting;
require('node:module').syncBuiltinESMExports();
`,
  );
  const calls = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
  return { preload, log, calls };
}

async function sandboxHome(): Promise<string> {
  return (await createSandbox(path.join(tempDir(), 'home'), 'mi-4', NOW)).home;
}

describe('a key pair generated in advance', () => {
  it('is taken once, and only for the spec it was started for', async () => {
    const inAdvance = generateInAdvance(RSA_2048);
    expect(inAdvance.take({ algorithm: 'EC', size: 256 })).toBeUndefined();
    expect(inAdvance.take({ algorithm: 'RSA', size: 3072 })).toBeUndefined();
    const taken = inAdvance.take(RSA_2048);
    expect(taken).toBeDefined();
    expect(inAdvance.take(RSA_2048)).toBeUndefined();
    const pair = await taken!;
    expect(pair.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('is started only for a generated key whose keystore file the home does not have', async () => {
    const home = await sandboxHome();
    const dir = tempDir();
    const { answers } = await readAnswersFile(answersFile(dir), 'primary', env);
    const where = { home, env: {}, cwd: dir };
    const started = await startKeyPairInAdvance(answers, where);
    const pair = started?.take(RSA_2048);
    expect(pair).toBeDefined();
    expect((await pair!).privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // RSA 3072 and 4096 take seconds, which a plan that refuses would wait for (Node cannot cancel the job): the
    // plan generates those itself. EC keys are quick and start at once.
    for (const [spec, expected] of [
      [{ algorithm: 'RSA', size: 3072 }, false],
      [{ algorithm: 'RSA', size: 4096 }, false],
      [{ algorithm: 'EC', size: 256 }, true],
    ] as Array<[KeyPairSpec, boolean]>) {
      const other = await readAnswersFile(answersFile(dir, { key: [spec.algorithm, spec.size] }), 'primary', env);
      const early = await startKeyPairInAdvance(other.answers, where);
      expect(early !== undefined, `${spec.algorithm} ${spec.size}`).toBe(expected);
      await early?.take(spec);
    }

    // The file is there: the answers may already be in place (a second run needs no key), so the plan decides.
    writeFileSync(path.join(home, 'repository/resources/security/ei-primary.jks'), 'x');
    expect(await startKeyPairInAdvance(answers, where)).toBeUndefined();
    // No home there: reading the home says why; nothing is started.
    expect(await startKeyPairInAdvance(answers, { home: path.join(dir, 'nowhere'), env: {}, cwd: dir })).toBeUndefined();
    // A key from an existing keystore is not generated at all.
    const existing = await readAnswersFile(answersFile(dir, { existing: true }), 'primary', env);
    expect(await startKeyPairInAdvance(existing.answers, { home: await sandboxHome(), env: {}, cwd: dir })).toBeUndefined();
  });

  it('is the key the plan puts in the new keystore: the plan generates none of its own', async () => {
    const home = await sandboxHome();
    const { answers, secrets } = await readAnswersFile(answersFile(tempDir()), 'primary', env);
    const snapshot = await readHomeSnapshot({ home, env, cwd: home, now: NOW });
    await gatherPlanInputs(snapshot, answers, { env });
    const known: KeyPair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const asked: KeyPairSpec[] = [];
    const prepared = await planChange(snapshot, answers, secrets, {
      keyPair: {
        take: (spec) => {
          asked.push(spec);
          return Promise.resolve(known);
        },
      },
    });
    expect(asked).toEqual([RSA_2048]);
    const write = prepared.writes.find((candidate) => path.basename(candidate.path) === 'ei-primary.jks')!;
    const entry = (await readKeystore(Buffer.from(write.content), PASSWORD)).entries.find((candidate) => candidate.kind === 'private-key');
    if (entry?.kind !== 'private-key') throw new Error('no key entry');
    const wanted = known.publicKey.export({ format: 'der', type: 'spki' });
    expect(entry.key.recover(PASSWORD).equals(known.privateKey)).toBe(true);
    expect(new X509Certificate(entry.chain[0]!).publicKey.export({ format: 'der', type: 'spki' })).toEqual(wanted);
  });
});

describe('apply primary with a generated key, the bundle', () => {
  it('generates the key once, and not at all when a second run finds the answers in place', async () => {
    const home = await sandboxHome();
    const dir = tempDir();
    const answers = answersFile(dir);
    const counted = keyGenerationPreload(dir);
    const first = await spawnBundle(['apply', 'primary', '--answers', answers, '--home', home, '--json'], {
      ...env,
      NODE_OPTIONS: `--require ${counted.preload}`,
    }).done;
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ changed: true });
    expect(counted.calls()).toBe(1);

    const second = await spawnBundle(['apply', 'primary', '--answers', answers, '--home', home, '--json'], {
      ...env,
      NODE_OPTIONS: `--require ${counted.preload}`,
    }).done;
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ changed: false });
    expect(counted.calls()).toBe(1);
  });

  it('a dry run generates the one key its plan shows, as it did before', async () => {
    const home = await sandboxHome();
    const dir = tempDir();
    const counted = keyGenerationPreload(dir);
    const run = await spawnBundle(['apply', 'primary', '--answers', answersFile(dir), '--home', home, '--dry-run', '--json'], {
      ...env,
      NODE_OPTIONS: `--require ${counted.preload}`,
    }).done;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ dryRun: true, changed: false });
    expect(counted.calls()).toBe(1);
  });

  it('a plan that refuses says why and exits 2; the key it started is the only one', async () => {
    const home = await sandboxHome();
    const dir = tempDir();
    const counted = keyGenerationPreload(dir);
    // Valid answers, a keystore file the home lacks: the key starts; the plan then refuses the short password.
    const run = await spawnBundle(['apply', 'primary', '--answers', answersFile(dir, { password: 'short' }), '--home', home, '--json'], {
      NODE_OPTIONS: `--require ${counted.preload}`,
    }).done;
    expect(counted.calls()).toBe(1);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ changed: false, error: { code: 'answers-invalid' } });
    expect(run.stderr).toMatch(/\[keystore\] password/);
  });
});
