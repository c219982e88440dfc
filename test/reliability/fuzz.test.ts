import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../source/fuzz/campaign.js';
import { runConfigCase, runKeystoreCase, type Outcome } from '../../source/fuzz/cases.js';
import { javaKeystoreLengthFields, derLengthFields } from '../../source/fuzz/length-fields.js';
import { parseConfigText } from '../../source/config/read.js';
import type { KeystoreFormat } from '../../source/keystore/model.js';
import { readKeystore } from '../../source/keystore/open.js';
import { keytoolSeeds, shippedSeeds, tomlInvalidFiles, wso2ConfigSeeds, type KeystoreSeed } from '../../source/fuzz/seeds.js';
import { describeWithFixtures, fixturesDir } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

/**
 * Behaviour only: a slow case is not a failure here (the suite shares a 2-core machine); the bound of 1 s per case
 * is a row of `npm run bench` (scripts/bench-fuzz.mjs), which runs this same campaign. A case that never ends
 * still fails, at the test's timeout.
 */
const BEHAVIOUR_ONLY = { caseLimitMs: Number.POSITIVE_INFINITY } as const;

let seeds: KeystoreSeed[] | undefined;
async function smallSeeds(): Promise<KeystoreSeed[]> {
  seeds ??= await keytoolSeeds(tempDir());
  return seeds;
}

describe('fuzzing keystores (a fixed-seed sample of npm run fuzz)', () => {
  it('600 mutated JKS, JCEKS and PKCS12 files: each a correct read or a clear error, no allocation from lying lengths', async () => {
    const keystoreSeeds = [...(await smallSeeds()), ...shippedSeeds(fixturesDir()).filter((seed) => seed.bytes.length < 120_000)];
    const figures = await runCampaign({
      seed: 20261126,
      keystoreCases: 600,
      configCases: 0,
      keystoreSeeds,
      configSeeds: [],
      tomlInvalid: [],
      ...BEHAVIOUR_ONLY,
    });
    expect(figures.failures).toEqual([]);
    expect(figures.byFormat).toEqual({ JKS: 200, JCEKS: 200, PKCS12: 200 });
    expect(figures.crashes + figures.hangs + figures.memoryBlowUps).toBe(0);
    expect(figures.clearErrors).toBeGreaterThan(300);
    expect(figures.reads, 'some mutations leave a readable keystore (the digest is fixed half of the time)').toBeGreaterThan(0);
    expect(figures.maxBufferGrowthMb).toBeLessThan(64);
  });

  it('is reproducible from its seed', async () => {
    const keystoreSeeds = await smallSeeds();
    const run = () =>
      runCampaign({ seed: 7, keystoreCases: 60, configCases: 0, keystoreSeeds, configSeeds: [], tomlInvalid: [], ...BEHAVIOUR_ONLY });
    const [a, b] = [await run(), await run()];
    expect([a.reads, a.clearErrors]).toEqual([b.reads, b.clearErrors]);
  });

  it('every length field set to 0xFFFFFFFF (or 0xFFFF) is refused without allocating it', async () => {
    for (const seed of (await smallSeeds()).filter((candidate) => candidate.name !== 'keytool JCEKS secret key')) {
      const fields = seed.format === 'PKCS12' ? derLengthFields(seed.bytes) : javaKeystoreLengthFields(seed.bytes);
      expect(fields.length, seed.name).toBeGreaterThan(5);
      for (const field of fields) {
        const bytes = Buffer.from(seed.bytes);
        if (field.der) {
          if (field.width === 1) continue; // a short-form length cannot claim more than 127 bytes
          bytes.fill(0xff, field.offset + 1, field.offset + field.width);
        } else if (field.width === 2) bytes.writeUInt16BE(0xffff, field.offset);
        else bytes.writeUInt32BE(0xffffffff, field.offset);
        const before = process.memoryUsage().arrayBuffers;
        const outcome = await runKeystoreCase(bytes, seed.format, seed.password);
        expect(outcome.kind, `${seed.name} length at ${field.offset}`).toBe('clear-error');
        expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
      }
    }
  });
});

describeWithFixtures('fuzzing configs', () => {
  it('every toml-test invalid file and 300 mutated WSO2 configs through the parser and the patcher: no crash', async () => {
    const tomlInvalid = tomlInvalidFiles(fixturesDir());
    expect(tomlInvalid.length).toBeGreaterThan(400);
    const figures = await runCampaign({
      seed: 11,
      keystoreCases: 0,
      configCases: 300,
      keystoreSeeds: [],
      configSeeds: wso2ConfigSeeds(fixturesDir()),
      tomlInvalid,
      ...BEHAVIOUR_ONLY,
    });
    expect(figures.failures).toEqual([]);
    expect(figures.configCases).toBe(tomlInvalid.length + 300);
    // smol-toml is lenient on a few (dates like Feb 30, TOML 1.1 forms): they parse and patch correctly, no more.
    expect(figures.invalidTomlAccepted.length).toBeLessThan(30);
    expect(figures.reads).toBeGreaterThan(0);
  });
});

/** One input that fuzzing once broke (test/fuzz-regressions/README.md says how to add one). */
interface FuzzRegression {
  /** Relative to test/fuzz-regressions/. */
  file: string;
  format: KeystoreFormat | 'config';
  /** The store password the case is run with (keystores only). */
  password?: string;
  /** How the case must end now: a correct read, or a clear error a user can act on. */
  expect: 'read' | 'clear-error';
  /** For a clear error: words its message must hold (so that it fails for the reason it once broke on). */
  message?: string;
  /** Where it was found and what broke: the commit, the fuzzer's report, the fix. */
  found: string;
}

const regressionsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fuzz-regressions');
const regressions = JSON.parse(readFileSync(path.join(regressionsDir, 'cases.json'), 'utf8')) as FuzzRegression[];

async function replay(regression: FuzzRegression): Promise<Outcome> {
  const bytes = readFileSync(path.join(regressionsDir, regression.file));
  if (regression.format === 'config') return runConfigCase(bytes, regression.file);
  return runKeystoreCase(bytes, regression.format, regression.password ?? '');
}

/** The message a user sees for a keystore regression: read as the tool reads it, every key recovered. */
async function errorMessage(regression: FuzzRegression): Promise<string> {
  const bytes = readFileSync(path.join(regressionsDir, regression.file));
  const password = regression.password ?? '';
  try {
    if (regression.format === 'config') parseConfigText(bytes.toString('utf8'), regression.file);
    else for (const entry of (await readKeystore(bytes, password)).entries) if (entry.kind === 'private-key') entry.key.recover(password);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return '(no error)';
}

describe('fuzz regressions: every input in test/fuzz-regressions replayed on every run', () => {
  it('lists every input file in cases.json, each with where it was found', () => {
    const onDisk = ['keystores', 'configs'].flatMap((folder) =>
      readdirSync(path.join(regressionsDir, folder))
        .filter((name) => !name.startsWith('.'))
        .map((name) => `${folder}/${name}`),
    );
    expect(regressions.map((regression) => regression.file).sort()).toEqual(onDisk.sort());
    for (const regression of regressions) expect(regression.found.length, regression.file).toBeGreaterThan(20);
  });

  it.each(regressions)('$file ends in $expect', async (regression) => {
    const outcome = await replay(regression);
    expect(outcome.kind, `${regression.file}: ${JSON.stringify(outcome)}`).toBe(regression.expect);
    if (regression.message !== undefined) expect(await errorMessage(regression)).toContain(regression.message);
  });
});
