import type { KeystoreSecrets, TruststoreSecrets } from '../core/answers/secret-fields.js';
import type { Answers } from '../core/answers/types.js';
import type { HomeFacts } from './facts.js';
import { prepareKeystoreProcedure } from './keystore-procedure.js';
import type { PreparedChange } from './prepared.js';
import { prepareTruststoreProcedure } from './truststore-procedure.js';

/** Plans any procedure in memory: the one entry point for `apply`, the wizard and plain prompts. */
export function prepareChange(facts: HomeFacts, answers: Answers, secrets: KeystoreSecrets | TruststoreSecrets): Promise<PreparedChange> {
  return answers.procedure === 'truststore'
    ? prepareTruststoreProcedure(facts, answers, secrets as TruststoreSecrets)
    : prepareKeystoreProcedure(facts, answers, secrets as KeystoreSecrets);
}
