// Two start-up costs of the wizard that the bundle removes (measured with node --cpu-prof on the first frame):
// - yoga-layout's loader (emscripten) sees a global `fetch` and "fetches" its own base64-embedded WebAssembly
//   through it, which makes Node load its whole HTTP client (undici, ~30 ms) for a data: URL. It decodes the
//   embedded bytes directly instead.
// - wrap-ansi brings its own older copy of string-width, whose start-up builds the same large emoji regular
//   expressions again (~17 ms). Both copies have the same API, so the bundle keeps one.
// - string-width tests every grapheme of a non-ASCII string (the wizard's arrows, dashes, box lines) against
//   /^\p{RGI_Emoji}$/v, and V8 compiles that expression, thousands of emoji sequences, at its first use: the
//   largest single cost of the first frame (node --cpu-prof: stringWidth's own time, 124 ms -> 13 ms). Every RGI emoji holds an Extended_Pictographic
//   character, a regional indicator (flags), U+20E3 (keycaps) or a skin-tone modifier, so a grapheme with none of
//   them is tested with a cheap expression first and the answer is the same.
// - yoga-layout's loader turns its base64 WebAssembly into bytes with atob and a loop over each character, run
//   cold at every start of the wizard; Buffer decodes the same base64 natively.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const FETCH_TEST = '"function"!=typeof fetch';
const WASM_BYTES_LOOP = 'var b=xa(a.slice(37)),c=new Uint8Array(b.length);for(a=0;a<b.length;++a)c[a]=b.charCodeAt(a);var d=c';
const WASM_BYTES_NATIVE = 'var d=new Uint8Array(Buffer.from(a.slice(37),"base64"))';
const EMOJI_TEST = 'if (rgiEmojiRegex.test(segment) ||';
const EMOJI_TEST_GUARDED =
  'if ((/[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\p{Emoji_Modifier}\\u20E3]/u.test(segment) && rgiEmojiRegex.test(segment)) ||';

/**
 * `source` with each of `replacements` ([from, to]) made exactly once, or an error naming the file to check.
 * @param {string} source
 * @param {string} file
 * @param {ReadonlyArray<[string, string]>} replacements
 */
function replacedOnce(source, file, replacements) {
  let result = source;
  for (const [from, to] of replacements) {
    if (result.split(from).length !== 2) throw new Error(`start-up-fixes: ${file} changed; check the upgrade.`);
    result = result.replace(from, () => to);
  }
  return result;
}

/**
 * @param {string} root the repository
 * @returns {import('esbuild').Plugin}
 */
export function startUpFixes(root) {
  return {
    name: 'start-up-fixes',
    setup(context) {
      context.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(FETCH_TEST)) throw new Error(`start-up-fixes: ${args.path} changed; check the yoga-layout upgrade.`);
        return {
          contents: replacedOnce(source.replaceAll(FETCH_TEST, 'true'), args.path, [[WASM_BYTES_LOOP, WASM_BYTES_NATIVE]]),
          loader: 'js',
        };
      });
      context.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        return { contents: replacedOnce(source, args.path, [[EMOJI_TEST, EMOJI_TEST_GUARDED]]), loader: 'js' };
      });
      context.onResolve({ filter: /^string-width$/ }, (args) =>
        args.importer.includes(`${path.sep}wrap-ansi${path.sep}`)
          ? { path: path.join(root, 'node_modules', 'string-width', 'index.js') }
          : undefined,
      );
    },
  };
}
