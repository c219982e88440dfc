import type { StatusReport } from '../status/gather.js';
import type { FindingLevel } from '../status/finding.js';

// `status --prometheus`: the report as node_exporter textfile-collector metrics (Prometheus text exposition
// format 0.0.4). Every series carries the home, so one node with two homes writes two files that do not collide.

const LEVELS: readonly FindingLevel[] = ['error', 'warning', 'info'];

/** A label value as the exposition format wants it: backslash, double quote and line feed escaped. */
export function prometheusLabelValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs)
    .map(([name, value]) => `${name}="${prometheusLabelValue(value)}"`)
    .join(',')}}`;
}

interface Family {
  name: string;
  help: string;
  samples: Array<[Record<string, string>, number]>;
}

function render(families: Family[]): string {
  return families
    .map((family) =>
      [
        `# HELP ${family.name} ${family.help}`,
        `# TYPE ${family.name} gauge`,
        ...family.samples.map(([pairs, value]) => `${family.name}${labels(pairs)} ${value}`),
      ].join('\n'),
    )
    .join('\n')
    .concat('\n');
}

/** The metrics of a status report. */
export function statusPrometheus(report: StatusReport): string {
  const home = { home: report.home };
  const opens: Family = {
    name: 'ei_keystore_opens',
    help: 'Whether the keystore of a role opens with the configured password (1) or not (0).',
    samples: [],
  };
  const expiry: Family = {
    name: 'ei_keystore_certificate_expiry_timestamp_seconds',
    help: "When the certificate of a role's key entry expires, as a Unix time.",
    samples: [],
  };
  for (const role of report.roles) {
    opens.samples.push([{ ...home, role: role.role, file: role.file }, role.opened ? 1 : 0]);
    const leaf = role.chain?.[0];
    if (leaf && role.alias !== undefined)
      expiry.samples.push([{ ...home, role: role.role, alias: role.alias }, Math.floor(leaf.notAfter.getTime() / 1000)]);
  }
  const findings: Family = {
    name: 'ei_keystore_findings',
    help: 'Findings of ei-keystore status, per level.',
    samples: LEVELS.map((level) => [{ ...home, level }, report.findings.filter((finding) => finding.level === level).length]),
  };
  const success: Family = {
    name: 'ei_keystore_status_success',
    help: 'Whether ei-keystore could read the configuration of the home (1) or not (0).',
    samples: [[home, 1]],
  };
  return render([success, opens, expiry, findings]);
}

/** The metrics when the configuration could not be read at all: one error, nothing known to open. */
export function failedStatusPrometheus(home: string): string {
  return render([
    {
      name: 'ei_keystore_status_success',
      help: 'Whether ei-keystore could read the configuration of the home (1) or not (0).',
      samples: [[{ home }, 0]],
    },
    {
      name: 'ei_keystore_findings',
      help: 'Findings of ei-keystore status, per level.',
      samples: LEVELS.map((level) => [{ home, level }, level === 'error' ? 1 : 0]),
    },
  ]);
}
