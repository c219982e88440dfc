import { useStdout } from 'ink';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

const TerminalSizeContext = createContext<TerminalSize | undefined>(undefined);

/**
 * The terminal's size for every screen, kept current on resize: one listener, and a re-render of the whole tree
 * when it changes, so nothing keeps the layout of the size it was drawn at. `fixed` pins it (tests).
 */
export function TerminalSizeProvider({ fixed, children }: { fixed?: TerminalSize; children: ReactNode }) {
  const { stdout } = useStdout();
  const read = (): TerminalSize => fixed ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = (): void => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return <TerminalSizeContext.Provider value={fixed ?? size}>{children}</TerminalSizeContext.Provider>;
}

/** The real size (may be below the wizard's minimum). */
export function useRawTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  return useContext(TerminalSizeContext) ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
}
