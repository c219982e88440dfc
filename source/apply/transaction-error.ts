import { UserError } from '../errors.js';
import type { StepName } from './faults.js';
import { EXIT } from '../exit-codes.js';

const DOING: Record<StepName, string> = {
  lock: 'taking the lock',
  check: 'checking the files',
  backup: 'backing up the files',
  stage: 'writing the new files to temporary names',
  verify: 'verifying the new files',
  commit: 'renaming the new files into place',
  unlock: 'releasing the lock',
};

function reason(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

/** A transaction that failed after it started: exit 1, and the message says what failed and what was put back. */
export class TransactionFailed extends UserError {
  override name = 'TransactionFailed';
  constructor(
    readonly label: string,
    readonly step: StepName,
    cause: unknown,
    /** The backup of the files as they were before, when one was made. */
    readonly backupId: string | undefined,
    /** Files that could not be put back (empty when the rollback was complete). */
    readonly notRestored: string[],
    outcome: string,
  ) {
    super(
      `${label} failed while ${DOING[step]}: ${reason(cause)}. ${outcome}`,
      notRestored.length ? 'rollback-incomplete' : 'rolled-back',
      EXIT.failed,
    );
    this.cause = cause;
  }
}
