import { Box, Text } from 'ink';
import { useWidth } from '../../terminal/terminal-size.js';

export type HeaderProps = {
  readonly title: string;
  /** A short tag at the right edge, e.g. "SANDBOX". */
  readonly tag?: string;
  /** Shown as "step 3 of 9". */
  readonly step?: { readonly current: number; readonly total: number };
  /** Columns available; default the terminal width. */
  readonly width?: number;
};

/** One line: the title on the left (cut first when space runs out), step counter and tag on the right. */
export function Header(props: HeaderProps) {
  const width = useWidth(props.width);
  const counter = props.step ? `step ${props.step.current} of ${props.step.total}` : undefined;
  return (
    <Box width={width} height={1} justifyContent="space-between">
      <Box flexShrink={1} flexGrow={1} overflow="hidden">
        <Text bold wrap="truncate-end">
          {props.title}
        </Text>
      </Box>
      <Box flexShrink={0}>
        {counter ? <Text dimColor>{` ${counter}`}</Text> : null}
        {props.tag ? (
          <Text color="yellow" bold>
            {`  ${props.tag}`}
          </Text>
        ) : null}
      </Box>
    </Box>
  );
}
