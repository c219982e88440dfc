/**
 * "Encrypt passwords" (`apply secrets`): what WSO2's cipher tool does, without Java. Every `[plaintext]` value of
 * `[secrets]` is encrypted in place; the plain-text keystore passwords (and any other keys asked for) move into
 * `[secrets]` under clear aliases and become `$secret{alias}`; the server is told how to get the internal keystore's
 * password at start-up (password-persist, or its prompt); secret-conf.properties, when the home has it, keeps
 * naming the internal keystore. Values are Base64(RSA/ECB/OAEPwithSHA1andMGF1Padding) for the internal key.
 */
import path from 'node:path';
import type { ExpectedFile, FileWrite } from '../apply/changes.js';
import type { TomlChange } from '../config/patch.js';
import { lookupDotted, tokenize } from '../config/placeholders.js';
import { secretsOf } from '../config/resolve.js';
import { UserError } from '../errors.js';
import { classifySecretValue, encryptSecret } from '../keystore/cipher-tool.js';
import { SECRET_CONF, withIdentity } from '../vault/secret-conf.js';
import type { HardenAnswers } from '../answers/harden-answers.js';
import { settleAfterState } from './after-state.js';
import { currentKeyPair, knownSecret, sha256Hex } from './current-keystore.js';
import type { HomeSnapshot } from './home-snapshot.js';
import { unchangedChange, type PlanAction, type PreparedChange } from './prepared.js';

/** The alias a moved key gets: its path, dots as underscores (`keystore.primary.password` -> `keystore_primary_password`). */
export function aliasFor(key: string): string {
  return key.replace(/[^A-Za-z0-9_]+/g, '_');
}

/** The key the vault encrypts for: the internal keystore's, which must be RSA (the cipher tool's transformation). */
export async function internalCipherKey(facts: HomeSnapshot): Promise<Awaited<ReturnType<typeof currentKeyPair>>> {
  const pair = await currentKeyPair(facts.resolved.roles.internal, 'encrypt passwords for the secure vault', facts.files, 'as-java');
  if (pair.privateKey.asymmetricKeyType !== 'rsa') {
    throw new UserError(
      `The internal keystore's key is ${(pair.privateKey.asymmetricKeyType ?? '').toUpperCase()}; the secure vault needs RSA. Separate an RSA internal keystore first (ei-keystore apply internal). Nothing was written.`,
      'cipher-needs-rsa',
    );
  }
  return pair;
}

/** The password keys of the keystore tables the configuration sets (what `move_keystore_passwords` moves). */
export function keystorePasswordKeys(resolved: HomeSnapshot['resolved']): string[] {
  const keys: string[] = [];
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const target = resolved.roles[role];
    if (!target.configured) continue;
    for (const key of role === 'truststore' ? ['password'] : ['password', 'key_password']) keys.push(`${target.table}.${key}`);
  }
  return [...new Set(keys)];
}

/** Whether the configuration's `key` holds a password the planner moves: text, not (only) a placeholder. */
export function holdsPlaintextPassword(data: Readonly<Record<string, unknown>>, key: string): boolean {
  const value = lookupDotted(data, key);
  return typeof value === 'string' && value !== '' && tokenize(value).every((token) => token.kind === 'text');
}

