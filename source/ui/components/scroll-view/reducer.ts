/** The position of a viewport over lines, as a pure reducer. Line count and height travel with each action. */

export type ScrollState = {
  readonly top: number;
  /** Pinned to the end: new lines appended below stay in view (streamed keytool output). */
  readonly atEnd: boolean;
};

export type ScrollAction = {
  readonly type: 'up' | 'down' | 'pageUp' | 'pageDown' | 'home' | 'end';
  readonly count: number;
  readonly height: number;
};

export function maxTop(count: number, height: number): number {
  return Math.max(0, count - Math.max(1, height));
}

/** The first visible line, for the lines there are now. */
export function visibleTop(state: ScrollState, count: number, height: number): number {
  const last = maxTop(count, height);
  return state.atEnd ? last : Math.max(0, Math.min(state.top, last));
}

export function initialScrollState(follow: boolean): ScrollState {
  return { top: 0, atEnd: follow };
}

export function scrollReducer(state: ScrollState, action: ScrollAction): ScrollState {
  const { count } = action;
  const height = Math.max(1, action.height);
  const from = visibleTop(state, count, height);
  const last = maxTop(count, height);
  const target = (() => {
    switch (action.type) {
      case 'up':
        return from - 1;
      case 'down':
        return from + 1;
      // A page moves by one line less than the height, so the line read last stays on screen.
      case 'pageUp':
        return from - Math.max(1, height - 1);
      case 'pageDown':
        return from + Math.max(1, height - 1);
      case 'home':
        return 0;
      case 'end':
        return last;
    }
  })();
  const top = Math.max(0, Math.min(target, last));
  // Moving down onto the last line pins the view there; any move up unpins it.
  const atEnd = top === last && (action.type === 'end' || action.type === 'down' || action.type === 'pageDown');
  return top === state.top && atEnd === state.atEnd ? state : { top, atEnd };
}

/** "lines 1-15 of 120" */
export function positionLabel(top: number, shown: number, count: number): string {
  if (count === 0) return 'no lines';
  return `lines ${top + 1}-${top + shown} of ${count}`;
}
