/**
 * The format-preserving TOML patch: set a few values and leave every other byte of the file alone (comments,
 * spacing, key spelling, order, line endings, BOM). A format-preserving edit is judged by what it leaves alone,
 * so the result is parsed again and compared with the intended data before anyone may write it.
 */
import { formatDottedKey, formatValue, describePath } from './patch-format.js';
import type { TomlScalar } from './patch-format.js';
import { indexToml, pathKey } from './patch-index.js';
import type { TomlIndex } from './patch-index.js';
import { scanToml } from './patch-scan.js';
import type { KeyValue, Section, SectionNeed } from './patch-scan.js';
import { intendedData, parseConfig, verifyPatched } from './patch-verify.js';
import type { IntendedValue } from './patch-verify.js';
import { verifiedInSections } from './patch-verify-window.js';

export interface TomlChange {
  /** The table holding the key, e.g. ['keystore', 'primary']; [] for the top level. */
  readonly table: readonly string[];
  readonly key: string;
  readonly value: TomlScalar;
}

export interface PatchOptions {
  /** Named in error messages. */
  readonly file?: string;
}

/** Sets each change's value in `text`; throws a UserError ('config-invalid', 'patch-verify-failed', ...). */
export function patchToml(text: string, changes: readonly TomlChange[], options: PatchOptions = {}): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom ? text.slice(1) : text;
  const targets = latestPerPath(changes);
  // The text is scanned and patched before it is parsed, so that the parsed data of a large file is not kept
  // alive through that work (the garbage collector would copy it again). Errors of that work wait until the
  // parse and the conflict check have had their say: they come first, and the scanner expects valid TOML.
  const prepared = targets.length > 0 ? attempt(() => prepare(body, targets)) : undefined;
  const original = parseConfig(body, options.file);
  if (!prepared) return text;
  const intended = intendedData(original, targets);
  if (!prepared.ok) throw prepared.error;
  const { sections, edits, patched } = prepared.value;
  // The cheap check can only accept; whatever it cannot vouch for is checked on the whole file.
  if (!verifiedInSections(body, edits, sections, original, targets)) {
    verifyPatched(
      patched,
      intended,
      targets.map((t) => t.path),
    );
  }
  return bom + patched;
}

interface Prepared {
  readonly sections: readonly Section[];
  /** In order of position. */
  readonly edits: readonly Edit[];
  readonly patched: string;
}

function prepare(body: string, targets: readonly IntendedValue[]): Prepared {
  const sections = scanToml(body, sectionNeeds(targets));
  const edits = planEdits(body, indexToml(sections), targets).sort((a, b) => a.at - b.at);
  return { sections, edits, patched: applyEdits(body, edits) };
}

