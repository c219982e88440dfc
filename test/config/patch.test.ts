import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'smol-toml';
import type { TomlTable } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../source/errors.js';
import { patchToml } from '../../source/config/patch.js';
import type { TomlChange } from '../../source/config/patch.js';
import { verifyPatched } from '../../source/config/patch-verify.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';
import { thrownError } from '../support/user-error.js';

const parseExact = (text: string): TomlTable => parse(text, { integersAsBigInt: 'asNeeded' });
const set = (table: string[], key: string, value: string | number | boolean): TomlChange => ({ table, key, value });

const userError = (run: () => unknown): UserError => thrownError(run);

describe('patchToml: surgical edits', () => {
  it('replaces only the value, keeping key spelling, spacing, comment and line ending', () => {
    const text = '[keystore.primary]\nfile_name   =   "old.jks"   # the primary store\r\npassword="x"\n';
    const out = patchToml(text, [set(['keystore', 'primary'], 'file_name', 'new.p12')]);
    expect(out).toBe('[keystore.primary]\nfile_name   =   "new.p12"   # the primary store\r\npassword="x"\n');
  });

  it('replaces a multi-line or literal string value by a basic string', () => {
    const text = "[a]\nx = '''\nline\n'''  # c\ny = 'lit'\n";
    const out = patchToml(text, [set(['a'], 'x', 'one'), set(['a'], 'y', 'two')]);
    expect(out).toBe('[a]\nx = "one"  # c\ny = "two"\n');
  });

  it('inserts a missing key after the last key of its table, before the comment block of the next part', () => {
    const text = [
      '[keystore.primary]',
      'file_name = "a.jks"',
      '# password = "commented out"',
      '',
      '# ---- truststore ----',
      '[truststore]',
      'alias = "x"',
      '',
    ].join('\n');
    const out = patchToml(text, [set(['keystore', 'primary'], 'password', 'p'), set(['keystore', 'primary'], 'alias', 'k')]);
    expect(out).toBe(text.replace('file_name = "a.jks"\n', 'file_name = "a.jks"\npassword = "p"\nalias = "k"\n'));
  });

  it('copies the indentation and the spacing around "=" of the key before', () => {
    const text = '[a]\n  name="x"\n';
    expect(patchToml(text, [set(['a'], 'other', 1)])).toBe('[a]\n  name="x"\n  other=1\n');
  });

  it('adds a key right after the header of an empty table, and at the top for the root', () => {
    expect(patchToml('[a] # c\n\n[b]\n', [set(['a'], 'k', true)])).toBe('[a] # c\nk = true\n\n[b]\n');
    expect(patchToml('# top\n[b]\n', [set([], 'k', 1)])).toBe('k = 1\n# top\n[b]\n');
    expect(patchToml('k = 0\n[b]\n', [set([], 'j', 1)])).toBe('k = 0\nj = 1\n[b]\n');
  });

  it('appends a missing table at the end after one blank line', () => {
    const changes = [set(['keystore', 'internal'], 'file_name', 'i.p12'), set(['keystore', 'internal'], 'alias', 'a')];
    const expected = '[server]\nhostname = "h"\n\n[keystore.internal]\nfile_name = "i.p12"\nalias = "a"\n';
    expect(patchToml('[server]\nhostname = "h"\n', changes)).toBe(expected);
    expect(patchToml('[server]\nhostname = "h"\n\n', changes)).toBe(expected);
    expect(patchToml('', changes)).toBe('[keystore.internal]\nfile_name = "i.p12"\nalias = "a"\n');
  });

  it('handles a file without a final newline', () => {
    const text = '[a]\nx = 1 # last';
    expect(patchToml(text, [set(['b'], 'y', 2)])).toBe('[a]\nx = 1 # last\n\n[b]\ny = 2\n');
    expect(patchToml(text, [set(['a'], 'y', 2)])).toBe('[a]\nx = 1 # last\ny = 2');
    expect(patchToml(text, [set(['a'], 'x', 3)])).toBe('[a]\nx = 3 # last');
    expect(patchToml('[a]', [set(['a'], 'y', 2)])).toBe('[a]\ny = 2');
  });

  it('keeps CRLF line endings, and the BOM', () => {
    const text = '\uFEFF[keystore.tls]\r\nfile_name = "a"\r\n\r\n[truststore]\r\nalias = "t"\r\n';
    const out = patchToml(text, [
      set(['keystore', 'tls'], 'password', 'p'),
      set(['keystore', 'internal'], 'file_name', 'i'),
      set(['truststore'], 'file_name', 'f'),
    ]);
    expect(out).toBe(
      '\uFEFF[keystore.tls]\r\nfile_name = "a"\r\npassword = "p"\r\n\r\n[truststore]\r\nalias = "t"\r\nfile_name = "f"\r\n' +
        '\r\n[keystore.internal]\r\nfile_name = "i"\r\n',
    );
    expect(out.replaceAll('\r\n', '')).not.toContain('\n');
  });

  it('uses the first line ending of a file with mixed endings', () => {
    expect(patchToml('[a]\r\nx = 1\ny = 2\n', [set(['a'], 'z', 3)])).toBe('[a]\r\nx = 1\ny = 2\nz = 3\r\n');
    expect(patchToml('[a]\nx = 1\r\n', [set(['b'], 'z', 3)])).toBe('[a]\nx = 1\r\n\n[b]\nz = 3\n');
  });

  it('writes numbers and booleans as TOML literals', () => {
    const out = patchToml('', [set([], 'i', 8243), set([], 'f', 0.5), set([], 'b', false), set([], 'n', -1)]);
    expect(out).toBe('i = 8243\nf = 0.5\nb = false\nn = -1\n');
    expect(parseExact(out)).toEqual({ i: 8243, f: 0.5, b: false, n: -1 });
  });

  it('writes strings as basic strings with TOML 1.0 escapes, non-ASCII as is', () => {
    const value = 'q"b\\s\b\t\n\f\r\u0000\u001f\u007f é 😀';
    const out = patchToml('', [set([], 'password', value)]);
    expect(out).toBe('password = "q\\"b\\\\s\\b\\t\\n\\f\\r\\u0000\\u001F\\u007F é 😀"\n');
    expect(parseExact(out)['password']).toBe(value);
  });

  it('refuses a value that no TOML file can hold', () => {
    expect(userError(() => patchToml('', [set([], 'password', 'a\uD800b')])).code).toBe('bad-input');
    expect(userError(() => patchToml('', [set([], 'n', 2 ** 60)])).code).toBe('bad-input');
  });

  it('writes quoted keys and table names where bare keys are not allowed', () => {
    const out = patchToml('', [set(['key store', 'a.b'], 'file name', 'x'), set(['é'], '', 1)]);
    expect(out).toBe('["key store"."a.b"]\n"file name" = "x"\n\n["é"]\n"" = 1\n');
    expect(parseExact(out)).toEqual({ 'key store': { 'a.b': { 'file name': 'x' } }, é: { '': 1 } });
  });

  it('a later change to the same key wins', () => {
    expect(patchToml('a = 1\n', [set([], 'a', 2), set([], 'a', 3)])).toBe('a = 3\n');
  });
});

