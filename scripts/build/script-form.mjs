// The bundle as a CommonJS script, and dist/ei-keystore.mjs as a small ES module that runs that script through
// V8's code cache.
//
// Why: start-up is mostly V8 compiling 2.4 MB of JavaScript (node --cpu-prof: compileSourceTextModule, ~40% of
// `--version`). Node 20 has no code cache for ES modules, but vm.Script takes cached data. So the .mjs is a
// loader of ~40 lines followed by the script in one comment: the module parser only scans the comment for its
// end, the loader reads its own file, and compiles the script with the cached data of an earlier run when there
// is one. The one executable (build-exe.mjs) takes the same script, and Node's own useCodeCache.
import { createHash } from 'node:crypto';
import { isBuiltin } from 'node:module';
import { transform } from 'esbuild';

const BUNDLE_REQUIRE_LINE = /^import \{ createRequire as __eikCreateRequire \}[^\n]*\n/;
const SCRIPT_START = '/*EIK-SCRIPT\n';

/**
 * The ESM bundle as a CommonJS script. esbuild cannot bundle straight to CommonJS because Ink and yoga-layout await
 * at their top level, but in the ESM bundle those awaits sit inside esbuild's lazy module initialisers (async
 * functions), so converting the `import ... from 'node:x'` lines to require() and import.meta.url to the file's
 * URL is all it takes. Checked, not assumed: an import of anything but a Node built-in fails the build.
 */
export async function scriptFromEsmBundle(bundleSource) {
  if (!BUNDLE_REQUIRE_LINE.test(bundleSource)) throw new Error('script-form: the bundle no longer starts with the createRequire banner of scripts/build.mjs');
  const converted = await transform(bundleSource.replace(BUNDLE_REQUIRE_LINE, ''), {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import('node:fs') inside the bundle becomes require(): a single executable's script has no module loader.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__eikScriptUrl' },
    charset: 'ascii',
    legalComments: 'none',
    // 2.4 MB -> 1.7 MB: less to read, decode and hash at every start (~10% of `--version`). Names are kept
    // (renaming them too saved nothing measurable), so a stack trace still reads.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'error',
  });
  const foreign = [...converted.code.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]).filter((name) => !isBuiltin(name));
  if (foreign.length > 0) throw new Error(`script-form: the bundle requires modules that are not Node built-ins: ${[...new Set(foreign)].join(', ')}`);
  // Each `import path from 'node:path'` of the bundle became its own __toESM(require('node:path')), a copy of
  // every property of the module (44 of node:path, 20 of node:process: ~12 ms at each start). One per module is enough.
  const code = converted.code.replaceAll('__toESM(require("node:', '__eikBuiltinESM(require("node:');
  return `const __eikScriptUrl = require('node:url').pathToFileURL(__filename).href;
const __eikBuiltinCopies = new Map();
function __eikBuiltinESM(builtin) {
  if (!__eikBuiltinCopies.has(builtin)) __eikBuiltinCopies.set(builtin, __toESM(builtin));
  return __eikBuiltinCopies.get(builtin);
}
${code}`;
}

/**
 * The loader at the top of the .mjs. The cache: $XDG_CACHE_HOME/ei-keystore (default ~/.cache/ei-keystore), one
 * file per script hash, Node version, CPU and command (each compiles functions of its own),
 * written once at exit when missing or rejected by V8, through a temporary file and a rename. It is only a speed-up:
 * a cache folder or file that is not the user's own and private, or anything that fails, means no cache; V8
 * itself rejects cached data made by another V8 or with other flags. EI_KEYSTORE_CODE_CACHE=off turns it off.
 */
function loaderSource({ hash, escape }) {
  return `// ei-keystore: this file is a loader followed by the tool itself, a script in the comment at the end.
import { closeSync, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script, constants } from 'node:vm';

const file = fileURLToPath(import.meta.url);
const text = readFileSync(file, 'latin1');
const start = text.indexOf(${JSON.stringify(SCRIPT_START)}) + ${SCRIPT_START.length};
const source = text.slice(start, text.lastIndexOf('*/')).replaceAll(${JSON.stringify(`*${escape}/`)}, '*/');

const own = (stat) => typeof process.getuid !== 'function' || (stat.uid === process.getuid() && (stat.mode & 0o022) === 0);
let cacheFile;
let cachedData;
try {
  if (process.env.EI_KEYSTORE_CODE_CACHE !== 'off') {
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ei-keystore');
    // One cache per command: each compiles functions of its own beyond the start (the wizard, apply, status ...).
    const first = process.argv[2] ?? '';
    const kind = ['status', 'inspect', 'apply', 'sandbox', 'restore'].includes(first) ? first : ['--version', '-v', '--help', '-h'].includes(first) ? 'version' : first.startsWith('-') || first === '' ? 'wizard' : 'other';
    cacheFile = join(dir, \`code-${hash}-\${process.version}-\${process.arch}-\${kind}.v8\`);
    const fd = openSync(cacheFile, 'r');
    try {
      const stat = fstatSync(fd);
      if (stat.isFile() && own(stat) && own(lstatSync(dir)) && stat.size < 64 * 1024 * 1024) cachedData = readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  }
} catch {
  // no cache yet, or none to be had
}
const script = new Script('(function (exports, require, module, __filename, __dirname) {' + source + '\\n})', {
  filename: file,
  cachedData,
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (cacheFile && (!cachedData || script.cachedDataRejected)) {
  process.once('exit', () => {
    try {
      const dir = join(cacheFile, '..');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || !own(stat)) return;
      const temporary = \`\${cacheFile}.\${process.pid}.tmp\`;
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600, flag: 'wx' });
      renameSync(temporary, cacheFile);
    } catch {
      // a cache that cannot be written is no cache
    }
  });
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(import.meta.url), module, file, file);
`;
}

/** dist/ei-keystore.mjs: the loader, then the script in a comment. */
export function moduleFromScript(script) {
  // A `*/` inside the script would end the comment: each becomes `*<escape>/`, with a control character the
  // script does not hold, and the loader turns them back.
  const escape = [...Array(18).keys()].map((index) => String.fromCharCode(14 + index)).find((character) => !script.includes(character));
  if (!escape) throw new Error('script-form: every control character from 0x0e to 0x1f occurs in the script; none is left to escape `*/` with');
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16);
  return `${loaderSource({ hash, escape })}${SCRIPT_START}${script.replaceAll('*/', `*${escape}/`)}*/\n`;
}

/** The script inside a .mjs that moduleFromScript made (the one executable is made from it). */
export function scriptFromModule(moduleText) {
  const start = moduleText.indexOf(SCRIPT_START);
  const escaped = /replaceAll\(("\*(?:\\u00[0-9a-f]{2}|[^"\\])\/"), '\*\/'\)/.exec(start < 0 ? '' : moduleText.slice(0, start));
  if (!escaped) throw new Error('script-form: this .mjs does not hold the script (was it made by scripts/build.mjs?)');
  return moduleText.slice(start + SCRIPT_START.length, moduleText.lastIndexOf('*/')).replaceAll(JSON.parse(escaped[1]), '*/');
}
