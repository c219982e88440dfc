import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../source/config/diff.js';
import { patchToml } from '../../source/config/patch.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

/** GNU `diff -u` without its two header lines. */
function gnuDiff(oldText: string, newText: string): string {
  const dir = tempDir();
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  writeFileSync(a, oldText);
  writeFileSync(b, newText);
  try {
    execFileSync('diff', ['-u', a, b]);
    return '';
  } catch (error) {
    const stdout = String((error as { stdout?: Buffer }).stdout ?? '');
    return stdout.split('\n').slice(2).join('\n');
  }
}

/** Equal line by line, except that a masked line only has to agree up to its mask. */
function expectSameModuloMask(mine: string, gnu: string): void {
  const mineLines = mine.split('\n');
  const gnuLines = gnu.split('\n');
  expect(mineLines.length).toBe(gnuLines.length);
  mineLines.forEach((line, i) => {
    const masked = line.indexOf('********');
    if (masked < 0) expect(line).toBe(gnuLines[i]);
    else expect(gnuLines[i]?.startsWith(line.slice(0, masked))).toBe(true);
  });
}

const body = (diff: string): string => diff.split('\n').slice(2).join('\n');

/** Applies a unified diff to `oldText` (no masking): proves the hunks say what changed, and where. */
function applyDiff(oldText: string, diff: string): string {
  const oldLines = oldText.length === 0 ? [] : oldText.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  // Whether the last line written to the new text was marked "\ No newline at end of file".
  let lastNewUnterminated = false;
  let lastSign = '';
  for (const line of diff.split('\n').slice(2, -1)) {
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(line);
    if (hunk) {
      const start = Number(hunk[1]);
      const firstLine = hunk[2] === '0' ? start : start - 1;
      out.push(...oldLines.slice(at, firstLine));
      at = firstLine;
    } else if (line === '\\ No newline at end of file') {
      if (lastSign !== '-') lastNewUnterminated = true;
    } else {
      lastSign = line[0] ?? '';
      if (lastSign === ' ' || lastSign === '-') {
        expect(oldLines[at]).toBe(line.slice(1));
        at++;
      }
      if (lastSign === ' ' || lastSign === '+') {
        out.push(line.slice(1));
        lastNewUnterminated = false;
      }
    }
  }
  const tail = oldLines.slice(at);
  out.push(...tail);
  const unterminated = tail.length > 0 ? !oldText.endsWith('\n') : lastNewUnterminated;
  return out.length === 0 ? '' : out.join('\n') + (unterminated ? '' : '\n');
}

describe('unifiedDiff: hunks', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a = 1\n', 'a = 1\n', { path: 'x.toml' })).toBe('');
  });

  it('has ---/+++ headers naming the file and @@ hunks with 3 lines of context', () => {
    const before = Array.from({ length: 20 }, (_, i) => `k${i} = ${i}`).join('\n') + '\n';
    const after = before.replace('k10 = 10', 'k10 = 11');
    const diff = unifiedDiff(before, after, { path: 'conf/deployment.toml' });
    expect(diff).toBe(
      [
        '--- a/conf/deployment.toml',
        '+++ b/conf/deployment.toml',
        '@@ -8,7 +8,7 @@',
        ' k7 = 7',
        ' k8 = 8',
        ' k9 = 9',
        '-k10 = 10',
        '+k10 = 11',
        ' k11 = 11',
        ' k12 = 12',
        ' k13 = 13',
        '',
      ].join('\n'),
    );
    expect(unifiedDiff(before, after, { path: 'x', context: 0 }).split('\n')[2]).toBe('@@ -11 +11 @@');
  });

  it('matches diff -u on separate and merged hunks, insertions at both ends, and a missing final newline', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const cases: [string, string][] = [
      [lines.join('\n') + '\n', ['first', ...lines.slice(0, 5), ...lines.slice(6, 13), 'x', ...lines.slice(13), 'last'].join('\n') + '\n'],
      [lines.join('\n') + '\n', lines.join('\n')],
      ['', 'a\nb\n'],
      ['a\nb\n', ''],
      ['[a]\nx = 1\n', '[a]\nx = 1\ny = 2\n\n[b]\nz = 3'],
    ];
    for (const [before, after] of cases) {
      const diff = unifiedDiff(before, after, { path: 'f' });
      expect(body(diff)).toBe(gnuDiff(before, after));
      expect(applyDiff(before, diff)).toBe(after);
    }
  });

  it('is a minimal, correct diff for random texts (as long as diff -u, and it applies)', () => {
    const text = fc
      .tuple(fc.array(fc.constantFrom('a', 'b', 'c', 'd', '', 'a = 1'), { maxLength: 25 }), fc.boolean())
      .map(([lines, newline]) => (lines.length === 0 ? '' : lines.join('\n') + (newline ? '\n' : '')));
    const changed = (diff: string): number => diff.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;
    fc.assert(
      fc.property(text, text, (before, after) => {
        const diff = unifiedDiff(before, after, { path: 'f', secretKeys: [] });
        expect(applyDiff(before, diff)).toBe(after);
        expect(changed(diff)).toBe(changed(`--- a\n+++ b\n${gnuDiff(before, after)}`));
      }),
      { numRuns: 60 },
    );
  });

  it('trims a common prefix and suffix, so a large file with one change is quick', () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `key_${i} = "value ${i}"`);
    const before = lines.join('\n') + '\n';
    const after = before.replace('key_20000 = "value 20000"', 'key_20000 = "changed"');
    const diff = unifiedDiff(before, after, { path: 'big.toml' });
    expect(diff.split('\n')[2]).toBe('@@ -19998,7 +19998,7 @@');
  });

  it('still gives a correct diff when the files have almost nothing in common', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join('\n') + '\n';
    const after = Array.from({ length: 3000 }, (_, i) => (i % 1000 === 0 ? `old ${i}` : `new ${i}`)).join('\n') + '\n';
    const diff = unifiedDiff(before, after, { path: 'f' });
    expect(applyDiff(before, diff)).toBe(after);
  });
});

