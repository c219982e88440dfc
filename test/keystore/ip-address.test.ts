import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipVersion } from '../../source/keystore/x509/ip-address.js';

// node:net's isIP is the reference: the hand parser replaces it only to skip compiling net's large regex.
describe('ipVersion answers as node:net isIP does', () => {
  const edges = [
    '',
    '.',
    ':',
    '::',
    ':::',
    '::1',
    '1::',
    '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::',
    '::2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7:',
    ':1:2:3:4:5:6:7',
    '1::2::3',
    '::ffff:192.0.2.1',
    '::192.0.2.1',
    '1:2:3:4:5:6:192.0.2.1',
    '1:2:3:4:5:6:7:192.0.2.1',
    '1::192.0.2.1',
    '192.0.2.1::',
    '::192.0.2.1:1',
    'fe80::1%eth0',
    'fe80::1%',
    'fe80::1%a%b',
    'fe80::1%e_0',
    '192.0.2.1%eth0',
    '12345::',
    'g::',
    'ABCD::EF01',
    '0.0.0.0',
    '255.255.255.255',
    '256.0.0.1',
    '01.2.3.4',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.04',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '+1.2.3.4',
    '1.2.3.-4',
    '\u0010::',
    '::\u0019',
    '１.2.3.4',
    'ei.example.com',
    'localhost',
    '[::1]',
    '::1.2.3',
    '0::0.0.0.0',
    '::0:0:0:0:0:0:0',
    '0:0:0:0:0:0:0::',
  ];
  it.each(edges)('%j', (text) => {
    expect(ipVersion(text)).toBe(isIP(text));
  });

  it('on generated addresses and near-addresses', () => {
    const nearAddress = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg:.%-'.split('')), maxLength: 45 });
    const address = fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.ipV6(), nearAddress, fc.string());
    fc.assert(
      fc.property(address, (text) => ipVersion(text) === isIP(text)),
      { numRuns: 20_000 },
    );
  });
});
