import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificateFile } from '../../source/keystore/x509/certificate-file.js';
import { pemBlocks, toPem } from '../../source/keystore/x509/pem.js';

describe('PEM, one reader and writer', () => {
  let dir = '';
  let key = '';
  let cert = '';
  let der = Buffer.alloc(0);
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'eik-pem-'));
    key = path.join(dir, 'key.pem');
    cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=pem-test', '-days', '2'],
      { stdio: 'ignore' },
    );
    der = execFileSync('openssl', ['x509', '-in', cert, '-outform', 'DER']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes what openssl writes, byte for byte, and reads it back', () => {
    expect(toPem('CERTIFICATE', der)).toBe(readFileSync(cert, 'latin1'));
    expect(pemBlocks(toPem('CERTIFICATE', der))).toEqual([{ label: 'CERTIFICATE', der }]);
  });

  it('reads every block of a bundle in order, with its label, and skips text around them', () => {
    const text = `junk\n${toPem('PRIVATE KEY', Buffer.from([1, 2, 3]))}between\n${toPem('TRUSTED CERTIFICATE', der)}`;
    expect(pemBlocks(text).map((block) => block.label)).toEqual(['PRIVATE KEY', 'TRUSTED CERTIFICATE']);
    expect(pemBlocks('-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n')).toEqual([]);
  });

  it("certificate files take OpenSSL's TRUSTED CERTIFICATE label as a certificate, and ignore the key beside it", () => {
    const file = path.join(dir, 'trusted.pem');
    writeFileSync(file, readFileSync(key, 'latin1') + toPem('TRUSTED CERTIFICATE', der));
    expect(parseCertificateFile(readFileSync(file), file)).toEqual([der]);
  });
});
