import { describe, expect, it } from 'vitest';
import {
  classifySecret,
  describeSecret,
  expandRefs,
  lookupDotted,
  MAX_EXPANDED_LENGTH,
  MAX_REF_DEPTH,
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

describe('expandRefs: bounds (a hostile home writes its own configuration)', () => {
  /** Eight keys, each referring to the previous one ten times: level n expands to 10^n characters. */
  function bomb(
    levels: number,
    refsPerLevel = 10,
  ): { values: Map<string, string>; calls: () => number; lookup: (key: string) => string | undefined } {
    const values = new Map<string, string>([['bomb.l0', 'x']]);
    for (let level = 1; level <= levels; level++) values.set(`bomb.l${level}`, `$ref{bomb.l${level - 1}}`.repeat(refsPerLevel));
    let calls = 0;
    return {
      values,
      calls: () => calls,
      lookup: (key) => {
        calls++;
        return values.get(key);
      },
    };
  }

  it('stops a length bomb (8 lines, 10 refs each, 7 levels) with one fatal problem naming the key, looking each key up once', () => {
    const { lookup, calls } = bomb(7);
    const result = expandRefs('$ref{bomb.l7}', lookup, ['keystore.primary.password']);
    expect(result.value).toBeUndefined();
    expect(result.fatal).toBe(true);
    expect(result.problems).toEqual([
      expect.stringContaining(`the $ref expansion of keystore.primary.password passes ${MAX_EXPANDED_LENGTH} characters`),
    ]);
    // Linear work, not 10^7: every key is expanded once and its value reused.
    expect(calls()).toBeLessThanOrEqual(8);
  });

  it('stops 2,000 refs in one value once the value passes 64 KB', () => {
    const lookup = (key: string): string | undefined => (key === 'long.value' ? 'y'.repeat(100) : undefined);
    const result = expandRefs('$ref{long.value}'.repeat(2000), lookup, ['keystore.tls.password']);
    expect(result.fatal).toBe(true);
    expect(result.problems[0]).toContain('keystore.tls.password');
    expect(result.problems[0]).toContain('at $ref{long.value}');
  });

  it('expands right up to the bounds: 64 KB exactly, a chain of 16', () => {
    const exact = expandRefs('$ref{a.b}'.repeat(64), (key) => (key === 'a.b' ? 'z'.repeat(1024) : undefined));
    expect(exact).toEqual({ value: 'z'.repeat(MAX_EXPANDED_LENGTH), problems: [] });
    const chain = (length: number) => (key: string) => {
      const n = Number(key.slice(1));
      return n < length ? `$ref{k${n + 1}}` : 'end';
    };
    expect(expandRefs('$ref{k1}', chain(MAX_REF_DEPTH))).toEqual({ value: 'end', problems: [] });
    const deep = expandRefs('$ref{k1}', chain(MAX_REF_DEPTH + 1), ['keystore.internal.alias']);
    expect(deep.fatal).toBe(true);
    expect(deep.problems).toEqual([
      expect.stringMatching(
        /^the \$ref chain from keystore\.internal\.alias is deeper than 16 \(keystore\.internal\.alias -> k1 -> k2 -> \.\.\. -> k15 -> k16 -> k17\); shorten it$/,
      ),
    ]);
  });

  it('counts depth through a key expanded earlier in the same value', () => {
    // k1 is first reached directly (its chain of 15 fits), then again under two more hops: 17 in all.
    const values: Record<string, string> = { 'x.1': '$ref{x.2}', 'x.2': '$ref{k1}' };
    for (let n = 1; n < 15; n++) values[`k${n}`] = `$ref{k${n + 1}}`;
    values.k15 = 'end';
    const result = expandRefs('$ref{k1}$ref{x.1}', (key) => values[key]);
    expect(result.fatal).toBe(true);
    expect(result.problems[0]).toMatch(/deeper than 16/);
  });

  it('reuses a key expanded twice (a diamond) without reporting a cycle, and reports each problem once', () => {
    const values: Record<string, string> = { top: '$ref{left}-$ref{right}', left: '$ref{base}', right: '$ref{base}$ref{gone}', base: 'b' };
    const result = expandRefs('$ref{top}$ref{top}', (key) => values[key]);
    expect(result.value).toBeUndefined();
    expect(result.fatal).toBeUndefined();
    expect(result.problems).toEqual(['$ref{gone} names a key that neither the configuration nor the defaults have']);
    expect(expandRefs('$ref{left}/$ref{left}', (key) => values[key])).toEqual({ value: 'b/b', problems: [] });
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