describe('patchToml: keys and tables as the file writes them', () => {
  it('matches quoted keys and spaced, quoted header segments', () => {
    const text = '[ keystore . "tls" ]\n"file_name" = \'old\'   # keep\n\'alias\' = "x"\n';
    const out = patchToml(text, [set(['keystore', 'tls'], 'file_name', 'n'), set(['keystore', 'tls'], 'alias', 'm')]);
    expect(out).toBe('[ keystore . "tls" ]\n"file_name" = "n"   # keep\n\'alias\' = "m"\n');
  });

  it('matches quoted keys with escapes', () => {
    const text = '"\\u0070assword" = "old"\n';
    expect(patchToml(text, [set([], 'password', 'new')])).toBe('"\\u0070assword" = "new"\n');
  });

  it('edits a dotted key in place, at the root or under a parent table', () => {
    expect(patchToml('keystore.primary.password = "x" # c\n', [set(['keystore', 'primary'], 'password', 'y')])).toBe(
      'keystore.primary.password = "y" # c\n',
    );
    expect(patchToml('[keystore]\nprimary . password = "x"\n', [set(['keystore', 'primary'], 'password', 'y')])).toBe(
      '[keystore]\nprimary . password = "y"\n',
    );
  });

  it('adds a key to a table made by dotted keys in the same dotted form, never a second header', () => {
    const text = '[keystore]\nprimary.file_name = "a"\nprimary.alias = "k"\nother = 1\n\n[server]\n';
    const out = patchToml(text, [set(['keystore', 'primary'], 'password', 'p')]);
    expect(out).toBe(text.replace('primary.alias = "k"\n', 'primary.alias = "k"\nprimary.password = "p"\n'));
    expect(out).not.toContain('[keystore.primary]');
  });

  it('adds a new sub-table of a dotted table in dotted form next to its siblings', () => {
    const text = 'keystore.primary.password = "x"\n\n[server]\nname = "s"\n';
    const out = patchToml(text, [set(['keystore', 'internal'], 'file_name', 'i'), set(['keystore', 'internal'], 'alias', 'a')]);
    expect(out).toBe(
      'keystore.primary.password = "x"\nkeystore.internal.file_name = "i"\nkeystore.internal.alias = "a"\n\n[server]\nname = "s"\n',
    );
  });

  it('edits and extends inline tables in place', () => {
    const text = 'keystore = { primary = { password = "x" }, tls = {} }\n';
    const out = patchToml(text, [
      set(['keystore', 'primary'], 'password', 'y'),
      set(['keystore', 'primary'], 'alias', 'k'),
      set(['keystore', 'tls'], 'alias', 't'),
      set(['keystore', 'internal'], 'file_name', 'i'),
      set(['keystore', 'internal'], 'type', 'PKCS12'),
    ]);
    expect(out).toBe(
      'keystore = { primary = { password = "y", alias = "k" }, tls = { alias = "t" }, ' +
        'internal = { file_name = "i", type = "PKCS12" } }\n',
    );
  });

  it('never takes a [table] inside a multi-line string for a header', () => {
    const text = [
      'note = """',
      '[keystore.primary]',
      'password = "not a key" \\"""',
      '"""',
      "raw = '''",
      '[truststore]',
      "file_name = 'nor this'",
      "''''",
      '[keystore.primary]',
      'password = "real"',
      '',
    ].join('\n');
    const out = patchToml(text, [set(['keystore', 'primary'], 'password', 'new'), set(['truststore'], 'file_name', 't')]);
    expect(out).toBe(`${text.replace('password = "real"', 'password = "new"')}\n[truststore]\nfile_name = "t"\n`);
    expect(parseExact(out)['note']).toBe(parseExact(text)['note']);
  });

  it('skips arrays that span lines, with comments and brackets inside', () => {
    const text = '[a]\nlist = [\n  "[b]", # [c]\n  [1, 2],\n]\n[b]\nx = 1\n';
    expect(patchToml(text, [set(['a'], 'k', 1), set(['b'], 'x', 2)])).toBe(
      '[a]\nlist = [\n  "[b]", # [c]\n  [1, 2],\n]\nk = 1\n[b]\nx = 2\n',
    );
  });

  it('works around arrays of tables, and refuses to set a key inside one', () => {
    const text = '[[server]]\nname = "a"\n\n[[server]]\nname = "b"\n\n[keystore.primary]\nalias = "k"\n';
    const out = patchToml(text, [set(['keystore', 'primary'], 'password', 'p'), set(['keystore', 'tls'], 'alias', 't')]);
    expect(out).toBe(`${text.replace('alias = "k"\n', 'alias = "k"\npassword = "p"\n')}\n[keystore.tls]\nalias = "t"\n`);
    const error = userError(() => patchToml(text, [set(['server'], 'name', 'c')]));
    expect(error.code).toBe('patch-conflict');
    expect(error.message).toContain('server');
  });

  it('refuses to turn a value into a table or a table into a value', () => {
    expect(userError(() => patchToml('keystore = "x"\n', [set(['keystore', 'tls'], 'alias', 'a')])).code).toBe('patch-conflict');
    expect(userError(() => patchToml('[keystore.tls]\n', [set(['keystore'], 'tls', 'a')])).code).toBe('patch-conflict');
  });

  it('keeps dates and every other value equal', () => {
    const text = 'when = 1979-05-27 07:32:00Z\nday = 1979-05-27\nt = 07:32:00.5\nbig = 9223372036854775807\nf = nan\n';
    const out = patchToml(text, [set([], 'password', 'p')]);
    expect(out).toBe(`${text}password = "p"\n`);
  });
});