function attempt<T>(work: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** One change per path; a later change to the same key wins. */
function latestPerPath(changes: readonly TomlChange[]): IntendedValue[] {
  const byPath = new Map<string, IntendedValue>();
  for (const change of changes) {
    const path = [...change.table, change.key];
    byPath.set(pathKey(path), { path, value: change.value });
  }
  return [...byPath.values()];
}

/**
 * What the patch needs of each section. The planner looks up target paths and their tables' prefixes, which only
 * a section on the way to a target (its path a proper prefix of one) can define: their entries. The verification
 * re-parses every section that can define or conflict with a target (its path a prefix of a target's, or a
 * target's a prefix of it): their place. No other section can change the meaning of a target or be changed by one.
 */
function sectionNeeds(targets: readonly IntendedValue[]): (section: readonly string[]) => SectionNeed {
  return (section) => {
    let need: SectionNeed = 'none';
    for (const { path } of targets) {
      const shorter = Math.min(section.length, path.length);
      let i = 0;
      while (i < shorter && section[i] === path[i]) i++;
      if (i < shorter) continue;
      if (section.length < path.length) return 'entries';
      need = 'place';
    }
    return need;
  };
}

interface Edit {
  readonly at: number;
  readonly remove: number;
  readonly text: string;
}

interface NewEntry {
  /** The key below the insertion point: the rest of the table path, then the key. */
  readonly keyPath: readonly string[];
  readonly value: string;
}

/** New keys that go to one place: as lines in a section, as entries of an inline table, or in a new table. */
type Group =
  | { kind: 'lines'; at: number; indent: string; assign: string; keyPrefix: string; entries: NewEntry[] }
  | { kind: 'inline'; at: number; lead: string; trail: string; keyPrefix: string; entries: NewEntry[] }
  | { kind: 'table'; table: readonly string[]; entries: NewEntry[] };

type GroupPlace = Omit<Extract<Group, { kind: 'lines' }>, 'entries'> | Omit<Extract<Group, { kind: 'inline' }>, 'entries'>;

function planEdits(body: string, index: TomlIndex, targets: readonly IntendedValue[]): Edit[] {
  const eol = firstLineEnding(body);
  const edits: Edit[] = [];
  const groups = new Map<string, Group>();
  const addTo = (id: string, fresh: () => Group, entry: NewEntry): void => {
    const group = groups.get(id) ?? fresh();
    groups.set(id, group);
    group.entries.push(entry);
  };

  for (const { path, value } of targets) {
    const written = formatValue(value, () => describePath(path));
    const existing = index.values.get(pathKey(path));
    if (existing) {
      edits.push({ at: existing.valueStart, remove: existing.valueEnd - existing.valueStart, text: written });
      continue;
    }
    const table = path.slice(0, -1);
    const { depth, place } = insertionPlace(body, index, table);
    const entry = { keyPath: path.slice(depth), value: written };
    if (place) {
      addTo(`${place.kind}:${place.at}:${place.keyPrefix}`, () => ({ ...place, entries: [] }), entry);
    } else {
      addTo(`table:${pathKey(table)}`, () => ({ kind: 'table', table, entries: [] }), {
        keyPath: path.slice(-1),
        value: written,
      });
    }
  }

  const tables: string[] = [];
  for (const group of groups.values()) {
    if (group.kind === 'lines') edits.push({ at: group.at, remove: 0, text: renderLines(body, group, eol) });
    else if (group.kind === 'inline') edits.push({ at: group.at, remove: 0, text: renderInline(group) });
    else tables.push(renderTable(group, eol));
  }
  // Last, so that at the end of the file new tables come after new keys of the last table.
  if (tables.length > 0) edits.push({ at: body.length, remove: 0, text: appendPrefix(body, eol) + tables.join(eol) });
  return edits;
}

/**
 * Where keys of `table` go: inside the deepest part of its path that the file defines, in the form the file
 * defines it. No place means a new `[table]` at the end of the file.
 */
function insertionPlace(body: string, index: TomlIndex, table: readonly string[]): { depth: number; place?: GroupPlace } {
  for (let depth = table.length; depth >= 0; depth--) {
    const definition = index.tables.get(pathKey(table.slice(0, depth)));
    if (!definition) continue;
    if (definition.by === 'section') {
      if (depth < table.length) return { depth: table.length };
      const last = definition.section.entries.at(-1);
      if (last) return { depth, place: afterEntry(body, last, '') };
      return {
        depth,
        place: { kind: 'lines', at: definition.section.header?.lineEnd ?? 0, indent: '', assign: ' = ', keyPrefix: '' },
      };
    }
    if (definition.by === 'dotted') {
      const { entry, segment } = definition;
      const first = entry.key[0];
      const through = entry.key[segment];
      const keyPrefix = first && through ? `${body.slice(first.start, through.end)}.` : '';
      return { depth, place: afterEntry(body, entry, keyPrefix) };
    }
    const last = definition.table.entries.at(-1);
    if (last) return { depth, place: afterEntry(body, last, '') };
    const close = definition.table.close;
    const spaced = body[close - 1] === ' ';
    return { depth, place: { kind: 'inline', at: close, lead: spaced ? '' : ' ', trail: ' ', keyPrefix: '' } };
  }
  return { depth: table.length };
}

/** New keys right after an existing key-value, indented and spaced like it. */
function afterEntry(body: string, entry: KeyValue, keyPrefix: string): GroupPlace {
  const first = entry.key[0];
  const last = entry.key.at(-1);
  const assign = last ? body.slice(last.end, entry.valueStart) : ' = ';
  if (entry.container.kind === 'inline') {
    return { kind: 'inline', at: entry.valueEnd, lead: ', ', trail: '', keyPrefix };
  }
  return { kind: 'lines', at: entry.lineEnd, indent: body.slice(entry.lineStart, first?.start), assign, keyPrefix };
}

function renderLines(body: string, group: Extract<Group, { kind: 'lines' }>, eol: string): string {
  const lines = group.entries.map((e) => `${group.indent}${group.keyPrefix}${formatDottedKey(e.keyPath)}${group.assign}${e.value}`);
  // After a last line without a newline, the file keeps ending without one.
  const unterminated = group.at === body.length && body.length > 0 && !body.endsWith('\n');
  return unterminated ? eol + lines.join(eol) : lines.map((line) => line + eol).join('');
}

/** Keys of tables the inline table does not have yet become nested inline tables: `internal = { a = 1 }`. */
function renderInline(group: Extract<Group, { kind: 'inline' }>): string {
  const byTable = new Map<string, { table: readonly string[]; pairs: string[] }>();
  for (const e of group.entries) {
    const table = e.keyPath.slice(0, -1);
    const pair = `${formatDottedKey(e.keyPath.slice(-1))} = ${e.value}`;
    const found = byTable.get(pathKey(table));
    if (found) found.pairs.push(pair);
    else byTable.set(pathKey(table), { table, pairs: [pair] });
  }
  const parts: string[] = [];
  for (const { table, pairs } of byTable.values()) {
    if (table.length === 0) parts.push(...pairs.map((pair) => group.keyPrefix + pair));
    else parts.push(`${group.keyPrefix}${formatDottedKey(table)} = { ${pairs.join(', ')} }`);
  }
  return group.lead + parts.join(', ') + group.trail;
}

function renderTable(group: Extract<Group, { kind: 'table' }>, eol: string): string {
  const lines = [`[${formatDottedKey(group.table)}]`];
  for (const e of group.entries) lines.push(`${formatDottedKey(e.keyPath)} = ${e.value}`);
  return lines.map((line) => line + eol).join('');
}

/** New tables at the end are preceded by one blank line, and never glued to a last line without a newline. */
function appendPrefix(body: string, eol: string): string {
  if (body.length === 0) return '';
  const terminated = body.endsWith('\n');
  const lastLineStart = body.lastIndexOf('\n', terminated ? body.length - 2 : body.length - 1) + 1;
  const lastLine = body.slice(lastLineStart, terminated ? body.length - 1 : body.length);
  const blank = /^[ \t\r]*$/.test(lastLine);
  return (terminated ? '' : eol) + (blank ? '' : eol);
}

/** The file's own line ending: that of its first line ("\n" for a one-line file). */
function firstLineEnding(body: string): string {
  const newline = body.indexOf('\n');
  return newline > 0 && body[newline - 1] === '\r' ? '\r\n' : '\n';
}

/** One pass over the text, edits in order of position (sorted stably, so inserts at one offset keep their order). */
function applyEdits(body: string, edits: readonly Edit[]): string {
  const chunks: string[] = [];
  let cursor = 0;
  for (const edit of edits) {
    chunks.push(body.slice(cursor, edit.at), edit.text);
    cursor = edit.at + edit.remove;
  }
  chunks.push(body.slice(cursor));
  return chunks.join('');
}
