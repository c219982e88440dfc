import { describe, expect, it } from 'vitest';
import { renderInspect, writeInspect } from '../../source/commands/inspect-render.js';
import type { DescribedKeystore } from '../../source/keystore/describe.js';
import { makeStyle } from '../../source/core/terminal-style.js';

const subject = 'CN=A Certification Authority With A Long Name, OU=Trust Services Division, O=Example Holdings Limited, C=GB';
const described: DescribedKeystore = {
  format: 'JKS',
  entries: [
    {
      alias: 'long',
      kind: 'trusted-certificate',
      certificates: [
        {
          subject,
          issuer: subject,
          selfIssued: true,
          notBefore: new Date('2020-01-01T00:00:00Z'),
          notAfter: new Date('2040-01-01T00:00:00Z'),
          keyAlgorithm: 'RSA',
          keySize: 4096,
          signatureAlgorithm: 'SHA256withRSA',
          sha256: 'AB'.repeat(32),
          subjectAltNames: [],
          isCA: true,
          expiry: 'valid',
          daysLeft: 4000,
        },
      ],
    },
  ],
};

describe('inspect text', () => {
  it('wraps long values under themselves within the width, at ", " and ":", and keeps short ones on one line', () => {
    const lines = renderInspect('/ks/truststore.jks', described, makeStyle(false), 60).split('\n');
    expect(lines.every((line) => line.length <= 60)).toBe(true);
    const at = lines.findIndex((line) => line.startsWith('  subject   '));
    // The subject is cut after a ", ", and what follows starts under the value, 12 columns in.
    expect(lines[at]).toBe('  subject   CN=A Certification Authority With A Long Name,');
    expect(lines[at + 1]).toBe('            OU=Trust Services Division,');
    expect(lines[at + 2]).toBe('            O=Example Holdings Limited, C=GB');
    expect(lines).toContain('  issuer    (self-signed)');
    expect(lines).toContain('  key       RSA 4096, signed SHA256withRSA');
    const fingerprint = lines.findIndex((line) => line.startsWith('  sha-256   '));
    expect(lines[fingerprint]!.endsWith(':')).toBe(true);
    expect(`${lines[fingerprint]!.slice(12)}${lines[fingerprint + 1]!.trimStart()}${lines[fingerprint + 2]?.trimStart() ?? ''}`).toMatch(
      /^(AB:){31}AB/,
    );
  });
});

describe('inspect text written in parts', () => {
  it('hands on whole entries, each part ending with a newline, which together are the text renderInspect makes', () => {
    // 400 entries of ~450 characters: several parts of about 16 KB.
    const many: DescribedKeystore = {
      format: 'JKS',
      entries: Array.from({ length: 400 }, (_, index) => ({ ...described.entries[0]!, alias: `entry-${index}` })),
    };
    const parts: string[] = [];
    writeInspect((text) => parts.push(text), '/ks/truststore.jks', many, makeStyle(false), 80);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.join('')).toBe(renderInspect('/ks/truststore.jks', many, makeStyle(false), 80));
    for (const part of parts) expect(part.endsWith('\n')).toBe(true);
    // Every part after the first starts with the blank line before an entry's alias.
    for (const part of parts.slice(1)) expect(part).toMatch(/^\nentry-\d+ {2}trusted certificate\n/);
    // One part for a small keystore.
    const one: string[] = [];
    writeInspect((text) => one.push(text), '/ks/truststore.jks', described, makeStyle(false), 80);
    expect(one).toEqual([renderInspect('/ks/truststore.jks', described, makeStyle(false), 80)]);
  });
});
