import { useStdout } from 'ink';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

const TerminalSizeContext = createContext<TerminalSize | undefined>(undefined);

function sizeOf(stdout: NodeJS.WriteStream): TerminalSize {
  return { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}

/** The stream's size, kept current on resize; `listen` false: no listener (a provider above already has one). */
function useStreamSize(listen: boolean): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    if (!listen) return;
    const onResize = (): void => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, listen]);
  return size;
}

/**
 * The terminal's size for every screen, kept current on resize: one listener, and a re-render of the whole tree
 * when it changes, so nothing keeps the layout of the size it was drawn at. `fixed` pins it (tests).
 */
export function TerminalSizeProvider({ fixed, children }: { fixed?: TerminalSize; children: ReactNode }) {
  const size = useStreamSize(!fixed);
  return <TerminalSizeContext.Provider value={fixed ?? size}>{children}</TerminalSizeContext.Provider>;
}

/**
 * The one terminal-size hook: the real size (may be below the wizard's minimum), from the provider above, or,
 * with none (a component drawn on its own), from the stream with a listener of its own.
 */
export function useRawTerminalSize(): TerminalSize {
  const provided = useContext(TerminalSizeContext);
  const own = useStreamSize(provided === undefined);
  return provided ?? own;
}

/** The width a component lays out in: its explicit `width` prop, else the terminal's columns. */
export function useWidth(explicit?: number): number {
  const { columns } = useRawTerminalSize();
  return Math.max(1, explicit ?? columns);
}
