// The bundle as CommonJS sections, and dist/ei-keystore.mjs as a small ES module that compiles only the sections a
// command needs, through V8's code cache.
//
// Why: start-up was mostly V8 compiling 2.4 MB of JavaScript (node --cpu-prof: compileSourceTextModule, ~40% of
// `--version`). Node 20 has no code cache for ES modules, but vm.Script takes cached data. So the .mjs is a
// loader of ~150 lines followed by the tool in one comment: the module parser only scans the comment for its end,
// the loader reads its own file (bytes, not decoded), and compiles the groups of sections a command needs with
// the cached data of an earlier run when there is one.
//
// Sections: esbuild splits the bundle at every dynamic import (each command, the wizard, Ink, node-forge, execa
// ...) into chunks; each chunk becomes a CommonJS section, and the sections are gathered into a few groups, each
// compiled as one script when a section of it is first needed: `--version` and `--help` compile only the small
// group of the entry (21 KB of 1.9 MB), never Ink, React, yoga-layout or node-forge. The one executable
// (build-exe.mjs) holds the same groups as assets and the same loader, reading them from itself; the npm bin
// (bin/ei-keystore.cjs) runs the .mjs's loader as CommonJS.
import { createHash } from 'node:crypto';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import { transform } from 'esbuild';

/** A section as the loader knows it: a chunk of the split bundle, whether it awaits at its top level, what it imports. */
/** @typedef {{ name: string; awaits: boolean; imports: string[] }} Section */
/**
 * A group: one script of section functions, compiled (and cached) together. text: stored as text in the .mjs
 * rather than compressed (see TEXT_COMMANDS); the entry's group always is.
 * @typedef {{ name: string; script: string; sections: Section[]; text?: boolean }} Group
 */
/** A section's CommonJS code, as groupScript puts it in its group. */
/** @typedef {{ name: string; code: string; awaits: boolean }} SectionSource */

const BUNDLE_REQUIRE_LINE = /^import \{ createRequire as __eikCreateRequire \}[^\n]*\n/;
const SCRIPT_START = '/*EIK-SCRIPT\n';
/**
 * Where the loader's body starts: what follows uses only `nodeRequire` and `file` (this file's path), never
 * import.meta, so bin/ei-keystore.cjs can run it as CommonJS (see there).
 */
const LOADER_START = '/*EIK-LOADER*/\n';
const OFFSET_PLACEHOLDER = '__EIK_OFFSET__';
/** A chunk larger than this is a group of its own (Ink and React, node-forge, execa, ...); the others share one. */
const OWN_GROUP_BYTES = 48 * 1024;
/**
 * The commands whose code the .mjs stores as text: `inspect` (timed against `keytool -list`) and the wizard, whose
 * first frame is drawn before Ink loads (what it imports statically). Every other group is stored compressed
 * (brotli, base64): Node's ES module loader reads and decodes the whole file at every start, ~10 ms per MB and
 * ~500 pages of fresh memory, and decompressing costs only the commands that need a group, ~25 ms per MB.
 */
const TEXT_COMMANDS = ['source/commands/inspect.ts', 'source/commands/wizard.ts'];

/** @type {import('esbuild').TransformOptions} */
const CONVERT_OPTIONS = {
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // import('node:fs') becomes require(), import('./chunk.js') the loader's own import: a single executable's
  // script has no module loader.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__eikMeta.url' },
  charset: 'ascii',
  legalComments: 'none',
  // Less to read, decode and hash at every start (~10% of `--version`). Names are kept (renaming them too saved
  // nothing measurable), so a stack trace still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'silent',
};

/**
 * esbuild does not convert an ES module that awaits at its top level to CommonJS (Ink's chunk: yoga-layout awaits
 * its WebAssembly). Each such `await f(...)` becomes `__eikAwait(f(...))` for the conversion, and `await(...)`
 * after it: the section is then an async function, which the loader awaits before any section that imports it.
 * @param {string} source
 * @param {string} name
 * @returns {Promise<{ code: string; awaits: boolean }>}
 */
async function convertChunk(source, name) {
  let text = source;
  let awaits = false;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const converted = await transform(text, CONVERT_OPTIONS);
      return { code: awaits ? converted.code.replaceAll('__eikAwait(', 'await(') : converted.code, awaits };
    } catch (error) {
      const problem = /** @type {{ errors?: import('esbuild').Message[] }} */ (error).errors?.[0];
      if (!problem || !/Top-level await/.test(problem.text) || !problem.location) throw error;
      const lines = text.split('\n');
      const at =
        lines.slice(0, problem.location.line - 1).reduce((/** @type {number} */ sum, line) => sum + line.length + 1, 0) +
        problem.location.column;
      text = wrapAwait(text, at, name);
      awaits = true;
    }
  }
  throw new Error(`script-form: ${name} awaits at its top level more often than expected`);
}

