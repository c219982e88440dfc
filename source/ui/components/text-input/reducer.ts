/** Line editing as a pure reducer. Positions count code points, so an emoji is one character, not two. */

export type TextInputState = {
  readonly value: string;
  /** Index of the character the cursor sits on, 0..length. */
  readonly cursor: number;
  /** Enter was pressed at least once: from then on an empty value is reported as invalid, too. */
  readonly attempted: boolean;
};

export type TextInputAction =
  | { readonly type: 'insert'; readonly text: string }
  | { readonly type: 'backspace' }
  | { readonly type: 'delete' }
  | { readonly type: 'left' }
  | { readonly type: 'right' }
  | { readonly type: 'home' }
  | { readonly type: 'end' }
  | { readonly type: 'clear' }
  | { readonly type: 'attemptSubmit' }
  | { readonly type: 'reset'; readonly value: string };

export function initialTextInputState(value = ''): TextInputState {
  return { value, cursor: Array.from(value).length, attempted: false };
}

export function textInputReducer(state: TextInputState, action: TextInputAction): TextInputState {
  const chars = Array.from(state.value);
  const at = (cursor: number, next: string[] = chars): TextInputState => ({
    ...state,
    value: next.join(''),
    cursor: Math.max(0, Math.min(cursor, next.length)),
  });
  switch (action.type) {
    case 'insert': {
      const inserted = Array.from(action.text);
      if (inserted.length === 0) return state;
      return at(state.cursor + inserted.length, [...chars.slice(0, state.cursor), ...inserted, ...chars.slice(state.cursor)]);
    }
    case 'backspace':
      if (state.cursor === 0) return state;
      return at(state.cursor - 1, [...chars.slice(0, state.cursor - 1), ...chars.slice(state.cursor)]);
    case 'delete':
      if (state.cursor >= chars.length) return state;
      return at(state.cursor, [...chars.slice(0, state.cursor), ...chars.slice(state.cursor + 1)]);
    case 'left':
      return state.cursor === 0 ? state : at(state.cursor - 1);
    case 'right':
      return state.cursor >= chars.length ? state : at(state.cursor + 1);
    case 'home':
      return state.cursor === 0 ? state : at(0);
    case 'end':
      return state.cursor === chars.length ? state : at(chars.length);
    case 'clear':
      return state.value === '' ? state : at(0, []);
    case 'attemptSubmit':
      return state.attempted ? state : { ...state, attempted: true };
    case 'reset':
      return initialTextInputState(action.value);
  }
}

/** The message to show under the field: hidden while the field is empty and Enter was never pressed. */
export function visibleError(state: TextInputState, error: string | undefined): string | undefined {
  if (error === undefined) return undefined;
  return state.value === '' && !state.attempted ? undefined : error;
}

export type VisibleSlice = { readonly before: string; readonly atCursor: string; readonly after: string };

/**
 * The part of the value that fits in `room` columns with the cursor visible, so the field stays one line
 * high however long the value (a pasted certificate path, a long DN). The cursor cell past the end is a space.
 */
export function visibleSlice(chars: readonly string[], cursor: number, room: number): VisibleSlice {
  const width = Math.max(1, room);
  const start = Math.max(0, Math.min(cursor + 1 - width, chars.length + 1 - width));
  const end = start + width;
  return {
    before: chars.slice(start, cursor).join(''),
    atCursor: chars[cursor] ?? ' ',
    after: chars.slice(cursor + 1, Math.max(cursor + 1, end)).join(''),
  };
}
