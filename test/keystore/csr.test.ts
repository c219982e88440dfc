import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import {
  certificateRequestPem,
  createCertificateRequest,
  readCertificateRequest,
  requestSignatureOid,
} from '../../source/keystore/x509/csr.js';
import { encodeDname, parseDname } from '../../source/keystore/x509/dname.js';
import { generateKeyPair, type KeyPairSpec } from '../../source/keystore/generate.js';
import { keytool } from '../support/keytool.js';
import { tempDir } from '../support/tmp.js';
import { parseSubjectAltNames } from '../../source/keystore/x509/san.js';

const DNAME = 'CN=ei.example.com, OU=Integration, O=Example, C=LK';

describe('PKCS#10 certificate signing requests', () => {
  const specs: Array<[KeyPairSpec, string, RegExp]> = [
    [{ algorithm: 'RSA', size: 2048 }, '1.2.840.113549.1.1.11', /sha256WithRSAEncryption/],
    [{ algorithm: 'EC', size: 256 }, '1.2.840.10045.4.3.2', /ecdsa-with-SHA256/],
    [{ algorithm: 'EC', size: 384 }, '1.2.840.10045.4.3.3', /ecdsa-with-SHA384/],
  ];
  for (const [spec, oid, openSslName] of specs) {
    it(`${spec.algorithm} ${spec.size}: openssl verifies the signature and reads subject and SANs; keytool prints it`, async () => {
      const pair = await generateKeyPair(spec);
      const der = createCertificateRequest({
        ...pair,
        subject: encodeDname(parseDname(DNAME)),
        subjectAltNames: parseSubjectAltNames(['DNS:ei.example.com', 'IP:127.0.0.1']),
      });
      expect(requestSignatureOid(der)).toBe(oid);
      const file = path.join(tempDir(), 'request.csr');
      writeFileSync(file, certificateRequestPem(der));
      const openssl = await execa('openssl', ['req', '-in', file, '-verify', '-noout', '-text'], { all: true });
      expect(openssl.all).toMatch(/verify OK/i);
      expect(openssl.all).toMatch(/Subject: C\s?=\s?LK, O\s?=\s?Example, OU\s?=\s?Integration, CN\s?=\s?ei\.example\.com/);
      expect(openssl.all).toMatch(/DNS:ei\.example\.com, IP Address:127\.0\.0\.1/);
      expect(openssl.all).toMatch(openSslName);
      const printed = await keytool(['-printcertreq', '-file', file]);
      expect(printed).toMatch(/Subject: CN=ei\.example\.com, OU=Integration, O=Example, C=LK/);
      expect(printed).toMatch(/DNSName: ei\.example\.com/);
      expect(printed).toMatch(/IPAddress: 127\.0\.0\.1/);

      const info = readCertificateRequest(Buffer.from(certificateRequestPem(der)));
      expect(info.subject.equals(encodeDname(parseDname(DNAME)))).toBe(true);
      expect(info.publicKey.equals(pair.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    });
  }

  it('without SANs the attributes are empty and openssl still verifies it', async () => {
    const pair = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
    const file = path.join(tempDir(), 'plain.csr');
    writeFileSync(file, certificateRequestPem(createCertificateRequest({ ...pair, subject: encodeDname(parseDname('CN=plain')) })));
    const openssl = await execa('openssl', ['req', '-in', file, '-verify', '-noout', '-text'], { all: true });
    expect(openssl.all).toMatch(/verify OK/i);
    expect(openssl.all).not.toMatch(/Subject Alternative Name/);
  });

  it('refuses a key pair that does not belong together', async () => {
    const a = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
    const b = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
    expect(() =>
      createCertificateRequest({ privateKey: a.privateKey, publicKey: b.publicKey, subject: encodeDname(parseDname('CN=x')) }),
    ).toThrow(/does not belong/);
  });
});
