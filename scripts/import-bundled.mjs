// @ts-check
// Imports a TypeScript entry of source/ from a script: bundled with esbuild (the code under test as the shipped
// bundle has it, .toml files as text) into `work`, then imported. For scripts that run without a build step.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles `entry` (a path under the repository) into `work`/`name`.mjs and imports it.
 * @param {string} entry
 * @param {string} work
 * @param {string} name
 * @returns {Promise<any>} the module's exports (what the caller knows they are)
 */
export async function importBundled(entry, work, name) {
  const outfile = path.join(work, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    loader: { '.toml': 'text' },
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}
