/**
 * TOML 1.0 basic strings, the one escaper: the configuration patcher (config/patch-format.ts) and the answers
 * files (answers/toml-text.ts) both write strings through it. It lives in the base layer because answers may not
 * import config (config -> core -> answers would close a circle).
 */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f]/g;

function escapeCharacter(char: string): string {
  return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
}

/**
 * `value` as a basic string: quote, backslash and every control character (DEL included) escaped, everything else
 * (non-ASCII included) as is. Every TOML 1.0 reader parses it back to `value`, provided `value` holds no unpaired
 * surrogate (see hasUnpairedSurrogate: a TOML file, UTF-8, cannot hold one).
 */
export function tomlBasicString(value: string): string {
  return `"${value.replace(NEEDS_ESCAPE, escapeCharacter)}"`;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `value` holds a broken Unicode character, which UTF-8 (and so a TOML file) cannot encode. */
export function hasUnpairedSurrogate(value: string): boolean {
  return UNPAIRED_SURROGATE.test(value);
}
