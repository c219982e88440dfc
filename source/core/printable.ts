/**
 * Text that came from a file the tool does not control (an alias, a subject or issuer name, a SAN, a friendly
 * name, a line of a configuration), made safe to print on a terminal. Whoever owns a WSO2 home can plant such
 * text, and a raw ESC in it is an instruction to the terminal: clear the screen, set the window title, move the
 * cursor over an earlier line. Every control character (C0, DEL, C1) becomes a visible escape, and so do the
 * Unicode characters that reorder text or break lines without being a newline (bidi overrides and isolates,
 * U+2028/U+2029), so that what the reviewer sees is what the file holds.
 */

/** C0 and C1 controls, DEL, the bidi marks, embeddings, overrides and isolates, and the Unicode line breaks. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same, except tab and newline: for text whose own layout is part of the message. */
const UNSAFE_EXCEPT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves raw (it escapes C0 itself): DEL, C1 and the Unicode controls above. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of text with every control character shown as an escape (`\e`, `\n`, `\x9b`, `\u202e`). */
export function printable(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** As `printable`, keeping newlines and tabs: for messages of several lines. */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_EXCEPT_LAYOUT, escapeOne);
}

/**
 * A document as `JSON.stringify(document, null, 2)` writes it, with the characters it leaves raw and a terminal
 * would act on written as `\u` escapes. The JSON is equally valid and parses to the same values: a consumer
 * reads the real alias, a terminal shows escapes.
 */
export function jsonText(document: unknown): string {
  return JSON.stringify(document, null, 2).replace(UNSAFE_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
