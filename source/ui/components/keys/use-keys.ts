import { useEffect, useLayoutEffect, useRef } from 'react';
import { useStdin } from 'ink';
import { decodeKeys, type Keystroke } from './decode-keys.js';

/** What a key handler tells the dispatcher: 'stop' drops the rest of the chunk (the field was submitted). */
export type KeyResult = 'stop' | void;
export type KeyHandler = (key: Keystroke) => KeyResult;

export type UseKeysOptions = {
  /** Only the focused component handles keys. Default true. */
  readonly isActive?: boolean;
};

/**
 * Calls `handler` once per keystroke, in order, for every chunk Ink reads from stdin.
 *
 * Why not Ink's useInput: it passes a multi-key chunk as one opaque string, reports Backspace and Delete as
 * the same key, and re-subscribes after every render, so a handler may run with the state of a previous
 * render. Here the listener is attached once per activation and always calls the latest handler, which reads
 * its state from refs. It listens to the decoded-sequence events Ink's own useInput listens to.
 */
export function useKeys(handler: KeyHandler, options: UseKeysOptions = {}): void {
  const isActive = options.isActive ?? true;
  const { setRawMode, isRawModeSupported, internal_eventEmitter: events } = useStdin();
  const handlerRef = useRef(handler);
  useLayoutEffect(() => {
    handlerRef.current = handler;
  });

  useEffect(() => {
    // Raw mode throws on a non-TTY stdin; the CLI refuses to start the wizard there, and a component
    // rendered without a terminal (a snapshot, a test) stays inert instead of crashing.
    if (!isActive || !isRawModeSupported) return;
    setRawMode(true);
    return () => setRawMode(false);
  }, [isActive, isRawModeSupported, setRawMode]);

  useEffect(() => {
    if (!isActive) return;
    let attached = true;
    const onInput = (chunk: string): void => {
      for (const key of decodeKeys(chunk)) {
        // A key may unmount or deactivate this component (Enter moves the wizard on): stop there.
        if (!attached || handlerRef.current(key) === 'stop') break;
      }
    };
    events.on('input', onInput);
    return () => {
      attached = false;
      events.off('input', onInput);
    };
  }, [isActive, events]);
}
