import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wrapWords } from '../../source/core/text-wrap.js';

describe('wrapWords', () => {
  it('breaks at spaces within the width, and keeps a long word whole unless asked to cut it', () => {
    expect(wrapWords('the quick brown fox', 10)).toEqual(['the quick', 'brown fox']);
    expect(wrapWords('a /very/long/path/name b', 8)).toEqual(['a', '/very/long/path/name', 'b']);
    expect(wrapWords('a /very/long/path/name b', 8, { breakLongWords: true })).toEqual(['a', '/very/lo', 'ng/path/', 'name b']);
    expect(wrapWords('one\n\ntwo', 20)).toEqual(['one', '', 'two']);
  });

  it('loses no word and, cutting long words, never passes the width', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,30}$/), { maxLength: 30 }), fc.integer({ min: 1, max: 40 }), (words, width) => {
        const text = words.join(' ');
        const kept = wrapWords(text, width);
        expect(kept.join(' ').split(' ').filter(Boolean)).toEqual(words);
        const cut = wrapWords(text, width, { breakLongWords: true });
        for (const line of cut) expect(line.length).toBeLessThanOrEqual(width);
        expect(cut.join('').replace(/ /g, '')).toBe(words.join(''));
      }),
    );
  });
});
