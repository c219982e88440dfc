/**
 * What the wizard's "Encrypt passwords" would act on, read before the menu so that a home with nothing to encrypt,
 * or an internal key the vault cannot use, is refused there (with the planner's own rules), not after the last
 * question.
 */
import path from 'node:path';
import { secretsOf } from '../config/resolve.js';
import type { HardenFacts } from '../core/fields/types.js';
import { UserError } from '../errors.js';
import { classifySecretValue } from '../keystore/cipher-tool.js';
import type { HomeSnapshot } from './home-snapshot.js';
import { holdsPlaintextPassword, internalCipherKey, keystorePasswordKeys } from './harden-procedure.js';

/** A key name that holds a password (the last part of a dotted key): `password`, `connection_password`, `parameter.pwd`. */
const PASSWORD_KEY = /password|passwd|pwd/i;

/**
 * Plain-text password keys outside the keystore tables and `[secrets]`, as full dotted keys. Only keys reached
 * through tables are listed: a key inside an array of tables (`[[datasource]]`) has no dotted path to patch.
 */
export function otherPasswordKeys(data: Readonly<Record<string, unknown>>, exclude: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const walk = (node: Readonly<Record<string, unknown>>, prefix: string[]) => {
    for (const [name, value] of Object.entries(node)) {
      // A part holding a dot could not be told apart from a path in the planner's `move` list.
      if (name.includes('.')) continue;
      const parts = [...prefix, name];
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
        if (parts.length === 1 && name === 'secrets') continue;
        walk(value as Record<string, unknown>, parts);
        continue;
      }
      const key = parts.join('.');
      if (parts.length > 1 && PASSWORD_KEY.test(name) && !exclude.has(key) && holdsPlaintextPassword(data, key)) found.push(key);
    }
  };
  walk(data, []);
  return found;
}

export async function hardenFacts(facts: HomeSnapshot): Promise<HardenFacts> {
  const data = facts.document.data;
  const home = facts.located.home;
  const plaintextSecrets = Object.entries(secretsOf(data))
    .filter(([, value]) => classifySecretValue(value.trim()) === 'plaintext')
    .map(([alias]) => alias);
  const ownKeys = keystorePasswordKeys(facts.resolved);
  const keystorePasswords = ownKeys.filter((key) => holdsPlaintextPassword(data, key));
  const otherPasswords = otherPasswordKeys(data, new Set(ownKeys));
  const present = async (name: string) => {
    try {
      return Boolean(facts.files.present(path.join(home, name)));
    } catch {
      return false;
    }
  };
  const result: HardenFacts = {
    plaintextSecrets,
    keystorePasswords,
    otherPasswords,
    passwordPersist: await present('password-persist'),
    passwordTmp: await present('password-tmp'),
  };
  if (plaintextSecrets.length + keystorePasswords.length + otherPasswords.length === 0) {
    return {
      ...result,
      refusal:
        'Nothing to encrypt: every password the tool can move is already in the secure vault, and every [secrets] value is encrypted.',
    };
  }
  try {
    await internalCipherKey(facts);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    if (error.code === 'password-unavailable' && facts.resolved.roles.internal.password.kind === 'secret') {
      return {
        ...result,
        refusal:
          "The internal keystore's password is needed to encrypt, and the vault is locked: start the wizard again and type it at its first prompt (or give it in password-persist).",
      };
    }
    return {
      ...result,
      refusal: `Passwords are encrypted with the internal key, which cannot be used here. ${error.message.replace(/ Nothing was written\.$/, '')}`,
    };
  }
  return result;
}
