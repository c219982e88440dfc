import path from 'node:path';
import type { SecretsStrategy } from '../answers/types.js';
import { fileNameFor } from '../core/profiles.js';
import { secretsOf } from '../config/resolve.js';
import { UserError } from '../errors.js';
import { classifySecretValue, reencryptSecrets } from '../keystore/cipher-tool.js';
import { encodeKeystore } from '../keystore/write.js';
import { currentKeyPair, sha256Hex } from './current-keystore.js';
import type { HomeSnapshot } from './home-snapshot.js';
import type { PlanFragment } from './prepared.js';
import type { RoleAfter } from './after-state.js';

export interface SecretsOutcome extends PlanFragment {
  /** Set when the change also points the internal role at a new file (the old key kept as the internal keystore). */
  moved?: RoleAfter;
}

/**
 * When the key that encrypts `[secrets]` is about to change and some values are encrypted, the answers must say
 * what to do; otherwise every secret would become undecryptable at the next start-up.
 */
export async function guardSecrets(options: {
  facts: HomeSnapshot;
  procedure: 'primary' | 'internal';
  strategy: SecretsStrategy | undefined;
  newLeaf: Buffer;
  /** Where the new keystore is written. */
  target: string;
}): Promise<SecretsOutcome> {
  const { facts, procedure, strategy, newLeaf } = options;
  const outcome: SecretsOutcome = { changes: [], writes: [], keystores: [], actions: [], notes: [] };
  const internal = facts.resolved.roles.internal;
  // The internal key changes when this procedure sets it, when it follows the primary, or when the new keystore
  // is written over the internal keystore's own file.
  const keyChanges = procedure === 'internal' || internal.followsPrimary === true || options.target === internal.file;
  if (!keyChanges) return outcome;
  const values = secretsOf(facts.document.data);
  const encrypted = Object.keys(values).filter((alias) => classifySecretValue(values[alias]!) === 'encrypted');
  if (encrypted.length === 0) {
    outcome.notes.push(
      `The ${procedure === 'internal' ? 'internal' : 'primary (also internal)'} key changes: data the server encrypted with the old key elsewhere (user stores, registries) becomes unreadable.`,
    );
    return outcome;
  }
  const table = facts.profile.configFile;
  if (!strategy) {
    const choices =
      procedure === 'primary' && facts.profile.internalConfigurable
        ? '"re-encrypt" (encrypt them again with the new certificate) or "keep-old-key-as-internal" (keep the old key pair as the internal keystore)'
        : '"re-encrypt" (encrypt them again with the new certificate)';
    throw new UserError(
      `${encrypted.length} value${encrypted.length === 1 ? '' : 's'} in [secrets] of ${table} (${encrypted.join(', ')}) ${encrypted.length === 1 ? 'is' : 'are'} encrypted with the key this change replaces; the server could no longer decrypt them. ` +
        `Add to the answers file:\n[secrets]\nstrategy = ${choices.startsWith('"re-encrypt" (encrypt them again with the new certificate) or') ? '"re-encrypt"   # or "keep-old-key-as-internal"' : '"re-encrypt"'}\nChoices: ${choices}. Nothing was written.`,
      'secrets-strategy-needed',
    );
  }
  if (strategy === 'keep-old-key-as-internal') {
    if (procedure !== 'primary')
      throw new UserError('[secrets] strategy "keep-old-key-as-internal" is for the primary procedure only.', 'answers-invalid');
    if (!facts.profile.internalConfigurable) {
      throw new UserError(
        `[secrets] strategy "keep-old-key-as-internal" needs a separate [keystore.internal], which ${facts.profile.label} does not read (${facts.profile.internalNote}) Use strategy = "re-encrypt".`,
        'profile-unsupported',
      );
    }
    return keepOldKeyAsInternal(facts, outcome, encrypted);
  }
  // re-encrypt: decrypt with the key that encrypted them (the internal keystore's, today's), encrypt with the new certificate.
  const old = await currentKeyPair(internal, 're-encrypt [secrets]', facts.files, 'to-carry');
  const reencrypted = reencryptSecrets(Object.fromEntries(encrypted.map((alias) => [alias, values[alias]!])), old.privateKey, newLeaf);
  for (const alias of encrypted) outcome.changes.push({ table: ['secrets'], key: alias, value: reencrypted[alias]! });
  outcome.actions.push({ kind: 're-encrypt', aliases: encrypted });
  return outcome;
}

async function keepOldKeyAsInternal(facts: HomeSnapshot, outcome: SecretsOutcome, encrypted: string[]): Promise<SecretsOutcome> {
  const primary = facts.resolved.roles.primary;
  const old = await currentKeyPair(primary, 'keep the old key pair as the internal keystore', facts.files, 'to-carry');
  const extension = old.format === 'PKCS12' ? '.p12' : '.jks';
  const bareName = `${path.basename(primary.file).replace(/\.[^.]+$/, '')}-internal${extension}`;
  const target = path.join(facts.located.home, facts.profile.securityDir, bareName);
  if (facts.files.present(target)) {
    throw new UserError(
      `To keep the old key as the internal keystore, ${target} would be written, but it already exists. Move it away and run again.`,
      'file-exists',
    );
  }
  const alias = old.entry.alias;
  // PKCS#12 has one password; the copy keeps the store password for both.
  const keyPassword = old.format === 'PKCS12' ? old.storePassword : old.keyPassword;
  const bytes = await encodeKeystore(
    old.format,
    [{ kind: 'private-key', alias, key: old.privateKey, keyPassword, chain: old.entry.chain }],
    old.storePassword,
  );
  outcome.writes.push({ path: target, content: bytes, mode: 0o600, role: 'internal keystore' });
  outcome.keystores.push({
    path: target,
    storePassword: old.storePassword,
    format: old.format,
    keyEntries: [{ alias, keyPassword, leafSha256: sha256Hex(old.entry.chain[0]!) }],
    trustedSha256: [],
  });
  const table = facts.profile.tables.internal.split('.');
  outcome.changes.push(
    { table, key: 'file_name', value: fileNameFor(facts.profile, bareName) },
    { table, key: 'type', value: old.format },
    { table, key: 'password', value: old.storePassword },
    { table, key: 'alias', value: alias },
    { table, key: 'key_password', value: keyPassword },
  );
  outcome.moved = {
    role: 'internal',
    file: target,
    type: old.format,
    password: old.storePassword,
    alias,
    keyPassword,
    leaf: old.entry.chain[0]!,
  };
  outcome.actions.push({
    kind: 'take',
    what: `the old key pair "${alias}" kept as the internal keystore, so the ${encrypted.length} encrypted [secrets] value(s) stay readable`,
  });
  outcome.actions.push({
    kind: 'write-keystore',
    path: target,
    role: 'internal keystore',
    format: old.format,
    created: true,
    entries: `key "${alias}" (the old primary key)`,
  });
  return outcome;
}
