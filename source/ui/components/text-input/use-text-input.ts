import { useKeys } from '../keys/use-keys.js';
import { useLatest } from '../shared/use-latest.js';
import { useRefReducer } from '../shared/use-ref-reducer.js';
import { editActionOf } from './edit-keys.js';
import { initialTextInputState, textInputReducer, visibleError, type TextInputState } from './reducer.js';

export type UseTextInputOptions = {
  readonly initialValue?: string;
  readonly validate?: (value: string) => string | undefined;
  readonly onSubmit: (value: string) => void;
  readonly onCancel?: () => void;
  /** Called after each edit that changed the value (a message about the old value is then stale). */
  readonly onEdit?: () => void;
  readonly isActive?: boolean;
};

export type TextInputView = {
  readonly state: TextInputState;
  /** The validation message to show now, if any. */
  readonly error: string | undefined;
};

export function useTextInput(options: UseTextInputOptions): TextInputView {
  const [state, dispatch, current] = useRefReducer(textInputReducer, () => initialTextInputState(options.initialValue));
  const latest = useLatest(options);

  useKeys(
    (key) => {
      const edit = editActionOf(key);
      if (edit) {
        const before = current.current.value;
        if (dispatch(edit).value !== before) latest.current.onEdit?.();
        return;
      }
      if (key.name === 'enter') {
        const { value } = dispatch({ type: 'attemptSubmit' });
        if (latest.current.validate?.(value) !== undefined) return;
        latest.current.onSubmit(value);
        // Anything after Enter in the same chunk was not typed into this field.
        return 'stop';
      }
      if (key.name === 'escape') {
        latest.current.onCancel?.();
        return 'stop';
      }
    },
    { isActive: options.isActive ?? true },
  );

  return { state, error: visibleError(state, options.validate?.(state.value)) };
}
