import { Box, Text } from 'ink';
import { Header, KeyHints, ScrollView, StepList, useKeys } from '../components/index.js';
import type { StepView } from '../../session/wizard-state.js';
import { useTerminalSize, wrapText } from './layout.js';

export function ApplyScreen({ title, tag, steps }: { title: string; tag?: string; steps: StepView[] }) {
  const { columns } = useTerminalSize();
  return (
    <Box flexDirection="column">
      <Header title={`Applying: ${title}`} tag={tag} width={columns} />
      <StepList steps={steps} width={columns} />
      <Text dimColor>Ctrl-C now finishes or rolls back the change before exiting.</Text>
    </Box>
  );
}

export interface DoneScreenProps {
  title: string;
  tag?: string;
  steps: StepView[];
  backupId: string;
  /** Commands to copy: each shown on one line, and printed again whole on the shell's screen on exit. */
  commands: Array<{ label: string; command: string }>;
  next: string[];
  onExit: () => void;
  /** A procedure offered next (on `e`): "Encrypt passwords" after a change that left passwords in plain text. */
  offer?: { label: string; onChoose: () => void };
}

export function DoneScreen({ title, tag, steps, backupId, commands, next, onExit, offer }: DoneScreenProps) {
  const { columns } = useTerminalSize();
  useKeys((key) => {
    if (key.name === 'enter' || key.name === 'escape' || (key.name === 'text' && key.text.toLowerCase() === 'q')) onExit();
    else if (offer && key.name === 'text' && key.text.toLowerCase() === 'e') offer.onChoose();
  });
  return (
    <Box flexDirection="column">
      <Header title={`Done: ${title}`} tag={tag} width={columns} />
      <StepList steps={steps} width={columns} />
      <Box marginTop={1} flexDirection="column">
        <Text>
          Backup <Text bold>{backupId}</Text>.
        </Text>
        {commands.map(({ label, command }) => (
          <Box key={label} flexDirection="column">
            <Text>{`${label}:`}</Text>
            {/* Wrapped to be read whole here; printed again on one line on the shell's screen to be copied. */}
            {wrapText(command, columns - 2).map((line, n) => (
              <Text key={n} color="cyan">{`  ${line}`}</Text>
            ))}
          </Box>
        ))}
        {commands.some(({ command }) => command.length + 2 > columns) ? (
          <Text dimColor>{wrapText('Enter quits and prints these commands again, each on one line, to copy.', columns).join(' ')}</Text>
        ) : null}
      </Box>
      <Box marginTop={1} flexDirection="column">
        {next.flatMap((line, n) => wrapText(`- ${line}`, columns).map((part, m) => <Text key={`${n}-${m}`}>{part}</Text>))}
      </Box>
      <KeyHints hints={[...(offer ? [{ key: 'e', label: offer.label }] : []), { key: 'Enter', label: 'quit' }]} width={columns} />
    </Box>
  );
}

export function FailedScreen({
  title,
  tag,
  message,
  steps,
  onBack,
  onExit,
}: {
  title: string;
  tag?: string;
  message: string;
  steps: StepView[];
  onBack: () => void;
  onExit: () => void;
}) {
  const { columns } = useTerminalSize();
  useKeys((key) => {
    if (key.name === 'escape') onBack();
    else if (key.name === 'text' && key.text.toLowerCase() === 'q') onExit();
  });
  return (
    <Box flexDirection="column">
      <Header title={`Not done: ${title}`} tag={tag} width={columns} />
      {steps.length > 0 ? <StepList steps={steps} width={columns} /> : null}
      {wrapText(message, columns)
        .slice(0, 10)
        .map((line, n) => (
          <Text key={n} color="red">
            {line}
          </Text>
        ))}
      <KeyHints
        hints={[
          { key: 'Esc', label: 'back to the questions' },
          { key: 'q', label: 'quit' },
        ]}
        width={columns}
      />
    </Box>
  );
}

export function StatusScreen({ lines, tag, onBack }: { lines: string[]; tag?: string; onBack: () => void }) {
  const { columns, rows } = useTerminalSize();
  useKeys((key) => {
    if (key.name === 'escape' || (key.name === 'text' && key.text.toLowerCase() === 'q')) onBack();
  });
  return (
    <Box flexDirection="column">
      <Header title="Status" tag={tag} width={columns} />
      <ScrollView lines={lines} height={Math.max(3, rows - 4)} width={columns} />
      <KeyHints
        hints={[
          { key: '↑↓ PgUp PgDn', label: 'scroll' },
          { key: 'Esc', label: 'back' },
        ]}
        width={columns}
      />
    </Box>
  );
}
