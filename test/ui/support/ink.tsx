import type { ReactElement } from 'react';
import { act } from 'react';
import { render } from 'ink-testing-library';

// React only checks that updates are wrapped in act() when told it runs under a test.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** Raw bytes a terminal sends for each key. */
export const keys = {
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  delete: '\u001B[3~',
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  home: '\u001B[H',
  end: '\u001B[F',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  tab: '\t',
  ctrlA: '\u0001',
  ctrlE: '\u0005',
  ctrlU: '\u0015',
} as const;

// eslint-disable-next-line no-control-regex
const ansiPattern = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(text: string): string {
  return text.replace(ansiPattern, '');
}

export type RenderedInk = {
  /** The last frame, without colour codes. */
  readonly frame: () => string;
  /** Every frame written so far, raw (with colour codes). */
  readonly frames: readonly string[];
  /** Writes each chunk as one read from the terminal, inside act, and lets Ink flush a lone Esc. */
  readonly press: (...chunks: string[]) => Promise<void>;
  /** Writes the chunks back to back in one act, so no render happens between them (a fast link). */
  readonly pressTogether: (...chunks: string[]) => Promise<void>;
  readonly rerender: (tree: ReactElement) => void;
  readonly unmount: () => void;
};

const mounted: Array<() => void> = [];

export function renderInk(tree: ReactElement): RenderedInk {
  let instance: ReturnType<typeof render> | undefined;
  act(() => {
    instance = render(tree);
  });
  if (!instance) throw new Error('render did not run');
  const ink = instance;
  let unmounted = false;
  const unmount = (): void => {
    if (unmounted) return;
    unmounted = true;
    act(() => ink.unmount());
  };
  mounted.push(unmount);
  return {
    frame: () => stripAnsi(ink.lastFrame() ?? ''),
    frames: ink.frames,
    press: async (...chunks) => {
      for (const chunk of chunks) {
        await act(async () => {
          ink.stdin.write(chunk);
          // Ink holds a trailing Esc for one turn of the event loop, in case a sequence follows.
          await new Promise((resolve) => setImmediate(resolve));
        });
      }
    },
    pressTogether: async (...chunks) => {
      await act(async () => {
        for (const chunk of chunks) ink.stdin.write(chunk);
        await new Promise((resolve) => setImmediate(resolve));
      });
    },
    rerender: (next) => act(() => ink.rerender(next)),
    unmount,
  };
}

/** Unmounts everything renderInk mounted; call from afterEach. */
export function unmountAll(): void {
  for (const unmount of mounted.splice(0)) unmount();
}

/** Waits (inside act) until the last frame passes `test`; the error shows the frame it was left on. */
export async function untilFrame(ink: RenderedInk, test: (frame: string) => boolean, what: string, timeout = 20_000): Promise<string> {
  const start = Date.now();
  for (;;) {
    const frame = ink.frame();
    if (test(frame)) return frame;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}; last frame:\n${frame}`);
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
  }
}
