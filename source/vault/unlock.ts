/**
 * Unlocking the secure vault as the server does at start-up: open the internal keystore with the vault password,
 * take its key, and decrypt every `[secrets]` value with it (RSA/ECB/OAEPwithSHA1andMGF1Padding). The decrypted
 * values stay in memory; `$secret{alias}` passwords then resolve like any other.
 */
import type { KeyObject } from 'node:crypto';
import type { ResolvedConfig } from '../config/resolve.js';
import { decryptSecret, classifySecretValue } from '../keystore/cipher-tool.js';
import { KeystoreError, UserError } from '../errors.js';
import { readKeystore } from '../keystore/open.js';
import { entryJavaFinds, entryUnreachableByCase, noKeyEntryWords } from '../keystore/java-lookup.js';
import { READ_LIMITS, readFileIfPresent } from '../files/read-file.js';
import type { VaultPassword } from './vault-password.js';

export interface UnlockedVault {
  password: VaultPassword;
  /** alias -> plaintext, for every value that decrypts. */
  values: ReadonlyMap<string, string>;
  /** Encrypted values the internal key does not decrypt: the server would not start. */
  undecryptable: string[];
  internalKey: KeyObject;
  internalLeaf: Buffer;
}

/** Whether anything the configuration names needs the vault: a `$secret{}` password in a role or a reference. */
export function needsVault(resolved: ResolvedConfig): boolean {
  const openings = [resolved.roles.primary, resolved.roles.internal, resolved.roles.truststore, ...resolved.references];
  return openings.some((opening) => opening.password.kind === 'secret' || opening.keyPassword?.kind === 'secret');
}

/** Every `$secret{}` alias the roles and references use, with what uses it. */
export function secretAliasesInUse(resolved: ResolvedConfig): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const note = (alias: string, what: string) => used.set(alias, [...new Set([...(used.get(alias) ?? []), what])]);
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const target = resolved.roles[role];
    if (target.password.kind === 'secret') note(target.password.alias, `[${target.table}] password`);
    if (target.keyPassword?.kind === 'secret') note(target.keyPassword.alias, `[${target.table}] key_password`);
  }
  for (const reference of resolved.references) {
    if (reference.password.kind === 'secret') note(reference.password.alias, `[${reference.prefix}] password`);
    if (reference.keyPassword?.kind === 'secret') note(reference.keyPassword.alias, `[${reference.prefix}] key_password`);
  }
  return used;
}

export async function unlockVault(
  home: string,
  resolved: ResolvedConfig,
  secrets: Readonly<Record<string, string>>,
  password: VaultPassword,
): Promise<UnlockedVault> {
  const internal = resolved.roles.internal;
  const content = await readFileIfPresent(internal.file, { what: 'internal keystore', limit: READ_LIMITS.keystore, home });
  if (!content)
    throw new UserError(
      `The internal keystore ${internal.file} does not exist, so the vault cannot be opened. Fix [${internal.table}] file_name.`,
      'vault-locked',
    );
  const wrong = () =>
    new UserError(
      `The vault password (from ${password.from}) does not open the internal keystore ${internal.file} (the vault uses it for the store and the key). Give the internal keystore's password (--vault-password-env NAME, or the first line of <home>/password-persist). Nothing was written.`,
      'vault-password-wrong',
    );
  let keystore;
  try {
    keystore = await readKeystore(content.bytes, password.store);
  } catch (error) {
    if (error instanceof KeystoreError && error.keystoreCode === 'wrong-password') throw wrong();
    if (error instanceof KeystoreError) throw new UserError(`The internal keystore ${internal.file}: ${error.detail}.`, 'vault-locked');
    throw error;
  }
  const entry = entryJavaFinds(keystore, internal.alias ?? '');
  if (entry?.kind !== 'private-key')
    throw new UserError(
      `The internal keystore cannot be opened: ${noKeyEntryWords(keystore, internal.alias ?? '', internal.file)}. ${entryUnreachableByCase(keystore, internal.alias ?? '') ? 'Rebuild it (ei-keystore apply internal)' : `Fix [${internal.table}] alias`}.`,
      'vault-locked',
    );
  let internalKey: KeyObject;
  try {
    internalKey = entry.key.recover(password.key);
  } catch (error) {
    if (error instanceof KeystoreError) throw wrong();
    throw error;
  }
  const values = new Map<string, string>();
  const undecryptable: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (classifySecretValue(value.trim()) !== 'encrypted') continue;
    try {
      values.set(name, decryptSecret(internalKey, value.trim()));
    } catch {
      undecryptable.push(name);
    }
  }
  return { password, values, undecryptable, internalKey, internalLeaf: entry.chain[0]! };
}
