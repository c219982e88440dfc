// Bundles the tool into one file, dist/ei-keystore.mjs, which bin/ei-keystore.js runs.
// One file starts faster than hundreds of modules and can be copied to a server alone.
import { build } from 'esbuild';

await build({
  entryPoints: ['source/main.ts'],
  outfile: 'dist/ei-keystore.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Some dependencies still call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __eikCreateRequire } from 'node:module'; const require = __eikCreateRequire(import.meta.url);" },
  legalComments: 'none',
  loader: { '.toml': 'text' }, // sandbox config templates, inlined as strings
  logLevel: 'warning',
});
