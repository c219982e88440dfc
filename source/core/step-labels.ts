import type { ProgressStep } from '../progress-steps.js';

/** Each progress step in words, for every front end (apply's progress lines, the wizard, plain mode). */
export const STEP_LABELS: Readonly<Record<ProgressStep, string>> = {
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

/**
 * The steps the wizard's Apply screen lists, in order: `verify` is shown as its two parts (keytool's only when the
 * cross-check is on), and a rollback is told by the failure, not by a line of its own.
 */
export const WIZARD_PROGRESS: readonly ProgressStep[] = [
  'lock',
  'check',
  'backup',
  'stage',
  'verify-own',
  'verify-keytool',
  'commit',
  'unlock',
];

export function stepLabel(step: ProgressStep): string {
  return STEP_LABELS[step];
}