describe('unifiedDiff: secrets', () => {
  const before = [
    '[keystore.primary]',
    'file_name = "a.jks"',
    'password = "old-secret"  # comment',
    'alias = "wso2carbon"',
    'key_password = "old-key-secret"',
    '',
    '[secrets]',
    'admin = "[secret-admin]"',
    '',
  ].join('\n');

  it('masks secret values on both sides and in context lines, keeping the lines as changes', () => {
    const after = before.replace('old-secret', 'new-secret').replace('a.jks', 'b.jks');
    const diff = unifiedDiff(before, after, { path: 'deployment.toml', context: 5 });
    expect(diff).not.toMatch(/secret"|secret-admin/);
    expect(diff.split('\n').slice(2)).toEqual([
      '@@ -1,8 +1,8 @@',
      ' [keystore.primary]',
      '-file_name = "a.jks"',
      '-password = ********  # comment',
      '+file_name = "b.jks"',
      '+password = ********  # comment',
      ' alias = "wso2carbon"',
      ' key_password = ********',
      ' ',
      ' [secrets]',
      ' admin = ********',
      '',
    ]);
  });

  it('masks dotted keys, inline tables, multi-line strings and commented-out passwords', () => {
    const text = [
      'keystore.tls.password = "s1"',
      'keystore.primary = { alias = "a", password = "s2", key_password = \'s3\' }',
      'secrets.x = "s4"',
      'password = """',
      's5',
      '"""',
      '# password = "s6"',
      'alias = "shown"',
      '',
    ].join('\n');
    const diff = unifiedDiff('', text, { path: 'x' });
    expect(diff).not.toMatch(/s[1-6]/);
    expect(diff).toContain('+keystore.tls.password = ********\n');
    expect(diff).toContain('+keystore.primary = { alias = "a", password = ********, key_password = ******** }\n');
    expect(diff).toContain('+password = ********\n+********\n+********\n');
    expect(diff).toContain('+alias = "shown"\n');
  });

  it('takes other secret key names, and still masks what is under [secrets]', () => {
    const text = '[a]\ntoken = "t1"\npassword = "visible"\n[secrets]\nk = "t2"\n';
    const diff = unifiedDiff('', text, { path: 'x', secretKeys: ['token'] });
    expect(diff).toContain('+token = ********\n');
    expect(diff).toContain('+password = "visible"\n');
    expect(diff).toContain('+k = ********\n');
  });

  it('masks by lines when the text is not valid TOML', () => {
    const diff = unifiedDiff('', '[a\npassword = "s1" \n[secrets]\nx = "s2"\n', { path: 'x' });
    expect(diff).not.toMatch(/s[12]/);
    expect(diff).toContain('+password = ********\n');
  });

  it('keeps CRLF out of the shown lines, and the BOM file masked', () => {
    const diff = unifiedDiff('\uFEFFpassword = "s1"\r\n', '\uFEFFpassword = "s2"\r\n', { path: 'x' });
    expect(diff).not.toMatch(/s[12]|\r/);
    expect(diff).toContain('-\uFEFFpassword = ********\n+\uFEFFpassword = ********\n');
  });
});

describeWithFixtures('unifiedDiff of a patched WSO2 configuration', () => {
  it.each(readdirSync(fixturePath('wso2', 'configs')))('%s: shows only the intended lines, passwords masked', (version) => {
    const text = readFileSync(fixturePath('wso2', 'configs', version, 'deployment.toml'), 'utf8');
    const patched = patchToml(text, [
      { table: ['truststore'], key: 'file_name', value: 'trust.p12' },
      { table: ['truststore'], key: 'password', value: 'n3w-trust' },
      { table: ['keystore', 'internal'], key: 'password', value: 'n3w-internal' },
    ]);
    const diff = unifiedDiff(text, patched, { path: 'conf/deployment.toml' });
    const unmasked = unifiedDiff(text, patched, { path: 'conf/deployment.toml', secretKeys: [] });
    expectSameModuloMask(body(unmasked), gnuDiff(text, patched));
    expect(diff).not.toMatch(/wso2carbon"|n3w-/);
    const changes = diff.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l));
    expect(changes).toEqual([
      expect.stringMatching(/^-file_name = "(repository\/resources\/security\/)?client-truststore\.jks"$/),
      '-password = ********',
      '+file_name = "trust.p12"',
      '+password = ********',
      ...(text.endsWith('\n') ? [] : [expect.stringMatching(/^-/), expect.stringMatching(/^\+/)]),
      '+',
      '+[keystore.internal]',
      '+password = ********',
    ]);
  });
});
