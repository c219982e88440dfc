import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

const fallbackColumns = 80;

/** The width to lay out in: the explicit prop, else the terminal's columns, kept current on resize. */
export function useWidth(explicit?: number): number {
  const { stdout } = useStdout();
  const [columns, setColumns] = useState(() => stdout.columns || fallbackColumns);
  useEffect(() => {
    const onResize = (): void => setColumns(stdout.columns || fallbackColumns);
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return Math.max(1, explicit ?? columns);
}
