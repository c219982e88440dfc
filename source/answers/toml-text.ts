import { tomlBasicString } from '../toml-string.js';

/** TOML 1.0 basic strings: quotes, backslashes and every control character (DEL included) escaped. */
export const tomlString = tomlBasicString;

export function tomlStringArray(values: readonly string[]): string {
  return `[${values.map(tomlString).join(', ')}]`;
}
