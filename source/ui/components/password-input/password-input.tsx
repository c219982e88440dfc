import { symbols } from '../shared/symbols.js';
import { FieldView } from '../text-input/text-input.js';
import { usePasswordInput, type UsePasswordInputOptions } from './use-password-input.js';

export type PasswordInputProps = UsePasswordInputOptions & {
  readonly placeholder?: string;
  /** Shown under the field while the second entry is typed. Default "Type it again". */
  readonly confirmLabel?: string;
  readonly prompt?: string;
  readonly width?: number;
};

/** A password field: one mask per character, never the text. Two lines high, like TextInput. */
export function PasswordInput(props: PasswordInputProps) {
  const { state, message } = usePasswordInput(props);
  const confirming = state.stage === 'confirm';
  // While it is typed again: "Type it again", or the warning about the first entry (which then says what to do).
  const hint = confirming ? (message ?? props.confirmLabel ?? 'Type it again') : undefined;
  return (
    <FieldView
      state={state.editor}
      shown={Array.from(state.editor.value, () => symbols.mask)}
      message={confirming ? hint : message}
      messageTone={confirming && message === undefined ? 'hint' : 'error'}
      placeholder={confirming ? undefined : props.placeholder}
      prompt={props.prompt}
      width={props.width}
      isActive={props.isActive ?? true}
    />
  );
}
