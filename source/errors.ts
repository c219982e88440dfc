/**
 * Errors a user can act on. Anything thrown as a UserError is printed as its message alone (no stack trace)
 * and ends the process with its exit code; anything else is a bug in the tool.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    /** A stable, machine-readable code (used in --json output and by tests). */
    readonly code: string = 'bad-input',
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}

export type KeystoreErrorCode =
  | 'not-a-keystore'
  | 'corrupt'
  | 'wrong-password'
  | 'wrong-key-password'
  | 'unsupported';

/**
 * A keystore that cannot be read. Readers work on bytes and do not know the file name: whoever read the file
 * calls `withFile` so the message names it.
 */
export class KeystoreError extends UserError {
  override name = 'KeystoreError';
  constructor(
    readonly keystoreCode: KeystoreErrorCode,
    readonly detail: string,
    readonly file?: string,
  ) {
    super(file ? `${file}: ${detail}` : detail, keystoreCode, 2);
  }

  withFile(file: string): KeystoreError {
    return this.file ? this : new KeystoreError(this.keystoreCode, this.detail, file);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
