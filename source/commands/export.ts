import path from 'node:path';
import { parseCommandArgs, profileFlag } from '../cli/args.js';
import type { CommandContext } from '../cli/context.js';
import { jsonText, printableLines } from '../core/printable.js';
import { UserError } from '../errors.js';
import { writeNewFile } from '../apply/write-new-file.js';
import { summarizeCertificate, colonHex } from '../keystore/x509/certificate.js';
import { openConfiguredKeystore } from '../procedures/current-keystore.js';
import { FileStore } from '../procedures/home-snapshot.js';
import { loadHomeFacts } from '../procedures/facts.js';
import { EXIT } from '../exit-codes.js';
import { toPem } from '../keystore/x509/pem.js';

export const EXPORT_HELP = `Usage: ei-keystore export primary|internal [--chain] [--der] --out FILE
       [--home DIR] [--json]

Writes our own certificate (the key entry's certificate of the primary or the
internal keystore) to a file for partners, the keytool -exportcert step of a
handover. The home is only read, never changed; FILE must not exist yet.

  --out FILE    where to write the certificate
  --chain       the whole chain, leaf first (PEM only)
  --der         DER (binary) instead of PEM; one certificate only
  --home DIR    the server home (default: $EI_HOME, $MI_HOME, or the current
                directory)
  --profile P   the product layout: ei-7 | mi-1.1 | mi-1.2 | mi-4
  --json        one JSON document on stdout: { file, format, certificates }
`;

const pem = (der: Buffer): string => toPem('CERTIFICATE', der);

export async function exportCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('export', args, {
    out: { type: 'string' },
    chain: { type: 'boolean' },
    der: { type: 'boolean' },
    home: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    context.stdout.write(EXPORT_HELP);
    return EXIT.ok;
  }
  const role = positionals[0];
  if ((role !== 'primary' && role !== 'internal') || positionals.length !== 1) {
    throw new UserError(
      `export needs one role: primary or internal${role && role !== 'primary' && role !== 'internal' ? ` (got '${role}')` : ''}. See 'ei-keystore export --help'.`,
      'usage',
    );
  }
  if (!values.out) throw new UserError(`export ${role} needs --out FILE. See 'ei-keystore export --help'.`, 'usage');
  if (values.chain && values.der)
    throw new UserError('--der holds exactly one certificate; a chain is written as PEM (leave out --der), or leave out --chain.', 'usage');
  const profile = profileFlag(values.profile);

  const facts = loadHomeFacts({
    home: values.home,
    env: context.env,
    cwd: context.cwd,
    now: context.now,
    profile,
  });
  const resolved = facts.resolved.roles[role];
  const files = new FileStore(facts.located.home);
  await files.load('present', resolved.file);
  const { keystore } = await openConfiguredKeystore(resolved, `export the ${role} certificate`, files);
  const alias = resolved.alias ?? '';
  const entry = keystore.entries.find((candidate) => candidate.alias.toLowerCase() === alias.toLowerCase());
  if (entry?.kind !== 'private-key' || entry.chain.length === 0) {
    throw new UserError(
      `${resolved.file} holds no key entry "${alias}" with a certificate; fix [${resolved.table}] alias first (ei-keystore status says more).`,
      'alias-missing',
    );
  }
  const certificates = values.chain ? entry.chain : entry.chain.slice(0, 1);
  const out = path.resolve(context.cwd, values.out);
  const content = values.der ? certificates[0]! : certificates.map(pem).join('');
  await writeNewFile(out, content, 0o644);
  const summaries = certificates.map((der) => summarizeCertificate(der));
  if (values.json) {
    context.stdout.write(
      jsonText({
        file: out,
        format: values.der ? 'DER' : 'PEM',
        role,
        keystore: resolved.file,
        alias: entry.alias,
        certificates: summaries.map((s) => ({
          subject: s.subject,
          issuer: s.issuer,
          notAfter: s.notAfter.toISOString(),
          sha256: s.sha256,
        })),
      }) + '\n',
    );
  } else {
    const lines = [
      `Wrote ${out} (${values.der ? 'DER' : 'PEM'}): the ${role} certificate${certificates.length > 1 ? ` chain, ${certificates.length} certificates` : ''} of "${entry.alias}" in ${resolved.file}.`,
    ];
    for (const summary of summaries) lines.push(`  ${summary.subject}`, `    SHA-256 ${colonHex(summary.sha256)}`);
    lines.push('Give the partner the SHA-256 fingerprint by another channel, so they can check the file.');
    context.stdout.write(`${printableLines(lines.join('\n'))}\n`);
  }
  return EXIT.ok;
}
