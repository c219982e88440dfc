import { Box, Text } from 'ink';
import path from 'node:path';
import { Header, KeyHints, Select } from '../components/index.js';
import type { StatusReport } from '../../status/gather.js';
import { sortFindings } from '../../status/finding.js';
import type { MenuChoice } from '../../session/wizard-state.js';
import { printable } from '../../core/printable.js';
import { truncate, useTerminalSize, wrapText } from './layout.js';
import { READING_TEXT } from '../terminal/reading-frame.js';
import { calendarDay } from '../../calendar-day.js';

export type HomeChoice = MenuChoice;

export interface HomeScreenProps {
  report: StatusReport | undefined;
  sandbox: boolean;
  dryRun: boolean;
  /** Set when the product reads no [keystore.internal] (MI 1.1 / 1.2): why separating it is not possible. */
  internalRefusal?: string;
  /** Set when "Encrypt passwords" has nothing to do or cannot run here: why (the planner's rules). */
  hardenRefusal?: string;
  /** Said under the menu: a refusal (the session refuses a procedure this home cannot take, at the menu). */
  notice?: string;
  onChoose: (choice: HomeChoice) => void;
  /** The highlight moved: the notice goes. */
  onHighlight?: () => void;
}

/** The home, its profile and config; one line per role with its worst finding; then what to do. */
export function HomeScreen({ report, sandbox, dryRun, internalRefusal, hardenRefusal, notice, onChoose, onHighlight }: HomeScreenProps) {
  const { columns, rows } = useTerminalSize();
  const tag = [sandbox ? 'SANDBOX' : undefined, dryRun ? 'DRY RUN' : undefined].filter(Boolean).join(' ');
  if (!report) {
    return (
      <Box flexDirection="column">
        <Header title="ei-keystore" tag={tag || undefined} width={columns} />
        <Text dimColor>{READING_TEXT}</Text>
      </Box>
    );
  }
  // At 15 to 19 rows the spacing goes and Profile and Config share a line: the title, its SANDBOX / DRY RUN badge
  // and the home about to change must stay on screen at the smallest size (60x15).
  const compact = rows < 20;
  const marked = report.roles.map((role) => {
    const findings = sortFindings(report.findings.filter((finding) => finding.role === role.role));
    const worst = findings[0];
    // The most important finding in full, and how many more the full status has.
    const mark = worst
      ? `${worst.level === 'error' ? '✗' : worst.level === 'warning' ? '!' : 'i'} ${worst.code}${findings.length > 1 ? ` +${findings.length - 1}` : ''}`
      : '✓';
    return { role, worst, mark };
  });
  const markWidth = Math.max(...marked.map(({ mark }) => mark.length));
  const roleLines = marked.flatMap(({ role, worst, mark }) => {
    // Keystores live in the security directory: the file name is enough there, and leaves room for alias and expiry.
    const relative = path.relative(report.home, role.file);
    const shownFile = path.dirname(relative) === 'repository/resources/security' ? path.basename(relative) : relative;
    const same = role.role === 'internal' && role.sameAsPrimary;
    const file = same ? '(the primary keystore)' : role.exists ? shownFile : `${shownFile} (missing)`;
    const leaf = same ? undefined : role.chain?.[0];
    // In order of importance; what does not fit beside the finding is left out, never cut in half.
    const optional = [
      leaf ? `to ${calendarDay(leaf.notAfter)}` : undefined,
      role.alias && role.role !== 'truststore' && !same ? role.alias : undefined,
    ].filter((part): part is string => Boolean(part));
    const room = columns - 11 - 2 - markWidth;
    let facts = printable(file);
    for (const part of optional) if (facts.length + 2 + printable(part).length <= room) facts = `${facts}  ${printable(part)}`;
    const colour = worst?.level === 'error' ? 'red' : worst?.level === 'warning' ? 'yellow' : worst ? undefined : 'green';
    if (facts.length <= room)
      return [{ key: role.role, label: role.role, facts: facts.padEnd(room), mark, colour, dim: worst?.level === 'info' }];
    // A path too long for one row: the finding gets its own row under it.
    return [
      ...wrapText(facts, columns - 11).map((part, n) => ({
        key: `${role.role}-${n}`,
        label: n === 0 ? role.role : '',
        facts: part,
        mark: '',
        colour: undefined,
        dim: false,
      })),
      { key: `${role.role}-finding`, label: '', facts: '', mark, colour, dim: worst?.level === 'info' },
    ];
  });
  const general = sortFindings(report.findings.filter((finding) => finding.role === undefined));
  const errors = report.findings.filter((finding) => finding.level === 'error').length;
  const warnings = report.findings.filter((finding) => finding.level === 'warning').length;
  const infos = report.findings.length - errors - warnings;
  const summary = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${infos > 0 ? `, ${infos} note${infos === 1 ? '' : 's'}` : ''}${general[0] ? `; ${general[0].code}${general.length > 1 ? ` +${general.length - 1}` : ''}` : ''}`;
  return (
    <Box flexDirection="column">
      <Header title="ei-keystore" tag={tag || undefined} width={columns} />
      {wrapText(`Home     ${report.home}`, columns).map((line, n) => (
        <Text key={`home-${n}`}>{line}</Text>
      ))}
      {compact ? (
        <Text>{truncate(`Profile  ${report.profile} (${path.relative(report.home, report.configFile)})`, columns)}</Text>
      ) : (
        <>
          <Text>{truncate(`Profile  ${report.profile}: ${report.profileLabel}`, columns)}</Text>
          <Text>{truncate(`Config   ${path.relative(report.home, report.configFile)}`, columns)}</Text>
        </>
      )}
      <Box flexDirection="column" marginTop={compact ? 0 : 1}>
        {roleLines.map((line) => (
          <Box key={line.key}>
            <Text bold>{line.label.padEnd(11)}</Text>
            <Text>{line.facts}</Text>
            {line.mark ? (
              <Text color={line.colour} dimColor={line.dim}>
                {`  ${line.mark}`}
              </Text>
            ) : null}
          </Box>
        ))}
        {report.pending.map((request) => (
          <Box key={`pending-${request.role}`}>
            <Text bold>{'pending'.padEnd(11)}</Text>
            <Text color="cyan">
              {truncate(`${request.role} request ${request.subject} since ${request.createdAt.slice(0, 10)}`, columns - 11)}
            </Text>
          </Box>
        ))}
        <Text dimColor>{truncate(summary, columns)}</Text>
      </Box>
      <Box marginTop={compact ? 0 : 1} flexDirection="column">
        <Select<HomeChoice>
          options={[
            ...report.pending.map((request) => ({
              value: `reply-${request.role}` as const,
              label: `Import the CA's reply to the pending ${request.role} request`,
              hint: printable(`${request.subject}, written to ${path.basename(request.csrFile)}`),
            })),
            { value: 'primary', label: 'Change the primary keystore', hint: 'TLS and message signing: a CA-signed certificate is best' },
            {
              value: 'internal',
              label: 'Separate the internal keystore',
              hint: internalRefusal
                ? `not possible on ${report.profile}: carbon.xml hard-codes wso2carbon.jks as the internal keystore`
                : report.roles[1]?.sameAsPrimary
                  ? 'secrets are encrypted with the primary key today'
                  : 'the key that encrypts secrets',
            },
            { value: 'truststore', label: 'Change the truststore', hint: 'start from the current one and import certificates' },
            {
              value: 'secrets',
              label: 'Encrypt passwords',
              hint: hardenRefusal ? 'not available here (Enter says why)' : 'passwords into the secure vault, as the cipher tool does',
            },
            { value: 'status', label: 'Full status', hint: 'every finding, with what to do' },
            { value: 'quit', label: 'Quit' },
          ]}
          onSelect={onChoose}
          onHighlight={() => onHighlight?.()}
          onCancel={() => onChoose('quit')}
          width={columns}
        />
      </Box>
      {notice
        ? wrapText(notice, columns).map((line, n) => (
            <Text key={`refusal-${n}`} color="red">
              {line}
            </Text>
          ))
        : null}
      <KeyHints
        hints={[
          { key: '↑↓', label: 'move' },
          { key: 'Enter', label: 'choose' },
          { key: 'Esc', label: 'quit' },
        ]}
        width={columns}
      />
    </Box>
  );
}
