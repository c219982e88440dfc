import { describe, expect, it } from 'vitest';
import {
  classifySecret,
  describeSecret,
  expandRefs,
  lookupDotted,
  substituteText,
  tokenize,
} from '../../source/config/placeholders.js';

describe('tokenize', () => {
  it('splits text and placeholders', () => {
    expect(tokenize('repository/resources/security/$ref{keystore.tls.file_name}')).toEqual([
      { kind: 'text', text: 'repository/resources/security/' },
      { kind: 'ref', name: 'keystore.tls.file_name' },
    ]);
    expect(tokenize('$env{A}-$sys{b.c}')).toEqual([
      { kind: 'env', name: 'A' },
      { kind: 'text', text: '-' },
      { kind: 'sys', name: 'b.c' },
    ]);
    expect(tokenize('$unknown{x}')).toEqual([{ kind: 'text', text: '$unknown{x}' }]);
  });
});

describe('expandRefs', () => {
  const values: Record<string, string> = {
    'a.b': 'x-$ref{c.d}',
    'c.d': 'y',
    'loop.one': '$ref{loop.two}',
    'loop.two': '$ref{loop.one}',
  };
  const lookup = (key: string): string | undefined => values[key];

  it('follows chains', () => {
    expect(expandRefs('[$ref{a.b}]', lookup)).toEqual({ value: '[x-y]', problems: [] });
  });

  it('reports cycles instead of looping', () => {
    const result = expandRefs('$ref{loop.one}', lookup);
    expect(result.value).toBeUndefined();
    expect(result.problems[0]).toContain('circular $ref: loop.one -> loop.two -> loop.one');
  });

  it('reports a reference to itself from the key being resolved', () => {
    const result = expandRefs('$ref{c.d}', lookup, ['c.d']);
    expect(result.value).toBeUndefined();
    expect(result.problems[0]).toMatch(/circular/);
  });

  it('reports a missing key', () => {
    const result = expandRefs('$ref{no.such}', lookup);
    expect(result.value).toBeUndefined();
    expect(result.problems[0]).toContain('$ref{no.such}');
  });

  it('leaves other placeholders for later', () => {
    expect(expandRefs('$env{X}$ref{c.d}', lookup).value).toBe('$env{X}y');
  });
});

describe('classifySecret', () => {
  it('keeps literals, resolves $env, and reports $secret and $sys', () => {
    expect(classifySecret('wso2carbon', {})).toEqual({ kind: 'literal', value: 'wso2carbon' });
    expect(classifySecret('$env{KS_PASS}', { KS_PASS: 's3cret' })).toEqual({
      kind: 'env',
      name: 'KS_PASS',
      value: 's3cret',
    });
    expect(classifySecret('$env{KS_PASS}', {})).toEqual({ kind: 'env', name: 'KS_PASS' });
    expect(classifySecret('$secret{keystore_password}', {})).toEqual({ kind: 'secret', alias: 'keystore_password' });
    expect(classifySecret('$sys{ks.pass}', {})).toEqual({ kind: 'sys', name: 'ks.pass' });
  });

  it('joins text around $env when every variable is set', () => {
    expect(classifySecret('pre-$env{A}-$env{B}', { A: '1', B: '2' })).toEqual({ kind: 'env', name: 'A', value: 'pre-1-2' });
    expect(classifySecret('pre-$env{A}-$env{B}', { A: '1' })).toEqual({ kind: 'env', name: 'A' });
  });

  it('never shows a password in a description', () => {
    expect(describeSecret({ kind: 'literal', value: 'hunter2' })).not.toContain('hunter2');
    expect(describeSecret({ kind: 'env', name: 'P', value: 'hunter2' })).not.toContain('hunter2');
  });
});

describe('substituteText', () => {
  it('fills $env and known $sys and reports the rest', () => {
    const result = substituteText('$sys{carbon.home}/$env{DIR}/$sys{other}', { DIR: 'keys' }, { 'carbon.home': '/opt/mi' });
    expect(result.value).toBe('/opt/mi/keys/$sys{other}');
    expect(result.problems).toEqual(['$sys{other} is a Java system property this tool cannot know']);
  });
});

describe('lookupDotted', () => {
  it('walks nested tables and stops at non-tables', () => {
    const data = { keystore: { primary: { file_name: 'a.jks' } }, s: 'x' };
    expect(lookupDotted(data, 'keystore.primary.file_name')).toBe('a.jks');
    expect(lookupDotted(data, 's.length')).toBeUndefined();
    expect(lookupDotted(data, 'keystore.tls.file_name')).toBeUndefined();
  });
});
