/**
 * The process exit codes, one table for the CLI, its help texts and both wizards. Scripts and the Ansible roles
 * branch on them, so a number never appears anywhere else in the source.
 */
export const EXIT = {
  /** Done, nothing to change, no errors found, trusted. */
  ok: 0,
  /** Problems found (status errors, not trusted), or a change failed after it started and was rolled back. */
  failed: 1,
  /** Bad input or usage (a file, an answer, an argument): nothing was written. */
  badInput: 2,
  /** Cancelled at a prompt or by SIGINT. */
  interrupted: 130,
  /** The shell's convention for the other signals a change finishes (or rolls back) before honouring. */
  terminated: 143,
  hungUp: 129,
} as const;

/** The signals a running change finishes (or rolls back) first, and the codes it then exits with. */
export const SIGNAL_EXIT_CODES = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated, SIGHUP: EXIT.hungUp } as const;

/** The help's paragraph on exit codes, made from the table so that the two cannot disagree. */
export function exitCodesHelp(): string {
  return `Exit codes: ${EXIT.ok} done; ${EXIT.failed} problems found or failed, rolled back; ${EXIT.badInput} bad input or
usage, nothing written; ${EXIT.interrupted} cancelled. A change interrupted by SIGINT, SIGTERM
or SIGHUP is finished (or rolled back) first, its backup id printed, then the
exit code is ${SIGNAL_EXIT_CODES.SIGINT}, ${SIGNAL_EXIT_CODES.SIGTERM} or ${SIGNAL_EXIT_CODES.SIGHUP}.`;
}
