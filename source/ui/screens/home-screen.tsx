import { Box, Text } from 'ink';
import path from 'node:path';
import { Header, KeyHints, Select } from '../components/index.js';
import type { StatusReport } from '../../status/gather.js';
import { sortFindings } from '../../status/finding.js';
import type { ProcedureId } from '../state/wizard-state.js';
import { printable } from '../../core/printable.js';
import { truncate, useTerminalSize } from './layout.js';

export type HomeChoice = ProcedureId | 'reply-primary' | 'reply-internal' | 'status' | 'quit';

export interface HomeScreenProps {
  report: StatusReport | undefined;
  sandbox: boolean;
  dryRun: boolean;
  onChoose: (choice: HomeChoice) => void;
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The home, its profile and config; one line per role with its worst finding; then what to do. */
export function HomeScreen({ report, sandbox, dryRun, onChoose }: HomeScreenProps) {
  const { columns } = useTerminalSize();
  const tag = [sandbox ? 'SANDBOX' : undefined, dryRun ? 'DRY RUN' : undefined].filter(Boolean).join(' ');
  if (!report) {
    return (
      <Box flexDirection="column">
        <Header title="ei-keystore" tag={tag || undefined} width={columns} />
        <Text dimColor>Reading the configuration and keystores...</Text>
      </Box>
    );
  }
  const roleLine = (role: StatusReport['roles'][number]) => {
    const worst = sortFindings(report.findings.filter((finding) => finding.role === role.role))[0];
    // Keystores live in the security directory: the file name is enough there, and leaves room for alias and expiry.
    const relative = path.relative(report.home, role.file);
    const shown = path.dirname(relative) === 'repository/resources/security' ? path.basename(relative) : relative;
    const file = role.role === 'internal' && role.sameAsPrimary ? '(the primary keystore)' : role.exists ? shown : `${shown} (missing)`;
    const leaf = role.role === 'internal' && role.sameAsPrimary ? undefined : role.chain?.[0];
    const facts = [file, role.alias && role.role !== 'truststore' && !(role.role === 'internal' && role.sameAsPrimary) ? role.alias : undefined, leaf ? `to ${day(leaf.notAfter)}` : undefined]
      .filter(Boolean)
      .join('  ');
    return { role: role.role, facts, worst };
  };
  const errors = report.findings.filter((finding) => finding.level === 'error').length;
  const warnings = report.findings.filter((finding) => finding.level === 'warning').length;
  return (
    <Box flexDirection="column">
      <Header title="ei-keystore" tag={tag || undefined} width={columns} />
      <Text>{truncate(`Home     ${report.home}`, columns)}</Text>
      <Text>{truncate(`Profile  ${report.profile}: ${report.profileLabel}`, columns)}</Text>
      <Text>{truncate(`Config   ${path.relative(report.home, report.configFile)}`, columns)}</Text>
      <Box flexDirection="column" marginTop={1}>
        {report.roles.map(roleLine).map(({ role, facts, worst }) => (
          <Box key={role}>
            <Text bold>{role.padEnd(11)}</Text>
            <Text>{truncate(facts, columns - 11 - 26).padEnd(columns - 11 - 26)}</Text>
            {worst ? (
              <Text color={worst.level === 'error' ? 'red' : worst.level === 'warning' ? 'yellow' : undefined} dimColor={worst.level === 'info'}>
                {`  ${worst.level === 'error' ? '✗' : worst.level === 'warning' ? '!' : 'i'} ${truncate(worst.code, 21)}`}
              </Text>
            ) : (
              <Text color="green">  ✓</Text>
            )}
          </Box>
        ))}
        {report.pending.map((request) => (
          <Box key={`pending-${request.role}`}>
            <Text bold>{'pending'.padEnd(11)}</Text>
            <Text color="cyan">{truncate(`${request.role} request ${request.subject} since ${request.createdAt.slice(0, 10)}`, columns - 11)}</Text>
          </Box>
        ))}
        <Text dimColor>{`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`}</Text>
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Select<HomeChoice>
          options={[
            ...report.pending.map((request) => ({
              value: `reply-${request.role}` as const,
              label: `Import the CA's reply to the pending ${request.role} request`,
              hint: printable(`${request.subject}, written to ${path.basename(request.csrFile)}`),
            })),
            { value: 'primary', label: 'Change the primary keystore', hint: 'TLS and message signing: a CA-signed certificate is recommended' },
            {
              value: 'internal',
              label: 'Separate the internal keystore',
              hint: report.roles[1]?.sameAsPrimary ? 'secrets are encrypted with the primary key today' : 'the key that encrypts secrets',
            },
            { value: 'truststore', label: 'Change the truststore', hint: 'start from the current one and import certificates' },
            { value: 'status', label: 'Full status', hint: 'every finding, with what to do' },
            { value: 'quit', label: 'Quit' },
          ]}
          onSelect={onChoose}
          onCancel={() => onChoose('quit')}
          width={columns}
        />
      </Box>
      <KeyHints hints={[{ key: '↑↓', label: 'move' }, { key: 'Enter', label: 'choose' }, { key: 'Esc', label: 'quit' }]} width={columns} />
    </Box>
  );
}
