/** Character-level helpers of the TOML scanner: character classes, escapes, quoted key names. */

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  b: '\b',
  t: '\t',
  n: '\n',
  f: '\f',
  r: '\r',
  e: '\x1b',
  '"': '"',
  '\\': '\\',
};

/** A lookup table by char code (ASCII), 1 for the characters of the class. */
export function charClass(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

/** Whether the character at `at` is escaped by an odd run of backslashes (not looking before `from`). */
export function escapedAt(text: string, at: number, from: number): boolean {
  let count = 0;
  for (let i = at - 1; i >= from && text[i] === '\\'; i--) count++;
  return count % 2 === 1;
}

/** Decodes the escapes of a one-line basic string (as used in quoted keys). */
export function decodeBasic(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[i + 1] ?? '';
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const width = e === 'u' ? 4 : e === 'U' ? 8 : e === 'x' ? 2 : 0;
    const code = Number.parseInt(raw.slice(i + 2, i + 2 + width), 16);
    // Unknown escapes do not reach here (the text was parsed first); keep them literally rather than throw.
    out += width > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : c;
    i += width > 0 ? 1 + width : 0;
  }
  return out;
}
