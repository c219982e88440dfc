import type { KeyObject } from 'node:crypto';
import type { ResolvedKeystore } from '../config/resolve.js';
import { knownSecretValue, type SecretValue } from '../config/placeholders.js';
import { KeystoreError, UserError } from '../errors.js';
import type { Keystore, PrivateKeyEntry } from '../keystore/model.js';
import { detectFormat, readKeystore } from '../keystore/open.js';
import type { FileStore } from './home-snapshot.js';
import { entryJavaFinds, entryUnreachableByCase, noKeyEntryWords } from '../keystore/java-lookup.js';

/** Hex SHA-256, the same digest the transaction's `expected` hashes and manifests use. */
export { sha256 as sha256Hex } from '../apply/targets.js';

/** A configured password's value, when the tool can know it (an unlocked vault fills in `$secret{}`). */
export function knownSecret(secret: SecretValue | undefined): string | undefined {
  return knownSecretValue(secret);
}

/**
 * The keystore a role points at today (its bytes from the home snapshot), opened with the configured password;
 * errors say which setting to fix.
 */
export async function openConfiguredKeystore(
  role: ResolvedKeystore,
  why: string,
  files: FileStore,
): Promise<{ keystore: Keystore; bytes: Buffer; password: string }> {
  const password = knownSecret(role.password);
  if (password === undefined) {
    throw new UserError(
      `To ${why}, the current ${role.role} keystore (${role.file}) must be opened, but its password in [${role.table}] is not available here (${role.password.kind === 'env' ? `$env{${role.password.name}} is not set` : `it is ${role.password.kind === 'secret' ? `$secret{${role.password.alias}}` : role.password.kind}`}). Make it available and run again.`,
      'password-unavailable',
    );
  }
  const bytes = files.present(role.file);
  if (!bytes)
    throw new UserError(
      `To ${why}, the current ${role.role} keystore is needed, but ${role.file} does not exist. Fix [${role.table}] file_name first.`,
      'file-missing',
    );
  try {
    return { keystore: await readKeystore(bytes, password), bytes, password };
  } catch (error) {
    if (error instanceof KeystoreError)
      throw new UserError(`To ${why}: ${role.file}: ${error.detail}. Check [${role.table}].`, error.keystoreCode);
    throw error;
  }
}

/**
 * The current key pair of a keystore role (for re-encryption, to keep it as the internal keystore, to renew its
 * certificate, or to encrypt the vault's passwords for it). `reach`: 'as-java' finds the key only as the server does
 * (java-lookup.ts); 'to-carry' also takes a key stored under the alias in capital letters, which the server cannot
 * reach but a change that writes the key into a new file (under its alias in lower case) can carry over and so repair.
 */
export async function currentKeyPair(
  role: ResolvedKeystore,
  why: string,
  files: FileStore,
  reach: 'as-java' | 'to-carry',
): Promise<{ entry: PrivateKeyEntry; privateKey: KeyObject; storePassword: string; keyPassword: string; format: 'JKS' | 'PKCS12' }> {
  const { keystore, bytes, password } = await openConfiguredKeystore(role, why, files);
  const alias = role.alias ?? '';
  const entry = entryJavaFinds(keystore, alias) ?? (reach === 'to-carry' ? entryUnreachableByCase(keystore, alias) : undefined);
  if (entry?.kind !== 'private-key') {
    const advice = entryUnreachableByCase(keystore, alias)
      ? `Rebuild that keystore first (ei-keystore apply ${role.role})`
      : `Fix [${role.table}] alias`;
    throw new UserError(
      `To ${why}, the key "${alias}" is needed, but ${noKeyEntryWords(keystore, alias, role.file)}. ${advice}.`,
      'alias-missing',
    );
  }
  const keyPassword = knownSecret(role.keyPassword) ?? password;
  try {
    const format = detectFormat(bytes) === 'PKCS12' ? 'PKCS12' : 'JKS';
    return { entry, privateKey: entry.key.recover(keyPassword), storePassword: password, keyPassword, format };
  } catch (error) {
    if (error instanceof KeystoreError)
      throw new UserError(
        `To ${why}, the key "${alias}" of ${role.file} must be opened, but [${role.table}] key_password does not open it.`,
        'wrong-key-password',
      );
    throw error;
  }
}

/** The mode of every file holding a private key, whatever the mode of the file it replaces. */
export const PRIVATE_KEY_MODE = 0o600;

/**
 * The mode for a truststore write: a new file is 0600; a truststore being replaced keeps its own mode and owner
 * (left to the transaction), so a group-readable truststore stays readable by the server. Keystores holding
 * private keys use PRIVATE_KEY_MODE instead.
 */
export function newFileMode(existing: Buffer | undefined): number | undefined {
  return existing ? undefined : 0o600;
}
