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
  | 'table-ignored'
  | 'secrets-encrypted'
  | 'interrupted-transaction'
  | 'pending-request'
  | 'reference-overridden'
  | 'reference-stale'
  | 'secrets-key-not-rsa'
  | 'backup-untrusted'
  | 'keystore-world-readable'
  | 'secret-undecryptable'
  | 'secret-missing'
  | 'secret-plaintext'
  | 'password-plaintext'
  | 'secret-conf-stale'
  | 'vault-locked';

export type RoleName = 'primary' | 'internal' | 'truststore';

export interface Finding {
  level: FindingLevel;
  code: FindingCode;
  role?: RoleName;
  message: string;
}

const LEVEL_ORDER: Record<FindingLevel, number> = { error: 0, warning: 1, info: 2 };

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level]);
}

export function worstLevel(findings: readonly Finding[]): FindingLevel | undefined {
  return sortFindings([...findings])[0]?.level;
}
