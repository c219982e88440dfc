import { useCallback, useState } from 'react';

/**
 * A reducer whose current state is also readable synchronously, between renders.
 *
 * Several keys of one chunk are handled before React renders again; each must see the state the previous
 * key left, not the state of the last render. `dispatch` returns the new state for the same reason.
 */
export function useRefReducer<S, A>(
  reducer: (state: S, action: A) => S,
  initial: () => S,
): readonly [state: S, dispatch: (action: A) => S, current: { readonly current: S }] {
  const [box] = useState(() => ({ current: initial() }));
  const [state, setState] = useState(box.current);
  const dispatch = useCallback(
    (action: A): S => {
      const next = reducer(box.current, action);
      if (next !== box.current) {
        box.current = next;
        setState(next);
      }
      return next;
    },
    [reducer, box],
  );
  return [state, dispatch, box] as const;
}
