import path from 'node:path';
import type { KeystoreSecrets, TruststoreSecrets } from '../answers/secret-fields.js';
import type { Answers } from '../answers/types.js';
import type { HomeSnapshot } from './home-snapshot.js';
import { gatherPlanInputs } from './plan-inputs.js';
import { prepareKeystoreProcedure } from './keystore-procedure.js';
import type { PreparedChange } from './prepared.js';
import { prepareTruststoreProcedure } from './truststore-procedure.js';
import { UserError } from '../errors.js';
import type { KeyPairInAdvance } from '../keystore/generate.js';

/**
 * A role whose values cannot be resolved at all (a `$ref` chain past its bounds, an array or a table where one value
 * belongs) is a configuration the server would not start with either: no change is planned on top of it.
 */
function refuseUnusableConfiguration(facts: HomeSnapshot): void {
  const { roles, references } = facts.resolved;
  for (const opening of [roles.primary, roles.internal, roles.truststore, ...references]) {
    if (!opening.invalid) continue;
    throw new UserError(
      `${facts.located.config.path}: ${opening.problems.join('; ')}. Fix that value and run again; nothing was written.`,
      'config-invalid',
    );
  }
}

export interface PlanOptions {
  /** truststore: take a server's certificate without a pin (--trust-on-first-use). */
  trustOnFirstUse?: boolean;
  /** A new keystore's key pair, generation already under way (commands/apply.ts starts it before the home is read). */
  keyPair?: KeyPairInAdvance;
}

/**
 * Plans any procedure: the one entry point for `apply`, the wizard and plain prompts. First the files and servers the
 * answers name are read into the snapshot (gatherPlanInputs), then the plan is made from the snapshot alone.
 */
export async function prepareChange(
  facts: HomeSnapshot,
  answers: Answers,
  secrets: KeystoreSecrets | TruststoreSecrets,
  options: PlanOptions = {},
): Promise<PreparedChange> {
  refuseUnusableConfiguration(facts);
  await gatherPlanInputs(facts, answers, { env: facts.env });
  return planChange(facts, answers, secrets, options);
}

/**
 * The plan of a change from the home snapshot (with the answers' inputs gathered), the answers and the secrets:
 * reads nothing from the disk or the network. Writes nothing either; `executePrepared` does.
 */
export async function planChange(
  facts: HomeSnapshot,
  answers: Answers,
  secrets: KeystoreSecrets | TruststoreSecrets,
  options: PlanOptions = {},
): Promise<PreparedChange> {
  refuseUnusableConfiguration(facts);
  const prepared =
    answers.procedure === 'truststore'
      ? await prepareTruststoreProcedure(facts, answers, secrets as TruststoreSecrets, options)
      : await prepareKeystoreProcedure(facts, answers, secrets as KeystoreSecrets, options.keyPair ? { keyPair: options.keyPair } : {});
  if (prepared.unchanged) return prepared;
  return { ...prepared, notes: [...prepared.notes, ...fileNotes(facts, prepared)] };
}

/** What the plan must say about the files themselves: a linked configuration's real path, modes tightened. */
function fileNotes(facts: HomeSnapshot, prepared: PreparedChange): string[] {
  const notes: string[] = [];
  const home = facts.located.home;
  const shown = (file: string) => (path.relative(home, file).startsWith('..') ? file : path.relative(home, file));
  const real = facts.document.configRealPath;
  if (real && prepared.writes.some((write) => write.path === facts.located.config.path)) {
    notes.push(`${shown(facts.located.config.path)} is a symbolic link to ${real}: that file is edited (and backed up); the link stays.`);
  }
  for (const write of prepared.writes) {
    if (write.mode !== 0o600) continue;
    const mode = facts.files.mode(write.path);
    if (mode !== undefined && (mode & 0o077) !== 0) {
      notes.push(
        `${shown(write.path)} is mode ${mode.toString(8).padStart(4, '0')} now; its replacement holds a private key and is written 0600 (owner only).`,
      );
    }
  }
  return notes;
}
