/** How the patcher writes values and keys: TOML 1.0 literals that every TOML 1.0 reader parses back exactly. */
import { UserError } from '../errors.js';
import { hasUnpairedSurrogate, tomlBasicString } from '../toml-string.js';

export type TomlScalar = string | number | boolean;

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** What an error message calls a value: the name, or how to make it. */
export type Naming = string | (() => string);

function named(what: Naming): string {
  return typeof what === 'string' ? what : what();
}

/**
 * A basic string: quote, backslash and control characters escaped, everything else (non-ASCII included) as is.
 * `what` names the value in the error (never the value itself: it may be a password); a function is called only
 * then, so that naming costs nothing when all is well.
 */
export function basicString(value: string, what: Naming): string {
  if (hasUnpairedSurrogate(value)) {
    throw new UserError(
      `The value for ${named(what)} contains a broken Unicode character (an unpaired surrogate) that a TOML file ` +
        'cannot hold. Enter it again.',
      'bad-input',
    );
  }
  return tomlBasicString(value);
}

export function formatValue(value: TomlScalar, what: Naming): string {
  if (typeof value === 'string') return basicString(value, what);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Object.is(value, -0)) return '-0.0';
  if (Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e21) {
    // Written as an integer literal it would come back as a different (exact) integer.
    throw new UserError(`The number for ${named(what)} is too large to write exactly; use a string.`, 'bad-input');
  }
  // String(n) gives TOML-valid literals: "8243", "0.5", "1e+21", "5e-324".
  return String(value);
}

/** One key segment: bare where TOML allows it, else a basic string. */
export function formatKey(name: string): string {
  return BARE_KEY.test(name) ? name : basicString(name, 'a key name');
}

export function formatDottedKey(path: readonly string[]): string {
  return path.map(formatKey).join('.');
}

/** A path for messages, e.g. keystore.primary.password. */
export function describePath(path: readonly string[]): string {
  return path.length === 0 ? '(the top level)' : formatDottedKey(path);
}