/**
 * `await callee(args)` at `at` as `__eikAwait(callee(args))`: a callee (names and dots, or import) and one call.
 * @param {string} text
 * @param {number} at
 * @param {string} name
 */
function wrapAwait(text, at, name) {
  const match = /^await\s+((?:[\w$]+\.)*[\w$]+)\s*\(/.exec(text.slice(at));
  if (!match) throw new Error(`script-form: ${name}: a top-level await of something other than a call: ${text.slice(at, at + 80)}`);
  let index = at + match[0].length;
  let depth = 1;
  let quote = '';
  for (; index < text.length && depth > 0; index++) {
    const character = text[index];
    if (quote) {
      if (character === '\\') index++;
      else if (character === quote) quote = '';
    } else if (character === '"' || character === "'" || character === '`') quote = character;
    else if (character === '(') depth++;
    else if (character === ')') depth--;
  }
  if (depth !== 0) throw new Error(`script-form: ${name}: an unbalanced top-level await`);
  const callee = at + /** @type {RegExpExecArray} */ (/^await\s+/.exec(text.slice(at)))[0].length;
  return `${text.slice(0, at)}__eikAwait(${text.slice(callee, index)})${text.slice(index)}`;
}

/**
 * A chunk of the ESM split bundle as the body of a CommonJS section: require() of built-ins, checked.
 * @param {string} chunkSource
 * @param {string} name
 */
async function sectionCode(chunkSource, name) {
  if (!BUNDLE_REQUIRE_LINE.test(chunkSource))
    throw new Error(`script-form: ${name} no longer starts with the createRequire banner of scripts/build.mjs`);
  const { code: converted, awaits } = await convertChunk(chunkSource.replace(BUNDLE_REQUIRE_LINE, ''), name);
  // import('./chunk.js') is the loader's import (it evaluates what the chunk imports first, awaiting sections that
  // await); require('./chunk.js') its __eikSection: require() is left for Node's built-ins.
  const code = converted
    .replace(
      /Promise\.resolve\(\)\.then\(\(\)=>__toESM\(require\("(\.\/[^"]+)"\)\)\)/g,
      (_whole, id) => `__eikImport(${JSON.stringify(id)}).then(__toESM)`,
    )
    .replace(/\brequire\("(\.\/[^"]+)"\)/g, (_whole, id) => `__eikSection(${JSON.stringify(id)})`);
  const foreign = [...code.matchAll(/\brequire\("([^"]+)"\)/g)]
    .map((match) => /** @type {string} */ (match[1]))
    .filter((id) => !isBuiltin(id));
  if (foreign.length > 0)
    throw new Error(`script-form: the bundle requires modules that are not Node built-ins: ${[...new Set(foreign)].join(', ')}`);
  // Each `import path from 'node:path'` of the bundle became its own __toESM(require('node:path')), a copy of
  // every property of the module (44 of node:path, 20 of node:process: ~12 ms at each start). One per module is enough.
  return { code: lazyBuiltins(code.replaceAll('__toESM(require("node:', '__eikBuiltinESM(require("node:')), awaits };
}

// Built-ins that Node has loaded before any ES module runs (process.moduleLoadList of an empty .mjs): requiring
// them costs nothing. Every other one (crypto, child_process, net, tls, readline, stream, ...: ~25 ms together,
// node --cpu-prof of `--version`) is loaded when the tool first touches it.
const LOADED_AT_START = new Set([
  'node:events',
  'node:buffer',
  'node:path',
  'node:querystring',
  'node:async_hooks',
  'node:timers',
  'node:util',
  'node:fs',
  'node:url',
  'node:string_decoder',
  'node:process',
]);

/**
 * esbuild hoists every import of a built-in to the top of its chunk (`var import_node_crypto = require(...)`), so
 * each start loaded all of them, whatever the command. Each such binding becomes an object with a getter per
 * property the code reads from it, loading the built-in at the first read. Only where the binding is never
 * used but as `binding.property` (never passed or called as a whole): anything else keeps its require().
 * @param {string} code
 */
function lazyBuiltins(code) {
  const declaration = /([,\s;{(]|^)([A-Za-z_$][\w$]*)=(__eikBuiltinESM\(require\("(node:[\w/]+)"\)\)|require\("(node:[\w/]+)"\))(?=[,;])/g;
  return code.replace(
    declaration,
    (
      /** @type {string} */ whole,
      /** @type {string} */ before,
      /** @type {string} */ binding,
      /** @type {string} */ load,
      /** @type {string | undefined} */ esmId,
      /** @type {string | undefined} */ plainId,
    ) => {
      if (LOADED_AT_START.has(/** @type {string} */ (esmId ?? plainId))) return whole;
      const uses = [...code.matchAll(new RegExp(`(?<![\\w$.])${binding.replaceAll('$', '\\$')}(?![\\w$])(.?)([\\w$]*)`, 'g'))];
      // The declaration itself is one use (`binding=`, once); every other must be `binding.name`.
      const properties = new Set();
      let declarations = 0;
      for (const use of uses) {
        if (use[1] === '=' && code[use.index + binding.length + 1] !== '=' && ++declarations === 1) continue;
        if (use[1] !== '.' || use[2] === '') return whole;
        properties.add(use[2]);
      }
      return `${before}${binding}=__eikLazyBuiltin(()=>${load},${JSON.stringify([...properties])})`;
    },
  );
}

/**
 * What every group script starts with: import.meta.url (made when read: only Ink's development path reads it, and
 * making it for each group loaded cost ~0.1 ms each), one ESM copy per built-in, lazy built-ins.
 */
const GROUP_HELPERS = `const __eikMeta={get url(){return __eikNodeRequire('node:url').pathToFileURL(__filename).href;}};
const __eikBuiltinCopies=new Map();
function __eikBuiltinESM(builtin){
  if(!__eikBuiltinCopies.has(builtin)){const copy=Object.create(Object.getPrototypeOf(builtin));for(const key of Object.getOwnPropertyNames(builtin))if(key!=='default')Object.defineProperty(copy,key,{get:()=>builtin[key],enumerable:Object.getOwnPropertyDescriptor(builtin,key).enumerable});Object.defineProperty(copy,'default',{value:builtin,enumerable:true});__eikBuiltinCopies.set(builtin,copy);}
  return __eikBuiltinCopies.get(builtin);
}
function __eikLazyBuiltin(load,names){
  let builtin;const lazy={};
  for(const name of names)Object.defineProperty(lazy,name,{get:()=>(builtin??=load())[name],set:(value)=>{(builtin??=load())[name]=value;},enumerable:true});
  return lazy;
}
`;

/**
 * A group's script: a function of (__filename, __dirname, node's require) returning its sections' functions.
 * @param {readonly SectionSource[]} sections
 */
function groupScript(sections) {
  const bodies = sections.map(
    (section) =>
      `${JSON.stringify(section.name)}:${section.awaits ? 'async ' : ''}function(exports,require,module,__eikImport,__eikSection){${section.code}\n}`,
  );
  return `(function(__filename,__dirname,__eikNodeRequire){${GROUP_HELPERS}return{${bodies.join(',\n')}};})`;
}

/**
 * The split ESM bundle (esbuild outputFiles with splitting, and its metafile) as groups of CommonJS sections:
 * [{ name, script, sections: [{ name, awaits, imports }] }], the entry's group first. workingDir: esbuild's
 * absWorkingDir, to which the metafile's paths are relative.
 * @param {readonly import('esbuild').OutputFile[]} outputFiles
 * @param {import('esbuild').Metafile} metafile
 * @param {string} workingDir
 * @returns {Promise<Group[]>}
 */
export async function groupsFromSplitBundle(outputFiles, metafile, workingDir) {
  const nameOf = (/** @type {string} */ file) => path.basename(file, '.js');
  /** @type {Array<SectionSource & { imports: string[]; entry: boolean; bytes: number }>} */
  const chunks = [];
  for (const output of outputFiles) {
    const name = nameOf(output.path);
    const meta = metafile.outputs[path.relative(workingDir, output.path).split(path.sep).join('/')];
    if (!meta) throw new Error(`script-form: ${output.path} is not in esbuild's metafile`);
    const imports = meta.imports.filter((entry) => entry.kind === 'import-statement' && !entry.external).map((entry) => nameOf(entry.path));
    const { code, awaits } = await sectionCode(output.text, name);
    chunks.push({ name, code, awaits, imports, entry: name === 'main', bytes: output.text.length });
  }
  const byName = new Map(chunks.map((chunk) => [chunk.name, chunk]));
  const entry = chunks.find((chunk) => chunk.entry);
  if (!entry || chunks.filter((chunk) => chunk.entry).length !== 1)
    throw new Error("script-form: the bundle must have one entry point, main.js (entryNames: 'main')");
  // The entry and what it imports statically: what every start evaluates.
  /** @type {Set<string>} */
  const start = new Set();
  /** @param {string} name */
  const visit = (name) => {
    if (start.has(name)) return;
    start.add(name);
    byName.get(name)?.imports.forEach(visit);
  };
  visit(entry.name);
  // The small chunks are grouped by the commands that can run them (what the start's dynamic imports reach,
  // through static and dynamic imports alike), so that a command loads its own code and what it shares, not every
  // other command's: inspect needs ~80 KB of the ~450 that the commands hold, and a group costs its whole size to
  // read and compile.
  /** @type {Map<string, string[]>} */
  const dynamicImports = new Map();
  for (const output of outputFiles) {
    const meta = metafile.outputs[path.relative(workingDir, output.path).split(path.sep).join('/')];
    const targets = (meta?.imports ?? []).filter((entry) => entry.kind === 'dynamic-import' && !entry.external);
    dynamicImports.set(
      nameOf(output.path),
      targets.map((entry) => nameOf(entry.path)),
    );
  }
  // What the commands of TEXT_COMMANDS import statically, from their own chunk on.
  /** @type {Set<string>} */
  const textChunks = new Set();
  /** @param {string} name */
  const visitText = (name) => {
    if (textChunks.has(name)) return;
    textChunks.add(name);
    byName.get(name)?.imports.forEach(visitText);
  };
  for (const command of TEXT_COMMANDS) {
    const chunk = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === command)?.[0];
    // Renamed or no longer imported on its own: its code would quietly be stored compressed.
    if (!chunk) throw new Error(`script-form: ${command} (TEXT_COMMANDS) is not a chunk of its own in the bundle`);
    visitText(nameOf(chunk));
  }
  /** @type {Map<string, Set<string>>} */
  const reachedBy = new Map();
  for (const command of new Set([...start].flatMap((name) => dynamicImports.get(name) ?? []))) {
    /** @param {string} name */
    const mark = (name) => {
      if (start.has(name)) return;
      const commands = reachedBy.get(name) ?? new Set();
      if (commands.has(command)) return;
      reachedBy.set(name, commands.add(command));
      for (const next of [...(byName.get(name)?.imports ?? []), ...(dynamicImports.get(name) ?? [])]) mark(next);
    };
    mark(command);
  }
  /** @type {Map<string, string>} */
  const sharedGroupNames = new Map();
  const groupOf = (/** @type {{ name: string; bytes: number }} */ chunk) => {
    if (start.has(chunk.name)) return 'start';
    if (chunk.bytes > OWN_GROUP_BYTES) return chunk.name;
    const key = [...(reachedBy.get(chunk.name) ?? [])].sort().join(' ');
    if (!sharedGroupNames.has(key)) sharedGroupNames.set(key, `commands-${sharedGroupNames.size + 1}`);
    return /** @type {string} */ (sharedGroupNames.get(key));
  };
  for (const name of start)
    if (byName.get(name)?.awaits) throw new Error(`script-form: ${name}, which every start evaluates, awaits at its top level`);
  /** @type {Map<string, typeof chunks>} */
  const groups = new Map();
  for (const chunk of [entry, ...chunks.filter((chunk) => chunk !== entry)]) {
    const group = groupOf(chunk);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)?.push(chunk);
  }
  return [...groups].map(([name, sections]) => ({
    name,
    script: groupScript(sections),
    sections: sections.map((section) => ({ name: section.name, awaits: section.awaits, imports: section.imports })),
    text: name === 'start' || sections.some((section) => textChunks.has(section.name)),
  }));
}

/**
 * The runtime shared by the .mjs loader and the executable: require() and import() of sections, evaluated once,
 * in the order ES modules are (what a section imports first; a section that awaits at its top level is awaited
 * before its importers run). `loadGroup(name)` returns a group's section functions.
 */
function runtimeSource() {
  return `const sectionInfo = new Map(SECTIONS.map(([name, group, awaits, imports]) => [name, { group, awaits, imports }]));
const groupFunctions = new Map();
const evaluated = new Map();
const importing = new Map();
// A section is required as './name.js' (or './name'); anything else is Node's. One slice, no regular expression:
// this runs for every require and import a section makes.
const sectionName = (id) => {
  if (!id.startsWith('./')) return undefined;
  const name = id.endsWith('.js') ? id.slice(2, -3) : id.slice(2);
  return sectionInfo.has(name) ? name : undefined;
};
function functionOf(name) {
  const { group } = sectionInfo.get(name);
  if (!groupFunctions.has(group)) groupFunctions.set(group, loadGroup(group));
  return groupFunctions.get(group)[name];
}
function sectionRequire(id) {
  const name = sectionName(id);
  if (name === undefined) return nodeRequire(id);
  // Evaluated, or being evaluated (a cycle): its exports as they are, as an ES module's would be.
  if (evaluated.has(name)) return evaluated.get(name).exports;
  if (sectionInfo.get(name).awaits) throw new Error(\`ei-keystore: section \${name} awaits at its top level and was required before it was imported\`);
  const module = { exports: {} };
  evaluated.set(name, module);
  functionOf(name)(module.exports, nodeRequire, module, sectionImport, sectionRequire);
  return module.exports;
}
// importers: the sections whose import led here; one of them imported again is a cycle, not waited for.
function sectionImport(id, importers = new Set()) {
  const name = sectionName(id);
  if (name === undefined) return Promise.resolve().then(() => nodeRequire(id));
  if (!importing.has(name)) {
    importing.set(name, (async () => {
      const chain = new Set(importers).add(name);
      for (const imported of sectionInfo.get(name).imports) if (!chain.has(imported)) await sectionImport('./' + imported, chain);
      if (evaluated.has(name)) return evaluated.get(name).exports;
      const module = { exports: {} };
      evaluated.set(name, module);
      await functionOf(name)(module.exports, nodeRequire, module, sectionImport, sectionRequire);
      return module.exports;
    })());
  }
  return importing.get(name);
}
`;
}

/**
 * The entry's section: the first of the first group (groupsFromSplitBundle puts the entry's group first).
 * @param {readonly Group[]} groups
 */
function entrySection(groups) {
  const section = groups[0]?.sections[0];
  if (!section) throw new Error('script-form: no groups, or a group without sections');
  return section;
}

/**
 * The SECTIONS table: [name, group, awaits, imports] per section.
 * @param {readonly Group[]} groups
 */
function sectionsTable(groups) {
  return JSON.stringify(
    groups.flatMap((group) => group.sections.map((section) => [section.name, group.name, section.awaits, section.imports])),
  );
}

/**
 * The loader at the top of the .mjs. The cache: $XDG_CACHE_HOME/ei-keystore (default ~/.cache/ei-keystore), one
 * file per tool hash, Node version, CPU, command (each compiles functions and groups of its own) and copy of the file
 * (its inode), holding the
 * cached data of each group the command compiled, and used only for the file it was made from (its device, inode,
 * size and times: V8 checks cached data against the source's length alone); written at exit when one was missing or
 * rejected by V8, through a temporary file and a rename. It is only a speed-up: a cache folder or file that is not the user's own and
 * private, or anything that fails, means no cache; V8 itself rejects cached data made by another V8 or with other
 * flags. EI_KEYSTORE_CODE_CACHE=off turns it off.
 * @param {{ hash: string; escape: string; groups: ReadonlyArray<Group & { stored: string; packed: boolean }> }} loader
 */
function loaderSource({ hash, escape, groups }) {
  return `// ei-keystore: this file is a loader followed by the tool itself, groups of script in the comment at the end.
// Built-ins through require(), not import: an import of node:fs makes its ES module facade, which reads every
// export, fs.ReadStream's getter included, and that loads all of node:stream (~10 ms of every start).
import { createRequire } from 'node:module';

const nodeRequire = createRequire(import.meta.url);
const file = nodeRequire('node:url').fileURLToPath(import.meta.url);
${LOADER_START}${cachedLoaderSource(hash)}const SECTIONS = ${sectionsTable(groups)};
// Each group: its length in this file, and whether it is stored compressed (brotli, base64).
const GROUPS = ${JSON.stringify(Object.fromEntries(groups.map((group) => [group.name, [group.stored.length, group.packed]])))};
// Where the groups start in this file (a fixed-width number the build fills in).
const SCRIPT_OFFSET = Number('${OFFSET_PLACEHOLDER}');
const groupAt = new Map();
{
  let offset = SCRIPT_OFFSET;
  for (const [name, [length, packed]] of Object.entries(GROUPS)) {
    groupAt.set(name, { offset, length, packed });
    offset += length;
  }
}
/** A group's stored text: only its bytes are read, not the whole file. */
function storedGroup({ offset, length }) {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const count = readSync(fd, buffer, read, length - read, offset + read);
      if (count === 0) throw new Error(\`ei-keystore: \${file} is shorter than it says; it was cut or changed after it was built\`);
      read += count;
    }
    return buffer;
  } finally {
    closeSync(fd);
  }
}
/** A group's script: its bytes read from this file, unpacked or unescaped. */
function groupText(group) {
  const at = groupAt.get(group);
  const stored = storedGroup(at);
  return at.packed ? nodeRequire('node:zlib').brotliDecompressSync(Buffer.from(stored.latin1Slice(), 'base64')).latin1Slice() : stored.latin1Slice().replaceAll(${JSON.stringify(`*${escape}/`)}, '*/');
}

${runtimeSource()}
sectionRequire('./${entrySection(groups).name}');
`;
}

/**
 * What both forms share after their own way of reading a group (groupText): the cache described at loaderSource,
 * and loadGroup, which compiles a group with it. `file` is the file the groups come from (the .mjs, or the
 * executable), whose identity the cache records.
 * @param {string} hash
 */
function cachedLoaderSource(hash) {
  return `const { closeSync, fstatSync, futimesSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } = nodeRequire('node:fs');
const { dirname, join } = nodeRequire('node:path');
const { Script, constants } = nodeRequire('node:vm');
const own = (stat) => typeof process.getuid !== 'function' || (stat.uid === process.getuid() && (stat.mode & 0o022) === 0);
// This file as it is on disk. Its inode names its cache files (two copies of one version each keep their own); its
// size and times must match what the cache recorded.
let fileStat;
const fileIdentity = () => \`\${fileStat.dev}:\${fileStat.ino}:\${fileStat.size}:\${fileStat.mtimeMs}:\${fileStat.ctimeMs}\`;
let cacheFile;
const cached = new Map();
try {
  if (process.env.EI_KEYSTORE_CODE_CACHE !== 'off') {
    // On POSIX, HOME is what os.homedir() returns first; node:os is loaded only without it (Windows reads USERPROFILE).
    const home = (process.platform !== 'win32' && process.env.HOME) || nodeRequire('node:os').homedir();
    const dir = join(process.env.XDG_CACHE_HOME || join(home, '.cache'), 'ei-keystore');
    // One cache per command: each compiles functions and groups of its own (the wizard, apply, status ...).
    const first = process.argv[2] ?? '';
    const kind = ['status', 'inspect', 'apply', 'sandbox', 'restore'].includes(first) ? first : ['--version', '-v', '--help', '-h'].includes(first) ? 'version' : first.startsWith('-') || first === '' ? 'wizard' : 'other';
    fileStat = statSync(file);
    cacheFile = join(dir, \`code-${hash}-\${process.version}-\${process.arch}-\${kind}-\${fileStat.ino}.v8\`);
    const fd = openSync(cacheFile, 'r');
    try {
      const stat = fstatSync(fd);
      if (stat.isFile() && own(stat) && own(lstatSync(dir)) && stat.size < 64 * 1024 * 1024) {
        // EIKD, the index's length, the index ({ file, groups: { group: length } }), then each group's cached data.
        const data = readFileSync(fd);
        if (data.toString('latin1', 0, 4) === 'EIKD') {
          const indexLength = data.readUInt32LE(4);
          const index = JSON.parse(data.toString('utf8', 8, 8 + indexLength));
          // V8 checks cached data against the length of the source only: code cached for this file's groups must
          // never meet other text of the same length (the file edited or damaged after it was built).
          if (index.file === fileIdentity()) {
            let offset = 8 + indexLength;
            for (const [group, length] of Object.entries(index.groups)) {
              if (offset + length > data.length) break;
              cached.set(group, data.subarray(offset, offset + length));
              offset += length;
            }
            // A cache in use is rewritten only when something was missing: its time says it is used, for the
            // pruning below (at most once a day, one system call).
            const now = Date.now();
            if (now - stat.mtimeMs > 24 * 3600 * 1000) futimesSync(fd, now / 1000, now / 1000);
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  }
} catch {
  // no cache yet, or none to be had
}
const compiled = new Map();
let stale = false;
function loadGroup(group) {
  const source = groupText(group);
  const cachedData = cached.get(group);
  const script = new Script(source, { filename: file, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  compiled.set(group, script);
  if (!cachedData || script.cachedDataRejected) stale = true;
  return script.runInThisContext()(file, dirname(file), nodeRequire);
}
if (cacheFile) {
  process.once('exit', () => {
    if (!stale) return;
    try {
      const dir = join(cacheFile, '..');
      // The folders missing on the way, made one by one from the first that exists; not { recursive: true }, which
      // Node retries for ever where mkdir says ENOENT under a folder that exists (a HOME in /proc).
      const missing = [];
      for (let folder = dir; ; folder = dirname(folder)) {
        try {
          statSync(folder);
          break;
        } catch (error) {
          if (error.code !== 'ENOENT' || dirname(folder) === folder) throw error;
          missing.unshift(folder);
        }
      }
      for (const folder of missing) {
        try {
          mkdirSync(folder, { mode: 0o700 });
        } catch (error) {
          if (error.code !== 'EEXIST') throw error;
        }
      }
      const stat = lstatSync(dir);
      if (!stat.isDirectory() || !own(stat)) return;
      const parts = new Map([...cached].filter(([group]) => !compiled.has(group)));
      for (const [group, script] of compiled) parts.set(group, script.createCachedData());
      const index = Buffer.from(JSON.stringify({ file: fileIdentity(), groups: Object.fromEntries([...parts].map(([group, data]) => [group, data.length])) }));
      const head = Buffer.alloc(8);
      head.write('EIKD', 0, 'latin1');
      head.writeUInt32LE(index.length, 4);
      const temporary = \`\${cacheFile}.\${process.pid}.tmp\`;
      writeFileSync(temporary, Buffer.concat([head, index, ...parts.values()]), { mode: 0o600, flag: 'wx' });
      renameSync(temporary, cacheFile);
      // Each version of the tool (and of Node), and each copy, writes files of its own: those no run has used for 30
      // days go, and so do the temporary files of runs killed while writing.
      const month = Date.now() - 30 * 24 * 3600 * 1000;
      const ours = \`code-${hash}-\${process.version}-\${process.arch}-\`;
      for (const name of readdirSync(dir)) {
        if (!/^code-[0-9a-f]{16}-.*\\.v8(\\.\\d+\\.tmp)?$/.test(name)) continue;
        if (name.startsWith(ours) && name.endsWith(\`-\${fileStat.ino}.v8\`)) continue;
        const old = join(dir, name);
        if (lstatSync(old).mtimeMs < month) unlinkSync(old);
      }
    } catch {
      // a cache that cannot be written is no cache
    }
  });
}
`;
}

/**
 * `*<escape>/` for each `*` + `/` of the scripts: a control character none of them holds.
 * @param {readonly string[]} scripts
 */
function escapeFor(scripts) {
  const escape = [...Array(18).keys()]
    .map((index) => String.fromCharCode(14 + index))
    .find((character) => scripts.every((script) => !script.includes(character)));
  if (!escape)
    throw new Error('script-form: every control character from 0x0e to 0x1f occurs in the script; none is left to escape `*/` with');
  return escape;
}

/**
 * dist/ei-keystore.mjs: the loader, then the groups in one comment. `groups` as groupsFromSplitBundle makes them,
 * or a plain CommonJS script (one section, one group).
 * @param {readonly Group[] | string} groupsOrScript
 */
export function moduleFromScript(groupsOrScript) {
  const groups =
    typeof groupsOrScript === 'string'
      ? [
          {
            name: 'start',
            script: groupScript([{ name: 'main', code: groupsOrScript, awaits: false }]),
            sections: [{ name: 'main', awaits: false, imports: [] }],
          },
        ]
      : groupsOrScript;
  if (groups.some((group) => /[^\x00-\x7f]/.test(group.script)))
    throw new Error('script-form: a group holds characters beyond ASCII; the loader reads the file as bytes');
  const escape = escapeFor(groups.map((group) => group.script));
  // The groups of TEXT_COMMANDS (and the entry's) as text, the others compressed: groups made without that
  // knowledge (a plain script, or groupsFromModule's) keep the form they had.
  const stored = groups.map((group) => {
    const packed = group.name !== 'start' && group.text === false;
    return {
      ...group,
      packed,
      stored: packed
        ? brotliCompressSync(Buffer.from(group.script, 'latin1')).toString('base64')
        : group.script.replaceAll('*/', `*${escape}/`),
    };
  });
  const loader = loaderSource({ hash: groupsHash(groups), escape, groups: stored });
  const head = `${loader}${SCRIPT_START}`;
  const offset = String(head.length).padStart(OFFSET_PLACEHOLDER.length, '0');
  if (offset.length !== OFFSET_PLACEHOLDER.length) throw new Error('script-form: the loader is larger than its offset field');
  return `${head.replace(OFFSET_PLACEHOLDER, offset)}${stored.map((group) => group.stored).join('')}*/\n`;
}

/**
 * The groups inside a .mjs that moduleFromScript made: [{ name, script, sections }] (the executable is made of them).
 * @param {string} moduleText
 * @returns {Group[]}
 */
export function groupsFromModule(moduleText) {
  const start = moduleText.indexOf(SCRIPT_START);
  const head = start < 0 ? '' : moduleText.slice(0, start);
  const escaped = /replaceAll\(("\*(?:\\u00[0-9a-f]{2}|[^"\\])\/"), '\*\/'\)/.exec(head);
  const sections = /^const SECTIONS = (.*);$/m.exec(head);
  const stored = /^const GROUPS = (.*);$/m.exec(head);
  if (!escaped || !sections || !stored)
    throw new Error('script-form: this .mjs does not hold the script (was it made by scripts/build.mjs?)');
  const escape = JSON.parse(/** @type {string} */ (escaped[1]));
  /** @type {Array<[section: string, group: string, awaits: boolean, imports: string[]]>} */
  const table = JSON.parse(/** @type {string} */ (sections[1]));
  let offset = start + SCRIPT_START.length;
  /** @type {Record<string, [length: number, packed: boolean]>} */
  const storedGroups = JSON.parse(/** @type {string} */ (stored[1]));
  return Object.entries(storedGroups).map(([name, [length, packed]]) => {
    const text = moduleText.slice(offset, offset + length);
    offset += length;
    const script = packed ? brotliDecompressSync(Buffer.from(text, 'base64')).toString('latin1') : text.replaceAll(escape, '*/');
    return {
      name,
      script,
      sections: table.filter((row) => row[1] === name).map(([section, , awaits, imports]) => ({ name: section, awaits, imports })),
      text: !packed,
    };
  });
}

/**
 * All the code inside a .mjs that moduleFromScript made, the groups one after the other (for checks).
 * @param {string} moduleText
 */
export function scriptFromModule(moduleText) {
  const groups = groupsFromModule(moduleText);
  // A single plain script given to moduleFromScript comes back as it was.
  const only = groups[0];
  const plain =
    groups.length === 1 &&
    only !== undefined &&
    only.sections.length === 1 &&
    /^\(function\(__filename,__dirname,__eikNodeRequire\)\{[\s\S]*?return\{"main":function\(exports,require,module,__eikImport,__eikSection\)\{([\s\S]*)\n\}\};\}\)$/.exec(
      only.script,
    );
  return plain ? plain[1] : groups.map((group) => group.script).join('\n');
}

/**
 * The one executable's main script (CommonJS, Node's useCodeCache compiles it at build time): the loader alone,
 * which reads each group from the executable's own assets (build-exe.mjs stores every group as an asset named
 * after it, as text) and compiles it with the code cache the .mjs uses, evaluated as the .mjs evaluates them.
 * Holding the groups in the main script instead made Node copy all ~1.1 MB of it into V8 at every start, and
 * useCodeCache holds only what V8 compiles eagerly at build time: the functions each command calls were still
 * compiled from source at every run.
 * @param {readonly Group[]} groups
 */
export function executableScript(groups) {
  return `// ei-keystore: the loader of the one executable; the tool's groups of script are its assets.
const nodeRequire = require;
const file = process.execPath;
${cachedLoaderSource(groupsHash(groups))}
const SECTIONS = ${sectionsTable(groups)};
const { getRawAsset } = nodeRequire('node:sea');
/** A group's script: the asset of its name, read in place (the executable's own mapped bytes) into one string. */
function groupText(group) {
  return Buffer.from(getRawAsset(group)).latin1Slice();
}
${runtimeSource()}
sectionRequire('./${entrySection(groups).name}');
`;
}

/**
 * A name for the groups' text, in the cache files' names (with Node's version, the CPU, the command and the
 * file's inode): another build's cache is never even opened.
 * @param {readonly Group[]} groups
 */
function groupsHash(groups) {
  const hash = createHash('sha256');
  for (const group of groups) hash.update(group.name).update('\0').update(group.script).update('\0');
  return hash.digest('hex').slice(0, 16);
}
