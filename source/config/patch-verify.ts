/**
 * The patcher's safety net: the patched text is parsed again and must equal the original data with exactly the
 * intended values set. Messages name keys, never values (a value may be a password).
 */
import { parse, TomlError } from 'smol-toml';
import type { TomlTable, TomlValue } from 'smol-toml';
import { UserError } from '../errors.js';
import { describePath } from './patch-format.js';
import type { TomlScalar } from './patch-format.js';

/** Exact integers: large ones come back as bigint instead of failing or losing digits. */
const PARSE_OPTIONS = { integersAsBigInt: 'asNeeded' } as const;

export function parseConfig(text: string, file: string | undefined): TomlTable {
  try {
    return parse(text, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // Only the first line of smol-toml's message: the rest quotes lines of the file, which may hold a password.
    const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'invalid TOML';
    throw new UserError(
      `${file ?? 'The configuration'} is not valid TOML: ${reason} at line ${error.line}, column ${error.column}. ` +
        'Fix the file (or restore it from a backup) and try again; nothing was changed.',
      'config-invalid',
    );
  }
}

export function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export interface IntendedValue {
  readonly path: readonly string[];
  readonly value: TomlScalar;
}

/** The original data with each intended value set; tables on the way are copied, never the original mutated. */
export function intendedData(original: TomlTable, changes: readonly IntendedValue[]): TomlTable {
  const root = copyTable(original);
  // Each table is copied once, however many changes go through it.
  const copies = new Set<TomlTable>([root]);
  for (const { path, value } of changes) {
    let table = root;
    for (const [index, name] of path.slice(0, -1).entries()) {
      const next = table[name];
      if (next !== undefined && !isTable(next)) {
        throw new UserError(
          `Cannot set ${describePath(path)}: ${describePath(path.slice(0, index + 1))} is ${kindOf(next)} ` +
            'in the configuration, not a table. Fix that entry by hand first.',
          'patch-conflict',
        );
      }
      if (next !== undefined && copies.has(next)) {
        table = next;
        continue;
      }
      const copy = copyTable(next);
      copies.add(copy);
      table[name] = copy;
      table = copy;
    }
    const key = path[path.length - 1] ?? '';
    const existing = table[key];
    if (existing !== undefined && (isTable(existing) || Array.isArray(existing))) {
      throw new UserError(
        `Cannot set ${describePath(path)}: it is ${kindOf(existing)} in the configuration, not a single value. ` +
          'Fix that entry by hand first.',
        'patch-conflict',
      );
    }
    table[key] = value;
  }
  return root;
}

/** Re-parses the patched text and compares it with the intended data. */
export function verifyPatched(patched: string, intended: TomlTable, changed: readonly (readonly string[])[]): void {
  let actual: TomlTable;
  try {
    actual = parse(patched, PARSE_OPTIONS);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    throw new UserError(
      `Patching ${changed.map(describePath).join(', ')} would make the configuration invalid ` +
        `(line ${error.line}, column ${error.column}); nothing was written. Make this change by hand.`,
      'patch-verify-failed',
    );
  }
  const difference = firstDifference(actual, intended);
  if (difference) {
    throw new UserError(
      `Patching the configuration would leave ${describePath(difference)} different from what was intended; ` +
        'nothing was written. Make this change by hand.',
      'patch-verify-failed',
    );
  }
}

/**
 * The path of the first value that differs, or undefined when both are equal (dates and NaN included). With
 * `partOf`, tables of `b` may hold keys that `a` lacks: whether `a` is a part of `b`.
 */
export function firstDifference(a: TomlValue, b: TomlValue, partOf = false): string[] | undefined {
  // Paths are built only on the way back from a difference: a large equal document allocates nothing.
  if (a instanceof Date || b instanceof Date) {
    const same = a instanceof Date && b instanceof Date && a.constructor === b.constructor && a.toISOString() === b.toISOString();
    return same ? undefined : [];
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return [];
    for (let i = 0; i < a.length; i++) {
      const found = firstDifference(a[i] as TomlValue, b[i] as TomlValue, partOf);
      if (found) return [String(i), ...found];
    }
    return undefined;
  }
  if (isTable(a) || isTable(b)) {
    if (!isTable(a) || !isTable(b)) return [];
    const keys = Object.keys(a);
    for (const key of keys) {
      const right = b[key];
      if (right === undefined) return [key];
      const found = firstDifference(a[key] as TomlValue, right, partOf);
      if (found) return [key, ...found];
    }
    if (!partOf && Object.keys(b).length !== keys.length) return [Object.keys(b).find((key) => a[key] === undefined) ?? ''];
    return undefined;
  }
  return Object.is(a, b) ? undefined : [];
}

/** Null-prototype copies, like smol-toml's own tables: a key named __proto__ stays an ordinary key. */
function copyTable(table: TomlTable | undefined): TomlTable {
  const copy = Object.create(null) as TomlTable;
  // A loop rather than Object.assign, which takes a slow path for prototype-less tables.
  for (const key in table) copy[key] = table[key] as TomlValue;
  return copy;
}

function kindOf(value: TomlValue): string {
  if (Array.isArray(value)) return 'an array';
  if (isTable(value)) return 'a table';
  return `a ${typeof value === 'object' ? 'date' : typeof value}`;
}
