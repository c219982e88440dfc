import { Box, Text } from 'ink';
import { Header, KeyHints, ScrollView, TextInput, useKeys } from '../components/index.js';
import type { ReviewView } from '../state/wizard-state.js';
import { useTerminalSize } from './layout.js';

export type ReviewChoice = 'apply' | 'save' | 'back' | 'cancel';

export interface ReviewScreenProps {
  title: string;
  tag?: string;
  review: ReviewView;
  dryRun: boolean;
  notice?: string;
  /** undefined: keytool was not found, so no cross-check is offered. */
  keytool?: boolean;
  onToggleKeytool?: () => void;
  onChoose: (choice: ReviewChoice) => void;
}

const diffColour = (line: string) => (line.startsWith('+') && !line.startsWith('+++') ? 'green' : line.startsWith('-') && !line.startsWith('---') ? 'red' : line.startsWith('@@') ? 'cyan' : undefined);

/** The plan and the masked diff in a viewport (arrows, PgUp/PgDn), then one key per choice. */
export function ReviewScreen({ title, tag, review, dryRun, notice, keytool, onToggleKeytool, onChoose }: ReviewScreenProps) {
  const { columns, rows } = useTerminalSize();
  const lines = review.unchanged ? [review.unchanged] : [...review.planLines, '', ...(review.diffLines.length > 0 ? review.diffLines : ['The configuration file does not change.'])];
  // Header, notice, viewport position line, choices and hints: keep the frame under the terminal's height.
  const height = Math.max(3, rows - 7);
  useKeys((key) => {
    if (key.name === 'escape') return onChoose('back');
    if (key.name !== 'text') return;
    const letter = key.text.toLowerCase();
    if (letter === 'a' && !dryRun && !review.unchanged) onChoose('apply');
    else if (letter === 's' && !review.unchanged) onChoose('save');
    else if (letter === 'b') onChoose('back');
    else if (letter === 'k' && keytool !== undefined) onToggleKeytool?.();
    else if (letter === 'c' || letter === 'q') onChoose('cancel');
  });
  const hints = [
    ...(dryRun || review.unchanged ? [] : [{ key: 'a', label: 'apply' }]),
    ...(review.unchanged ? [] : [{ key: 's', label: 'save answers' }]),
    ...(keytool === undefined || dryRun || review.unchanged ? [] : [{ key: 'k', label: `keytool check ${keytool ? 'on' : 'off'}` }]),
    { key: 'b/Esc', label: 'back' },
    { key: 'c', label: dryRun ? 'quit (nothing written)' : 'cancel' },
    { key: '↑↓ PgUp PgDn', label: 'scroll' },
  ];
  return (
    <Box flexDirection="column">
      <Header title={`Review: ${title}`} tag={tag} width={columns} />
      <ScrollView lines={lines} height={height} width={columns} lineColor={(line) => diffColour(line)} />
      <Text color="green">{notice ?? (dryRun ? 'Dry run: nothing will be written.' : ' ')}</Text>
      <KeyHints hints={hints} width={columns} />
    </Box>
  );
}

export interface SaveScreenProps {
  tag?: string;
  defaultPath: string;
  problem?: string;
  onSave: (file: string) => void;
  onBack: () => void;
}

/** Where to save the answers; secrets are written as { env = "..." } references, never as text. */
export function SaveScreen({ tag, defaultPath, problem, onSave, onBack }: SaveScreenProps) {
  const { columns } = useTerminalSize();
  return (
    <Box flexDirection="column">
      <Header title="Save the answers" tag={tag} width={columns} />
      <Text>File to write (passwords are saved as environment variable names, never as text):</Text>
      <TextInput initialValue={defaultPath} validate={(value) => (value.trim() === '' ? 'Give a file name.' : undefined)} onSubmit={onSave} onCancel={onBack} width={columns} />
      {problem ? <Text color="red">{problem}</Text> : null}
      <KeyHints hints={[{ key: 'Enter', label: 'save' }, { key: 'Esc', label: 'back' }]} width={columns} />
    </Box>
  );
}
