// Two start-up costs of the wizard that the bundle removes (measured with node --cpu-prof on the first frame):
// - yoga-layout's loader (emscripten) sees a global `fetch` and "fetches" its own base64-embedded WebAssembly
//   through it, which makes Node load its whole HTTP client (undici, ~30 ms) for a data: URL. It decodes the
//   embedded bytes directly instead.
// - wrap-ansi brings its own older copy of string-width, whose start-up builds the same large emoji regular
//   expressions again (~17 ms). Both copies have the same API, so the bundle keeps one.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const FETCH_TEST = '"function"!=typeof fetch';

export function startUpFixes(root) {
  return {
    name: 'start-up-fixes',
    setup(context) {
      context.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(FETCH_TEST)) throw new Error(`start-up-fixes: ${args.path} changed; check the yoga-layout upgrade.`);
        return { contents: source.replaceAll(FETCH_TEST, 'true'), loader: 'js' };
      });
      context.onResolve({ filter: /^string-width$/ }, (args) =>
        args.importer.includes(`${path.sep}wrap-ansi${path.sep}`) ? { path: path.join(root, 'node_modules', 'string-width', 'index.js') } : undefined,
      );
    },
  };
}
