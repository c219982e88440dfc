/**
 * Signals while a change is written. Ctrl-C (SIGINT), a closed SSH session (SIGHUP) and `kill`, systemd or an
 * Ansible timeout (SIGTERM) would each end the process between two renames, leaving the lock, an in-progress
 * manifest and half the files new. While a guard is held they only set a flag: the transaction finishes (or rolls
 * back), releases the lock, the caller prints the backup id, then exits with 128 + the signal's number.
 */
import { SIGNAL_EXIT_CODES } from '../exit-codes.js';

export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

/** The shell's convention (128 + the signal's number), from the one exit-code table. */
export const INTERRUPT_EXIT_CODES: Record<InterruptSignal, number> = SIGNAL_EXIT_CODES;

export interface InterruptGuard {
  /** The first signal received while held, if any. */
  readonly signal: InterruptSignal | undefined;
  /** The exit code for that signal, if any. */
  readonly exitCode: number | undefined;
  /** Stops holding: the default handlers apply again. */
  release(): void;
}

/**
 * Holds SIGINT, SIGTERM and SIGHUP until `release()`. `onSignal` is called once per signal (to say "finishing
 * first"). After SIGHUP the terminal may be gone: writes to it then fail, and such a failure must not end the
 * process before the change is finished, so stream errors are swallowed from then on.
 */
export function holdInterrupts(onSignal: (signal: InterruptSignal) => void = () => undefined): InterruptGuard {
  let received: InterruptSignal | undefined;
  const ignoreStreamError = () => undefined;
  const handlers = INTERRUPT_SIGNALS.map((signal) => {
    const handler = () => {
      received ??= signal;
      if (signal === 'SIGHUP') {
        process.stdout.on('error', ignoreStreamError);
        process.stderr.on('error', ignoreStreamError);
      }
      try {
        onSignal(signal);
      } catch {
        // A message that cannot be written must not stop the change from finishing.
      }
    };
    process.on(signal, handler);
    return { signal, handler };
  });
  return {
    get signal() {
      return received;
    },
    get exitCode() {
      return received === undefined ? undefined : INTERRUPT_EXIT_CODES[received];
    },
    release() {
      for (const { signal, handler } of handlers) process.removeListener(signal, handler);
    },
  };
}
