import { Box, Text } from 'ink';
import { symbols } from '../shared/symbols.js';
import { useWidth } from '../../terminal/terminal-size.js';
import { defaultLimit, useSelect, type UseSelectOptions } from './use-select.js';

export type SelectProps<T> = UseSelectOptions<T> & {
  /** Columns available; default the terminal width. */
  readonly width?: number;
};

/**
 * A list to pick one option from. At most `limit` rows, plus one hint line when any option has a hint;
 * arrows in the left margin say that more options lie above or below.
 */
export function Select<T>(props: SelectProps<T>) {
  const state = useSelect(props);
  const width = useWidth(props.width);
  const limit = Math.max(1, props.limit ?? defaultLimit);
  const visible = props.options.slice(state.top, state.top + limit);
  const numbered = props.options.length > 1;
  const hasHints = props.options.some((option) => option.hint !== undefined);
  const highlighted = props.options[state.index];
  return (
    <Box flexDirection="column" width={width}>
      {visible.map((option, offset) => {
        const index = state.top + offset;
        const isHighlighted = index === state.index;
        const scroll =
          offset === 0 && state.top > 0
            ? symbols.scrollUp
            : offset === visible.length - 1 && index < props.options.length - 1
              ? symbols.scrollDown
              : ' ';
        const number = numbered && index < 9 ? `${index + 1}.` : '  ';
        return (
          <Text key={index} wrap="truncate-end" color={isHighlighted ? 'cyan' : undefined}>
            <Text dimColor>{scroll}</Text>
            {isHighlighted ? symbols.pointer : ' '} {number} {option.label}
          </Text>
        );
      })}
      {hasHints ? (
        <Text dimColor wrap="wrap">
          {highlighted?.hint ?? ' '}
        </Text>
      ) : null}
    </Box>
  );
}
