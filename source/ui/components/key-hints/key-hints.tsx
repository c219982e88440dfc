import { Fragment } from 'react';
import { Text } from 'ink';
import { useWidth } from '../../terminal/terminal-size.js';
import { fitHints, hintSeparator, type KeyHint } from './fit-hints.js';

export type KeyHintsProps = {
  /** In order of importance: those that do not fit at the end are left out. */
  readonly hints: readonly KeyHint[];
  /** Columns available; default the terminal width. */
  readonly width?: number;
};

/** One line of key hints: "Enter next  Esc back  Ctrl-C quit". */
export function KeyHints(props: KeyHintsProps) {
  const width = useWidth(props.width);
  const hints = fitHints(props.hints, width);
  return (
    <Text wrap="truncate-end">
      {hints.map((hint, index) => (
        <Fragment key={`${hint.key}-${index}`}>
          {index > 0 ? hintSeparator : ''}
          <Text bold>{hint.key}</Text>
          <Text dimColor>{` ${hint.label}`}</Text>
        </Fragment>
      ))}
    </Text>
  );
}