describe('patchToml: refusals', () => {
  it('refuses a file that does not parse, with line and column and without quoting the file', () => {
    const error = userError(() => patchToml('password = "secret"\n[a\n', [set(['a'], 'k', 1)], { file: 'conf/x.toml' }));
    expect(error.code).toBe('config-invalid');
    expect(error.message).toMatch(/conf\/x\.toml.*line 2, column \d+/);
    expect(error.message).not.toContain('secret');
  });

  it('the verification names the key that would differ and never its value', () => {
    const intended = { keystore: { primary: { password: 'secret-new' } }, other: 1 };
    const wrongOther = 'other = 2\n[keystore.primary]\npassword = "secret-new"\n';
    const error = userError(() => verifyPatched(wrongOther, intended, [['keystore', 'primary', 'password']]));
    expect(error.code).toBe('patch-verify-failed');
    expect(error.message).toContain('other');
    const missing = userError(() => verifyPatched('other = 1\n', intended, [['keystore', 'primary', 'password']]));
    expect(missing.message).toContain('keystore');
    const wrongValue = 'other = 1\n[keystore.primary]\npassword = "secret-old"\n';
    const wrong = userError(() => verifyPatched(wrongValue, intended, [['keystore', 'primary', 'password']]));
    expect(wrong.message).toContain('keystore.primary.password');
    expect(wrong.message).not.toContain('secret');
  });
});

