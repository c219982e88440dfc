import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** test/structure/layers.json, as read. */
export interface LayerList {
  layers: { name: string; independent?: boolean; members: Record<string, string> }[];
  folders: Record<string, string>;
  pure: Record<string, string>;
  writers: Record<string, string>;
  /** File (from source/) -> why it may write although it is outside the writers. */
  writeExceptions: Record<string, string>;
}

/** One import of one file: `to` is a file of the graph (relative to source/), or a package / node: module. */
export interface ImportEdge {
  from: string;
  to: string;
  /** Names imported (for node:fs write detection); '*' for a namespace or default import. */
  names: string[];
}

export interface SourceFile {
  /** Relative to source/, with forward slashes. */
  file: string;
  text: string;
}

/** Every .ts/.tsx file under `root`, relative to it. */
export function readSourceTree(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name))
        out.push({ file: path.relative(root, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(root);
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** Comments removed (strings kept), so an example in a comment is not an import. */
function withoutComments(text: string): string {
  return text.replace(
    /\/\*[\s\S]*?\*\/|(^|[^:'"`\\])\/\/[^\n]*/g,
    (whole, lead: string | undefined) => (lead ?? '') + whole.slice((lead ?? '').length).replace(/[^\n]/g, ' '),
  );
}

const STATIC = /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?([\w$*{}\s,]*?)\s*from\s*['"]([^'"]+)['"]/g;
const BARE = /(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/g;
const DYNAMIC = /(?:\{([^{}]*)\}\s*=\s*await\s+)?\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function namesOf(clause: string): string[] {
  const names: string[] = [];
  const braces = /\{([^}]*)\}/.exec(clause);
  if (braces)
    for (const part of braces[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]!
        .trim();
      if (name) names.push(name);
    }
  // A default or namespace import ('fs', '* as fs') is kept as '*' and its local name: '*fs'.
  for (const part of clause.replace(/\{[^}]*\}/, '').split(',')) {
    const local = /(?:\*\s*as\s+)?([\w$]+)\s*$/.exec(part.trim())?.[1];
    if (local && local !== 'type') names.push(`*${local}`);
  }
  return names;
}

/** The imports of every file: relative specifiers resolved to graph files ('./x.js' -> 'dir/x.ts' or '.tsx'). */
export function importEdges(files: readonly SourceFile[]): ImportEdge[] {
  const known = new Set(files.map((f) => f.file));
  const edges: ImportEdge[] = [];
  for (const { file, text } of files) {
    const code = withoutComments(text);
    const add = (spec: string, names: string[]) => {
      if (!spec.startsWith('.')) return edges.push({ from: file, to: spec, names });
      const joined = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      const stem = joined.replace(/\.js$/, '');
      const to = [joined, `${stem}.ts`, `${stem}.tsx`, `${stem}/index.ts`].find((c) => known.has(c)) ?? joined;
      edges.push({ from: file, to, names });
    };
    for (const m of code.matchAll(STATIC)) add(m[2]!, namesOf(m[1]!));
    for (const m of code.matchAll(BARE)) add(m[1]!, []);
    // `const { a, b: c } = await import('x')` names a and b; any other dynamic import is a namespace without a name.
    for (const m of code.matchAll(DYNAMIC))
      add(
        m[2]!,
        m[1] === undefined
          ? ['*']
          : m[1]
              .split(',')
              .map((part) => part.split(':')[0]!.trim())
              .filter(Boolean),
      );
  }
  return edges;
}

/** The member of the layer list a file belongs to: its first folder, or the file itself at the top. */
export function memberOf(file: string): string {
  return file.includes('/') ? file.slice(0, file.indexOf('/')) : file;
}

function layerIndex(list: LayerList): Map<string, number> {
  const index = new Map<string, number>();
  list.layers.forEach((layer, i) => Object.keys(layer.members).forEach((member) => index.set(member, i)));
  return index;
}

/** Imports against the layers: upward, between independent folders of one layer, from a file no layer names. */
export function layerViolations(list: LayerList, files: readonly string[], edges: readonly ImportEdge[]): string[] {
  const index = layerIndex(list);
  const problems: string[] = [];
  for (const file of files)
    if (!index.has(memberOf(file))) problems.push(`${file}: ${memberOf(file)} is in no layer of test/structure/layers.json`);
  const graphFiles = new Set(files);
  for (const edge of edges) {
    if (!graphFiles.has(edge.to)) continue;
    const from = memberOf(edge.from);
    const to = memberOf(edge.to);
    if (from === to) continue;
    const a = index.get(from);
    const b = index.get(to);
    if (a === undefined || b === undefined) continue;
    const layer = list.layers[a]!;
    if (b < a)
      problems.push(
        `${edge.from} imports ${edge.to}: ${from} (layer ${layer.name}) may not import ${to} (layer ${list.layers[b]!.name}, above it)`,
      );
    else if (a === b && layer.independent)
      problems.push(
        `${edge.from} imports ${edge.to}: ${from} and ${to} are independent (layer ${layer.name}); share through a lower layer`,
      );
  }
  // Folders of one layer may use each other, but not in a circle (the layer's own order stays a drawing).
  const sameLayer = edges.filter(
    (e) => graphFiles.has(e.to) && memberOf(e.from) !== memberOf(e.to) && index.get(memberOf(e.from)) === index.get(memberOf(e.to)),
  );
  for (const cycle of cycles(sameLayer.map((e) => ({ from: memberOf(e.from), to: memberOf(e.to) })))) {
    problems.push(`folders of one layer import each other in a circle: ${cycle.join(' -> ')} -> ${cycle[0]}`);
  }
  return problems;
}

/** Every cycle's members (strongly connected components of more than one node, or a node importing itself). */
export function cycles(edges: readonly { from: string; to: string }[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, new Set());
    if (!next.has(to)) next.set(to, new Set());
    next.get(from)!.add(to);
  }
  // Tarjan's algorithm, iterative over the node list (the graph is a few hundred files).
  let counter = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    order.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node)!) {
      if (!order.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, order.get(to)!));
    }
    if (low.get(node) === order.get(node)) {
      const component: string[] = [];
      let top: string;
      do {
        top = stack.pop()!;
        onStack.delete(top);
        component.push(top);
      } while (top !== node);
      if (component.length > 1 || next.get(node)!.has(node)) found.push(component.reverse());
    }
  };
  for (const node of [...next.keys()].sort()) if (!order.has(node)) visit(node);
  return found;
}

