/**
 * What the server does with its keystores at start-up, from a resolved configuration: load each store with its
 * password, take the key with its key password, check the key matches its certificate, and decrypt every
 * encrypted `[secrets]` value with the internal key. Used before and after a change, so that `apply` never
 * leaves a home where something that opened before no longer opens.
 */
import type { KeyObject } from 'node:crypto';
import type { KeystoreReference, ResolvedConfig, ResolvedKeystore } from '../config/resolve.js';
import { knownSecretValue, type SecretValue } from '../config/placeholders.js';
import { decryptSecret, classifySecretValue } from '../keystore/cipher-tool.js';
import { keyMatchesCertificate } from '../keystore/x509/chain.js';
import { entryJavaFinds, noKeyEntryWords, tlsKeysNotOpening, trustAnchorsOf } from '../keystore/java-lookup.js';
import { readKeystore } from '../keystore/open.js';
import path from 'node:path';
import { KeystoreError, UserError } from '../errors.js';
import { needsVault } from '../vault/unlock.js';

/** One thing the server opens: a role, a reference outside the role tables, or the `[secrets]` values. */
export interface Opening {
  /** `primary`, `internal`, `truststore`, a reference's prefix, or `secrets`. */
  id: string;
  /** For messages: `the internal keystore (keystore.internal)`. */
  label: string;
  file?: string;
  /** 'unknown': a password only the server can know ($secret{}, $sys{}, an unset $env{}). */
  outcome: 'opens' | 'fails' | 'unknown';
  /** Why it fails or cannot be known (never containing a password). */
  reason?: string;
}

/** Bytes of a file as the server would find it (a staged or planned file, or the disk); undefined when absent. */
export type ReadFile = (file: string) => Promise<Buffer | undefined>;

function known(secret: SecretValue | undefined, env: NodeJS.ProcessEnv): string | undefined {
  return knownSecretValue(secret, env);
}

function unknownWhy(secret: SecretValue | undefined): string {
  switch (secret?.kind) {
    case 'env':
      return `$env{${secret.name}} is not set here`;
    case 'secret':
      return `it is $secret{${secret.alias}}, which only the server's secure vault resolves`;
    case 'sys':
      return `it is $sys{${secret.name}}, a Java system property`;
    default:
      return 'no password is configured';
  }
}

interface Opened {
  opening: Opening;
  privateKey?: KeyObject;
}

async function openOne(
  id: string,
  label: string,
  target: ResolvedKeystore | KeystoreReference,
  needsKey: boolean,
  read: ReadFile,
  env: NodeJS.ProcessEnv,
): Promise<Opened> {
  const base = { id, label, file: target.file };
  const fail = (reason: string): Opened => ({ opening: { ...base, outcome: 'fails', reason } });
  if (target.invalid) return fail(target.problems.join('; '));
  let bytes: Buffer | undefined;
  try {
    bytes = await read(target.file);
  } catch (error) {
    // A file the file layer refuses (a link out of the home, a pipe, a huge file) is one the change cannot rely on.
    if (error instanceof UserError) return fail(error.message);
    throw error;
  }
  if (!bytes) return fail(`${target.file} does not exist`);
  const password = known(target.password, env);
  if (password === undefined)
    return { opening: { ...base, outcome: 'unknown', reason: `its password cannot be checked: ${unknownWhy(target.password)}` } };
  let keystore;
  try {
    keystore = await readKeystore(bytes, password);
  } catch (error) {
    if (error instanceof KeystoreError) return fail(`${target.file}: ${error.detail}`);
    throw error;
  }
  if (id === 'truststore' && trustAnchorsOf(keystore).length === 0) return fail(`${target.file} holds no certificate Java can trust`);
  if (!needsKey) return { opening: { ...base, outcome: 'opens' } };
  const alias = target.alias ?? '';
  const entry = entryJavaFinds(keystore, alias);
  if (entry?.kind !== 'private-key') return fail(noKeyEntryWords(keystore, alias, target.file));
  const keyPassword = known(target.keyPassword, env);
  if (keyPassword === undefined)
    return { opening: { ...base, outcome: 'unknown', reason: `its key password cannot be checked: ${unknownWhy(target.keyPassword)}` } };
  let privateKey: KeyObject;
  try {
    privateKey = entry.key.recover(keyPassword);
  } catch (error) {
    if (error instanceof KeystoreError) return fail(`the key password does not open "${alias}" in ${target.file}`);
    throw error;
  }
  const leaf = entry.chain[0];
  if (!leaf || !keyMatchesCertificate(privateKey, leaf))
    return fail(`the key of "${alias}" in ${target.file} does not match its certificate`);
  // The HTTPS transports open every key of the primary keystore with the key password (keyEntriesForTls).
  const [closed] = id === 'primary' ? tlsKeysNotOpening(keystore, entry, keyPassword) : [];
  if (closed)
    return fail(`the key password does not open "${closed.alias}" in ${target.file}, and the HTTPS transport opens every key of it`);
  return { opening: { ...base, outcome: 'opens' }, privateKey };
}

