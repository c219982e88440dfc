// `npm run build:exe`: dist/ei-keystore-linux-<arch>, one executable holding Node and the bundle (a Node single
// executable application), for servers that have a JDK and no Node. Beside it, <name>.sha256 in `sha256sum -c` form.
//
// How it is made (Node 20's documented recipe, https://nodejs.org/docs/latest-v20.x/api/single-executable-applications.html):
// 1. the groups of CommonJS sections inside dist/ei-keystore.mjs, each an asset of the executable, and the loader
//    (scripts/build/script-form.mjs) as its main script: a single executable runs one CommonJS file, which reads a
//    group when a command needs it and compiles it with the same V8 code cache as the .mjs (in the user's cache
//    folder, for the executable's own file);
// 2. `node --experimental-sea-config` writes the preparation blob: the loader, with useCodeCache, and the assets;
// 3. a copy of the running `node` binary, with the blob injected by postject (a devDependency).
// The executable is for the platform and CPU of the Node that runs this script: a Node binary cannot be made for
// another CPU from here (the code cache is CPU-specific), so linux-arm64 is made by running this on arm64.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildBundle } from './build.mjs';
import { executableScript, groupsFromModule } from './build/script-form.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// The fuse Node's own binary carries for single executable applications (the same string in every Node 20).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** The executable's name for this platform and CPU: ei-keystore-linux-x64, ei-keystore-linux-arm64, ... */
export function executableName(platform = process.platform, arch = process.arch) {
  return `ei-keystore-${platform}-${arch}`;
}

/** @param {string} file */
function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Builds the executable into outDir (dist/ by default) from bundleFile (a .mjs that scripts/build.mjs made), or
 * from a fresh bundle. Returns { file, checksumFile, sha256, bytes }.
 * nodeBinary is the Node the executable is made of: the running one unless told.
 * @param {{ outDir?: string; nodeBinary?: string; bundleFile?: string }} [options]
 */
export async function buildExecutable({ outDir = path.join(root, 'dist'), nodeBinary = process.execPath, bundleFile } = {}) {
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(path.join(outDir, '.sea-'));
  try {
    const bundle = bundleFile ?? path.join(work, 'ei-keystore.mjs');
    if (!bundleFile) await buildBundle(bundle);
    const script = path.join(work, 'ei-keystore.cjs');
    const groups = groupsFromModule(readFileSync(bundle, 'latin1'));
    writeFileSync(script, executableScript(groups), 'latin1');
    // Each group of the tool's script is an asset of its name, which the loader reads when a command needs it.
    /** @type {Record<string, string>} */
    const assets = {};
    mkdirSync(path.join(work, 'groups'));
    for (const group of groups) {
      const asset = path.join(work, 'groups', `${group.name}.js`);
      writeFileSync(asset, group.script, 'latin1');
      assets[group.name] = asset;
    }
    const blob = path.join(work, 'ei-keystore.blob');
    const config = path.join(work, 'sea-config.json');
    writeFileSync(
      config,
      JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }, null, 2),
    );
    const prepared = spawnSync(nodeBinary, ['--experimental-sea-config', config], { encoding: 'utf8' });
    if (prepared.status !== 0)
      throw new Error(`build-exe: ${nodeBinary} --experimental-sea-config failed:\n${prepared.stdout}${prepared.stderr}`);

    const file = path.join(outDir, executableName());
    const staged = path.join(work, executableName());
    copyFileSync(nodeBinary, staged);
    chmodSync(staged, 0o755);
    const { inject } = require('postject');
    // postject reports its progress, and LIEF's harmless "Can't find string offset for section name '.note.100'"
    // (Node's documentation shows the same), on the console; a failed injection throws, and the build says what
    // it made itself.
    const quiet = { log: console.log, warn: console.warn, error: console.error };
    Object.assign(console, { log() {}, warn() {}, error() {} });
    try {
      await inject(staged, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
    } finally {
      Object.assign(console, quiet);
    }
    const ran = spawnSync(staged, ['--version'], { encoding: 'utf8', env: { PATH: '' } });
    const expected = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
    if (ran.status !== 0 || ran.stdout.trim() !== expected)
      throw new Error(`build-exe: the new executable's --version said ${JSON.stringify(ran.stdout + ran.stderr)}, not ${expected}`);
    // Put in place whole: a reader of dist/ never sees half an executable.
    rmSync(file, { force: true });
    copyFileSync(staged, file);
    chmodSync(file, 0o755);
    const sha256 = sha256File(file);
    const checksumFile = `${file}.sha256`;
    writeFileSync(checksumFile, `${sha256}  ${path.basename(file)}\n`);
    return { file, checksumFile, sha256, bytes: readFileSync(file).length };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const made = await buildExecutable();
  process.stdout.write(
    `${path.relative(root, made.file)}: ${(made.bytes / 1024 / 1024).toFixed(1)} MB, sha256 ${made.sha256} (in ${path.relative(root, made.checksumFile)})\n`,
  );
  if (process.arch !== 'arm64')
    process.stdout.write('linux-arm64 is not made here: run `npm run build:exe` with an arm64 Node to make it.\n');
}
