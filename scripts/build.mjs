// Bundles the tool into one file, dist/ei-keystore.mjs, which bin/ei-keystore.cjs runs.
// One file starts faster than hundreds of modules and can be copied to a server alone: it must need nothing
// but Node (no node_modules, no templates on disk). test/bundle/single-file.test.ts holds it to that.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { build } from 'esbuild';
import { inkIncrementalFix } from './build/ink-incremental-fix.mjs';
import { groupsFromSplitBundle, moduleFromScript } from './build/script-form.mjs';
import { startUpFixes } from './build/start-up-fixes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Start-up time is the time to compile this one file (see scripts/bench.mjs): what no command uses stays out.
// - Ink loads its React DevTools bridge (react-devtools-core, ws) only when DEV=true, and react-devtools-core is
//   not installed: left external, esbuild would hoist its import to the top and every start would fail. It
//   becomes a module that fails as a missing one does, which Ink reports with its own hint.
// - @inquirer/prompts re-exports the editor prompt, which plain mode never asks, and which brings iconv-lite and
//   chardet (~650 KB): it becomes a prompt that says it is not bundled.
const ABSENT = [
  {
    filter: /^\.\/devtools\.js$/,
    importer: /[\\/]ink[\\/]build[\\/]reconciler\.js$/,
    contents:
      "const error = new Error('React DevTools (DEV=true) are not part of the ei-keystore bundle'); error.code = 'ERR_MODULE_NOT_FOUND'; throw error;",
  },
  {
    filter: /^react-devtools-core$/,
    importer: /./,
    contents:
      "const error = new Error('react-devtools-core is not part of the ei-keystore bundle'); error.code = 'ERR_MODULE_NOT_FOUND'; throw error;",
  },
  {
    filter: /^@inquirer\/editor$/,
    importer: /./,
    contents: "export default function editor() { throw new Error('the editor prompt is not part of the ei-keystore bundle'); }",
  },
];

/** @type {import('esbuild').Plugin} */
const leaveOutUnused = {
  name: 'leave-out-unused',
  setup(pluginBuild) {
    ABSENT.forEach((absent, index) => {
      pluginBuild.onResolve({ filter: absent.filter }, (args) =>
        absent.importer.test(args.importer) ? { path: String(index), namespace: 'eik-absent' } : undefined,
      );
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'eik-absent' }, (args) => ({
      contents: ABSENT[Number(args.path)]?.contents,
      loader: 'js',
    }));
  },
};

/**
 * The bundle's esbuild options, without the output file: the bundle test builds with them into a temporary folder.
 * @type {import('esbuild').BuildOptions}
 */
export const bundleOptions = {
  entryPoints: [path.join(root, 'source/main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Some dependencies still call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __eikCreateRequire } from 'node:module'; const require = __eikCreateRequire(import.meta.url);" },
  legalComments: 'none',
  loader: { '.toml': 'text' }, // sandbox config templates, inlined as strings
  // React's production build: smaller and faster than the development one it picks by default.
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [leaveOutUnused, inkIncrementalFix, startUpFixes(root)],
  logLevel: 'warning',
};

/**
 * dist/ei-keystore.mjs: the ESM bundle, split at its dynamic imports, made groups of CommonJS sections behind a
 * loader that compiles the groups a command needs with V8's code cache (scripts/build/script-form.mjs says why
 * and how).
 */
export async function buildBundle(outfile = path.join(root, 'dist/ei-keystore.mjs')) {
  const outdir = await mkdtemp(path.join(os.tmpdir(), 'eik-split-'));
  try {
    const result = await build({
      ...bundleOptions,
      outdir,
      splitting: true,
      entryNames: 'main',
      chunkNames: 'chunk-[hash]',
      metafile: true,
      write: false,
      absWorkingDir: root,
    });
    const groups = await groupsFromSplitBundle(result.outputFiles, result.metafile, root);
    // A fresh clone has no dist/: with write: false esbuild does not create it.
    await mkdir(path.dirname(outfile), { recursive: true });
    await writeFile(outfile, moduleFromScript(groups));
    return result;
  } finally {
    await rm(outdir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await buildBundle();
}
