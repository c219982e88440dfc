import { useLayoutEffect, useRef } from 'react';

/** The latest value of a prop, for key handlers that outlive the render that created them. */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