/** Import cycles between files of the graph (type-only imports count: a cycle of types is still a knot to read). */
export function fileCycles(files: readonly string[], edges: readonly ImportEdge[]): string[] {
  const graphFiles = new Set(files);
  return cycles(edges.filter((e) => graphFiles.has(e.to))).map((cycle) => `import cycle: ${cycle.join(' -> ')} -> ${cycle[0]}`);
}

const FS_MODULES = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises']);
const WRITE_CALLS = [
  'writeFile',
  'appendFile',
  'rename',
  'unlink',
  'mkdir',
  'mkdtemp',
  'rm',
  'rmdir',
  'copyFile',
  'cp',
  'chmod',
  'fchmod',
  'lchmod',
  'chown',
  'fchown',
  'lchown',
  'utimes',
  'futimes',
  'lutimes',
  'link',
  'symlink',
  'truncate',
  'ftruncate',
  'createWriteStream',
  'write',
  'writev',
];
const WRITE_NAMES = new Set(WRITE_CALLS.flatMap((name) => [name, `${name}Sync`]));

/**
 * fs calls that change the disk, in files outside the writers: write-like functions imported from node:fs (by name,
 * or through a namespace/default import), and open()/openSync() given, or in a file naming, a write flag.
 */
export function writeViolations(list: LayerList, files: readonly SourceFile[], edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const { file, text } of files) {
    if (memberOf(file) in list.writers || file in list.writeExceptions) continue;
    const code = withoutComments(text);
    const names = new Set(edges.filter((e) => e.from === file && FS_MODULES.has(e.to)).flatMap((e) => e.names));
    const say = (what: string) =>
      problems.push(`${file}: ${what}; writes belong in apply/ (or name the file in writeExceptions with the reason)`);
    for (const name of names) if (WRITE_NAMES.has(name)) say(`imports ${name} from node:fs`);
    for (const local of [...names].filter((n) => n.startsWith('*')).map((n) => n.slice(1))) {
      for (const m of code.matchAll(new RegExp(`\\b${local}\\s*\\.\\s*(?:promises\\s*\\.\\s*)?(\\w+)\\s*\\(`, 'g')))
        if (WRITE_NAMES.has(m[1]!) || m[1] === 'open' || m[1] === 'openSync') {
          if (m[1] !== 'open' && m[1] !== 'openSync') say(`calls ${local}.${m[1]}`);
          else names.add(m[1]);
        }
    }
    if (names.has('open') || names.has('openSync')) {
      const literal = /\bopen(?:Sync)?\([^()]*?,\s*(['"`])[^'"`]*[wa+][^'"`]*\1/.exec(code)?.[0];
      const constant = /\bO_(?:WRONLY|RDWR|CREAT|TRUNC|APPEND)\b/.exec(code)?.[0];
      if (literal ?? constant) say(`opens a file for writing (${literal ?? constant})`);
    }
  }
  return problems;
}

const IO_MODULES = /^(?:node:)?(?:fs|fs\/promises|child_process|net|tls|http|https|dgram)$|^execa$/;

/** Files of a pure member importing I/O: node's fs, processes, sockets, or the project's files/ and apply/. */
export function purityViolations(list: LayerList, edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((e) => memberOf(e.from) in list.pure && (IO_MODULES.test(e.to) || ['files', 'apply'].includes(memberOf(e.to))))
    .map((e) => `${e.from} imports ${e.to}: ${memberOf(e.from)} is pure (${list.pure[memberOf(e.from)]})`);
}

/** Folders (up to two levels) of source/ the layer list does not describe, and descriptions of folders that are gone. */
export function undescribedFolders(list: LayerList, files: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    if (parts.length > 1) folders.add(parts[0]!);
    if (parts.length > 2) folders.add(`${parts[0]}/${parts[1]}`);
  }
  const members = new Set(list.layers.flatMap((layer) => Object.keys(layer.members)));
  const problems: string[] = [];
  for (const folder of [...folders].sort()) {
    if (!folder.includes('/') ? !members.has(folder) : !(folder in list.folders))
      problems.push(`source/${folder}/ is not described in test/structure/layers.json`);
  }
  for (const folder of Object.keys(list.folders))
    if (!folders.has(folder)) problems.push(`test/structure/layers.json describes source/${folder}/, which has no files`);
  for (const member of members)
    if (!member.endsWith('.ts') && !folders.has(member))
      problems.push(`test/structure/layers.json names ${member}, which is not a folder of source/`);
  return problems;
}
