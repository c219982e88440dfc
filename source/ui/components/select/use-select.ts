import { useKeys } from '../keys/use-keys.js';
import { useLatest } from '../shared/use-latest.js';
import { useRefReducer } from '../shared/use-ref-reducer.js';
import { initialSelectState, normalize, selectReducer, type SelectBounds, type SelectState } from './reducer.js';

export type SelectOption<T> = {
  readonly value: T;
  readonly label: string;
  /** One line shown under the list while this option is highlighted. */
  readonly hint?: string;
};

export type UseSelectOptions<T> = {
  readonly options: readonly SelectOption<T>[];
  readonly onSelect: (value: T) => void;
  readonly onCancel?: () => void;
  /** Called as the highlight moves. */
  readonly onHighlight?: (value: T) => void;
  /** The option highlighted first. Default the first. */
  readonly defaultValue?: T;
  /** Options visible at once. Default 7. */
  readonly limit?: number;
  readonly isActive?: boolean;
};

export const defaultLimit = 7;

export function useSelect<T>(props: UseSelectOptions<T>): SelectState {
  const latest = useLatest(props);
  const bounds = (): SelectBounds => ({
    count: latest.current.options.length,
    limit: latest.current.limit ?? defaultLimit,
  });
  const [state, dispatch, current] = useRefReducer(selectReducer, () => {
    const index = props.options.findIndex((option) => Object.is(option.value, props.defaultValue));
    return initialSelectState(Math.max(0, index), { count: props.options.length, limit: props.limit ?? defaultLimit });
  });

  const move = (action: Parameters<typeof selectReducer>[1]): void => {
    const before = current.current;
    const after = dispatch(action);
    const option = latest.current.options[after.index];
    if (after.index !== before.index && option) latest.current.onHighlight?.(option.value);
  };

  useKeys(
    (key) => {
      if (key.name === 'up') return move({ type: 'up', ...bounds() });
      if (key.name === 'down') return move({ type: 'down', ...bounds() });
      if (key.name === 'enter') {
        const option = latest.current.options[normalize(current.current, bounds()).index];
        if (!option) return;
        latest.current.onSelect(option.value);
        return 'stop';
      }
      if (key.name === 'escape') {
        latest.current.onCancel?.();
        return 'stop';
      }
      if (key.name !== 'text') return;
      // Each character of a chunk is a key here: "jj" moves down twice.
      for (const char of key.text) {
        if (char === 'j') move({ type: 'down', ...bounds() });
        else if (char === 'k') move({ type: 'up', ...bounds() });
        else if (char >= '1' && char <= '9') move({ type: 'jump', index: Number(char) - 1, ...bounds() });
      }
    },
    { isActive: props.isActive ?? true },
  );

  // The options may change between renders (fewer of them): show a position that exists.
  return normalize(state, { count: props.options.length, limit: props.limit ?? defaultLimit });
}
