import { describe, expect, it } from 'vitest';
import { decodeKeys } from '../../../source/ui/components/keys/decode-keys.js';

describe('decodeKeys', () => {
  it('splits text from the Enter that follows it', () => {
    expect(decodeKeys('secret\r')).toEqual([{ name: 'text', text: 'secret' }, { name: 'enter' }]);
  });

  it('counts CR LF as one Enter and keeps text after it', () => {
    expect(decodeKeys('a\r\nb\nc')).toEqual([
      { name: 'text', text: 'a' },
      { name: 'enter' },
      { name: 'text', text: 'b' },
      { name: 'enter' },
      { name: 'text', text: 'c' },
    ]);
  });

  it('tells Backspace from Delete', () => {
    expect(decodeKeys('\u007F')).toEqual([{ name: 'backspace' }]);
    expect(decodeKeys('\b')).toEqual([{ name: 'backspace' }]);
    expect(decodeKeys('\u001B[3~')).toEqual([{ name: 'delete' }]);
  });

  it('reads arrows, Home, End and pages in their CSI, SS3 and VT220 forms', () => {
    const names = (chunk: string): string[] => decodeKeys(chunk).map((key) => key.name);
    expect(names('\u001B[A\u001B[B\u001B[C\u001B[D')).toEqual(['up', 'down', 'right', 'left']);
    expect(names('\u001BOA\u001BOH\u001BOF')).toEqual(['up', 'home', 'end']);
    expect(names('\u001B[H\u001B[F\u001B[1~\u001B[4~\u001B[7~\u001B[8~')).toEqual(['home', 'end', 'home', 'end', 'home', 'end']);
    expect(names('\u001B[5~\u001B[6~')).toEqual(['pageUp', 'pageDown']);
    expect(names('\u001B[1;5C')).toEqual(['right']);
    expect(names('\u001B[Z')).toEqual(['backTab']);
  });

  it('reads the line-editing control keys', () => {
    const names = (chunk: string): string[] => decodeKeys(chunk).map((key) => key.name);
    expect(names('\u0001\u0005\u0015\u0003\t')).toEqual(['home', 'end', 'clearLine', 'interrupt', 'tab']);
  });

  it('reads a lone Esc as escape, but Alt+key and unknown sequences as nothing', () => {
    expect(decodeKeys('\u001B')).toEqual([{ name: 'escape' }]);
    expect(decodeKeys('\u001Bb')).toEqual([]);
    expect(decodeKeys('\u001B[200~pasted\u001B[201~')).toEqual([{ name: 'text', text: 'pasted' }]);
    expect(decodeKeys('\u001B[24~')).toEqual([]);
  });

  it('keeps characters outside the BMP whole and drops other control characters', () => {
    expect(decodeKeys('pâss🔑\u0007x')).toEqual([{ name: 'text', text: 'pâss🔑x' }]);
  });
});
