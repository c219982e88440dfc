// The config patch on large files: bundle source/config/patch.ts with esbuild into a temporary module, import it,
// and time patchToml on generated deployment.toml files of 10 KB, 100 KB and 1 MB. The cost must grow linearly:
// time per KB flat within 25% across the sizes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { median } from './bench-measure.mjs';

/** @typedef {(text: string, changes: typeof PATCH_CHANGES, options: { file: string }) => string} PatchToml */

export const PATCH_SIZES_KB = [10, 100, 1024];

/**
 * patchToml from the sources, bundled (smol-toml included) so that it runs as the shipped bundle would.
 * @param {string} root
 * @returns {Promise<PatchToml>}
 */
export async function loadPatchToml(root) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eik-bench-patch-'));
  try {
    const outfile = path.join(dir, 'patch.mjs');
    await build({
      entryPoints: [path.join(root, 'source/config/patch.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      logLevel: 'warning',
    });
    const module = await import(pathToFileURL(outfile).href);
    return module.patchToml;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A Micro Integrator deployment.toml grown to `kb` kilobytes with tables of the kinds real files hold: comments,
 * arrays of tables, inline tables, dotted keys, escaped strings. The keystore tables sit near the top, as shipped.
 * @param {string} root
 * @param {number} kb
 */
export function generateConfig(root, kb) {
  const head = readFileSync(path.join(root, 'templates/sandbox/mi-4.toml'), 'utf8');
  const parts = [head];
  let size = Buffer.byteLength(head);
  for (let i = 0; size < kb * 1024; i++) {
    const block = `
# Handler ${i}: a comment line as long as the ones administrators leave behind, to keep the ratio realistic.
[[synapse_handlers]]
name = "handler-${i}"
class = "org.example.handlers.Handler${i}"
description = "routes \\"tenant-${i}\\" traffic\\tto the backend"
properties = { timeout = ${1000 + i}, retries = 3, hosts = ["a${i}.example.com", "b${i}.example.com"] }
transport.http.socket_timeout = ${180000 + i}

[[custom_message_formatters]]
content_type = "application/vnd.example-${i}+json"
class = 'org.example.formatters.Formatter${i}'
`;
    parts.push(block);
    size += Buffer.byteLength(block);
  }
  return parts.join('');
}

/** What `apply primary` and `apply internal` change: five keys of [keystore.primary] and a new [keystore.internal]. */
export const PATCH_CHANGES = [
  { table: ['keystore', 'primary'], key: 'file_name', value: 'ei-primary.jks' },
  { table: ['keystore', 'primary'], key: 'type', value: 'JKS' },
  { table: ['keystore', 'primary'], key: 'password', value: 'new "secret"' },
  { table: ['keystore', 'primary'], key: 'alias', value: 'ei-primary' },
  { table: ['keystore', 'primary'], key: 'key_password', value: 'new "secret"' },
  { table: ['keystore', 'internal'], key: 'file_name', value: 'ei-internal.jks' },
  { table: ['keystore', 'internal'], key: 'password', value: 'other' },
];

/**
 * Median ms per patch for each size. Small files are patched many times per sample, so that each sample lasts
 * long enough for the clock, and samples of all sizes are taken in turn.
 * @param {PatchToml} patchToml
 * @param {Map<number, string>} configs kilobytes -> text
 * @param {number} runs
 * @returns {Map<number, number>}
 */
export function measurePatch(patchToml, configs, runs) {
  const once = (/** @type {string} */ text) => {
    const result = patchToml(text, PATCH_CHANGES, { file: 'deployment.toml' });
    if (!result.includes('ei-internal.jks')) throw new Error('patchToml did not apply the changes');
  };
  /** @type {Map<number, number>} */
  const repeats = new Map();
  for (const [kb, text] of configs) {
    for (let i = 0; i < 3; i++) once(text); // warm-up: let V8 optimise the scanner
    const started = performance.now();
    once(text);
    repeats.set(kb, Math.max(1, Math.ceil(50 / Math.max(performance.now() - started, 0.01))));
  }
  /** @type {Map<number, number[]>} */
  const samples = new Map([...configs.keys()].map((kb) => [kb, []]));
  for (let round = 0; round < runs; round++) {
    for (const [kb, text] of configs) {
      const count = repeats.get(kb) ?? 1;
      const started = performance.now();
      for (let i = 0; i < count; i++) once(text);
      samples.get(kb)?.push((performance.now() - started) / count);
    }
  }
  return new Map([...samples].map(([kb, values]) => [kb, median(values)]));
}
