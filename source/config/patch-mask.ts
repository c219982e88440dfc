/**
 * Masks secret values in a TOML text for display (the diff preview). What is secret is told by the shape of the
 * key, not by a list of the keys this tool writes: real configurations hold `connection_password`,
 * `proxy_password`, `keyStorePassword`, `client_secret`, `access_token`, ..., and any of them can sit in the
 * context lines of a diff that automation logs keep. So a value is masked when any part of its key path (its
 * table, a dotted segment, an inline table's key) names a secret, which covers every `[secrets]` value too.
 *
 * A value that is nothing but placeholders (`$env{MI_KS_PW}`, `$secret{alias}`, `$sys{..}`, `$ref{..}`) is not a
 * secret, only where one lives: it is shown as written, so that a reviewer sees a reference turn into plaintext.
 * A value that mixes text and a placeholder holds part of a secret: masked.
 *
 * The line count is kept, so masked lines stay aligned with the real ones.
 */
import { parse } from 'smol-toml';
import { scanToml } from './patch-scan.js';
import { decodeBasic } from './patch-scan-text.js';
import type { InlineTable, KeyValue, Section } from './patch-scan.js';

export const MASK = '********';

/** Words that make a key secret wherever they appear in its name, in any case. */
export const SECRET_KEY_WORDS: readonly string[] = ['password', 'passwd', 'pwd', 'secret', 'token', 'credential', 'key_pass'];

const SECRET_WORD = new RegExp(SECRET_KEY_WORDS.join('|'), 'i');
/** Further on in a value (an inline table on a line that does not parse): `"a_password" =`. */
const INNER_SECRET_KEY = new RegExp(`(["']?[\\w.-]*(?:${SECRET_KEY_WORDS.join('|')})[\\w.-]*["']?[ \\t]*=)`, 'i');
const ONLY_PLACEHOLDERS = /^(?:\$(?:ref|env|secret|sys)\{[^}]*\})+$/;

/** Whether a key (one segment of a path) names a secret: `keyStorePassword`, `proxy_password`, `[secrets]`. */
export function isSecretKeyName(name: string): boolean {
  return SECRET_WORD.test(name);
}

/** Whether any segment of a key path names a secret. */
export function isSecretKeyPath(path: readonly string[]): boolean {
  return path.some(isSecretKeyName);
}

/** A value made only of WSO2 placeholders: where a secret lives, never the secret itself. */
export function isPlaceholderOnly(value: string): boolean {
  return ONLY_PLACEHOLDERS.test(value);
}

/** The lines of `text` (split at "\n", each without its "\r") with every secret value masked. */
export function maskedLines(text: string): string[] {
  try {
    return maskByStructure(text);
  } catch {
    // Not valid TOML (or a layout the scanner does not follow): mask by lines, more bluntly.
    return maskByLines(text.split('\n').map(stripCr));
  }
}

function maskByStructure(text: string): string[] {
  const offset = text.startsWith('\uFEFF') ? 1 : 0;
  const body = text.slice(offset);
  parse(body); // the scanner expects valid TOML; anything else goes to the line masker
  const sections = scanToml(body);
  const spans: [number, number][] = [];
  const visitTable = (table: InlineTable): void => table.entries.forEach(visit);
  const visit = (entry: KeyValue): void => {
    if (isSecretKeyPath(entry.path)) {
      if (!isPlaceholderValue(body.slice(entry.valueStart, entry.valueEnd))) spans.push([entry.valueStart, entry.valueEnd]);
      return;
    }
    if (entry.inline) visitTable(entry.inline);
    entry.arrayTables?.forEach(visitTable);
  };
  for (const section of sections) section.entries.forEach(visit);
  spans.sort((a, b) => a[0] - b[0]);
  const chunks: string[] = [];
  let cursor = 0;
  for (const [start, end] of spans) {
    chunks.push(body.slice(cursor, start));
    // One mask per line of the value, so that a multi-line string keeps its line count.
    chunks.push(
      body
        .slice(start, end)
        .split('\n')
        .map(() => MASK)
        .join('\n'),
    );
    cursor = end;
  }
  chunks.push(body.slice(cursor));
  const lines = (text.slice(0, offset) + chunks.join('')).split('\n').map(stripCr);
  return maskComments(lines, tablesByLine(body, sections));
}

/** Whether a TOML value, as written, is a string holding only placeholders. */
function isPlaceholderValue(written: string): boolean {
  const first = written[0];
  if (first !== '"' && first !== "'") return false;
  try {
    const value = (parse(`v = ${written}`) as { v?: unknown }).v;
    return typeof value === 'string' && isPlaceholderOnly(value);
  } catch {
    return false;
  }
}

/** For each line of `body`, the path of the table it lies in (from the scanner's sections, in document order). */
function tablesByLine(body: string, sections: readonly Section[]): (readonly string[])[] {
  const tables: (readonly string[])[] = [];
  let line = 0;
  let counted = 0;
  let current: readonly string[] = [];
  for (const section of sections) {
    const start = section.header?.lineStart ?? 0;
    for (let at = body.indexOf('\n', counted); at >= 0 && at < start; at = body.indexOf('\n', at + 1)) {
      tables[line++] = current;
      counted = at + 1;
    }
    current = section.path;
  }
  const lines = body.split('\n').length;
  while (line < lines) tables[line++] = current;
  return tables;
}

