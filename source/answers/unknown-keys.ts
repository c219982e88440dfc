import type { TableReader } from './fields.js';
import { isTomlTable } from './fields.js';
import { ANSWER_TABLES, PROCEDURE_HINTS } from './schema.js';
import { keyDistance, nearestKey } from './suggest.js';
import { PROCEDURES, type KeystoreRole } from './types.js';

/**
 * Reports every key of the reader's table that the procedure does not read: a key another procedure reads
 * there, a key that belongs in another table, a misspelled key with the nearest valid one.
 */
export function reportUnknownKeys(reader: TableReader, procedure: KeystoreRole): void {
  const table = reader.location.table;
  const known = own(ANSWER_TABLES[procedure], table) ?? [];
  for (const key of Object.keys(reader.data)) {
    if (known.includes(key)) continue;
    const full = table === '' ? key : `${table}.${key}`;
    // Only top-level tables are shown as [headers]: deeper down a table is as likely an inline secret
    // ({ env = "..." }) under a misspelled key.
    const asTable = table === '' && isTomlTable(reader.data[key]);
    const field = asTable ? `[${full}]` : reader.field(key);
    reader.problemAt(field, unknownKeyMessage(key, table, procedure, asTable));
  }
}

/** Own keys only: a file may hold keys such as "constructor" or "__proto__", which every object inherits. */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

function unknownKeyMessage(key: string, table: string, procedure: KeystoreRole, asTable: boolean): string {
  const hint = own(own(PROCEDURE_HINTS[procedure], table), key);
  if (hint) return `unknown key; ${hint}`;
  const tables = ANSWER_TABLES[procedure];
  const full = table === '' ? key : `${table}.${key}`;
  const others = PROCEDURES.filter(
    (other) => other !== procedure && (own(ANSWER_TABLES[other], full) !== undefined || own(ANSWER_TABLES[other], table)?.includes(key)),
  );
  if (others.length > 0) {
    return `not read by \`apply ${procedure}\`; ${others.map((other) => `\`apply ${other}\``).join(' and ')} read${others.length === 1 ? 's' : ''} it`;
  }
  const home = Object.keys(tables).find((other) => other !== table && tables[other]!.includes(key));
  if (home !== undefined) return `unknown key here; it belongs in ${home === '' ? 'the top level' : `[${home}]`}`;
  const known = own(tables, table) ?? [];
  const kind = asTable ? 'table' : 'key';
  const nearest = nearestKey(key, known);
  if (nearest === undefined) {
    const elsewhere = nearestElsewhere(key, table, tables);
    if (elsewhere !== undefined) return `unknown ${kind}; did you mean ${elsewhere.key} in [${elsewhere.table}]?`;
    return `unknown ${kind}; the keys here are ${known.join(', ')}`;
  }
  const nearestFull = table === '' ? nearest : `${table}.${nearest}`;
  return `unknown ${kind}; did you mean ${asTable && own(tables, nearestFull) !== undefined ? `[${nearestFull}]` : nearest}?`;
}

/** The closest key of the other tables (not the top level: its keys are table names). */
function nearestElsewhere(
  key: string,
  table: string,
  tables: Readonly<Record<string, readonly string[]>>,
): { key: string; table: string } | undefined {
  let best: { key: string; table: string; distance: number } | undefined;
  for (const [other, keys] of Object.entries(tables)) {
    if (other === table || other === '') continue;
    const candidate = nearestKey(key, keys);
    if (candidate === undefined) continue;
    const distance = keyDistance(key, candidate);
    if (!best || distance < best.distance) best = { key: candidate, table: other, distance };
  }
  return best && { key: best.key, table: best.table };
}
