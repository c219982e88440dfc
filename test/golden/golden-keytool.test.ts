/**
 * The keytool tier: what the committed JSON says of each golden file is what `keytool -list -v` (or
 * `keytool -printcert` for the PEM file) says of it. This is the review of expected/*.json kept as a test; the
 * codec tier (golden.test.ts) then holds inspect to that JSON without a JVM.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus, expectedJson, goldenDir, type GoldenFile, type InspectCertificate } from './corpus.js';

/** keytool in English, dates in UTC; the password through the environment. */
function keytool(args: string[], password?: string | null): string {
  const result = spawnSync(
    'keytool',
    [
      '-J-Duser.language=en',
      '-J-Duser.country=US',
      '-J-Duser.timezone=UTC',
      ...args,
      ...(password ? ['-storepass:env', 'GOLDEN_PASSWORD'] : []),
    ],
    { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', GOLDEN_PASSWORD: password ?? '' } },
  );
  expect(result.status, `keytool ${args.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout;
}

/** "Thu Jan 01 00:00:00 UTC 2026" as an ISO string. */
function keytoolDate(text: string): string {
  const match = /^\w{3} (\w{3}) (\d\d) (\d\d:\d\d:\d\d) UTC (\d{4})$/.exec(text.trim());
  if (!match) throw new Error(`not a keytool date: ${text}`);
  return new Date(`${match[1]} ${match[2]}, ${match[4]} ${match[3]} UTC`).toISOString();
}

/** One certificate as keytool prints it, in the fields inspect's JSON has. */
function keytoolCertificate(block: string): InspectCertificate {
  const field = (pattern: RegExp) => {
    const match = pattern.exec(block);
    if (!match) throw new Error(`${pattern} not in:\n${block}`);
    return match[1]!;
  };
  const validity = /^Valid from: (.*) until: (.*)$/m.exec(block)!;
  const key = /^Subject Public Key Algorithm: (\d+)-bit (RSA|EC)\b/m.exec(block)!;
  return {
    subject: field(/^Owner: (.*)$/m),
    issuer: field(/^Issuer: (.*)$/m),
    notBefore: keytoolDate(validity[1]!),
    notAfter: keytoolDate(validity[2]!),
    keyAlgorithm: key[2]!,
    keySize: Number(key[1]),
    signatureAlgorithm: field(/^Signature algorithm name: (.*)$/m),
    sha256: field(/^\s*SHA256: ([0-9A-F:]+)$/m).replaceAll(':', ''),
    subjectAltNames: [...block.matchAll(/^\s*(DNSName|IPAddress): (.*)$/gm)].map(
      (match) => `${match[1] === 'DNSName' ? 'DNS' : 'IP'}:${match[2]}`,
    ),
    isCA: /^\s*CA:true$/m.test(block),
  };
}

interface KeytoolEntry {
  alias: string;
  kind: string;
  /** The day, for JKS and JCEKS (a PKCS#12 file keeps none: keytool shows the day it reads it). */
  created: string;
  certificates: InspectCertificate[];
}

function keytoolEntries(file: GoldenFile): KeytoolEntry[] {
  const listing = keytool(['-list', '-v', '-keystore', path.join(goldenDir, file.file), '-storetype', file.format], file.password);
  return listing
    .split(/^Alias name: /m)
    .slice(1)
    .map((block) => {
      const type = /^Entry type: (\w+)/m.exec(block)![1]!;
      const kind = type === 'PrivateKeyEntry' ? 'private-key' : type === 'SecretKeyEntry' ? 'secret-key' : 'trusted-certificate';
      const certificateBlocks =
        kind === 'private-key' ? block.split(/^Certificate\[\d+\]:$/m).slice(1) : kind === 'trusted-certificate' ? [block] : [];
      if (kind === 'private-key') expect(certificateBlocks.length).toBe(Number(/^Certificate chain length: (\d+)/m.exec(block)![1]));
      return {
        alias: block.split('\n')[0]!.trim(),
        kind,
        created: new Date(`${/^Creation date: (.*)$/m.exec(block)![1]} UTC`).toISOString().slice(0, 10),
        certificates: certificateBlocks.map(keytoolCertificate),
      };
    });
}

describe('golden keystores: keytool says what the committed JSON says', () => {
  it.each(corpus.filter((file) => file.format !== 'PEM'))('$file', (file) => {
    const expected = expectedJson(file);
    const byAlias = (a: { alias: string }, b: { alias: string }) => a.alias.localeCompare(b.alias);
    const fromKeytool = keytoolEntries(file).sort(byAlias);
    const fromJson = [...expected.entries].sort(byAlias);
    expect(expected.format).toBe(file.format);
    expect(fromJson.map(({ alias, kind, certificates }) => ({ alias, kind, certificates }))).toEqual(
      fromKeytool.map(({ alias, kind, certificates }) => ({ alias, kind, certificates })),
    );
    for (const [index, entry] of fromJson.entries()) {
      // JKS and JCEKS keep when each entry was made; a PKCS#12 file from keytool or openssl keeps nothing.
      if (file.format === 'PKCS12') expect(entry.created, entry.alias).toBeNull();
      else expect(entry.created?.slice(0, 10), entry.alias).toBe(fromKeytool[index]!.created);
    }
  });

  it('partner-ca.pem', () => {
    const pem = corpus.find((file) => file.format === 'PEM')!;
    const printed = keytool(['-printcert', '-v', '-file', path.join(goldenDir, pem.file)]);
    const expected = expectedJson(pem) as unknown as { certificates: InspectCertificate[] };
    expect(expected.certificates).toEqual([keytoolCertificate(printed)]);
  });
});