const COMMENT_START = /^[ \t]*#[# \t]*/;
const HEADER_LINE = /^[ \t]*\[\[?([^\]=]*)\]\]?[ \t]*(?:#.*)?$/;

/**
 * A commented-out assignment (`# password = "old"`) assigns nothing, but its value may still be a real
 * password that an administrator disabled: masked as well, by its key, by the table it sits in, or by the
 * commented-out header above it.
 */
function maskComments(lines: string[], tables: readonly (readonly string[])[]): string[] {
  let commentedTable: readonly string[] = [];
  let lastTable: readonly string[] | undefined;
  // Set while a masked commented-out value goes on over the next commented lines (a multi-line string or array).
  let continuation: string | undefined;
  return lines.map((line, index) => {
    const table = tables[index] ?? [];
    if (table !== lastTable) {
      commentedTable = [];
      lastTable = table;
    }
    const hash = COMMENT_START.exec(line);
    if (!hash) {
      continuation = undefined;
      return line;
    }
    const rest = line.slice(hash[0].length);
    if (continuation !== undefined) {
      if (rest.includes(continuation)) continuation = undefined;
      return hash[0] + MASK;
    }
    const header = HEADER_LINE.exec(rest);
    if (header) {
      commentedTable = keySegments(header[1] ?? '');
      return line;
    }
    const masked = maskAssignment(rest, [...table, ...commentedTable]);
    if (masked !== rest) continuation = opensMultiline(rest.slice(rest.indexOf('=') + 1));
    return hash[0] + masked;
  });
}

/**
 * For text that does not parse: each line is read on its own, table headers set the table, and after a secret
 * key's `=` the rest of the line is masked (and the following lines, when the value opens a multi-line string or
 * array there).
 */
function maskByLines(lines: readonly string[]): string[] {
  let table: readonly string[] = [];
  let commentedTable: readonly string[] = [];
  let continuation: string | undefined;
  return lines.map((line) => {
    const hash = COMMENT_START.exec(line);
    const prefix = hash ? hash[0] : '';
    const rest = line.slice(prefix.length);
    if (continuation !== undefined) {
      if (rest.includes(continuation)) continuation = undefined;
      return prefix + MASK;
    }
    const header = HEADER_LINE.exec(rest);
    if (header) {
      if (hash) commentedTable = keySegments(header[1] ?? '');
      else [table, commentedTable] = [keySegments(header[1] ?? ''), []];
      return line;
    }
    const masked = maskAssignment(rest, hash ? [...table, ...commentedTable] : table);
    if (masked !== rest) continuation = opensMultiline(rest.slice(rest.indexOf('=') + 1));
    return prefix + masked;
  });
}

/** `key = value ...` with the value masked when the key (or `table`) names a secret, or when an inline value holds a secret key. */
function maskAssignment(text: string, table: readonly string[]): string {
  const equals = text.indexOf('=');
  if (equals < 0) return text;
  const key = text.slice(0, equals);
  if (key.includes('#') || key.includes('{')) return text;
  const value = text.slice(equals + 1);
  if (isSecretKeyPath([...table, ...keySegments(key)])) {
    return isPlaceholderValue(writtenValue(value)) ? text : `${text.slice(0, equals + 1)} ${MASK}`;
  }
  // A value that holds `secret_key = ...` further on (an inline table): everything after the first such key.
  const inner = INNER_SECRET_KEY.exec(value);
  if (inner) return `${text.slice(0, equals + 1)}${value.slice(0, inner.index + inner[0].length)} ${MASK}`;
  return text;
}

/** The value part of `= value  # comment`, without the comment when the value is a one-line string. */
function writtenValue(afterEquals: string): string {
  const trimmed = afterEquals.trim();
  const quoted = /^("(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*(?:#.*)?$/.exec(trimmed);
  return quoted ? (quoted[1] ?? '') : trimmed;
}

/** The delimiter a value opens and does not close on its line: a multi-line string or an array. */
function opensMultiline(value: string): string | undefined {
  const trimmed = value.trim();
  for (const delimiter of ['"""', "'''"]) {
    if (trimmed.startsWith(delimiter) && !trimmed.slice(3).includes(delimiter)) return delimiter;
  }
  if (trimmed.startsWith('[') && !trimmed.includes(']')) return ']';
  if (trimmed.startsWith('{') && !trimmed.includes('}')) return '}';
  return undefined;
}

/** A key as written (`a."b.c".d`) split into its names, loosely: quotes removed, spaces trimmed. */
function keySegments(key: string): string[] {
  const segments: string[] = [];
  const pattern = /\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^.]+)\s*(?:\.|$)/g;
  for (const match of key.trim().matchAll(pattern)) {
    const segment = match[1] ?? '';
    if (segment === '') continue;
    if (segment.startsWith('"')) segments.push(decodeBasic(segment.slice(1, -1)));
    else segments.push(segment.startsWith("'") ? segment.slice(1, -1) : segment.trim());
  }
  return segments;
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
