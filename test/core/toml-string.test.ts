import fc from 'fast-check';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { tomlString } from '../../source/answers/toml-text.js';
import { patchToml } from '../../source/config/patch.js';
import { hasUnpairedSurrogate, tomlBasicString } from '../../source/toml-string.js';
import { thrownError } from '../support/user-error.js';

describe('the one TOML basic-string escaper', () => {
  it('escapes exactly quote, backslash and the control characters, with the short forms where TOML has them', () => {
    const short: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };
    for (let code = 0; code < 0x100; code++) {
      const char = String.fromCharCode(code);
      const control = code < 0x20 || code === 0x7f;
      const expected = short[code] ?? (control ? `\\u${code.toString(16).toUpperCase().padStart(4, '0')}` : char);
      expect(tomlBasicString(char)).toBe(`"${expected}"`);
    }
    expect(tomlBasicString('é \u{1F511} \u2028')).toBe('"é \u{1F511} \u2028"');
  });

  it('any well-formed string parses back as itself (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        fc.pre(!hasUnpairedSurrogate(value));
        expect(parse(`value = ${tomlBasicString(value)}\n`)).toEqual({ value });
      }),
      { numRuns: 500 },
    );
  });

  it('is what both writers use: answers files and the configuration patcher write the same text', () => {
    const awkward = 'a "quoted" C:\\path\twith\ncontrol \u0000\u001b\u007f é';
    expect(tomlString(awkward)).toBe(tomlBasicString(awkward));
    expect(patchToml('[keystore.primary]\n', [{ table: ['keystore', 'primary'], key: 'alias', value: awkward }])).toContain(
      `alias = ${tomlBasicString(awkward)}`,
    );
  });

  it('finds the broken characters a UTF-8 file cannot hold, and only those', () => {
    for (const broken of ['\ud800', 'a\udbffb', '\udc00', 'x\udfff', '\ud800\ud800\udc00', '\ud83d\ude00\ude00', '\ude00\ud83d']) {
      expect(hasUnpairedSurrogate(broken), JSON.stringify(broken)).toBe(true);
    }
    for (const whole of ['', 'plain', '\ud83d\ude00', 'a\ud83d\ude00\ud83d\udd11b', '\uffff\ue000']) {
      expect(hasUnpairedSurrogate(whole), JSON.stringify(whole)).toBe(false);
    }
  });

  it('the patcher refuses a value with an unpaired surrogate, naming the key, not the value', () => {
    const error = thrownError(() =>
      patchToml('[keystore.primary]\n', [{ table: ['keystore', 'primary'], key: 'password', value: 'secret\ud800' }]),
    );
    expect(error.code).toBe('bad-input');
    expect(error.message).toMatch(/unpaired surrogate/);
    expect(error.message).not.toContain('secret');
  });
});
