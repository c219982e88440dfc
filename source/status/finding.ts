import type { KeystoreRole } from '../answers/types.js';

/** One thing `status` has to say: a level, a stable code for automation, and a sentence that says what to do. */
export type FindingLevel = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'config-invalid'
  | 'file-missing'
  | 'not-a-keystore'
  | 'keystore-corrupt'
  | 'wrong-password'
  | 'password-unavailable'
  | 'alias-missing'
  | 'not-a-key-entry'
  | 'wrong-key-password'
  | 'key-cert-mismatch'
  | 'type-mismatch'
  | 'expired'
  | 'expiring-soon'
  | 'weak-key'
  | 'weak-signature'
  | 'default-keystore'
  | 'default-password'
  | 'internal-not-separated'
  | 'primary-not-trusted'
  | 'truststore-expired-certificates'
  | 'truststore-invisible-certificates'
  | 'truststore-empty'
  | 'primary-several-keys'
  | 'table-ignored'
  | 'secrets-encrypted'
  | 'interrupted-transaction'
  | 'pending-request'
  | 'reference-overridden'
  | 'reference-stale'
  | 'secrets-key-not-rsa'
  | 'backup-untrusted'
  | 'keystore-world-readable'
  | 'keystore-unreadable'
  | 'secret-undecryptable'
  | 'secret-missing'
  | 'secret-plaintext'
  | 'password-plaintext'
  | 'secret-conf-stale'
  | 'vault-locked';

export interface Finding {
  level: FindingLevel;
  code: FindingCode;
  role?: KeystoreRole;
  message: string;
}

const LEVEL_ORDER: Record<FindingLevel, number> = { error: 0, warning: 1, info: 2 };

/**
 * Within a level, what matters first: the server not starting or TLS failing, then time running out, then keys
 * and passwords anyone knows, then exposure and references, and format notes last. Codes not listed rank after
 * the listed ones, before the format notes.
 */
const CODE_ORDER: readonly FindingCode[] = [
  'config-invalid',
  'file-missing',
  'not-a-keystore',
  'keystore-corrupt',
  'wrong-password',
  'password-unavailable',
  'alias-missing',
  'not-a-key-entry',
  'wrong-key-password',
  'key-cert-mismatch',
  'truststore-empty',
  'expired',
  'interrupted-transaction',
  'expiring-soon',
  'default-keystore',
  'default-password',
  'keystore-unreadable',
  'keystore-world-readable',
  'backup-untrusted',
  'secrets-key-not-rsa',
  'internal-not-separated',
  'primary-not-trusted',
  'primary-several-keys',
  'weak-key',
  'weak-signature',
  'truststore-expired-certificates',
  'reference-stale',
  'reference-overridden',
  'pending-request',
  'secrets-encrypted',
  'truststore-invisible-certificates',
  'table-ignored',
];
const FORMAT_NOTES: readonly FindingCode[] = ['type-mismatch'];

function codeRank(code: FindingCode): number {
  if (FORMAT_NOTES.includes(code)) return CODE_ORDER.length + 1;
  const index = CODE_ORDER.indexOf(code);
  return index === -1 ? CODE_ORDER.length : index;
}

/** Errors, then warnings, then notes; within each, by what matters most (CODE_ORDER). Stable otherwise. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] || codeRank(a.code) - codeRank(b.code));
}
