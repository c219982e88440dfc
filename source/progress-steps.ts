/**
 * Every step a change reports as it runs (onStep), the one vocabulary of progress: the transaction's steps
 * (apply/faults.ts TRANSACTION_STEPS, checked against this list), its rollback, and the two parts of `verify` a
 * procedure reports (our own re-read, then keytool's cross-check). Their words are core/step-labels.ts.
 */
export type ProgressStep =
  | 'lock'
  | 'check'
  | 'backup'
  | 'stage'
  | 'verify'
  | 'verify-own'
  | 'verify-keytool'
  | 'commit'
  | 'unlock'
  | 'rollback';
