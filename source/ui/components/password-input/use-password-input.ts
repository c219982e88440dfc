import { useKeys } from '../keys/use-keys.js';
import { useLatest } from '../shared/use-latest.js';
import { useRefReducer } from '../shared/use-ref-reducer.js';
import { editActionOf } from '../text-input/edit-keys.js';
import { visibleError } from '../text-input/reducer.js';
import { acceptedPassword, initialPasswordState, passwordReducer, passwordStateWith, type PasswordState } from './reducer.js';

export type UsePasswordInputOptions = {
  readonly onSubmit: (password: string) => void;
  readonly onCancel?: () => void;
  /** Ask a second time and accept only two equal entries. */
  readonly confirm?: boolean;
  readonly minLength?: number;
  /** Checked after minLength. Its message must not repeat the password. */
  readonly validate?: (password: string) => string | undefined;
  /** Called after each edit that changed the value. */
  readonly onEdit?: () => void;
  readonly isActive?: boolean;
  /** Shown in the field at first (masked): what was confirmed before going back. Enter accepts it as it is. */
  readonly initialValue?: string;
  /** Enter on an empty first entry accepts it without a second entry (it means "the same as before"). */
  readonly emptyMeansDefault?: boolean;
  /** A note on a valid first entry that does not refuse it (the shipped password): shown while it is typed again. */
  readonly warn?: (password: string) => string | undefined;
};

export type PasswordInputView = {
  readonly state: PasswordState;
  /** The message under the field: validation of the first entry, or the mismatch of the second. */
  readonly message: string | undefined;
};

export const mismatchMessage = 'The passwords do not match: type the password again, then confirm it';

export function passwordProblem(password: string, options: UsePasswordInputOptions): string | undefined {
  const length = Array.from(password).length;
  if (options.minLength !== undefined && length < options.minLength) {
    return `Use at least ${options.minLength} characters`;
  }
  return options.validate?.(password);
}

export function usePasswordInput(options: UsePasswordInputOptions): PasswordInputView {
  const [state, dispatch, current] = useRefReducer(passwordReducer, () =>
    options.initialValue ? passwordStateWith(options.initialValue) : initialPasswordState,
  );
  const latest = useLatest(options);

  useKeys(
    (key) => {
      const edit = editActionOf(key);
      if (edit) {
        const before = current.current.editor.value;
        if (dispatch({ type: 'edit', edit }).editor.value !== before) latest.current.onEdit?.();
        return;
      }
      if (key.name === 'enter') {
        const before = current.current;
        const error = before.stage === 'enter' ? passwordProblem(before.editor.value, latest.current) : undefined;
        const value = before.editor.value;
        const accepted =
          (value === '' && latest.current.emptyMeansDefault === true) || (value !== '' && value === latest.current.initialValue);
        const action = { type: 'submit', error, confirm: latest.current.confirm ?? false, accepted } as const;
        const password = acceptedPassword(before, dispatch(action), action);
        if (password === undefined) return;
        latest.current.onSubmit(password);
        return 'stop';
      }
      if (key.name === 'escape') {
        if (current.current.stage === 'confirm') {
          dispatch({ type: 'back' });
          return;
        }
        latest.current.onCancel?.();
        return 'stop';
      }
    },
    { isActive: options.isActive ?? true },
  );

  const message =
    state.stage === 'confirm'
      ? options.warn?.(state.first)
      : (visibleError(state.editor, passwordProblem(state.editor.value, options)) ?? (state.mismatch ? mismatchMessage : undefined));
  return { state, message };
}
