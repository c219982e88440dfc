import { Box, Text } from 'ink';
import { Header, KeyHints, ScrollView, TextInput, useKeys } from '../components/index.js';
import type { ReviewView } from '../../session/wizard-state.js';
import type { PlanView } from '../../procedures/plan-render.js';
import { hangingWrap, useTerminalSize, wrapDiffLine, wrapText } from './layout.js';
import { fitHints } from '../components/key-hints/fit-hints.js';

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

/** The plan's rows at `width`: the heading, numbered steps and notes, each continuation row under its own text. */
export function planRows(plan: PlanView, width: number): string[] {
  return [
    ...hangingWrap(plan.heading, width),
    ...plan.steps.flatMap((step, index) => hangingWrap(`  ${index + 1}. ${step.text}`, width)),
    ...(plan.notes.length > 0 ? ['Notes:', ...plan.notes.flatMap((note) => hangingWrap(`  - ${note}`, width))] : []),
  ];
}

const diffColour = (line: string) =>
  line.startsWith('+') && !line.startsWith('+++')
    ? 'green'
    : line.startsWith('-') && !line.startsWith('---')
      ? 'red'
      : line.startsWith('@@')
        ? 'cyan'
        : undefined;

/** The plan and the masked diff in a viewport (arrows, PgUp/PgDn), then one key per choice. */
export function ReviewScreen({ title, tag, review, dryRun, notice, keytool, onToggleKeytool, onChoose }: ReviewScreenProps) {
  const { columns, rows } = useTerminalSize();
  // Wrapped at the width drawn now (a resize re-wraps): nothing is cut off, a diff row keeps its line's colour.
  const shown: Array<{ text: string; colour: string | undefined }> = review.unchanged
    ? wrapText(review.unchanged, columns).map((text) => ({ text, colour: undefined }))
    : [
        ...[...review.warnings.flatMap((line) => hangingWrap(line, columns)), ...planRows(review.plan, columns)].map((text) => ({
          text,
          colour: undefined,
        })),
        { text: '', colour: undefined },
        ...(review.diffLines.length > 0 ? review.diffLines : ['The configuration file does not change.']).flatMap((line) =>
          wrapDiffLine(line, columns).map((text) => ({ text, colour: diffColour(line) })),
        ),
      ];
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
    ...(keytool === undefined || dryRun || review.unchanged
      ? []
      : [{ key: 'k', label: keytool ? 'turn the keytool check off (it is on)' : 'turn the keytool check on (it is off)' }]),
    { key: 'b/Esc', label: 'back' },
    { key: 'c', label: dryRun ? 'quit (nothing written)' : 'cancel' },
    { key: '↑↓ PgUp PgDn', label: 'scroll' },
  ];
  // Every key is named, on a second row when one is too narrow (60 columns).
  const firstRow = fitHints(hints, columns);
  const hintRows = [firstRow, hints.slice(firstRow.length)].filter((row) => row.length > 0);
  const noticeRows = notice ? wrapText(notice, columns) : [dryRun ? 'Dry run: nothing will be written.' : ' '];
  // Header, viewport and its position line, notice, hints: the frame never exceeds the terminal's height.
  const height = Math.max(3, rows - 3 - noticeRows.length - hintRows.length);
  return (
    <Box flexDirection="column">
      <Header title={`Review: ${title}`} tag={tag} width={columns} />
      <ScrollView lines={shown.map((line) => line.text)} height={height} width={columns} lineColor={(_, index) => shown[index]?.colour} />
      {noticeRows.map((line, n) => (
        <Text key={n} color="green">
          {line}
        </Text>
      ))}
      {hintRows.map((row, n) => (
        <KeyHints key={n} hints={row} width={columns} />
      ))}
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
      <TextInput
        initialValue={defaultPath}
        validate={(value) => (value.trim() === '' ? 'Give a file name.' : undefined)}
        onSubmit={onSave}
        onCancel={onBack}
        width={columns}
      />
      {problem ? <Text color="red">{problem}</Text> : null}
      <KeyHints
        hints={[
          { key: 'Enter', label: 'save' },
          { key: 'Esc', label: 'back' },
        ]}
        width={columns}
      />
    </Box>
  );
}
