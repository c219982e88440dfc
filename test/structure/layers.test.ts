import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cycles,
  fileCycles,
  importEdges,
  layerViolations,
  purityViolations,
  readSourceTree,
  undescribedFolders,
  writeViolations,
  type LayerList,
  type SourceFile,
} from './import-rules.js';
import { tempDir } from '../support/tmp.js';

const repository = path.resolve(import.meta.dirname, '../..');
const list = JSON.parse(readFileSync(path.join(import.meta.dirname, 'layers.json'), 'utf8')) as LayerList;
const tree = readSourceTree(path.join(repository, 'source'));
const files = tree.map((f) => f.file);
const edges = importEdges(tree);

describe('the layers of source/ (test/structure/layers.json)', () => {
  it('sees the imports it judges (the scan is not empty)', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(edges).toContainEqual(expect.objectContaining({ from: 'commands/status.ts', to: 'status/render.ts' }));
    expect(edges).toContainEqual(expect.objectContaining({ from: 'keystore/open.ts', to: 'keystore/jks/jks.ts' })); // a dynamic import
    expect(edges).toContainEqual(
      expect.objectContaining({ from: 'apply/atomic-write.ts', to: 'node:fs/promises', names: expect.arrayContaining(['rename']) }),
    );
  });

  it('no file imports a higher layer, nor ui from plain or plain from ui', () => {
    expect(layerViolations(list, files, edges)).toEqual([]);
  });

  it('no import cycle between files', () => {
    expect(fileCycles(files, edges)).toEqual([]);
  });

  it('only apply/ and sandbox/ call fs functions that write', () => {
    expect(writeViolations(list, tree, edges)).toEqual([]);
  });

  it('core/ does no I/O', () => {
    expect(purityViolations(list, edges)).toEqual([]);
  });

  it('every folder of source/ (two levels) is described, and nothing described is gone', () => {
    expect(undescribedFolders(list, files)).toEqual([]);
  });

  it('every folder of test/ is described (the README says what each holds)', () => {
    const testFolders = readdirSync(path.join(repository, 'test'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    const described = Object.keys((list as LayerList & { tests: Record<string, string> }).tests)
      .filter((k) => k !== '$comment')
      .sort();
    expect(described).toEqual(testFolders);
  });
});

describe('one of each', () => {
  it('object identifiers are written once, in keystore/oids.ts (code names them: OID.pbes2)', () => {
    const literal = /['"`][0-2]\.\d+(?:\.\d+){2,}['"`]/;
    expect(tree.filter((f) => f.file !== 'keystore/oids.ts' && literal.test(f.text)).map((f) => f.file)).toEqual([]);
    expect(tree.find((f) => f.file === 'keystore/oids.ts')?.text).toMatch(/pbes2: '1\.2\.840\.113549\.1\.5\.13'/);
  });

  it('DER is written by keystore/der.ts alone (forge nodes too, through derEncode)', () => {
    expect(tree.filter((f) => /\basn1\.toDer\(|\.toDer\(\)/.test(f.text)).map((f) => f.file)).toEqual([]);
  });
});

describe('the checker fails on what it forbids (a synthetic tree)', () => {
  const synthetic: LayerList = {
    layers: [
      { name: 'top', members: { commands: '' } },
      { name: 'front ends', independent: true, members: { ui: '', plain: '' } },
      { name: 'domain', members: { core: '', config: '' } },
      { name: 'bottom', members: { apply: '', 'errors.ts': '' } },
    ],
    folders: {},
    pure: { core: 'pure' },
    writers: { apply: 'writes' },
    writeExceptions: { 'config/cache.ts': 'the reason' },
  };
  const source = (file: string, text: string): SourceFile => ({ file, text });

  it('an upward import, ui <-> plain, a circle of folders within a layer, and a file in no layer', () => {
    const treeOf = [
      source('commands/run.ts', "import { a } from '../ui/app.js';\nimport { b } from '../apply/write.js';"),
      source('ui/app.tsx', "import { ask } from '../plain/ask.js';\nexport const a = 1;"),
      source('plain/ask.ts', 'export const ask = 1;'),
      source('core/model.ts', "import type { Cmd } from '../commands/run.js';\nimport { read } from '../config/read.js';"),
      source('config/read.ts', "import { model } from '../core/model.js';\nexport const read = 1;"),
      source('apply/write.ts', "import { UserError } from '../errors.js';\nexport const b = 1;"),
      source('errors.ts', 'export class UserError extends Error {}'),
      source('stray/thing.ts', 'export const t = 1;'),
    ];
    const problems = layerViolations(
      synthetic,
      treeOf.map((f) => f.file),
      importEdges(treeOf),
    );
    expect(problems).toEqual([
      'stray/thing.ts: stray is in no layer of test/structure/layers.json',
      'ui/app.tsx imports plain/ask.ts: ui and plain are independent (layer front ends); share through a lower layer',
      'core/model.ts imports commands/run.ts: core (layer domain) may not import commands (layer top, above it)',
      'folders of one layer import each other in a circle: config -> core -> config',
    ]);
  });

  it('a cycle of files, through a dynamic import and a type-only import', () => {
    const treeOf = [
      source('core/a.ts', "import type { B } from './b.js';"),
      source('core/b.ts', "export async function load() { return import('./c.js'); }"),
      source('core/c.ts', "import { x } from './a.js'; // import { y } from './d.js' (a comment, not an import)"),
      source('core/d.ts', "import { x } from './c.js';"),
    ];
    expect(
      fileCycles(
        treeOf.map((f) => f.file),
        importEdges(treeOf),
      ),
    ).toEqual(['import cycle: core/a.ts -> core/b.ts -> core/c.ts -> core/a.ts']);
    expect(cycles([{ from: 'x', to: 'x' }])).toEqual([['x']]);
  });

  it('fs writes outside the writers: by name, Sync, promises, namespace, dynamic import, open with a write flag', () => {
    const treeOf = [
      source('config/save.ts', "import { writeFile } from 'node:fs/promises';"),
      source('config/sync.ts', "import { readFileSync, renameSync as move } from 'node:fs';"),
      source('config/ns.ts', "import * as fs from 'node:fs';\nfs.promises.mkdir('x');\nfs.readFileSync('y');"),
      source('config/default.ts', "import fs from 'fs';\nfs.unlinkSync('x');"),
      source('config/dynamic.ts', "export async function f() { const { chmod } = await import('node:fs/promises'); }"),
      source('config/open.ts', "import { open } from 'node:fs/promises';\nawait open(file, 'wx', 0o600);"),
      source('config/flags.ts', "import { constants, openSync } from 'node:fs';\nopenSync(f, constants.O_WRONLY | constants.O_CREAT);"),
      source('config/reads.ts', "import { open, readFile, lstat } from 'node:fs/promises';\nawait open(file, 'r');"),
      source('config/cache.ts', "import { writeFile } from 'node:fs/promises';"),
      source('apply/commit.ts', "import { rename, rm } from 'node:fs/promises';"),
    ];
    const problems = writeViolations(synthetic, treeOf, importEdges(treeOf));
    expect(problems.map((p) => p.slice(0, p.indexOf(';')))).toEqual([
      'config/save.ts: imports writeFile from node:fs',
      'config/sync.ts: imports renameSync from node:fs',
      'config/ns.ts: calls fs.mkdir',
      'config/default.ts: calls fs.unlinkSync',
      'config/dynamic.ts: imports chmod from node:fs',
      "config/open.ts: opens a file for writing (open(file, 'wx')",
      'config/flags.ts: opens a file for writing (O_WRONLY)',
    ]);
  });

  it('I/O in a pure folder', () => {
    const treeOf = [
      source('core/x.ts', "import { readFile } from 'node:fs/promises';\nimport { read } from '../files/read.js';"),
      source('files/read.ts', ''),
    ];
    expect(purityViolations(synthetic, importEdges(treeOf))).toEqual([
      'core/x.ts imports node:fs/promises: core is pure (pure)',
      'core/x.ts imports files/read.ts: core is pure (pure)',
    ]);
  });

  it('a folder the list does not describe', () => {
    expect(
      undescribedFolders({ ...synthetic, folders: { 'core/gone': '' } }, [
        'core/sub/x.ts',
        'apply/y.ts',
        'commands/z.ts',
        'ui/a.ts',
        'plain/b.ts',
        'config/c.ts',
      ]),
    ).toEqual([
      'source/core/sub/ is not described in test/structure/layers.json',
      'test/structure/layers.json describes source/core/gone/, which has no files',
    ]);
  });
});

describe("README's Development layout (npm run layout)", () => {
  const script = path.join(repository, 'scripts/readme-layout.mjs');

  it('is what the script writes from the layer list', () => {
    const result = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('a stale section fails the check, and the script rewrites it', () => {
    const dir = tempDir();
    const readme = path.join(dir, 'README.md');
    const current = readFileSync(path.join(repository, 'README.md'), 'utf8');
    writeFileSync(readme, current.replace(/(<!-- layout:start[^\n]*\n)/, '$1  old/  a folder that moved away\n'));
    const stale = spawnSync(process.execPath, [script, '--check', '--readme', readme], { encoding: 'utf8' });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/README\.md's layout section differs from test\/structure\/layers\.json: run npm run layout/);
    execFileSync(process.execPath, [script, '--readme', readme]);
    expect(readFileSync(readme, 'utf8')).toBe(current);
  });
});
