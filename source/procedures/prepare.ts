import type { KeystoreSecrets, TruststoreSecrets } from '../core/answers/secret-fields.js';
import type { Answers } from '../core/answers/types.js';
import type { HomeFacts } from './facts.js';
import { prepareKeystoreProcedure } from './keystore-procedure.js';
import type { PreparedChange } from './prepared.js';
import { prepareTruststoreProcedure } from './truststore-procedure.js';
import { UserError } from '../errors.js';

/**
 * A role whose values cannot be resolved at all (a `$ref` chain past its bounds) is a configuration the server
 * would not start with either: no change is planned on top of it.
 */
function refuseUnusableConfiguration(facts: HomeFacts): void {
  const { roles, references } = facts.resolved;
  for (const opening of [roles.primary, roles.internal, roles.truststore, ...references]) {
    if (!opening.invalid) continue;
    throw new UserError(
      `${facts.located.config.path}: ${opening.problems.join('; ')}. Fix that value and run again; nothing was written.`,
      'config-invalid',
    );
  }
}

/** Plans any procedure in memory: the one entry point for `apply`, the wizard and plain prompts. */
export async function prepareChange(facts: HomeFacts, answers: Answers, secrets: KeystoreSecrets | TruststoreSecrets): Promise<PreparedChange> {
  refuseUnusableConfiguration(facts);
  return answers.procedure === 'truststore'
    ? prepareTruststoreProcedure(facts, answers, secrets as TruststoreSecrets)
    : prepareKeystoreProcedure(facts, answers, secrets as KeystoreSecrets);
}
