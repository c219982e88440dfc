import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../source/fuzz/campaign.js';
import { runKeystoreCase } from '../../source/fuzz/cases.js';
import { javaKeystoreLengthFields, derLengthFields } from '../../source/fuzz/length-fields.js';
import { keytoolSeeds, shippedSeeds, tomlInvalidFiles, wso2ConfigSeeds, type KeystoreSeed } from '../../source/fuzz/seeds.js';
import { describeWithFixtures, fixturesDir } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

let seeds: KeystoreSeed[] | undefined;
async function smallSeeds(): Promise<KeystoreSeed[]> {
  seeds ??= await keytoolSeeds(tempDir());
  return seeds;
}

describe('fuzzing keystores (a fixed-seed sample of npm run fuzz)', () => {
  it('600 mutated JKS, JCEKS and PKCS12 files: each a correct read or a clear error, none over 1 s, no allocation from lying lengths', async () => {
    const keystoreSeeds = [...(await smallSeeds()), ...shippedSeeds(fixturesDir()).filter((seed) => seed.bytes.length < 120_000)];
    const figures = await runCampaign({ seed: 20261126, keystoreCases: 600, configCases: 0, keystoreSeeds, configSeeds: [], tomlInvalid: [] });
    expect(figures.failures).toEqual([]);
    expect(figures.byFormat).toEqual({ JKS: 200, JCEKS: 200, PKCS12: 200 });
    expect(figures.crashes + figures.hangs + figures.memoryBlowUps).toBe(0);
    expect(figures.clearErrors).toBeGreaterThan(300);
    expect(figures.reads, 'some mutations leave a readable keystore (the digest is fixed half of the time)').toBeGreaterThan(0);
    expect(figures.maxBufferGrowthMb).toBeLessThan(64);
    expect(figures.maxMs).toBeLessThan(1000);
  });

  it('is reproducible from its seed', async () => {
    const keystoreSeeds = await smallSeeds();
    const run = () => runCampaign({ seed: 7, keystoreCases: 60, configCases: 0, keystoreSeeds, configSeeds: [], tomlInvalid: [] });
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
  it("every toml-test invalid file and 300 mutated WSO2 configs through the parser and the patcher: no crash", async () => {
    const tomlInvalid = tomlInvalidFiles(fixturesDir());
    expect(tomlInvalid.length).toBeGreaterThan(400);
    const figures = await runCampaign({ seed: 11, keystoreCases: 0, configCases: 300, keystoreSeeds: [], configSeeds: wso2ConfigSeeds(fixturesDir()), tomlInvalid });
    expect(figures.failures).toEqual([]);
    expect(figures.configCases).toBe(tomlInvalid.length + 300);
    // smol-toml is lenient on a few (dates like Feb 30, TOML 1.1 forms): they parse and patch correctly, no more.
    expect(figures.invalidTomlAccepted.length).toBeLessThan(30);
    expect(figures.reads).toBeGreaterThan(0);
  });
});
