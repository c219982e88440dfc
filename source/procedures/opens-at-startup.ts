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
import { keyMatchesCertificate } from '../keystore/chain.js';
import { readKeystore } from '../keystore/open.js';
import { KeystoreError, UserError } from '../errors.js';

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
  if (password === undefined) return { opening: { ...base, outcome: 'unknown', reason: `its password cannot be checked: ${unknownWhy(target.password)}` } };
  let keystore;
  try {
    keystore = await readKeystore(bytes, password);
  } catch (error) {
    if (error instanceof KeystoreError) return fail(`${target.file}: ${error.detail}`);
    throw error;
  }
  if (!needsKey) return { opening: { ...base, outcome: 'opens' } };
  const alias = target.alias ?? '';
  const entry = keystore.entries.find((candidate) => candidate.alias.toLowerCase() === alias.toLowerCase());
  if (!entry || entry.kind !== 'private-key') return fail(`${target.file} has no key entry "${alias}"`);
  const keyPassword = known(target.keyPassword, env);
  if (keyPassword === undefined) return { opening: { ...base, outcome: 'unknown', reason: `its key password cannot be checked: ${unknownWhy(target.keyPassword)}` } };
  let privateKey: KeyObject;
  try {
    privateKey = entry.key.recover(keyPassword);
  } catch (error) {
    if (error instanceof KeystoreError) return fail(`the key password does not open "${alias}" in ${target.file}`);
    throw error;
  }
  const leaf = entry.chain[0];
  if (!leaf || !keyMatchesCertificate(privateKey, leaf)) return fail(`the key of "${alias}" in ${target.file} does not match its certificate`);
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
      openings.push({ id: 'secrets', label, outcome: internalOpened.opening.outcome === 'unknown' ? 'unknown' : 'fails', reason: 'the internal key does not open' });
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
          : { id: 'secrets', label, outcome: 'fails', reason: `the internal key does not decrypt ${failing.map(([alias]) => alias).join(', ')}` },
      );
    }
  }
  return openings;
}

/** What opened before and fails after: the list a change must be refused (or rolled back) for. */
export function newlyBroken(before: readonly Opening[], after: readonly Opening[]): Array<{ before: Opening; after: Opening }> {
  const was = new Map(before.map((opening) => [opening.id, opening]));
  return after.flatMap((now) => {
    const then = was.get(now.id);
    return then?.outcome === 'opens' && now.outcome === 'fails' ? [{ before: then, after: now }] : [];
  });
}
