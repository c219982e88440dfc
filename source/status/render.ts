import type { Style } from '../core/terminal-style.js';
import { printable } from '../core/printable.js';
import { wrapWords } from '../core/text-wrap.js';
import type { Finding } from '../status/finding.js';
import type { StatusReport } from '../status/gather.js';
import { calendarDay } from '../calendar-day.js';

/** Words to the width under an indent; a word longer than the line (a path) is left whole, for copying. */
function wrap(text: string, width: number, indent: string): string[] {
  if (text === '') return [];
  return wrapWords(text, width - indent.length).map((line) => indent + line);
}

function roleLines(role: StatusReport['roles'][number], style: Style, width: number): string[] {
  const label = role.role.padEnd(11);
  const head = `${style.bold(label)}[${role.table}]${role.configured ? '' : ' (not in the file: defaults apply)'}`;
  if (role.role === 'internal' && role.sameAsPrimary) {
    const why = role.configured ? 'same file and alias as the primary' : 'no separate internal keystore is configured';
    return [`${style.bold(label)}the primary keystore (${why})`];
  }
  const lines = [head, ...wrap(printable(role.file), width, '           ')];
  if (!role.exists) return [...lines, `           ${style.red('missing')}`];
  const facts: string[] = [];
  facts.push(
    role.format
      ? `${role.format}${role.format !== role.configuredType.toUpperCase() ? ` (configured ${role.configuredType})` : ''}`
      : 'unknown format',
  );
  if (role.opened) facts.push(`opens, ${role.entryCount} entries`);
  if (role.alias !== undefined && role.role !== 'truststore') {
    const key = !role.aliasFound
      ? 'not found'
      : !role.isKeyEntry
        ? 'not a key entry'
        : role.keyRecovered === undefined
          ? 'key entry'
          : !role.keyRecovered
            ? 'key password wrong'
            : role.keyMatchesCertificate
              ? 'key matches certificate'
              : 'key does NOT match certificate';
    if (role.opened) facts.push(`alias ${printable(role.alias)}: ${key}`);
  }
  lines.push(...wrap(facts.join(', '), width, '           '));
  const leaf = role.chain?.[0];
  if (leaf) {
    const expiry =
      leaf.expiry === 'expired'
        ? style.red(`expired ${calendarDay(leaf.notAfter)}`)
        : leaf.expiry === 'expiring-soon'
          ? style.yellow(`expires ${calendarDay(leaf.notAfter)}`)
          : `valid to ${calendarDay(leaf.notAfter)}`;
    lines.push(...wrap(`${printable(leaf.subject)}; ${leaf.keyAlgorithm} ${leaf.keySize ?? ''}; ${expiry}`, width, '           '));
  }
  return lines;
}

const LEVEL_LABEL = (style: Style, finding: Finding) =>
  finding.level === 'error' ? style.red('error  ') : finding.level === 'warning' ? style.yellow('warning') : style.dim('info   ');

export function renderStatus(report: StatusReport, style: Style, width: number): string {
  const out: string[] = [];
  out.push(`${style.bold('Home')}       ${printable(report.home)} (from ${report.homeFrom})`);
  out.push(
    `${style.bold('Config')}     ${printable(report.configFile)}${report.configRealPath ? ` (a link to ${printable(report.configRealPath)})` : ''}`,
  );
  out.push(
    ...wrap(`${report.profile}: ${printable(report.profileEvidence)}`, width, '           ').map((line, i) =>
      i === 0 ? style.bold('Profile') + line.slice(7) : line,
    ),
  );
  if (report.configNote) out.push(...wrap(printable(report.configNote), width, '           '));
  out.push('');
  for (const role of report.roles) out.push(...roleLines(role, style, width));
  out.push('');
  if (report.findings.length === 0) {
    out.push(style.green('No problems found.'));
  } else {
    for (const finding of report.findings) {
      out.push(`${LEVEL_LABEL(style, finding)} ${finding.code}`);
      // Findings quote aliases, names and paths from the home's files.
      out.push(...wrap(printable(finding.message), width, '        '));
    }
    const errors = report.findings.filter((f) => f.level === 'error').length;
    const warnings = report.findings.filter((f) => f.level === 'warning').length;
    out.push('');
    out.push(`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}.`);
  }
  return out.join('\n') + '\n';
}

export function statusJson(report: StatusReport): unknown {
  return {
    home: report.home,
    homeFrom: report.homeFrom,
    configFile: report.configFile,
    ...(report.configRealPath ? { configRealPath: report.configRealPath } : {}),
    profile: report.profile,
    profileLabel: report.profileLabel,
    profileEvidence: report.profileEvidence,
    roles: report.roles.map((role) => ({
      role: role.role,
      table: role.table,
      configured: role.configured,
      sameAsPrimary: role.sameAsPrimary,
      file: role.file,
      exists: role.exists,
      configuredType: role.configuredType,
      format: role.format ?? null,
      passwordFrom: role.passwordFrom,
      opened: role.opened,
      entryCount: role.entryCount ?? null,
      alias: role.alias ?? null,
      aliasFound: role.aliasFound ?? null,
      isKeyEntry: role.isKeyEntry ?? null,
      keyRecovered: role.keyRecovered ?? null,
      keyMatchesCertificate: role.keyMatchesCertificate ?? null,
      certificate: role.chain?.[0]
        ? {
            subject: role.chain[0].subject,
            issuer: role.chain[0].issuer,
            notAfter: role.chain[0].notAfter.toISOString(),
            expiry: role.chain[0].expiry,
            keyAlgorithm: role.chain[0].keyAlgorithm,
            keySize: role.chain[0].keySize ?? null,
            signatureAlgorithm: role.chain[0].signatureAlgorithm,
            sha256: role.chain[0].sha256,
          }
        : null,
      chainLength: role.chain?.length ?? null,
      resolved: role.resolved,
    })),
    references: report.references,
    secrets: report.secrets,
    findings: report.findings,
  };
}
