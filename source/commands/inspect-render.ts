import { colonHex } from '../keystore/x509/certificate.js';
import type { DescribedCertificate, DescribedEntry, DescribedKeystore } from '../keystore/describe.js';
import type { Style } from '../core/terminal-style.js';
import { printable } from '../core/printable.js';
import { calendarDay } from '../calendar-day.js';

const KIND_LABEL: Record<DescribedEntry['kind'], string> = {
  'private-key': 'private key',
  'trusted-certificate': 'trusted certificate',
  'secret-key': 'secret key',
};

/** Breaks a long value into lines no wider than `width`, at ", " or ":" where it can. */
function wrapValue(value: string, width: number): string[] {
  const lines: string[] = [];
  let rest = value;
  while (rest.length > width) {
    let cut = Math.max(rest.lastIndexOf(', ', width - 1), rest.lastIndexOf(':', width - 1));
    if (cut <= 0) cut = width - 1;
    lines.push(rest.slice(0, cut + 1).trimEnd());
    rest = rest.slice(cut + 1).trimStart();
  }
  lines.push(rest);
  return lines;
}

/** Each field's label as printed, made once rather than for each of a truststore's ~150 certificates. */
const FIELD_LABELS = ['subject', 'issuer', 'valid', 'key', 'sha-256', 'SANs'] as const;
type FieldLabel = (typeof FIELD_LABELS)[number];
const FIELD_HEADS = Object.fromEntries(FIELD_LABELS.map((label) => [label, `  ${label.padEnd(9)} `])) as Record<FieldLabel, string>;
/** What a wrapped value's further lines start with: as wide as a head (every label fits in 9 columns). */
const FIELD_INDENT = ' '.repeat(12);

/**
 * Adds `label  value` to `out`, the value wrapped under itself. Written with pushes rather than spread arrays:
 * inspect runs this ~900 times for a truststore, in code that is still cold, where spreading an array costs.
 */
function pushField(out: string[], label: FieldLabel, value: string, width: number): void {
  const head = FIELD_HEADS[label];
  const room = Math.max(20, width - head.length);
  if (value.length <= room) {
    out.push(head + value);
    return;
  }
  const lines = wrapValue(value, room);
  out.push(head + lines[0]);
  for (let index = 1; index < lines.length; index++) out.push(FIELD_INDENT + lines[index]);
}

function expiryNote(certificate: DescribedCertificate, style: Style): string {
  switch (certificate.expiry) {
    case 'expired':
      return style.red(`EXPIRED ${-certificate.daysLeft} days ago`);
    case 'expiring-soon':
      return style.yellow(`EXPIRES in ${certificate.daysLeft} days`);
    case 'not-yet-valid':
      return style.yellow('NOT YET VALID');
    case 'valid':
      return `${certificate.daysLeft} days left`;
  }
}

function pushCertificateLines(out: string[], certificate: DescribedCertificate, position: string, style: Style, width: number): void {
  const size = certificate.keySize ? String(certificate.keySize) : certificate.curve;
  const key = certificate.keyAlgorithm ? (size ? `${certificate.keyAlgorithm} ${size}` : certificate.keyAlgorithm) : (size ?? '');
  if (position) out.push(`  ${style.dim(position)}`);
  pushField(out, 'subject', printable(certificate.subject) || '(empty)', width);
  pushField(out, 'issuer', certificate.selfIssued ? '(self-signed)' : printable(certificate.issuer), width);
  pushField(
    out,
    'valid',
    `${calendarDay(certificate.notBefore)} to ${calendarDay(certificate.notAfter)}, ${expiryNote(certificate, style)}`,
    width,
  );
  pushField(out, 'key', `${key}, signed ${certificate.signatureAlgorithm}`, width);
  pushField(out, 'sha-256', colonHex(certificate.sha256), width);
  if (certificate.subjectAltNames.length > 0) pushField(out, 'SANs', certificate.subjectAltNames.map(printable).join(', '), width);
}

