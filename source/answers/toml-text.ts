/** TOML 1.0 basic strings: quotes, backslashes and every control character (DEL included) escaped. */
const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

export function tomlString(value: string): string {
  const escaped = value.replace(/["\\\u0000-\u001f\u007f]/g, (char) => {
    return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
  });
  return `"${escaped}"`;
}

export function tomlStringArray(values: readonly string[]): string {
  return `[${values.map(tomlString).join(', ')}]`;
}
