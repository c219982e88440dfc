import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse } from 'smol-toml';
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
        const diff = unifiedDiff(before, after, { path: 'f', unmasked: true });
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

describe('unifiedDiff: secrets by the shape of their keys', () => {
  /** Every line of `text` as the diff shows it (all lines added). */
  const shown = (text: string): string => unifiedDiff('', text, { path: 'x' });

  it('masks keys that real configurations hold, whatever this tool writes: *password*, *passwd*, *pwd*, *secret*, *token*, *credential*, key_pass*', () => {
    const text = [
      '[database.shared_db]',
      'connection_password = "v01"',
      '[proxy]',
      'proxy_password = "v02"',
      'keyStorePassword = "v03"',
      'KEYSTORE_PASSWD = "v04"',
      'db_pwd = 5',
      'client_secret = "v06"',
      'Access_Token = "v07"',
      'credentials = ["v08", "v09"]',
      'key_pass_phrase = "v10"',
      'user = "visible-user"',
      'url = "https://visible.example"',
      '',
    ].join('\n');
    const diff = shown(text);
    expect(diff).not.toMatch(/v\d\d|= 5/);
    for (const key of [
      'connection_password',
      'proxy_password',
      'keyStorePassword',
      'KEYSTORE_PASSWD',
      'db_pwd',
      'client_secret',
      'Access_Token',
      'credentials',
      'key_pass_phrase',
    ]) {
      expect(diff).toContain(`+${key} = ********\n`);
    }
    expect(diff).toContain('+user = "visible-user"\n');
    expect(diff).toContain('+url = "https://visible.example"\n');
  });

  it('masks every key form: quoted, escaped, dotted, inline tables, arrays of inline tables, tables named like secrets', () => {
    const text = [
      '"Keystore Password" = "v01"',
      "'trust.password' = 'v02'",
      '"pass\\u0077ord" = "v03"',
      'a."b".db_password = "v04"',
      'listener = { ssl = { keyStorePassword = "v05", alias = "shown-1" } }',
      'users = [ { name = "shown-2", password = "v06" }, [ { token = "v07" } ] ]',
      '[oauth.credentials]',
      'user = "v08"',
      '[[secret_stores]]',
      'value = "v09"',
      '[c]',
      'client.secret.value = "v10"',
      '[secrets]',
      'admin = "[v11]"',
      '',
    ].join('\n');
    const diff = shown(text);
    expect(diff).not.toMatch(/v\d\d/);
    expect(diff).toContain('+"Keystore Password" = ********\n');
    expect(diff).toContain('+a."b".db_password = ********\n');
    expect(diff).toContain('+listener = { ssl = { keyStorePassword = ********, alias = "shown-1" } }\n');
    expect(diff).toContain('+users = [ { name = "shown-2", password = ******** }, [ { token = ******** } ] ]\n');
    expect(diff).toContain('+user = ********\n');
    expect(diff).toContain('+admin = ********\n');
  });

  it('masks commented-out assignments by their key, their table, or a commented-out header', () => {
    const text = [
      '[transport.http]',
      '# keyStorePassword = "v01"',
      '#listener.proxy_pwd="v02"',
      '# comment that mentions no value',
      '[secrets]',
      'a = "[v03]"',
      '# b = "[v04]"',
      '[other]',
      '# [secrets]',
      '# c = "[v05]"',
      '# alias = "shown"',
      '',
    ].join('\n');
    const diff = shown(text);
    expect(diff).not.toMatch(/v0\d/);
    expect(diff).toContain('+# keyStorePassword = ********\n');
    expect(diff).toContain('+# comment that mentions no value\n');
  });

  it('shows placeholders as themselves, so a reference turning into plaintext is visible; mixed text is masked', () => {
    const before = [
      '[keystore.primary]',
      'password = "$env{MI_KS_PW}"',
      "key_password = '$secret{keystore_key_password}'",
      'internal_password = "$ref{keystore.primary.password}"',
      'sys_password = "$sys{ks.pw}"',
      'mixed_password = "v01-$env{SUFFIX}"',
      'two_password = "$env{A}$env{B}"',
      '',
    ].join('\n');
    const after = before.replace('"$env{MI_KS_PW}"', '"v02-plain"');
    const diff = unifiedDiff(before, after, { path: 'x', context: 10 });
    expect(diff).not.toMatch(/v0\d/);
    expect(diff).toContain('-password = "$env{MI_KS_PW}"\n+password = ********\n');
    expect(diff).toContain(" key_password = '$secret{keystore_key_password}'\n");
    expect(diff).toContain(' internal_password = "$ref{keystore.primary.password}"\n');
    expect(diff).toContain(' sys_password = "$sys{ks.pw}"\n');
    expect(diff).toContain(' mixed_password = ********\n');
    expect(diff).toContain(' two_password = "$env{A}$env{B}"\n');
  });

  it('masks by lines when the text is not valid TOML, with the same rules', () => {
    const text = [
      '[a',
      'connection_password = "v01" ',
      'proxy_pwd = """',
      'v02',
      '"""',
      'x = { token = "v03" }',
      'env_password = "$env{X}"',
      '[secrets]',
      'y = "v04"',
      '[b]',
      'alias = "shown"',
      '',
    ].join('\n');
    const diff = shown(text);
    expect(diff).not.toMatch(/v0\d/);
    expect(diff).toContain('+env_password = "$env{X}"\n');
    expect(diff).toContain('+alias = "shown"\n');
  });

  it('prints control characters of the file as escapes: a planted line cannot clear the screen or set the title', () => {
    const before = 'alias = "a"\n# \u001b[2J\u001b]0;owned\u0007 \u009b2J\u202e\n';
    const after = before.replace('"a"', '"b"');
    const diff = unifiedDiff(before, after, { path: 'conf/\u001bx.toml' });
    expect(diff).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(diff).toContain(' # \\e[2J\\e]0;owned\\x07 \\x9b2J\\u202e\n');
    expect(diff).toContain('--- a/conf/\\ex.toml\n');
  });

  it('property: no literal value of a secret-shaped key ever appears in a diff, in any key form or value form', () => {
    const word = fc.constantFrom('password', 'passwd', 'pwd', 'secret', 'token', 'credential', 'key_pass');
    const affix = fc.stringMatching(/^[a-z_]{0,6}$/);
    // A secret-shaped name: some letters around one of the words, in any case.
    const name = fc
      .tuple(affix, word, affix, fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }))
      .map(([before, w, after, upper]) => [...`${before}${w}${after}`].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
    // A value no other text contains.
    const literal = fc.stringMatching(/^[A-Za-z0-9]{8,16}$/).map((random) => `Qz${random}`);
    const valueForm = fc.constantFrom(
      (v: string) => `"${v}"`,
      (v: string) => `'${v}'`,
      (v: string) => `"""\n${v}\n"""`,
      (v: string) => `'''${v}'''`,
      (v: string) => `["${v}", 'x']`,
      (v: string) => `"${v}$env{SUFFIX}"`,
      (v: string) => `"$env{PREFIX}${v}"`,
      (v: string) => `"${v}" # a comment`,
    );
    // An inline table holds neither newlines (TOML 1.0) nor comments.
    const oneLine = (v: string): string => (/[\n#]/.test(v) ? '"one-line"' : v);
    const keyForm = fc.constantFrom(
      (n: string, v: string) => `${n} = ${v}`,
      (n: string, v: string) => `"${n}" = ${v}`,
      (n: string, v: string) => `'${n}' = ${v}`,
      (n: string, v: string) => `outer.${n} = ${v}`,
      (n: string, v: string) => `${n}.inner = ${v}`,
      (n: string, v: string) => `table = { alias = "a", ${n} = ${oneLine(v)} }`,
      (n: string, v: string) => `list = [ { ${n} = ${oneLine(v)} } ]`,
      // Commented out, line by line.
      (n: string, v: string) =>
        `${n} = ${v}`
          .split('\n')
          .map((line) => `# ${line}`)
          .join('\n'),
    );
    const statement = fc.oneof(
      fc
        .tuple(keyForm, name, valueForm, literal)
        .map(([key, n, value, v]) => ({ header: (i: number) => `[t${i}]`, line: key(n, value(v)), secret: v })),
      // The secret word in the table's name instead of the key's.
      fc.tuple(fc.boolean(), name, valueForm, literal).map(([array, n, value, v]) => ({
        header: (i: number) => (array ? `[[t${i}.${n}]]` : `[t${i}.${n}]`),
        line: `plain_key = ${value(v)}`,
        secret: v,
      })),
      fc.tuple(valueForm, literal).map(([value, v]) => ({ header: () => '[secrets]', line: `entry = ${value(v)}`, secret: v })),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(statement, { minLength: 1, maxLength: 6, selector: (s) => s.header(0) === '[secrets]' }),
        fc.boolean(),
        (statements, broken) => {
          // Each statement in a table of its own, so that the document is valid TOML.
          const body = statements.map(({ header, line }, i) => `${header(i)}\n${line}\nalias = "shown-${i}"\n`).join('');
          const text = (broken ? '[not valid TOML\n' : '') + body;
          if (!broken) expect(() => parse(text)).not.toThrow();
          const diffs = [
            unifiedDiff('', text, { path: 'x' }),
            unifiedDiff(text, `${text}[changed]\nalias = "new"\n`, { path: 'x', context: 1000 }),
            unifiedDiff(`${text}[changed]\nalias = "old"\n`, text, { path: 'x', context: 1000 }),
          ];
          for (const diff of diffs) {
            for (const { secret } of statements) expect(diff).not.toContain(secret);
          }
        },
      ),
      { numRuns: 300 },
    );
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
    const unmasked = unifiedDiff(text, patched, { path: 'conf/deployment.toml', unmasked: true });
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
