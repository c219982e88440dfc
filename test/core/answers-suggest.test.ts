import { describe, expect, it } from 'vitest';
import { editDistance, nearestKey } from '../../source/answers/suggest.js';

describe('editDistance', () => {
  it.each([
    ['password', 'password', 0],
    ['passwrd', 'password', 1],
    ['alais', 'alias', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s -> %s is %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });
});

describe('nearestKey', () => {
  const keys = ['source', 'file_name', 'type', 'alias', 'password', 'key_password', 'overwrite', 'generate', 'existing'];

  it.each([
    ['passwrd', 'password'],
    ['keyPassword', 'key_password'],
    ['key-password', 'key_password'],
    ['filename', 'file_name'],
    ['Alias', 'alias'],
    ['overwrit', 'overwrite'],
    ['genrate', 'generate'],
  ])('suggests %s -> %s', (typo, expected) => {
    expect(nearestKey(typo, keys)).toBe(expected);
  });

  it('suggests the longer key a whole word belongs to', () => {
    expect(nearestKey('size', ['dname', 'key_size', 'validity_days'])).toBe('key_size');
    expect(nearestKey('validity', ['dname', 'key_size', 'validity_days'])).toBe('validity_days');
  });

  it('does not suggest a key that is a different word', () => {
    expect(nearestKey('hostname', keys)).toBeUndefined();
    expect(nearestKey('pwd', keys)).toBeUndefined();
    expect(nearestKey('', keys)).toBeUndefined();
  });
});
