import { describe, expect, it } from 'vitest';
import { parseCaReply } from '../../source/keystore/x509/ca-reply-file.js';
import { makeTestCa, p7b, pem } from '../support/test-ca.js';

describe('reading a CA reply', () => {
  const ca = makeTestCa();
  const p7bDer = p7b([ca.intermediate, ca.root]);

  it('reads PEM bundles, DER certificates, DER and PEM PKCS#7 bags', () => {
    expect(parseCaReply(Buffer.from(pem(ca.root) + pem(ca.intermediate)), 'bundle.pem')).toEqual([ca.root, ca.intermediate]);
    expect(parseCaReply(ca.root, 'root.der')).toEqual([ca.root]);
    expect(parseCaReply(p7bDer, 'chain.p7b')).toEqual([ca.intermediate, ca.root]);
    const p7bPem = `-----BEGIN PKCS7-----\n${p7bDer
      .toString('base64')
      .match(/.{1,64}/g)!
      .join('\n')}\n-----END PKCS7-----\n`;
    expect(parseCaReply(Buffer.from(p7bPem), 'chain.p7b')).toEqual([ca.intermediate, ca.root]);
  });

  it('says what is wrong with files that are not a reply', () => {
    expect(() =>
      parseCaReply(Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'), 'x.csr'),
    ).toThrow(/certificate signing request .*not the CA's reply/);
    expect(() => parseCaReply(Buffer.alloc(0), 'empty')).toThrow(/empty/);
    expect(() => parseCaReply(Buffer.from('hello'), 'text')).toThrow(/neither PEM nor DER/);
    expect(() => parseCaReply(p7bDer.subarray(0, p7bDer.length - 40), 'cut.p7b')).toThrow(/damaged/);
  });
});
