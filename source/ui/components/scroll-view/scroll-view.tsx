import { Box, Text, type TextProps } from 'ink';
import { useWidth } from '../../terminal/terminal-size.js';
import { plainLine } from './plain-line.js';
import { positionLabel } from './reducer.js';
import { useScrollView, type UseScrollViewOptions } from './use-scroll-view.js';

export type ScrollViewProps = UseScrollViewOptions & {
  /** Columns available; longer lines are cut, never wrapped. Default the terminal width. */
  readonly width?: number;
  /** Colour of a line, e.g. green for "+" lines of a diff. */
  readonly lineColor?: (line: string, index: number) => TextProps['color'];
};

/**
 * A viewport over many lines (a diff, keytool output): `height` rows of text at most, then one line saying
 * which lines are shown. Up/Down, PgUp/PgDn, Home/End move it.
 */
export function ScrollView(props: ScrollViewProps) {
  const top = useScrollView(props);
  const width = useWidth(props.width);
  const height = Math.max(1, props.height);
  const visible = props.lines.slice(top, top + height);
  return (
    <Box flexDirection="column" width={width}>
      {visible.map((line, offset) => (
        <Text key={top + offset} wrap="truncate-end" color={props.lineColor?.(line, top + offset)}>
          {plainLine(line) || ' '}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {positionLabel(top, visible.length, props.lines.length)}
      </Text>
    </Box>
  );
}
