/**
 * Where each value and each table of a scanned document is defined. A table can be defined by a `[header]`,
 * by an inline table `{ ... }`, or implicitly by dotted keys (`primary.password = ...`); the patcher must add
 * keys in the same form, because TOML forbids defining a table twice.
 */
import type { InlineTable, KeyValue, Section } from './patch-scan.js';

export type TableDefinition =
  | { readonly by: 'section'; readonly section: Section }
  | { readonly by: 'inline'; readonly table: InlineTable }
  /** The last key-value whose dotted key passes through the table; `segment` is the table's own segment. */
  | { readonly by: 'dotted'; readonly entry: KeyValue; readonly segment: number };

export interface TomlIndex {
  readonly values: Map<string, KeyValue>;
  readonly tables: Map<string, TableDefinition>;
}

/**
 * A map key for a path: each name after its length, so that `a.b` and `"a.b"` stay apart whatever the names
 * hold (JSON did the same, at several times the cost).
 */
export function pathKey(path: readonly string[]): string {
  let key = '';
  for (const name of path) key += `${name.length}:${name}`;
  return key;
}

export function indexToml(sections: readonly Section[]): TomlIndex {
  const index: TomlIndex = { values: new Map(), tables: new Map() };
  for (const section of sections) {
    // Arrays of tables hold many tables under one name: never a patch target (the data check refuses them).
    if (!section.array) index.tables.set(pathKey(section.path), { by: 'section', section });
    for (const entry of section.entries) indexEntry(index, entry);
  }
  return index;
}

function indexEntry(index: TomlIndex, entry: KeyValue): void {
  index.values.set(pathKey(entry.path), entry);
  const base = entry.container.path.length;
  // Entries come in document order, so the last one through a dotted table wins: new keys go after it.
  for (let segment = 0; segment < entry.key.length - 1; segment++) {
    index.tables.set(pathKey(entry.path.slice(0, base + segment + 1)), { by: 'dotted', entry, segment });
  }
  if (entry.inline) {
    index.tables.set(pathKey(entry.path), { by: 'inline', table: entry.inline });
    for (const inner of entry.inline.entries) indexEntry(index, inner);
  }
}
