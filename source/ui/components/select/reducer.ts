/** Highlight and scroll position of a list, as a pure reducer. The option count travels with each action. */

export type SelectState = {
  readonly index: number;
  /** First visible option. */
  readonly top: number;
};

export type SelectAction =
  | { readonly type: 'up' }
  | { readonly type: 'down' }
  | { readonly type: 'jump'; readonly index: number }
  | { readonly type: 'sync' };

export type SelectBounds = { readonly count: number; readonly limit: number };

/** Keeps index inside the list and the window around the index. */
export function normalize(state: SelectState, bounds: SelectBounds): SelectState {
  const { count } = bounds;
  const limit = Math.max(1, Math.min(bounds.limit, count));
  if (count === 0) return state.index === 0 && state.top === 0 ? state : { index: 0, top: 0 };
  const index = Math.max(0, Math.min(state.index, count - 1));
  let top = Math.max(0, Math.min(state.top, count - limit));
  if (index < top) top = index;
  if (index >= top + limit) top = index - limit + 1;
  return index === state.index && top === state.top ? state : { index, top };
}

export function initialSelectState(index: number, bounds: SelectBounds): SelectState {
  return normalize({ index, top: index }, bounds);
}

export function selectReducer(state: SelectState, action: SelectAction & SelectBounds): SelectState {
  const { count } = action;
  if (count === 0) return normalize(state, action);
  switch (action.type) {
    case 'up':
      // Wrapping keeps every option two keys away at most from either end of a short list.
      return normalize({ ...state, index: state.index <= 0 ? count - 1 : state.index - 1 }, action);
    case 'down':
      return normalize({ ...state, index: state.index >= count - 1 ? 0 : state.index + 1 }, action);
    case 'jump':
      return action.index >= 0 && action.index < count ? normalize({ ...state, index: action.index }, action) : state;
    case 'sync':
      return normalize(state, action);
  }
}
