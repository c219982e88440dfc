#!/usr/bin/env node
// Fuzzing: mutated keystores of every format (keytool-made seeds, plus WSO2's shipped keystores when the shared
// fixtures are present) through the readers and key recovery, and every invalid file of toml-test plus mutated
// WSO2 configs through the config parser and the patcher. Each case must end in a correct read or a clear
// UserError: no other exception, no case over 1 s, no memory blow-up.
//
//   npm run fuzz -- [--seed S] [--cases N] [--config-cases N] [--json]
//
// The code under test is bundled from source/fuzz/ with esbuild, so this runs without a build step.
// Exit 0 when there were no crashes, hangs or blow-ups; 1 otherwise.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importBundled } from './import-bundled.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    cases: { type: 'string', default: '10000' },
    'config-cases': { type: 'string', default: '3000' },
    json: { type: 'boolean', default: false },
  },
});
const seed = Number(options.seed);
const keystoreCases = Number(options.cases);
const configCases = Number(options['config-cases']);
if (![seed, keystoreCases, configCases].every(Number.isInteger)) {
  console.error('usage: npm run fuzz -- [--seed S] [--cases N] [--config-cases N] [--json]');
  process.exit(2);
}
const say = (/** @type {string} */ line) => (options.json ? process.stderr : process.stdout).write(`${line}\n`);

const work = mkdtempSync(path.join(os.tmpdir(), 'eik-fuzz-'));
try {
  const fuzz = await importBundled(path.join(root, 'source', 'fuzz', 'index.ts'), work, 'fuzz');
  const fixtures = process.env.EI_FIXTURES ?? path.resolve(root, '..', 'shared', 'fixtures');
  const keystoreSeeds = [...(await fuzz.keytoolSeeds(work)), ...fuzz.shippedSeeds(fixtures)];
  const configSeeds = fuzz.wso2ConfigSeeds(fixtures);
  const tomlInvalid = fuzz.tomlInvalidFiles(fixtures);
  if (configSeeds.length === 0 || tomlInvalid.length === 0)
    say(`note: shared fixtures not found at ${fixtures} (set EI_FIXTURES): configs not fuzzed`);
  say(
    `fuzz: seed ${seed}; ${keystoreSeeds.length} keystore seeds (${keystoreSeeds.map((s) => s.name).join(', ')}); ${configSeeds.length} WSO2 configs; ${tomlInvalid.length} toml-test invalid files`,
  );

  const started = performance.now();
  const figures = await fuzz.runCampaign({
    seed,
    keystoreCases,
    configCases,
    keystoreSeeds,
    configSeeds,
    tomlInvalid,
    onProgress: (/** @type {number} */ done, /** @type {number} */ total) => {
      if (!options.json && done % 2000 === 0) say(`  ${done}/${total}`);
    },
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  for (const failure of figures.failures.slice(0, 30)) say(`  ${failure.kind.toUpperCase()}: ${failure.input}\n    ${failure.detail}`);
  if (figures.failures.length > 30) say(`  ... and ${figures.failures.length - 30} more`);
  say(
    [
      `cases: ${figures.cases} (${figures.keystoreCases} keystores: ${Object.entries(figures.byFormat)
        .map(([format, n]) => `${n} ${format}`)
        .join(', ')}; ${figures.configCases} configs)`,
      `outcomes: ${figures.reads} correct reads, ${figures.clearErrors} clear errors`,
      `crashes: ${figures.crashes}, hangs (> 1 s): ${figures.hangs}, memory blow-ups: ${figures.memoryBlowUps}`,
      `max ms per case: ${figures.maxMs.toFixed(1)}, max rss: ${Math.round(figures.maxRssMb)} MB, max Buffer growth in one case: ${figures.maxBufferGrowthMb.toFixed(1)} MB`,
      `toml-test invalid files the parser accepted: ${figures.invalidTomlAccepted.length}${figures.invalidTomlAccepted.length ? ` (${figures.invalidTomlAccepted.slice(0, 5).join(', ')}${figures.invalidTomlAccepted.length > 5 ? ', ...' : ''})` : ''}`,
      `${seconds} s`,
    ].join('\n'),
  );
  if (options.json) process.stdout.write(JSON.stringify({ ...figures, seconds }) + '\n');
  process.exitCode = figures.crashes + figures.hangs + figures.memoryBlowUps === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
