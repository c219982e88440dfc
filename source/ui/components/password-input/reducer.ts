import { initialTextInputState, textInputReducer, type TextInputAction, type TextInputState } from '../text-input/reducer.js';

/** Entering a password, and in confirm mode entering it a second time. Pure: no React. */
export type PasswordState = {
  readonly editor: TextInputState;
  readonly stage: 'enter' | 'confirm';
  /** The first entry, kept while the second is typed. */
  readonly first: string;
  /** The last second entry differed from the first, so both are typed again. */
  readonly mismatch: boolean;
};

export type PasswordAction =
  | { readonly type: 'edit'; readonly edit: TextInputAction }
  /**
   * Enter. `error` is the validation message of the current entry, `confirm` whether to ask twice, `accepted`
   * whether the first entry needs no second one (empty where empty means "the same as before", or the value
   * confirmed before going back).
   */
  | { readonly type: 'submit'; readonly error: string | undefined; readonly confirm: boolean; readonly accepted?: boolean }
  /** Esc in the second entry: back to the first, as it was typed. */
  | { readonly type: 'back' };

export const initialPasswordState: PasswordState = {
  editor: initialTextInputState(),
  stage: 'enter',
  first: '',
  mismatch: false,
};

export function passwordStateWith(value: string): PasswordState {
  return { ...initialPasswordState, editor: initialTextInputState(value) };
}

export function passwordReducer(state: PasswordState, action: PasswordAction): PasswordState {
  switch (action.type) {
    case 'edit': {
      const editor = textInputReducer(state.editor, action.edit);
      return editor === state.editor ? state : { ...state, editor };
    }
    case 'back':
      return state.stage === 'confirm' ? { ...initialPasswordState, editor: initialTextInputState(state.first) } : state;
    case 'submit': {
      const attempted = textInputReducer(state.editor, { type: 'attemptSubmit' });
      if (state.stage === 'enter') {
        if (action.error !== undefined) return { ...state, editor: attempted };
        if (!action.confirm || action.accepted) return { ...state, editor: attempted, mismatch: false };
        return { editor: initialTextInputState(), stage: 'confirm', first: state.editor.value, mismatch: false };
      }
      if (state.editor.value === state.first) return { ...state, editor: attempted, mismatch: false };
      // Either entry may hold the typo: both are typed again.
      return { ...initialPasswordState, mismatch: true };
    }
  }
}

/** The password to hand over after a submit, once it is valid and (in confirm mode) typed twice alike. */
export function acceptedPassword(before: PasswordState, after: PasswordState, action: PasswordAction): string | undefined {
  if (action.type !== 'submit') return undefined;
  if (before.stage === 'enter') return action.error === undefined && (!action.confirm || action.accepted) ? before.editor.value : undefined;
  return after.mismatch ? undefined : before.first;
}
