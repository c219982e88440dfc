import { useKeys } from '../keys/use-keys.js';
import { useLatest } from '../shared/use-latest.js';
import { useRefReducer } from '../shared/use-ref-reducer.js';
import { initialScrollState, scrollReducer, visibleTop, type ScrollAction } from './reducer.js';

export type UseScrollViewOptions = {
  readonly lines: readonly string[];
  /** Rows of text shown. */
  readonly height: number;
  /** Start at the end and stay there as lines are added, until the reader scrolls up. Default false. */
  readonly follow?: boolean;
  readonly isActive?: boolean;
};

const moves: ReadonlyMap<string, ScrollAction['type']> = new Map([
  ['up', 'up'],
  ['down', 'down'],
  ['pageUp', 'pageUp'],
  ['pageDown', 'pageDown'],
  ['home', 'home'],
  ['end', 'end'],
]);

/** Returns the index of the first visible line. */
export function useScrollView(options: UseScrollViewOptions): number {
  const latest = useLatest(options);
  const [state, dispatch] = useRefReducer(scrollReducer, () => initialScrollState(options.follow ?? false));
  useKeys(
    (key) => {
      const move = moves.get(key.name);
      if (!move) return;
      dispatch({ type: move, count: latest.current.lines.length, height: latest.current.height });
    },
    { isActive: options.isActive ?? true },
  );
  return visibleTop(state, options.lines.length, options.height);
}