describeWithFixtures('patchToml on the shipped WSO2 configurations', () => {
  const configs = readdirSync(fixturePath('wso2', 'configs'));
  it.each(configs)('%s: sets the keystores and the truststore, and changes nothing else', (version) => {
    const text = readFileSync(fixturePath('wso2', 'configs', version, 'deployment.toml'), 'utf8');
    const original = parseExact(text);
    const changes = [
      set(['keystore', 'primary'], 'file_name', 'repository/resources/security/primary.p12'),
      set(['keystore', 'primary'], 'password', 'pr"im\\ary'),
      set(['keystore', 'tls'], 'file_name', 'tls.jks'),
      set(['keystore', 'tls'], 'password', 'tls-secret'),
      set(['keystore', 'internal'], 'file_name', 'internal.p12'),
      set(['keystore', 'internal'], 'type', 'PKCS12'),
      set(['keystore', 'internal'], 'password', 'in-secret'),
      set(['keystore', 'internal'], 'alias', 'internal'),
      set(['keystore', 'internal'], 'key_password', 'in-secret'),
      set(['truststore'], 'file_name', 'repository/resources/security/trust.p12'),
    ];
    const out = patchToml(text, changes);

    const data = parseExact(out);
    const keystore = data['keystore'] as TomlTable;
    expect(keystore['primary']).toMatchObject({ file_name: 'repository/resources/security/primary.p12', password: 'pr"im\\ary' });
    expect(keystore['tls']).toMatchObject({ file_name: 'tls.jks', password: 'tls-secret' });
    expect(keystore['internal']).toEqual({
      file_name: 'internal.p12',
      type: 'PKCS12',
      password: 'in-secret',
      alias: 'internal',
      key_password: 'in-secret',
    });
    const trust = data['truststore'] as TomlTable;
    const originalTrust = original['truststore'] as TomlTable;
    expect(trust).toEqual({ ...originalTrust, file_name: 'repository/resources/security/trust.p12' });
    const { keystore: _k, truststore: _t, ...rest } = data;
    const { keystore: _ok, truststore: _ot, ...originalRest } = original;
    expect(rest).toEqual(originalRest);

    // Line by line: the removed lines are exactly the old values of existing keys; nothing else moves.
    const before = text.split('\n');
    const after = out.split('\n');
    const removed = before.filter((line) => !after.includes(line));
    expect(removed.every((line) => /^(file_name|password) = /.test(line))).toBe(true);
    for (const line of before) {
      if (line.startsWith('#') || /^(alias|algorithm|key_password) = /.test(line) || line.startsWith('[')) {
        expect(after).toContain(line);
      }
    }
    const comments = (lines: string[]): string[] => lines.filter((line) => line.trimStart().startsWith('#'));
    expect(comments(after)).toEqual(comments(before));
    expect(out.startsWith(text.slice(0, text.indexOf('[keystore')))).toBe(true);
    expect((out.match(/^\[keystore\.(primary|tls|internal)\]$/gm) ?? []).sort()).toEqual([
      '[keystore.internal]',
      '[keystore.primary]',
      '[keystore.tls]',
    ]);
  });
});