/**
 * Opens everything the configuration names. `secrets` are the `[secrets]` values; each encrypted one must decrypt
 * with the internal key. A file opened twice (internal = primary) is read twice: correctness over speed here.
 */
export async function opensAtStartup(
  resolved: ResolvedConfig,
  secrets: Readonly<Record<string, string>>,
  read: ReadFile,
  env: NodeJS.ProcessEnv,
  home?: string,
): Promise<Opening[]> {
  const { primary, internal, truststore } = resolved.roles;
  const openings: Opening[] = [];
  openings.push((await openOne('primary', `the primary keystore ([${primary.table}])`, primary, true, read, env)).opening);
  const internalOpened = await openOne('internal', `the internal keystore ([${internal.table}])`, internal, true, read, env);
  openings.push(internalOpened.opening);
  openings.push((await openOne('truststore', `the truststore ([${truststore.table}])`, truststore, false, read, env)).opening);
  for (const reference of resolved.references) {
    const needsKey = reference.keyNames.alias !== undefined || reference.keyNames.key_password !== undefined;
    openings.push((await openOne(reference.prefix, `[${reference.prefix}]`, reference, needsKey, read, env)).opening);
  }
  const encrypted = Object.entries(secrets).filter(([, value]) => classifySecretValue(value.trim()) === 'encrypted');
  if (encrypted.length > 0) {
    const label = `the ${encrypted.length} encrypted [secrets] value${encrypted.length === 1 ? '' : 's'}`;
    if (!internalOpened.privateKey) {
      openings.push({
        id: 'secrets',
        label,
        outcome: internalOpened.opening.outcome === 'unknown' ? 'unknown' : 'fails',
        reason: 'the internal key does not open',
      });
    } else {
      const failing = encrypted.filter(([, value]) => {
        try {
          decryptSecret(internalOpened.privateKey!, value.trim());
          return false;
        } catch {
          return true;
        }
      });
      openings.push(
        failing.length === 0
          ? { id: 'secrets', label, outcome: 'opens' }
          : {
              id: 'secrets',
              label,
              outcome: 'fails',
              reason: `the internal key does not decrypt ${failing.map(([alias]) => alias).join(', ')}`,
            },
      );
    }
  }
  if (home !== undefined && (encrypted.length > 0 || needsVault(resolved))) openings.push(await openVault(resolved, read, env, home));
  return openings;
}

/**
 * The secure vault as the server opens it (carbon-kernel's DefaultSecretCallbackHandler, docs/wso2-rules.md): the
 * internal keystore with the password of `<home>/password-persist` (line 1, for the store and, unless the server
 * runs with -Dkey.password=true, for the key too), or the one typed at the prompt, which the admin knows as the
 * configured store password. A key password that differs from the store password therefore locks the vault.
 */
async function openVault(resolved: ResolvedConfig, read: ReadFile, env: NodeJS.ProcessEnv, home: string): Promise<Opening> {
  const internal = resolved.roles.internal;
  const base = { id: 'vault', label: 'the secure vault (the internal keystore opened with the vault password)', file: internal.file };
  let persisted: Buffer | undefined;
  try {
    persisted = await read(path.join(home, 'password-persist'));
  } catch (error) {
    if (error instanceof UserError) return { ...base, outcome: 'fails', reason: error.message };
    throw error;
  }
  const password = persisted ? (persisted.toString('utf8').split(/\r?\n/)[0] ?? '') : known(internal.password, env);
  const from = persisted ? 'the first line of password-persist' : "the internal keystore's password";
  if (password === undefined) return { ...base, outcome: 'unknown', reason: 'the vault password is typed at start-up' };
  const bytes = await read(internal.file).catch(() => undefined);
  if (!bytes) return { ...base, outcome: 'fails', reason: `${internal.file} cannot be read` };
  try {
    const keystore = await readKeystore(bytes, password);
    const entry = entryJavaFinds(keystore, internal.alias ?? '');
    if (entry?.kind !== 'private-key')
      return { ...base, outcome: 'fails', reason: noKeyEntryWords(keystore, internal.alias ?? '', internal.file) };
    entry.key.recover(password);
    return { ...base, outcome: 'opens' };
  } catch (error) {
    if (!(error instanceof KeystoreError)) throw error;
    return {
      ...base,
      outcome: 'fails',
      reason: `${from} does not open ${error.keystoreCode === 'wrong-password' ? 'the internal keystore' : 'the internal key'}; the vault uses one password for the store and the key (unless the server starts with -Dkey.password=true), so give the internal keystore's key the same password as its store`,
    };
  }
}

/** What opened before and fails after: the list a change must be refused (or rolled back) for. */
export function newlyBroken(before: readonly Opening[], after: readonly Opening[]): Array<{ before: Opening; after: Opening }> {
  const was = new Map(before.map((opening) => [opening.id, opening]));
  return after.flatMap((now) => {
    const then = was.get(now.id);
    // Something that fails after the change and did not exist before (the vault of a first encryption, a new
    // reference) is broken by the change as well.
    return now.outcome === 'fails' && (then === undefined || then.outcome === 'opens') ? [{ before: then ?? now, after: now }] : [];
  });
}
