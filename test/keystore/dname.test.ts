import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../source/errors.js';
import { readDerNode, derChildren } from '../../source/keystore/der.js';
import { encodeDname, formatDname, parseDname, type DnAttribute } from '../../source/keystore/x509/dname.js';
import { thrownError } from '../support/user-error.js';

function expectDnError(text: string, pattern: RegExp): void {
  const caught = thrownError(() => parseDname(text), UserError, `parseDname(${JSON.stringify(text)})`);
  expect(caught.code).toBe('bad-dname');
  expect(caught.message).toMatch(pattern);
}

describe('parseDname', () => {
  it('reads the usual keytool form, in written order, trimming spaces around components', () => {
    expect(parseDname('CN=ei.example.com, OU=Integration, O=Example, L=Colombo, ST=Western, C=LK')).toEqual([
      { type: 'CN', value: 'ei.example.com' },
      { type: 'OU', value: 'Integration' },
      { type: 'O', value: 'Example' },
      { type: 'L', value: 'Colombo' },
      { type: 'ST', value: 'Western' },
      { type: 'C', value: 'LK' },
    ]);
    expect(parseDname('  cn = host ;o=Org  ')).toEqual([
      { type: 'CN', value: 'host' },
      { type: 'O', value: 'Org' },
    ]);
  });

  it('knows EMAILADDRESS (and E), DC, SERIALNUMBER, and normalises the country code', () => {
    expect(parseDname('E=ops@example.com, EMAILADDRESS=a@b.c, DC=example, DC=com, SERIALNUMBER=A-123, C=lk')).toEqual([
      { type: 'EMAILADDRESS', value: 'ops@example.com' },
      { type: 'EMAILADDRESS', value: 'a@b.c' },
      { type: 'DC', value: 'example' },
      { type: 'DC', value: 'com' },
      { type: 'SERIALNUMBER', value: 'A-123' },
      { type: 'C', value: 'LK' },
    ]);
  });

  it('undoes RFC 4514 escapes: special characters, hex pairs (as UTF-8), escaped edge spaces', () => {
    expect(parseDname('O=Example\\, Inc., CN=a\\+b\\;c\\<d\\>\\"e\\\\f')).toEqual([
      { type: 'O', value: 'Example, Inc.' },
      { type: 'CN', value: 'a+b;c<d>"e\\f' },
    ]);
    expect(parseDname('CN=caf\\C3\\A9, OU=\\#1, O=\\ padded\\ ')).toEqual([
      { type: 'CN', value: 'café' },
      { type: 'OU', value: '#1' },
      { type: 'O', value: ' padded ' },
    ]);
    // "=" needs no escape inside a value.
    expect(parseDname('CN=a=b')).toEqual([{ type: 'CN', value: 'a=b' }]);
  });

  it('reads quoted values (the RFC 2253 form keytool accepts)', () => {
    expect(parseDname('O="Example, Inc.", CN=x')).toEqual([
      { type: 'O', value: 'Example, Inc.' },
      { type: 'CN', value: 'x' },
    ]);
  });

  it('keeps non-ASCII text as it is', () => {
    expect(parseDname('CN=සිංහල.example, O=Zürich 🚀')).toEqual([
      { type: 'CN', value: 'සිංහල.example' },
      { type: 'O', value: 'Zürich 🚀' },
    ]);
  });

  it('names what is wrong', () => {
    expectDnError('', /empty/);
    expectDnError('XY=foo, CN=a', /unknown attribute type XY in the distinguished name; use CN, OU, O, L, ST, C/);
    expectDnError('CN=a, example.com', /"example\.com" has no "="/);
    expectDnError('CN=a,, O=b', /component is empty/);
    expectDnError('CN=a,', /component is empty/);
    expectDnError('CN=', /CN has an empty value/);
    expectDnError('=x', /empty attribute type/);
    expectDnError('C=Sri Lanka', /two-letter ISO 3166 country code/);
    expectDnError('C=L1', /two-letter/);
    expectDnError('CN=a+OU=b', /multi-valued/);
    expectDnError('CN=a\\', /lone backslash/);
    expectDnError('CN=a\\x', /"\\x" is not an escape/);
    expectDnError('CN=\\C3\\28', /valid UTF-8/);
    expectDnError('CN=#0403', /hex-encoded/);
    expectDnError('CN=a<b', /must be escaped/);
    expectDnError('O="open', /no closing quote/);
    expectDnError('O="a" b', /text follows a quoted value/);
    expectDnError(`CN=${'h'.repeat(65)}`, /CN is 65 characters long; RFC 5280 allows at most 64/);
    expectDnError('SERIALNUMBER=a_b', /PrintableString/);
    expectDnError('E=ops@exämple.com', /only ASCII/);
    expectDnError('CN=a\\00b', /control character/);
  });
});

describe('formatDname', () => {
  it('escapes what RFC 4514 requires, so that parsing gives the same attributes back', () => {
    const attributes: DnAttribute[] = [
      { type: 'CN', value: '#lead, and trail ' },
      { type: 'O', value: 'Example, Inc.' },
      { type: 'OU', value: 'a+b;c<d>"e\\f=g' },
    ];
    const text = formatDname(attributes);
    expect(text).toBe('CN=\\#lead\\, and trail\\ , O=Example\\, Inc., OU=a\\+b\\;c\\<d\\>\\"e\\\\f\\=g');
    expect(parseDname(text)).toEqual(attributes);
    expect(formatDname(parseDname('O=Example\\, Inc.'))).toBe('O=Example\\, Inc.');
  });

  it('round-trips any printable value (property)', () => {
    const unit = fc.constantFrom('a', 'Z', '0', ' ', ',', '+', '"', '\\', '<', '>', ';', '=', '#', 'é', '中', '😀');
    const value = fc.string({ unit, minLength: 1, maxLength: 20 });
    const attribute = fc.record({ type: fc.constantFrom('CN' as const, 'OU' as const, 'O' as const, 'L' as const, 'ST' as const), value });
    fc.assert(
      fc.property(fc.array(attribute, { minLength: 1, maxLength: 4 }), (attributes) => {
        expect(parseDname(formatDname(attributes))).toEqual(attributes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodeDname', () => {
  it('writes one RDN per attribute in reverse order, C as PrintableString, names as UTF8String', () => {
    const der = encodeDname(parseDname('CN=café, O=Example, C=LK'));
    const rdns = derChildren(readDerNode(der, 0));
    expect(rdns).toHaveLength(3);
    const valueTags = rdns.map((rdn) => derChildren(derChildren(rdn)[0]!)[1]!.tag);
    expect(valueTags).toEqual([0x13, 0x0c, 0x0c]);
    expect(der.includes(Buffer.from('café', 'utf8'))).toBe(true);
  });

  it('uses IA5String for e-mail addresses and domain components', () => {
    const der = encodeDname(parseDname('E=a@b.c, DC=example'));
    const tags = derChildren(readDerNode(der, 0)).map((rdn) => derChildren(derChildren(rdn)[0]!)[1]!.tag);
    expect(tags).toEqual([0x16, 0x16]);
  });
});
