import { Box, Text } from 'ink';
import { symbols } from '../shared/symbols.js';
import { useWidth } from '../../terminal/terminal-size.js';
import { printable } from '../../../core/printable.js';
import { useSpinner } from './use-spinner.js';

export type StepState = 'pending' | 'running' | 'done' | 'failed';

export type Step = {
  readonly label: string;
  readonly state: StepState;
  /** A short note after the label: a file name, a count, the reason of a failure. */
  readonly detail?: string;
};

export type StepListProps = {
  readonly steps: readonly Step[];
  /** Columns available; default the terminal width. */
  readonly width?: number;
};

const colors = { pending: 'gray', running: 'cyan', done: 'green', failed: 'red' } as const;

/** Progress of a sequence of steps, one line each: pending ·, running spinner, done ✓, failed ✗. */
export function StepList(props: StepListProps) {
  const spinner = useSpinner(props.steps.some((step) => step.state === 'running'));
  const width = useWidth(props.width);
  const marks = { pending: symbols.pending, running: spinner, done: symbols.done, failed: symbols.failed };
  return (
    <Box flexDirection="column" width={width}>
      {props.steps.map((step, index) => (
        <Text key={index} wrap="truncate-end">
          <Text color={colors[step.state]}>{marks[step.state]}</Text>{' '}
          <Text dimColor={step.state === 'pending'}>{printable(step.label)}</Text>
          {step.detail ? <Text color={step.state === 'failed' ? 'red' : 'gray'}>{`  ${printable(step.detail)}`}</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
