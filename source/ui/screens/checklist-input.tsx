import { Box, Text } from 'ink';
import { useRef, useState } from 'react';
import { symbols, useKeys } from '../components/index.js';
import type { Choice } from '../../core/fields/types.js';
import { truncate } from './layout.js';

const WINDOW = 8;

/**
 * Tick any number of choices: ↑↓ move, Space ticks or unticks, Enter submits the ticked values (in choice order),
 * Esc goes back. A long list scrolls in a window of eight rows.
 */
export function ChecklistInput(props: {
  choices: readonly Choice[];
  initial: readonly string[];
  width: number;
  active: boolean;
  onSubmit: (values: string[]) => void;
  onBack: () => void;
}) {
  const [ticked, setTicked] = useState<ReadonlySet<string>>(new Set(props.initial));
  const [index, setIndex] = useState(0);
  const state = useRef({ ticked, index });
  state.current = { ticked, index };
  const count = props.choices.length;
  useKeys(
    (key) => {
      const current = state.current;
      if (key.name === 'up') setIndex(Math.max(0, current.index - 1));
      else if (key.name === 'down') setIndex(Math.min(count - 1, current.index + 1));
      else if (key.name === 'text' && key.text === ' ') {
        const value = props.choices[current.index]?.value;
        if (value === undefined) return;
        const next = new Set(current.ticked);
        if (next.has(value)) next.delete(value);
        else next.add(value);
        state.current = { ...current, ticked: next };
        setTicked(next);
      } else if (key.name === 'enter') {
        props.onSubmit(props.choices.filter((choice) => current.ticked.has(choice.value)).map((choice) => choice.value));
        return 'stop';
      } else if (key.name === 'escape') {
        props.onBack();
        return 'stop';
      }
    },
    { isActive: props.active },
  );
  const top = Math.min(Math.max(0, index - WINDOW + 1), Math.max(0, count - WINDOW));
  const visible = props.choices.slice(top, top + WINDOW);
  return (
    <Box flexDirection="column">
      {top > 0 ? <Text dimColor>{`${symbols.scrollUp} ${top} more`}</Text> : null}
      {visible.map((choice, offset) => {
        const position = top + offset;
        const mark = ticked.has(choice.value) ? '[x]' : '[ ]';
        const pointer = position === index ? symbols.pointer : ' ';
        return (
          <Text key={choice.value} color={position === index ? 'cyan' : undefined}>
            {truncate(`${pointer} ${mark} ${choice.label}${choice.hint ? `  ${choice.hint}` : ''}`, props.width)}
          </Text>
        );
      })}
      {top + WINDOW < count ? <Text dimColor>{`${symbols.scrollDown} ${count - top - WINDOW} more`}</Text> : null}
      <Text dimColor>{`${ticked.size} ticked; Space ticks, Enter when done`}</Text>
    </Box>
  );
}