export async function prepareHarden(facts: HomeSnapshot, answers: HardenAnswers): Promise<PreparedChange> {
  const { located, resolved } = facts;
  const home = located.home;
  const internal = resolved.roles.internal;
  const pair = await internalCipherKey(facts);
  const certificate = pair.entry.chain[0]!;
  const existing = secretsOf(facts.document.data);
  const changes: TomlChange[] = [];
  const encrypted: string[] = [];
  const moved: string[] = [];
  const newValues = new Map<string, string>();
  const taken = new Set(Object.keys(existing));

  if (answers.encryptPlaintext) {
    for (const [alias, value] of Object.entries(existing)) {
      if (classifySecretValue(value.trim()) !== 'plaintext') continue;
      const plain = value.trim().slice(1, -1);
      changes.push({ table: ['secrets'], key: alias, value: encryptSecret(certificate, plain) });
      newValues.set(alias, plain);
      encrypted.push(alias);
    }
  }

  const toMove: string[] = [];
  if (answers.moveKeystorePasswords) toMove.push(...keystorePasswordKeys(resolved));
  toMove.push(...answers.move);
  for (const key of [...new Set(toMove)]) {
    const value = lookupDotted(facts.document.data, key);
    if (value === undefined) {
      if (answers.move.includes(key))
        throw new UserError(`[secrets] move: ${key} is not set in ${located.config.relative}. Nothing was written.`, 'answers-invalid');
      continue;
    }
    if (typeof value !== 'string')
      throw new UserError(`[secrets] move: ${key} is not a text value. Nothing was written.`, 'answers-invalid');
    if (tokenize(value).some((token) => token.kind !== 'text')) continue; // already a placeholder ($secret{}, $env{}, ...)
    let alias = aliasFor(key);
    for (let n = 2; taken.has(alias); n++) alias = `${aliasFor(key)}_${n}`;
    taken.add(alias);
    const dot = key.lastIndexOf('.');
    changes.push({ table: key.slice(0, dot).split('.'), key: key.slice(dot + 1), value: `$secret{${alias}}` });
    changes.push({ table: ['secrets'], key: alias, value: encryptSecret(certificate, value) });
    newValues.set(alias, value);
    moved.push(`${key} -> $secret{${alias}}`);
  }

  const writes: FileWrite[] = [];
  const notes: string[] = [];
  const actions: PlanAction[] = [];
  if (encrypted.length > 0) actions.push({ kind: 're-encrypt', aliases: encrypted, why: 'plain text in brackets' });
  if (moved.length > 0)
    actions.push({
      kind: 'take',
      what: `${moved.length} password${moved.length === 1 ? '' : 's'} into the secure vault: ${moved.join(', ')}`,
    });

  // How the server gets the internal keystore's password at start-up.
  const persist = path.join(home, 'password-persist');
  const persistBytes = facts.files.present(persist);
  const tmpExists = Boolean(facts.files.present(path.join(home, 'password-tmp')));
  const storePassword = knownSecret(internal.password) ?? pair.storePassword;
  if (answers.passwordFile === 'persist' && !persistBytes) {
    const content = pair.keyPassword === storePassword ? `${storePassword}\n` : `${storePassword}\n${pair.keyPassword}\n`;
    writes.push({ path: persist, content: Buffer.from(content, 'utf8'), mode: 0o600, role: 'vault password file' });
    notes.push(
      `password-persist (0600) gives the server the internal keystore's password at start-up; anyone who can read it can decrypt every secret, so keep the home's permissions tight.${pair.keyPassword === storePassword ? '' : ' Its second line, the key password, is read only when the server starts with -Dkey.password=true.'}`,
    );
  } else if (persistBytes) {
    notes.push("password-persist already gives the server the internal keystore's password: left as it is.");
  } else {
    notes.push(
      `At start-up the server asks for the internal keystore's password ("[Enter KeyStore and Private Key Password :]")${tmpExists ? ', unless password-tmp gives it' : ''}; for an unattended start write it to password-tmp (deleted after reading) or password-persist.`,
    );
  }

  // secret-conf.properties, when the home has it, must name the internal keystore.
  const secretConf = path.join(home, SECRET_CONF);
  const conf = facts.files.bytes('vault-conf', secretConf);
  if (conf) {
    const text = conf.toString('utf8');
    const updated = withIdentity(text, { location: internal.file, type: internal.type, alias: internal.alias ?? '' });
    if (updated !== text) {
      writes.push({ path: secretConf, content: Buffer.from(updated, 'utf8'), role: 'secure vault configuration' });
      notes.push(`${SECRET_CONF} is pointed at the internal keystore (${path.relative(home, internal.file)}).`);
    }
  }

  if (changes.length === 0 && writes.length === 0) {
    return unchangedChange(
      facts,
      'secrets',
      located.config.relative,
      'Every password is already in the secure vault and every [secrets] value is encrypted. Nothing to change.',
      notes,
    );
  }
  const settled = await settleAfterState({
    facts,
    changes,
    roles: [],
    writes: new Map(writes.map((write): [string, Buffer] => [write.path, write.content])),
    secretValues: newValues,
  });
  notes.push(...settled.notes);
  writes.push({ path: located.config.path, content: Buffer.from(settled.after, 'utf8'), role: 'config' });
  actions.push({
    kind: 'patch-config',
    path: located.config.path,
    keys: [...new Set(settled.changes.map((change) => `[${change.table.join('.')}] ${change.key}`))],
  });
  actions.push({ kind: 'backup', paths: writes.map((write) => write.path) });
  const expected: ExpectedFile[] = [{ path: located.config.path, sha256: facts.configSha256 }];
  for (const write of writes) {
    if (write.path === located.config.path) continue;
    const current = facts.files.present(write.path);
    expected.push({ path: write.path, sha256: current ? sha256Hex(current) : null });
  }
  return {
    procedure: 'secrets',
    home,
    actions,
    writes,
    expected,
    keystores: [],
    config: {
      path: located.config.path,
      relative: located.config.relative,
      before: facts.configText,
      after: settled.after,
      changes: settled.changes,
    },
    notes,
    startup: { before: settled.openedBefore, envOverlay: settled.envOverlay, ...(settled.vaultAfter ? { vault: settled.vaultAfter } : {}) },
  };
}
