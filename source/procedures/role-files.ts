/**
 * Each keystore file belongs to one role. A procedure that writes its role's keystore over the file another role
 * (or an explicit reference such as an HTTPS listener) opens would destroy that keystore, whatever `overwrite` says.
 */
import type { KeystoreRole } from '../answers/types.js';
import { UserError } from '../errors.js';
import type { HomeSnapshot } from './home-snapshot.js';

/** Refuses a target that is the current file of another role or reference. */
export function refuseAnotherRolesFile(facts: HomeSnapshot, role: KeystoreRole, target: string): void {
  const { roles, references } = facts.resolved;
  for (const other of ['primary', 'internal', 'truststore'] as const) {
    if (other === role || roles[other].file !== target) continue;
    // The internal keystore that follows the primary moves with it (the secrets guard takes care of its secrets).
    if (role === 'primary' && other === 'internal' && roles.internal.followsPrimary) continue;
    const where =
      roles[other].settings.file_name?.origin?.kind === 'hard-coded'
        ? "hard-coded in this version's carbon.xml"
        : `[${roles[other].table}] file_name`;
    throw new UserError(
      `${target} is the current ${other} ${other === 'truststore' ? 'truststore' : 'keystore'} (${where}); writing the ${role} ${role === 'truststore' ? 'truststore' : 'keystore'} there would destroy it. Nothing was written. Choose another file_name.`,
      'file-of-another-role',
    );
  }
  for (const reference of references) {
    if (reference.file !== target || reference.role === role || roles[reference.role].file === target) continue;
    throw new UserError(
      `${target} is the keystore [${reference.prefix}] opens; writing the ${role} keystore there would replace it. Nothing was written. Choose another file_name.`,
      'file-of-another-role',
    );
  }
}

/** For the plan: whose file a write replaces ("the current primary keystore"), when it replaces one. */
export function replacedRole(facts: HomeSnapshot, target: string, existing: Buffer | undefined): string | undefined {
  if (!existing) return undefined;
  const owners = (['primary', 'internal', 'truststore'] as const).filter((role) => facts.resolved.roles[role].file === target);
  if (owners.length === 0) return 'a file no role uses today';
  return `the current ${owners.join(' and ')} ${owners.length === 1 && owners[0] === 'truststore' ? 'truststore' : 'keystore'}`;
}
