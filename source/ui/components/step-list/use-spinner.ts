import { useEffect, useState } from 'react';
import { spinnerFrames } from '../shared/symbols.js';

export const spinnerInterval = 120;

/**
 * The current spinner glyph. The timer runs only while `running` and is cleared on unmount: a forgotten
 * interval keeps the process alive after the wizard exits and re-renders an unmounted tree.
 */
export function useSpinner(running: boolean, interval = spinnerInterval): string {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setFrame((previous) => (previous + 1) % spinnerFrames.length), interval);
    return () => clearInterval(timer);
  }, [running, interval]);
  return spinnerFrames[frame] ?? ' ';
}
