/**
 * A small TOML scanner for the patcher: it finds table headers, keys and the spans of their values, and nothing
 * more. It never builds values (smol-toml does that); it only needs to know where each value starts and ends,
 * so that the patcher can replace exactly those characters and leave every other byte alone.
 *
 * It expects text smol-toml has already accepted. Every loop advances the position, and the ends of strings are
 * found with indexOf, so the cost is linear in the size of the text.
 */
import { UserError } from '../errors.js';
import { charClass, decodeBasic, escapedAt } from './patch-scan-text.js';

export interface KeySegment {
  /** The key as TOML means it (quotes removed, escapes decoded). */
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

export interface KeyValue {
  readonly container: Container;
  /** The key as written: one segment, or several for a dotted key. */
  readonly key: readonly KeySegment[];
  /** Full path of the value from the document root. */
  readonly path: readonly string[];
  /** Start of the line the key is on (top-level key-values only; inside an inline table, the key's start). */
  readonly lineStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** After the newline that ends the statement (or the end of the text); inside an inline table, `valueEnd`. */
  lineEnd: number;
  /** Set when the value is an inline table. */
  readonly inline?: InlineTable;
  /**
   * Inline tables anywhere inside an array value, in document order. Never patch targets (they have no path of
   * their own); recorded so that the diff's masker sees their keys (`users = [{ password = "..." }]`).
   */
  readonly arrayTables?: readonly InlineTable[];
}

export interface InlineTable {
  readonly kind: 'inline';
  readonly path: readonly string[];
  /** Offset of `{` and of `}` (set once the scanner reaches it). */
  readonly open: number;
  close: number;
  readonly entries: KeyValue[];
}

export interface Section {
  readonly kind: 'section';
  /** [] for the root (the key-values before the first header). */
  readonly path: readonly string[];
  /** `[[path]]`: an element of an array of tables. */
  readonly array: boolean;
  /** Offsets of the header line; absent for the root. */
  readonly header?: { readonly lineStart: number; readonly lineEnd: number };
  /** Where the section's text ends: the start of the next header's line, or the end of the text. */
  end: number;
  /** Whether `entries` were collected (else they were stepped over and `entries` is empty). */
  readonly recording: boolean;
  readonly entries: KeyValue[];
}

export type Container = Section | InlineTable;

/** Character classes by char code, checked per character: a table lookup, not a regular expression. */
const BARE_KEY = charClass('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-');
const SCALAR = charClass('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+.:');
const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What a caller needs of a section, by its path: its key-values, only where it lies in the text, or nothing.
 * Sections needed for less are stepped over without building anything for what is not needed.
 */
export type SectionNeed = 'entries' | 'place' | 'none';

/**
 * Scans a whole document into its sections (the root first), in document order. With `need`, only the sections
 * it asks for are returned, and only those it asks 'entries' of have their key-values: on a large file the patcher
 * needs a few tables, and objects for every key and header would cost more than the scan itself.
 */
export function scanToml(text: string, need?: (path: readonly string[]) => SectionNeed): Section[] {
  return new Scanner(text, need).document();
}

class Scanner {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly need: ((path: readonly string[]) => SectionNeed) | undefined,
  ) {}

