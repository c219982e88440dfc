import { Box, Text } from 'ink';
import { useWidth } from '../../terminal/terminal-size.js';
import { visibleSlice, type TextInputState } from './reducer.js';
import { useTextInput } from './use-text-input.js';

export type TextInputProps = {
  readonly onSubmit: (value: string) => void;
  /** Esc: go back a step. */
  readonly onCancel?: () => void;
  /** Called after each edit that changed the value. */
  readonly onEdit?: () => void;
  readonly initialValue?: string;
  /** Shown dimmed while the field is empty. */
  readonly placeholder?: string;
  /** A message when the value is not acceptable; Enter is refused while there is one. */
  readonly validate?: (value: string) => string | undefined;
  /** Only the focused field handles keys. Default true. */
  readonly isActive?: boolean;
  /** Prefix drawn before the value. Default "> ". */
  readonly prompt?: string;
  /** Columns available; default the terminal width. */
  readonly width?: number;
};

/** A one-line text field with a message line below it: two lines high, more when a long message wraps. */
export function TextInput(props: TextInputProps) {
  const { state, error } = useTextInput(props);
  return (
    <FieldView
      state={state}
      shown={Array.from(state.value)}
      message={error}
      placeholder={props.placeholder}
      prompt={props.prompt}
      width={props.width}
      isActive={props.isActive ?? true}
    />
  );
}

export type FieldViewProps = {
  readonly state: TextInputState;
  /** The characters to draw, one per character of the value (a password draws masks). */
  readonly shown: readonly string[];
  /** The line under the field: a validation error (red), or a hint (dim). */
  readonly message: string | undefined;
  readonly messageTone?: 'error' | 'hint';
  readonly placeholder: string | undefined;
  readonly prompt: string | undefined;
  readonly width: number | undefined;
  readonly isActive: boolean;
};

/** The view shared by the text and password fields. */
export function FieldView(props: FieldViewProps) {
  const prompt = props.prompt ?? '> ';
  const width = useWidth(props.width);
  const room = Math.max(1, width - Array.from(prompt).length);
  return (
    <Box flexDirection="column" minHeight={2} width={width}>
      <Text wrap="truncate-end">
        <Text color={props.isActive ? 'cyan' : 'gray'}>{prompt}</Text>
        <FieldLine {...props} room={room} />
      </Text>
      {/* Wrapped, never cut: "10.0.0.300 is not an IP address" must be readable whole at 60 columns. */}
      <Text color={props.messageTone === 'hint' ? undefined : 'red'} dimColor={props.messageTone === 'hint'} wrap="wrap">
        {props.message ?? ' '}
      </Text>
    </Box>
  );
}

function FieldLine(props: FieldViewProps & { readonly room: number }) {
  if (props.shown.length === 0 && props.placeholder) {
    const [first = ' ', ...rest] = Array.from(props.placeholder).slice(0, props.room);
    return (
      <Text dimColor>
        {props.isActive ? <Text inverse>{first}</Text> : first}
        {rest.join('')}
      </Text>
    );
  }
  const slice = visibleSlice(props.shown, props.state.cursor, props.room);
  return (
    <Text>
      {slice.before}
      {props.isActive ? <Text inverse>{slice.atCursor}</Text> : slice.atCursor}
      {slice.after}
    </Text>
  );
}
