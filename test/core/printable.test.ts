import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonText, printable, printableLines } from '../../source/core/printable.js';

/** What a terminal acts on: C0 controls, DEL, C1, the bidi controls and the Unicode line breaks. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Strings rich in the characters that matter. */
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\u001b', '\u0007', '\u009b', '\u202e', '\u2028', '\n', '\t', '\r', '\u007f', '\\', '"'),
    fc.integer({ min: 0, max: 0x2100 }).map((code) => String.fromCharCode(code)),
    fc.constantFrom('a', 'é', '[2J', ']0;'),
  ),
  maxLength: 40,
});

describe('printable', () => {
  it('shows clear-screen, set-title, C1 and bidi sequences as escapes, and leaves ordinary text alone', () => {
    expect(printable('\u001b[2J\u001b]0;owned\u0007 \u009b31m \u202eexe.txt')).toBe('\\e[2J\\e]0;owned\\x07 \\x9b31m \\u202eexe.txt');
    expect(printable('line\nbreak\ttab\r')).toBe('line\\nbreak\\ttab\\r');
    expect(printable('CN=clé-ключ, O=Example\\, Inc.')).toBe('CN=clé-ключ, O=Example\\, Inc.');
    expect(printableLines('two\nlines\twith \u001b[2J')).toBe('two\nlines\twith \\e[2J');
  });

  it('property: nothing a terminal acts on survives, and escaping twice changes nothing more', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const shown = printable(text);
        expect(shown).not.toMatch(CONTROL);
        expect(printable(shown)).toBe(shown);
        expect(printableLines(text)).not.toMatch(CONTROL_BUT_LAYOUT);
      }),
      { numRuns: 500 },
    );
  });
});

describe('jsonText', () => {
  it('property: valid JSON with the same values, and no character a terminal acts on', () => {
    fc.assert(
      fc.property(fc.dictionary(hostile, fc.oneof(hostile, fc.array(hostile, { maxLength: 3 }))), (document) => {
        const text = jsonText(document);
        expect(text).not.toMatch(CONTROL_BUT_LAYOUT);
        expect(JSON.parse(text)).toEqual(document);
      }),
      { numRuns: 300 },
    );
  });
});