describe('patchToml: properties', () => {
  const base = '[keystore.primary]\nfile_name = "a.jks"\npassword = "old"  # the store password\n\n[truststore]\nalias = "x"\n';
  const special = fc.constantFrom('"', '\\', '\n', '\r\n', '\t', '\u0000', '\u007f', '\u001b', 'é', '😀', '"""', "'''", '#', '=');
  const password = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    fc.array(fc.oneof(special, fc.string()), { maxLength: 12 }).map((parts) => parts.join('')),
  );

  it('any password round-trips exactly, replaced or inserted', () => {
    fc.assert(
      fc.property(password, (value) => {
        const replaced = patchToml(base, [set(['keystore', 'primary'], 'password', value)]);
        expect((parseExact(replaced)['keystore'] as { primary: TomlTable }).primary['password']).toBe(value);
        expect(replaced).toContain('  # the store password\n');
        const inserted = patchToml(base, [set(['keystore', 'internal'], 'password', value)]);
        expect((parseExact(inserted)['keystore'] as { internal: TomlTable }).internal['password']).toBe(value);
        expect(inserted.startsWith(base)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  const name = fc.constantFrom('keystore', 'primary', 'tls', 'internal', 'a', 'b c', 'x.y');
  const key = fc.constantFrom('file_name', 'password', 'alias', 'n', 'key password', 'tls');
  const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }));
  const table = fc.record({
    path: fc.array(name, { minLength: 1, maxLength: 2 }),
    form: fc.constantFrom('header', 'dotted', 'inline'),
    entries: fc.uniqueArray(fc.tuple(key, scalar), { selector: ([k]) => k, maxLength: 4 }),
    comment: fc.boolean(),
  });
  // Integers past 2^53 cannot be written exactly (the patcher refuses them): changes stay within range.
  const changeValue = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.double({ min: -1e15, max: 1e15, noNaN: true }));
  const change = fc.record({ table: fc.array(name, { maxLength: 2 }), key, value: changeValue });

  it('inserting into random configurations preserves every other value and every original line', () => {
    const tally = { patched: 0, conflicts: 0 };
    fc.assert(
      fc.property(fc.array(table, { maxLength: 5 }), fc.array(change, { minLength: 1, maxLength: 4 }), (tables, changes) => {
        const text = render(tables);
        let original: TomlTable;
        try {
          original = parseExact(text);
        } catch {
          fc.pre(false);
          return;
        }
        let out: string;
        try {
          out = patchToml(text, changes);
        } catch (error) {
          // A change through an existing value (e.g. a string where the change needs a table) is refused.
          if (error instanceof UserError && error.code === 'patch-conflict') {
            tally.conflicts++;
            return;
          }
          throw error;
        }
        tally.patched++;
        expect(parseExact(out)).toEqual(applyChanges(original, changes));
        const outLines = out.split('\n');
        const replacedLines = text.split('\n').filter((line) => !outLines.includes(line));
        expect(replacedLines.length).toBeLessThanOrEqual(changes.length);
        expect(replacedLines.every((line) => !line.startsWith('#') && !line.startsWith('['))).toBe(true);
      }),
      { numRuns: 300 },
    );
    // The property must have been exercised, not mostly skipped.
    expect(tally.patched).toBeGreaterThan(150);
  });
});

type GeneratedTable = { path: string[]; form: string; entries: [string, string | number | boolean][]; comment: boolean };

/** A TOML text for generated tables: dotted and inline ones at the root, header ones after. */
function render(tables: readonly GeneratedTable[]): string {
  const q = (k: string): string => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k));
  const dotted = (path: string[]): string => path.map(q).join('.');
  const value = (v: string | number | boolean): string =>
    typeof v === 'string' ? JSON.stringify(v).replace(/\u007f/g, '\\u007f') : Number.isInteger(v) ? String(v) : floatLiteral(v as number);
  const root: string[] = [];
  const sections: string[] = [];
  for (const t of tables) {
    const comment = t.comment ? ['# a comment about it', ''] : [];
    if (t.form === 'header') {
      sections.push(...comment, `[${dotted(t.path)}]`, ...t.entries.map(([k, v]) => `${q(k)} = ${value(v)}`), '');
    } else if (t.form === 'dotted') {
      root.push(...comment, ...t.entries.map(([k, v]) => `${dotted([...t.path, k])} = ${value(v)}`));
    } else {
      root.push(...comment, `${dotted(t.path)} = { ${t.entries.map(([k, v]) => `${q(k)} = ${value(v)}`).join(', ')} }`);
    }
  }
  return [...root, '', ...sections].join('\n');
}

function floatLiteral(v: number): string {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

function applyChanges(data: TomlTable, changes: readonly TomlChange[]): TomlTable {
  const copy = structuredClone(data) as TomlTable;
  for (const { table, key, value } of changes) {
    let node = copy;
    for (const name of table) node = (node[name] ??= {}) as TomlTable;
    node[key] = value;
  }
  return copy;
}