  document(): Section[] {
    const sections: Section[] = [];
    let section: Section | undefined = this.open(sections, [], false, undefined);
    while (this.pos < this.text.length) {
      const lineStart = this.pos;
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === undefined) break;
      if (c === '\n' || c === '\r' || c === '#') {
        this.finishLine();
      } else if (c === '[') {
        const array = this.text[this.pos + 1] === '[';
        this.pos += array ? 2 : 1;
        const key = this.key();
        this.skipSpaces();
        this.expect(array ? ']]' : ']');
        const lineEnd = this.finishLine();
        if (section) section.end = lineStart;
        section = this.open(
          sections,
          key.map((k) => k.name),
          array,
          { lineStart, lineEnd },
        );
      } else if (section?.recording) {
        const entry = this.keyValue(section, lineStart);
        entry.lineEnd = this.finishLine();
        section.entries.push(entry);
      } else {
        this.skipKeyValue();
        this.finishLine();
      }
    }
    if (section) section.end = this.text.length;
    return sections;
  }

  /** A new section, added to `sections` unless it is not needed. */
  private open(sections: Section[], path: readonly string[], array: boolean, header: Section['header']): Section | undefined {
    const need = this.need?.(path) ?? 'entries';
    if (need === 'none') return undefined;
    const recording = need === 'entries';
    const section: Section = header
      ? { kind: 'section', path, array, header, entries: [], end: -1, recording }
      : { kind: 'section', path, array, entries: [], end: -1, recording };
    sections.push(section);
    return section;
  }

  /** `key = value`, positioned at the key. */
  private keyValue(container: Container, lineStart: number): KeyValue {
    const key = this.key();
    this.skipSpaces();
    this.expect('=');
    this.skipSpaces();
    const path = [...container.path, ...key.map((k) => k.name)];
    const valueStart = this.pos;
    const arrayTables: InlineTable[] = [];
    const inline = this.value(path, arrayTables);
    const entry = { container, key, path, lineStart, valueStart, valueEnd: this.pos, lineEnd: this.pos, inline };
    return arrayTables.length > 0 ? { ...entry, arrayTables } : entry;
  }

  /** Steps over `key = value` exactly as keyValue reads it, building nothing. */
  private skipKeyValue(): void {
    for (;;) {
      this.skipSpaces();
      this.skipKeySegment();
      this.skipSpaces();
      if (this.text.charCodeAt(this.pos) !== 0x2e) break; // '.'
      this.pos++;
    }
    this.expect('=');
    this.skipSpaces();
    this.value(undefined);
  }

  private skipKeySegment(): void {
    const start = this.pos;
    const c = this.text[start];
    if (c === '"') this.pos = this.basicStringEnd(start + 1);
    else if (c === "'") this.pos = this.closing("'", start + 1) + 1;
    else {
      while (BARE_KEY[this.text.charCodeAt(this.pos)] === 1) this.pos++;
      if (this.pos === start) this.fail('a key');
    }
  }

  /** A bare, quoted or dotted key; stops after its last segment. */
  private key(): KeySegment[] {
    const segments: KeySegment[] = [];
    for (;;) {
      this.skipSpaces();
      segments.push(this.keySegment());
      this.skipSpaces();
      if (this.text[this.pos] !== '.') return segments;
      this.pos++;
    }
  }

  private keySegment(): KeySegment {
    const start = this.pos;
    const c = this.text[start];
    if (c === '"') {
      this.pos = this.basicStringEnd(start + 1);
      return { name: decodeBasic(this.text.slice(start + 1, this.pos - 1)), start, end: this.pos };
    }
    if (c === "'") {
      this.pos = this.closing("'", start + 1) + 1;
      return { name: this.text.slice(start + 1, this.pos - 1), start, end: this.pos };
    }
    while (BARE_KEY[this.text.charCodeAt(this.pos)] === 1) this.pos++;
    if (this.pos === start) this.fail('a key');
    return { name: this.text.slice(start, this.pos), start, end: this.pos };
  }

  /**
   * Skips one value; returns its description when it is an inline table whose entries may be edited. Inline
   * tables inside an array value go to `arrayTables` (given only for a recorded key-value, whose `path` they take).
   */
  private value(path: readonly string[] | undefined, arrayTables?: InlineTable[]): InlineTable | undefined {
    const c = this.text[this.pos];
    if (c === '"') {
      this.pos = this.text.startsWith('"""', this.pos) ? this.multilineEnd('"""', this.pos + 3) : this.basicStringEnd(this.pos + 1);
    } else if (c === "'") {
      this.pos = this.text.startsWith("'''", this.pos) ? this.multilineEnd("'''", this.pos + 3) : this.closing("'", this.pos + 1) + 1;
    } else if (c === '[') {
      this.array(path === undefined ? undefined : { path, found: arrayTables ?? [] });
    } else if (c === '{') {
      return this.inlineTable(path);
    } else {
      this.scalar();
    }
    return undefined;
  }

  private array(record: { path: readonly string[]; found: InlineTable[] } | undefined): void {
    this.pos++;
    for (;;) {
      this.skipBlank();
      if (this.text[this.pos] === ']') break;
      const table = this.value(record?.path, record?.found);
      if (table && record) record.found.push(table);
      this.skipBlank();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== ']') this.fail("',' or ']'");
    }
    this.pos++;
  }

  /**
   * An inline table in a section that is only skipped over cannot be a patch target: it is stepped over without
   * building anything. (One inside an array is built, but only reaches `arrayTables`.)
   */
  private inlineTable(path: readonly string[] | undefined): InlineTable | undefined {
    if (path === undefined) {
      this.skipInlineTable();
      return undefined;
    }
    const table: InlineTable = { kind: 'inline', path: path ?? [], open: this.pos, close: -1, entries: [] };
    this.pos++;
    for (;;) {
      // TOML 1.1 allows newlines and comments inside inline tables; skipping them costs nothing for 1.0.
      this.skipBlank();
      if (this.text[this.pos] === '}') break;
      table.entries.push(this.keyValue(table, this.pos));
      this.skipBlank();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("',' or '}'");
    }
    table.close = this.pos;
    this.pos++;
    return table;
  }

  private skipInlineTable(): void {
    this.pos++;
    for (;;) {
      this.skipBlank();
      if (this.text[this.pos] === '}') break;
      this.skipKeyValue();
      this.skipBlank();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("',' or '}'");
    }
    this.pos++;
  }

  /** Numbers, booleans, dates and times. A local date may be followed by a space and a time. */
  private scalar(): void {
    const start = this.pos;
    this.skipScalarChars();
    const text = this.text;
    if (text[this.pos] === ' ' && /[0-9]/.test(text[this.pos + 1] ?? '') && LOCAL_DATE.test(text.slice(start, this.pos))) {
      this.pos++;
      this.skipScalarChars();
    }
    if (this.pos === start) this.fail('a value');
  }

  private skipScalarChars(): void {
    while (SCALAR[this.text.charCodeAt(this.pos)] === 1) this.pos++;
  }

  /** Position after the closing quote of a one-line basic string whose content starts at `from`. */
  private basicStringEnd(from: number): number {
    const text = this.text;
    for (let i = from; i < text.length; ) {
      const c = text.charCodeAt(i);
      if (c === 0x5c)
        i += 2; // backslash: skip the escaped character
      else if (c === 0x22) return i + 1;
      else if (c === 0x0a) break;
      else i++;
    }
    return this.fail('the end of a string');
  }

  /** Position after a multi-line string's closing delimiter; up to two quotes before it belong to the content. */
  private multilineEnd(delimiter: '"""' | "'''", from: number): number {
    let i = from;
    for (;;) {
      const found = this.text.indexOf(delimiter, i);
      if (found < 0) this.fail('the end of a multi-line string');
      if (delimiter === '"""' && escapedAt(this.text, found, from)) {
        i = found + 1;
        continue;
      }
      let end = found + 3;
      const quote = delimiter[0];
      while (end - found < 5 && this.text[end] === quote) end++;
      return end;
    }
  }

  private closing(quote: string, from: number): number {
    const found = this.text.indexOf(quote, from);
    if (found < 0) this.fail('the end of a string');
    return found;
  }

  /** Skips the rest of a statement's line: spaces, a comment, the newline. Returns the offset after it. */
  private finishLine(): number {
    this.skipSpaces();
    if (this.text[this.pos] === '#') {
      const newline = this.text.indexOf('\n', this.pos);
      this.pos = newline < 0 ? this.text.length : newline;
      if (this.text[this.pos - 1] === '\r') this.pos--;
    }
    if (this.text[this.pos] === '\r' && this.text[this.pos + 1] === '\n') this.pos += 2;
    else if (this.text[this.pos] === '\n') this.pos++;
    else if (this.pos < this.text.length) this.fail('the end of the line');
    return this.pos;
  }

  private skipSpaces(): void {
    for (let c = this.text.charCodeAt(this.pos); c === 0x20 || c === 0x09; c = this.text.charCodeAt(this.pos)) this.pos++;
  }

  /** Spaces, newlines and comments (between array elements). */
  private skipBlank(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '#') {
        const newline = this.text.indexOf('\n', this.pos);
        this.pos = newline < 0 ? this.text.length : newline;
      } else return;
    }
  }

  private expect(token: string): void {
    if (!this.text.startsWith(token, this.pos)) this.fail(`'${token}'`);
    this.pos += token.length;
  }

  /** Only reached if smol-toml accepted text this scanner does not understand: a gap in the scanner. */
  private fail(expected: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    throw new UserError(
      `Could not follow the structure of the configuration at line ${line}, column ${column} (expected ${expected}). ` +
        'Make this change by hand, and please report the file layout that caused it.',
      'patch-unsupported',
    );
  }
}
