import { describe, expect, it } from 'vitest';
import { UserError } from '../../source/errors.js';
import { encodeSubjectAltNames, formatSubjectAltName, parseSubjectAltNames } from '../../source/keystore/x509/san.js';
import { thrownError } from '../support/user-error.js';

function expectSanError(entry: string, pattern: RegExp): void {
  const caught = thrownError(() => parseSubjectAltNames([entry]), UserError, entry);
  expect(caught.code).toBe('bad-san');
  expect(caught.message).toContain(entry);
  expect(caught.message).toMatch(pattern);
}

describe('parseSubjectAltNames', () => {
  it('reads host names, wildcards and addresses, with prefixes in any case', () => {
    const entries = parseSubjectAltNames(['DNS:ei.example.com', 'dns:*.example.com', 'DNS:localhost', 'IP:10.0.0.5', 'ip:::1']);
    expect(entries.map(formatSubjectAltName)).toEqual([
      'DNS:ei.example.com',
      'DNS:*.example.com',
      'DNS:localhost',
      'IP:10.0.0.5',
      'IP:::1',
    ]);
    expect(entries[3]).toEqual({ kind: 'ip', value: '10.0.0.5', bytes: Buffer.from([10, 0, 0, 5]) });
    expect(entries[4]).toMatchObject({ kind: 'ip', bytes: Buffer.from('00000000000000000000000000000001', 'hex') });
  });

  it('turns every IPv6 form into its 16 bytes', () => {
    const bytes = (address: string): string => {
      const [entry] = parseSubjectAltNames([`IP:${address}`]);
      return entry?.kind === 'ip' ? entry.bytes.toString('hex') : '';
    };
    expect(bytes('2001:db8::8a2e:370:7334')).toBe('20010db80000000000008a2e03707334');
    expect(bytes('[fe80::1]')).toBe('fe800000000000000000000000000001');
    expect(bytes('::ffff:192.0.2.1')).toBe('00000000000000000000ffffc0000201');
    expect(bytes('1:2:3:4:5:6:7:8')).toBe('00010002000300040005000600070008');
    expect(bytes('1:2:3:4:5:6:1.2.3.4')).toBe('00010002000300040005000601020304');
    expect(bytes('::')).toBe('00000000000000000000000000000000');
    expect(bytes('fe80::')).toBe('fe800000000000000000000000000000');
  });

  it('keeps repeated names once', () => {
    expect(parseSubjectAltNames(['DNS:Host.example.com', 'DNS:host.example.com', 'IP:::1', 'IP:0::1'])).toHaveLength(2);
  });

  it('refuses what cannot go in a certificate, saying why', () => {
    expectSanError('ei.example.com', /write it as DNS:/);
    expectSanError('URI:https://x', /write it as DNS:/);
    expectSanError('DNS:', /nothing follows/);
    expectSanError('DNS:10.0.0.1', /is an IP address; write IP:10\.0\.0\.1/);
    expectSanError('DNS:host.example.com.', /trailing dot/);
    expectSanError('DNS:a..b', /empty label/);
    expectSanError('DNS:-a.example.com', /letters, digits and inner hyphens/);
    expectSanError('DNS:under_score.example.com', /letters, digits and inner hyphens/);
    expectSanError(`DNS:${'a'.repeat(64)}.com`, /longer than 63/);
    expectSanError(`DNS:${'abcdefgh.'.repeat(30)}com`, /at most 253/);
    expectSanError('DNS:*', /followed by a domain/);
    expectSanError('DNS:www.*.example.com', /only stand alone as the first label/);
    expectSanError('DNS:w*.example.com', /only stand alone as the first label/);
    expectSanError('DNS:bücher.example', /DNS:xn--bcher-kva\.example/);
    expectSanError('IP:256.1.1.1', /not an IPv4 or IPv6 address/);
    expectSanError('IP:host.example.com', /for a host name write DNS:host\.example\.com/);
    expectSanError('IP:fe80::1%eth0', /zone/);
  });
});

describe('encodeSubjectAltNames', () => {
  it('writes dNSName [2] and iPAddress [7] GeneralNames', () => {
    const der = encodeSubjectAltNames(parseSubjectAltNames(['DNS:a.b', 'IP:1.2.3.4']));
    expect(der.toString('hex')).toBe('300b' + '8203612e62' + '870401020304');
  });
});
