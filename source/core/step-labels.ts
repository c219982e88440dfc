/** The transaction's steps in words, for every front end (apply's progress lines, the wizard, plain mode). */
export const STEP_LABELS: Readonly<Record<string, string>> = {
  lock: 'Lock the home against other runs',
  check: 'Check nothing changed since the plan',
  backup: 'Back up every file that changes',
  stage: 'Write the new files beside the old ones',
  verify: 'Verify the staged files',
  'verify-own': 'Re-open the new keystores and configuration',
  'verify-keytool': 'Cross-check with keytool',
  commit: 'Rename the new files into place',
  unlock: 'Unlock',
  rollback: 'Put every file back (roll back)',
};

/** A step id in words; an id without words is shown as it is. */
export function stepLabel(step: string): string {
  return STEP_LABELS[step] ?? step;
}
