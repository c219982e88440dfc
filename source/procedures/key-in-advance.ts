import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Answers } from '../answers/types.js';
import { locateHome, type LocateInput } from '../config/locate.js';
import { SECURITY_DIR } from '../core/profiles.js';
import { errnoOf } from '../files/file-errors.js';
import { generateInAdvance, type KeyPairInAdvance, type KeyPairSpec } from '../keystore/generate.js';

/**
 * Starts the key pair the answers ask for before the home is read, when the plan is bound to need one: a generated
 * key for a keystore file the home does not have yet (every profile keeps its keystores in SECURITY_DIR). When the
 * file is there, the answers may describe it already (a second run changes nothing and needs no key), so the plan
 * generates its key itself, as before, once it knows. Anything unclear (no home, a file that cannot be checked)
 * starts nothing: reading the home reports it.
 */
export async function startKeyPairInAdvance(answers: Answers, where: LocateInput): Promise<KeyPairInAdvance | undefined> {
  if (answers.procedure === 'truststore' || answers.keystore.source !== 'generate') return undefined;
  if (!quickToGenerate(answers.keystore.generate.keyPair)) return undefined;
  let home: string;
  try {
    home = locateHome(where).home;
  } catch {
    return undefined;
  }
  try {
    await lstat(path.join(home, SECURITY_DIR, answers.keystore.fileName));
    return undefined;
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT') return undefined;
  }
  return generateInAdvance(answers.keystore.generate.keyPair);
}

/**
 * EC keys, and RSA keys up to 2048 bits (50-350 ms): what can be started before the plan knows it needs it. Node
 * cannot cancel a key generation on its thread pool and waits for it before the process ends, even after
 * process.exit, so a plan that refuses waits for the key it did not use. For RSA 3072 or 4096 (seconds at random)
 * that wait would outlast what the early start saves; the plan generates those itself, once it knows.
 */
function quickToGenerate(spec: KeyPairSpec): boolean {
  return spec.algorithm === 'EC' || spec.size <= 2048;
}
