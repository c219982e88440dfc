import { runConfigCase, runKeystoreCase, type Outcome } from './cases.js';
import { mutateKeystore, mutateToml } from './mutate.js';
import { seededRandom } from './random.js';
import type { ConfigSeed, KeystoreSeed } from './seeds.js';

export interface CampaignOptions {
  seed: number;
  keystoreCases: number;
  /** Mutated WSO2 configs; the toml-test invalid files are run once each on top of these. */
  configCases: number;
  keystoreSeeds: KeystoreSeed[];
  configSeeds: ConfigSeed[];
  tomlInvalid: ConfigSeed[];
  /** A case slower than this is a hang. */
  caseLimitMs?: number;
  /** Resident memory above this is a blow-up. */
  rssLimitBytes?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface Failure {
  kind: 'crash' | 'hang' | 'memory';
  /** Enough to reproduce: the seed file and the mutations, or the file name. */
  input: string;
  detail: string;
}

export interface CampaignFigures {
  seed: number;
  keystoreCases: number;
  configCases: number;
  cases: number;
  reads: number;
  clearErrors: number;
  crashes: number;
  hangs: number;
  memoryBlowUps: number;
  maxMs: number;
  maxRssMb: number;
  /** The largest growth of Buffer memory across one case: a lying length field that allocates shows here. */
  maxBufferGrowthMb: number;
  /** toml-test invalid files the parser accepted (a leniency, reported, not a crash). */
  invalidTomlAccepted: string[];
  byFormat: Record<string, number>;
  failures: Failure[];
}

const MB = 1024 * 1024;
/** One case may not keep more than this in Buffers: a reader must check a length before allocating it. */
const BUFFER_GROWTH_LIMIT = 64 * MB;

export async function runCampaign(options: CampaignOptions): Promise<CampaignFigures> {
  const random = seededRandom(options.seed);
  const caseLimitMs = options.caseLimitMs ?? 1000;
  const rssLimit = options.rssLimitBytes ?? 1024 * MB;
  const figures: CampaignFigures = {
    seed: options.seed,
    keystoreCases: 0,
    configCases: 0,
    cases: 0,
    reads: 0,
    clearErrors: 0,
    crashes: 0,
    hangs: 0,
    memoryBlowUps: 0,
    maxMs: 0,
    maxRssMb: 0,
    maxBufferGrowthMb: 0,
    invalidTomlAccepted: [],
    byFormat: {},
    failures: [],
  };
  const total = options.keystoreCases + options.configCases + options.tomlInvalid.length;

  const record = async (input: string, run: () => Promise<Outcome> | Outcome): Promise<Outcome> => {
    const before = process.memoryUsage();
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await run();
    } catch (error) {
      outcome = { kind: 'crash', error: `escaped the case runner: ${String(error)}` };
    }
    const ms = performance.now() - started;
    const after = process.memoryUsage();
    figures.cases++;
    figures.maxMs = Math.max(figures.maxMs, ms);
    figures.maxRssMb = Math.max(figures.maxRssMb, after.rss / MB);
    const growth = after.arrayBuffers - before.arrayBuffers;
    figures.maxBufferGrowthMb = Math.max(figures.maxBufferGrowthMb, growth / MB);
    if (outcome.kind === 'read') figures.reads++;
    else if (outcome.kind === 'clear-error') figures.clearErrors++;
    else {
      figures.crashes++;
      figures.failures.push({ kind: 'crash', input, detail: outcome.error });
    }
    if (ms > caseLimitMs) {
      figures.hangs++;
      figures.failures.push({ kind: 'hang', input, detail: `${Math.round(ms)} ms` });
    }
    if (after.rss > rssLimit || growth > BUFFER_GROWTH_LIMIT) {
      figures.memoryBlowUps++;
      figures.failures.push({
        kind: 'memory',
        input,
        detail: `rss ${Math.round(after.rss / MB)} MB, Buffers grew ${Math.round(growth / MB)} MB`,
      });
    }
    if (figures.cases % 500 === 0) options.onProgress?.(figures.cases, total);
    return outcome;
  };

  const seeds = options.keystoreSeeds;
  for (let i = 0; i < options.keystoreCases && seeds.length > 0; i++) {
    // Round-robin over formats first, then over the seeds of that format: each format gets its share.
    const formats = [...new Set(seeds.map((seed) => seed.format))];
    const format = formats[i % formats.length]!;
    const seed = random.pick(seeds.filter((candidate) => candidate.format === format));
    const mutated = mutateKeystore(seed.bytes, seed.format, seed.password, random);
    figures.keystoreCases++;
    figures.byFormat[seed.format] = (figures.byFormat[seed.format] ?? 0) + 1;
    await record(`${seed.name} (seed ${options.seed}, case ${i}): ${mutated.steps.join(', ')}`, () =>
      runKeystoreCase(mutated.bytes, seed.format, seed.password),
    );
  }

  for (const file of options.tomlInvalid) {
    figures.configCases++;
    let accepted = false;
    await record(file.name, () => {
      const outcome = runConfigCase(file.bytes, file.name);
      accepted = outcome.accepted;
      return outcome;
    });
    if (accepted) figures.invalidTomlAccepted.push(file.name);
  }
  for (let i = 0; i < options.configCases && options.configSeeds.length > 0; i++) {
    const seed = random.pick(options.configSeeds);
    const mutated = mutateToml(seed.bytes, random);
    figures.configCases++;
    await record(`${seed.name} (seed ${options.seed}, config case ${i}): ${mutated.steps.join(', ')}`, () =>
      runConfigCase(mutated.bytes, seed.name),
    );
  }
  return figures;
}