export function renderInspect(file: string, described: DescribedKeystore, style: Style, width = 80): string {
  const parts: string[] = [];
  writeInspect((text) => parts.push(text), file, described, style, width);
  return parts.join('');
}

/** Lines are handed on in parts of about this many characters, each ending with its last line's newline. */
const PART_CHARACTERS = 16 * 1024;

/**
 * The text renderInspect makes, handed to `write` a part at a time as it is made: a truststore's description is
 * ~60 KB, which as one string is copied whole once more (and made of two-byte characters throughout when one name
 * holds a character beyond Latin-1), in a short run where every fresh page of memory costs.
 */
export function writeInspect(write: (text: string) => void, file: string, described: DescribedKeystore, style: Style, width = 80): void {
  const counts = new Map<string, number>();
  for (const entry of described.entries) counts.set(entry.kind, (counts.get(entry.kind) ?? 0) + 1);
  const summary = [...counts]
    .map(([kind, count]) => `${count} ${KIND_LABEL[kind as DescribedEntry['kind']]}${count === 1 ? '' : 's'}`)
    .join(', ');
  const out = [
    `${style.bold(printable(file))}`,
    `${described.format}, ${described.entries.length} entries${summary ? ` (${summary})` : ''}`,
  ];
  let characters = 0;
  for (const entry of described.entries) {
    if (characters >= PART_CHARACTERS) {
      write(partText(out));
      out.length = 0;
      characters = 0;
    }
    const before = out.length;
    out.push('');
    const chain = entry.kind === 'private-key' ? `, chain of ${entry.certificates.length}` : '';
    const algorithm = entry.secretKeyAlgorithm ? ` (${printable(entry.secretKeyAlgorithm)})` : '';
    // Aliases and names are the file's text: control characters in them are shown, never sent to the terminal.
    out.push(`${style.bold(printable(entry.alias))}  ${KIND_LABEL[entry.kind]}${chain}${algorithm}`);
    entry.certificates.forEach((certificate, index) => {
      const position = entry.certificates.length > 1 ? `[${index + 1}/${entry.certificates.length}]` : '';
      pushCertificateLines(out, certificate, position, style, width);
    });
    for (let line = before; line < out.length; line++) characters += out[line]!.length + 1;
  }
  const expired = described.entries.filter((entry) => entry.certificates.some((c) => c.expiry === 'expired')).length;
  const expiring = described.entries.filter((entry) => entry.certificates.some((c) => c.expiry === 'expiring-soon')).length;
  if (expired || expiring) {
    out.push('');
    if (expired) out.push(style.red(`${expired} ${expired === 1 ? 'entry has' : 'entries have'} an expired certificate.`));
    if (expiring) out.push(style.yellow(`${expiring} ${expiring === 1 ? 'entry expires' : 'entries expire'} within 30 days.`));
  }
  write(partText(out));
}

/** The lines, each ending with a newline, as one flat string (the newline added by the join, not by a copy after). */
function partText(lines: string[]): string {
  lines.push('');
  return lines.join('\n');
}

/** --json form: dates as ISO strings, fingerprints as plain upper-case hex. */
export function inspectJson(file: string, described: DescribedKeystore): unknown {
  return {
    file,
    format: described.format,
    entries: described.entries.map((entry) => ({
      alias: entry.alias,
      kind: entry.kind,
      created: entry.created?.toISOString() ?? null,
      ...(entry.secretKeyAlgorithm ? { secretKeyAlgorithm: entry.secretKeyAlgorithm } : {}),
      certificates: entry.certificates.map((c) => ({
        subject: c.subject,
        issuer: c.issuer,
        notBefore: c.notBefore.toISOString(),
        notAfter: c.notAfter.toISOString(),
        expiry: c.expiry,
        daysLeft: c.daysLeft,
        keyAlgorithm: c.keyAlgorithm,
        keySize: c.keySize ?? null,
        signatureAlgorithm: c.signatureAlgorithm,
        sha256: c.sha256,
        subjectAltNames: c.subjectAltNames,
        isCA: c.isCA,
      })),
    })),
  };
}
