import { useKeys } from '../keys/use-keys.js';
import { useLatest } from '../shared/use-latest.js';
import { useRefReducer } from '../shared/use-ref-reducer.js';
import { editActionOf } from '../text-input/edit-keys.js';
import { visibleError } from '../text-input/reducer.js';
import { acceptedPassword, initialPasswordState, passwordReducer, type PasswordState } from './reducer.js';

export type UsePasswordInputOptions = {
  readonly onSubmit: (password: string) => void;
  readonly onCancel?: () => void;
  /** Ask a second time and accept only two equal entries. */
  readonly confirm?: boolean;
  readonly minLength?: number;
  /** Checked after minLength. Its message must not repeat the password. */
  readonly validate?: (password: string) => string | undefined;
  readonly isActive?: boolean;
};

export type PasswordInputView = {
  readonly state: PasswordState;
  /** The message under the field: validation of the first entry, or the mismatch of the second. */
  readonly message: string | undefined;
};

export const mismatchMessage = 'The passwords do not match: type it again';

export function passwordProblem(password: string, options: UsePasswordInputOptions): string | undefined {
  const length = Array.from(password).length;
  if (options.minLength !== undefined && length < options.minLength) {
    return `Use at least ${options.minLength} characters`;
  }
  return options.validate?.(password);
}

export function usePasswordInput(options: UsePasswordInputOptions): PasswordInputView {
  const [state, dispatch, current] = useRefReducer(passwordReducer, () => initialPasswordState);
  const latest = useLatest(options);

  useKeys(
    (key) => {
      const edit = editActionOf(key);
      if (edit) {
        dispatch({ type: 'edit', edit });
        return;
      }
      if (key.name === 'enter') {
        const before = current.current;
        const error = before.stage === 'enter' ? passwordProblem(before.editor.value, latest.current) : undefined;
        const action = { type: 'submit', error, confirm: latest.current.confirm ?? false } as const;
        const accepted = acceptedPassword(before, dispatch(action), action);
        if (accepted === undefined) return;
        latest.current.onSubmit(accepted);
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
      ? state.mismatch
        ? mismatchMessage
        : undefined
      : visibleError(state.editor, passwordProblem(state.editor.value, options));
  return { state, message };
}
