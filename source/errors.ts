import { EXIT } from './exit-codes.js';

/**
 * Every code a user error carries (in --json output as `error.code`, and what tests and callers branch on): one
 * closed list, as FindingCode is for status findings, so a misspelt code does not compile. Keystore readers add
 * KeystoreErrorCode; refused files add `file-<problem>`.
 */
export type ErrorCode =
  | 'alias-missing'
  | 'answers-invalid'
  | 'answers-secret'
  | 'answers-unreadable'
  | 'backup-untrusted'
  | 'bad-certificate'
  | 'bad-dname'
  | 'bad-input'
  | 'bad-key'
  | 'bad-key-spec'
  | 'bad-san'
  | 'bad-serial'
  | 'bad-target'
  | 'bad-validity'
  | 'breaks-other-role'
  | 'ca-expired'
  | 'ca-not-ca'
  | 'cancelled'
  | 'certificate-unreadable'
  | 'chain-incomplete'
  | 'chain-too-short'
  | 'changed-since-backup'
  | 'changed-since-read'
  | 'cipher-needs-rsa'
  | 'config-invalid'
  | 'config-missing'
  | 'config-unreadable'
  | 'connect-failed'
  | 'damaged-backup'
  | 'defaults-invalid'
  | 'defaults-unreadable'
  | 'env-unset'
  | 'existing-keystore-invalid'
  | 'file-error'
  | 'file-exists'
  | 'file-missing'
  | 'file-of-another-role'
  | 'home-not-found'
  | 'key-mismatch'
  | 'keytool-failed'
  | 'keytool-mismatch'
  | 'keytool-missing'
  | 'lock-failed'
  | 'locked'
  | 'no-pending-request'
  | 'no-terminal'
  | 'password-needed'
  | 'password-unavailable'
  | 'patch-conflict'
  | 'patch-unsupported'
  | 'patch-verify-failed'
  | 'pin-mismatch'
  | 'pin-missing'
  | 'placeholder-kept'
  | 'profile-unsupported'
  | 'renewal-entries'
  | 'renewal-stale'
  | 'reply-expired'
  | 'reply-not-tls-server'
  | 'reply-not-yet-valid'
  | 'reply-unreadable'
  | 'reply-wrong-key'
  | 'request-pending'
  | 'sandbox-marker-invalid'
  | 'sandbox-not-empty'
  | 'sandbox-unreadable'
  | 'sandbox-write-failed'
  | 'secret-not-text'
  | 'secret-other-key'
  | 'secret-too-long'
  | 'secret-undecryptable'
  | 'secrets-not-reencrypted'
  | 'secrets-strategy-needed'
  | 'state-untrusted'
  | 'truststore-empty'
  | 'truststore-has-keys'
  | 'unknown-backup'
  | 'unreadable'
  | 'unsupported'
  | 'usage'
  | 'vault-locked'
  | 'vault-password-missing'
  | 'vault-password-unreadable'
  | 'vault-password-wrong'
  | 'verify-failed'
  | 'wrong-key-password'
  | 'wrong-password'
  | 'rolled-back'
  | 'rollback-incomplete'
  | KeystoreErrorCode
  | `file-${FileProblem}`;

/** Why a file was not read (or not written): callers branch on this (files/file-errors.ts makes the messages). */
export type FileProblem =
  | 'missing'
  | 'not-regular'
  | 'too-large'
  | 'symlink'
  | 'outside-home'
  | 'untrusted'
  | 'unreadable'
  | 'exists'
  | 'unwritable';

/**
 * Errors a user can act on. Anything thrown as a UserError is printed as its message alone (no stack trace)
 * and ends the process with its exit code; anything else is a bug in the tool.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    /** A stable, machine-readable code (used in --json output and by tests). */
    readonly code: ErrorCode = 'bad-input',
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
  }
}

export type KeystoreErrorCode = 'not-a-keystore' | 'corrupt' | 'wrong-password' | 'wrong-key-password' | 'unsupported';

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
    super(file ? `${file}: ${detail}` : detail, keystoreCode, EXIT.badInput);
  }

  withFile(file: string): KeystoreError {
    return this.file ? this : new KeystoreError(this.keystoreCode, this.detail, file);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
