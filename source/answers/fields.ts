import { childLocation, fieldPath, type ProblemList, type TableLocation } from './problems.js';
import type { SecretRef } from './types.js';

/**
 * Typed reads of one table of parsed TOML. A read that finds a problem records it and returns a placeholder
 * of the right type, so validation carries on and reports everything; the caller throws before any
 * placeholder can be used. Secret values are never echoed in a message.
 */
export type TomlTable = Record<string, unknown>;

export function isTomlTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** "a string", "an integer", ... as a user thinks of TOML values. */
export function describeTomlType(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean (true/false)';
  if (typeof value === 'bigint') return 'an integer';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number with a fraction';
  if (value instanceof Date) return 'a date';
  if (Array.isArray(value)) return 'an array';
  if (isTomlTable(value)) return 'a table';
  return 'an unsupported value';
}

/** Stands in for a secret that was missing or wrong; validation throws before it can be used. */
export const NO_SECRET: SecretRef = { literal: '' };

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_FORMS = '{ env = "NAME" }, { file = "PATH" } or a string';

export class TableReader {
  constructor(
    readonly data: TomlTable,
    readonly location: TableLocation,
    private readonly problems: ProblemList,
  ) {}

  has(key: string): boolean {
    return this.data[key] !== undefined;
  }

  problem(key: string | undefined, message: string): void {
    this.problems.add(this.location, key, message);
  }

  problemAt(field: string, message: string): void {
    this.problems.items.push({ field, message });
  }

  field(key: string): string {
    return fieldPath(this.location, key);
  }

  /** A string that must be there and not be blank; `example` shows how to write it. */
  requiredString(key: string, example: string): string {
    const value = this.data[key];
    if (value === undefined) {
      this.problem(key, `required; for example ${key} = ${example}`);
      return '';
    }
    return this.checkString(key, value) ?? '';
  }

  optionalString(key: string): string | undefined {
    const value = this.data[key];
    return value === undefined ? undefined : this.checkString(key, value);
  }

  private checkString(key: string, value: unknown): string | undefined {
    if (typeof value !== 'string') {
      this.problem(key, `must be a string, not ${describeTomlType(value)}`);
      return undefined;
    }
    if (value.trim() === '') {
      this.problem(key, 'is empty');
      return undefined;
    }
    if (value.trim() !== value) {
      this.problem(key, `"${value}" has leading or trailing spaces; remove them`);
      return undefined;
    }
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      this.problem(key, 'contains a control character');
      return undefined;
    }
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.data[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      const hint = value === 'true' || value === 'false' ? ` (write ${value} without quotes)` : '';
      this.problem(key, `must be true or false, not ${describeTomlType(value)}${hint}`);
      return fallback;
    }
    return value;
  }

  /** An integer, or undefined when absent (the caller applies its default) or wrong (a problem is recorded). */
  integer(key: string): number | undefined {
    const value = this.data[key];
    if (value === undefined) return undefined;
    if (typeof value === 'bigint') {
      this.problem(key, `${value} is far too large`);
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      const quoted = typeof value === 'string' && /^\d+$/.test(value) ? ` (write ${value} without quotes)` : '';
      this.problem(key, `must be a whole number, not ${describeTomlType(value)}${quoted}`);
      return undefined;
    }
    return value;
  }

  /** One of `choices`; absent gives `fallback`, or a "required" problem when there is none. */
  choice<T extends string>(key: string, choices: readonly T[], fallback?: T): T {
    const value = this.data[key];
    const listed = choices.map((choice) => `"${choice}"`).join(' or ');
    const placeholder = fallback ?? choices[0]!;
    if (value === undefined) {
      if (fallback === undefined) this.problem(key, `required; write ${key} = ${listed}`);
      return placeholder;
    }
    if (typeof value !== 'string') {
      this.problem(key, `must be ${listed}, not ${describeTomlType(value)}`);
      return placeholder;
    }
    const exact = choices.find((choice) => choice === value);
    if (exact) return exact;
    const caseless = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
    this.problem(key, caseless ? `"${value}" must be written "${caseless}"` : `"${value}" is not valid; use ${listed}`);
    return placeholder;
  }

  stringArray(key: string): string[] {
    const value = this.data[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.problem(key, `must be an array of strings such as ["DNS:host.example.com"], not ${describeTomlType(value)}`);
      return [];
    }
    const strings: string[] = [];
    value.forEach((item: unknown, index) => {
      if (typeof item === 'string') strings.push(item);
      else this.problem(key, `item ${index + 1} must be a string, not ${describeTomlType(item)}`);
    });
    return strings;
  }

  /** A secret reference. Absent: undefined, plus a "required" problem when `example` is given. */
  secret(key: string, example?: string): SecretRef | undefined {
    const value = this.data[key];
    if (value === undefined) {
      if (example !== undefined) this.problem(key, `required; for example ${key} = ${example}`);
      return undefined;
    }
    if (typeof value === 'string') {
      if (value === '') this.problem(key, 'is empty; a keystore password cannot be empty');
      return { literal: value };
    }
    if (!isTomlTable(value)) {
      this.problem(key, `must be ${SECRET_FORMS}, not ${describeTomlType(value)}`);
      return undefined;
    }
    const keys = Object.keys(value);
    const [form] = keys;
    if (keys.length !== 1 || (form !== 'env' && form !== 'file' && form !== 'literal')) {
      this.problem(key, `must be ${SECRET_FORMS}; this table has ${keys.length === 0 ? 'no keys' : keys.join(', ')}`);
      return undefined;
    }
    const inner = value[form];
    if (typeof inner !== 'string' || inner === '') {
      this.problem(key, `${form} must be a non-empty string, not ${inner === '' ? 'empty' : describeTomlType(inner)}`);
      return undefined;
    }
    if (form === 'env') {
      if (!ENV_NAME.test(inner)) {
        this.problem(key, `env = "${inner}" is not an environment variable name (letters, digits and _, not starting with a digit)`);
        return undefined;
      }
      return { env: inner };
    }
    return form === 'file' ? { file: inner } : { literal: inner };
  }

  /** A sub-table; absent gives an empty one so that its required keys are each reported. */
  table(key: string): TableReader {
    const value = this.data[key];
    const location = childLocation(this.location, key);
    if (value !== undefined && !isTomlTable(value)) {
      this.problem(key, `must be a table ([${location.table}]), not ${describeTomlType(value)}`);
    }
    return new TableReader(isTomlTable(value) ? value : {}, location, this.problems);
  }

  /** An array of tables ([[name]]); absent gives none. */
  tableArray(key: string): TableReader[] {
    const value = this.data[key];
    if (value === undefined) return [];
    const header = `[[${childLocation(this.location, key).table}]]`;
    if (!Array.isArray(value)) {
      this.problem(key, `must be an array of tables, each written under ${header}, not ${describeTomlType(value)}`);
      return [];
    }
    const readers: TableReader[] = [];
    value.forEach((item: unknown, index) => {
      const location = childLocation(this.location, key, index);
      if (isTomlTable(item)) readers.push(new TableReader(item, location, this.problems));
      else this.problems.add(location, undefined, `must be a table written under ${header}, not ${describeTomlType(item)}`);
    });
    return readers;
  }
}
