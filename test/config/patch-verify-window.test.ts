import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { scanToml } from '../../source/config/patch-scan.js';
import { verifiedInSections, type SpanEdit } from '../../source/config/patch-verify-window.js';
import type { IntendedValue } from '../../source/config/patch-verify.js';

/**
 * The patch's cheap re-parse check may only accept a patch that really sets exactly the intended values and
 * leaves everything else alone; anything else must fall back to the full check (false).
 */
const BODY = `# top comment
[server]
hostname = "localhost"

[keystore.primary]
file_name = "old.jks"   # keep me
password = "old-pass"
alias = "wso2carbon"

[truststore]
file_name = "client-truststore.jks"
note = """
[keystore.primary]
password = "not a header"
"""
`;

const TARGETS: IntendedValue[] = [{ path: ['keystore', 'primary', 'password'], value: 'new-pass' }];
const original = parse(BODY);
const sections = scanToml(BODY);

/** An edit replacing the first occurrence of `find` (after `from`) with `text`. */
function replace(find: string, text: string, from = 0): SpanEdit {
  const at = BODY.indexOf(find, from);
  if (at < 0) throw new Error(`${find} not in the body`);
  return { at, remove: find.length, text };
}

const check = (...edits: SpanEdit[]) => verifiedInSections(BODY, edits, sections, original, TARGETS);

describe('the patch verification on the sections a patch can touch', () => {
  it('accepts the right edit: only the value span replaced', () => {
    expect(check(replace('"old-pass"', '"new-pass"'))).toBe(true);
  });

  it('refuses a wrong value, a neighbouring key swallowed, and an extra change inside the section', () => {
    expect(check(replace('"old-pass"', '"newpass"'))).toBe(false);
    expect(check(replace('"old-pass"\nalias = "wso2carbon"', '"new-pass"'))).toBe(false);
    expect(check(replace('"old-pass"', '"new-pass"'), replace('"wso2carbon"', '"other"'))).toBe(false);
  });

  it('refuses an edit outside the sections it checks, and an edit inside a multi-line string that looks like the table', () => {
    expect(check(replace('"old-pass"', '"new-pass"'), replace('"localhost"', '"elsewhere"'))).toBe(false);
    expect(check(replace('"not a header"', '"new-pass"'))).toBe(false);
  });

  it('refuses text that breaks the file: an unclosed string, a duplicate table appended at the end', () => {
    expect(check(replace('"old-pass"', '"new-pass'))).toBe(false);
    expect(
      check(replace('"old-pass"', '"new-pass"'), { at: BODY.length, remove: 0, text: '\n[keystore.primary]\npassword = "new-pass"\n' }),
    ).toBe(false);
  });
});
