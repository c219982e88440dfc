/**
 * A change is planned against the configuration as it will be after it, not only against the table it edits.
 * The product resolves every role again at start-up, and keys another role inherits through `$ref` change with
 * the edited table; keys outside the role tables that name the replaced file must move with it; a password kept
 * as `$env{}` must stay a placeholder. This module turns a procedure's own edits into the complete, safe set:
 *
 * 1. passwords written as a placeholder stay placeholders (the plan says what to set before restarting);
 * 2. explicit references (transport listeners, the management API) that open the replaced file follow it;
 * 3. values another role inherited and would lose are written into that role explicitly ("pinned");
 * 4. everything the server opened before must still open after, or the change is refused, nothing written.
 */
import path from 'node:path';
import { SECRET_CONF, withIdentity } from '../vault/secret-conf.js';
import type { KeystoreRole } from '../answers/types.js';
import { patchToml, type TomlChange } from '../config/patch.js';
import { parseConfigText } from '../config/read.js';
import { resolveDocument, ROLE_KEYS, secretsOf, type KeystoreReference, type ResolvedConfig, type RoleKey } from '../config/resolve.js';
import { lookupDotted, tokenize } from '../config/placeholders.js';
import { sslProfileLocations } from '../config/ssl-profiles.js';
import { UserError } from '../errors.js';
import type { FileWrite } from '../apply/changes.js';
import { encryptSecret } from '../keystore/cipher-tool.js';
import { needsVault, secretAliasesInUse } from '../vault/unlock.js';
import type { HomeSnapshot } from './home-snapshot.js';
import { newlyBroken, opensAtStartup, type Opening } from './opens-at-startup.js';

/** What the procedure sets its role to. Passwords are the new ones; undefined keys are not changed. */
export interface RoleAfter {
  role: KeystoreRole;
  /** Absolute path of the role's keystore after the change. */
  file: string;
  type: string;
  password: string;
  alias?: string;
  keyPassword?: string;
  /** The role's certificate after the change: for the internal role, what new `[secrets]` values are encrypted for. */
  leaf?: Buffer;
}

export interface SettleInput {
  facts: HomeSnapshot;
  /** The procedure's own edits (its role's table, [secrets], a kept internal keystore...). */
  changes: readonly TomlChange[];
  /** The roles this change points somewhere new (the procedure's role; the internal one when it keeps the old key). */
  roles: readonly RoleAfter[];
  /** Files the change writes, by absolute path: the server will find these bytes there. */
  writes: ReadonlyMap<string, Buffer>;
  /** `[secrets]` values the change itself encrypts (alias -> plaintext), for resolving the after-state. */
  secretValues?: ReadonlyMap<string, string>;
  /** openingsBefore(facts), when the procedure started it earlier (while its new key pair was being generated). */
  openedBefore?: Promise<Opening[]>;
}

/**
 * What the server opens in the home as the snapshot shows it: the state a change must not break. It depends on
 * the snapshot alone, so a procedure can start it while it waits for something else (a new key pair); the
 * promise's failure, if any, is raised where settleAfterState awaits it.
 */
export function openingsBefore(facts: HomeSnapshot): Promise<Opening[]> {
  const opened = opensAtStartup(
    facts.resolved,
    secretsOf(facts.document.data),
    async (file) => facts.files.present(file),
    facts.env,
    facts.located.home,
  );
  opened.catch(() => undefined);
  return opened;
}

export interface Settled {
  changes: TomlChange[];
  /** The configuration text after the change. */
  after: string;
  notes: string[];
  /** `$env{}` names the plan asks the admin to set to the new passwords; the verification assumes they are. */
  envOverlay: Record<string, string>;
  /** What the server opened before the change: the verification compares the staged result with it. */
  openedBefore: Opening[];
  /** Keys written beyond the procedure's own table, each with why (shown in the plan). */
  extraKeys: Array<{ key: string; why: string }>;
  /** Files beyond the keystores and the configuration: the vault's password-persist when its password changes. */
  writes: FileWrite[];
  /** `$secret{}` aliases whose `[secrets]` value this change writes anew (plan: "re-encrypt"). */
  vaultAliases: string[];
  /** The vault's values as the server will decrypt them after the change (in memory only, for the verification). */
  vaultAfter?: ReadonlyMap<string, string>;
}

const PASSWORD_KEYS: readonly RoleKey[] = ['password', 'key_password'];

/** Refuses a new password that the product would expand as a placeholder. */
export function refusePlaceholderPassword(field: string, value: string): void {
  if (/\$(env|sys|secret|ref)\{/.test(value)) {
    throw new UserError(
      `${field}: the new password contains "$env{", "$sys{", "$secret{" or "$ref{", which the product would expand as a placeholder instead of using it as written. Choose a password without that sequence.`,
      'answers-invalid',
    );
  }
}

export async function settleAfterState(input: SettleInput): Promise<Settled> {
  const { facts } = input;
  const before = facts.resolved;
  const notes: string[] = [];
  const envOverlay: Record<string, string> = {};
  const extraKeys: Settled['extraKeys'] = [];
  const changes: TomlChange[] = [];
  const env = () => ({ ...facts.env, ...envOverlay });
  const changing = new Map(input.changes.map((change) => [`[${change.table.join('.')}] ${change.key}`, change.value]));
  const placeholders = new PlaceholderKeeper(facts, internalLeafAfter(facts, input.roles), envOverlay, notes, changing);
  for (const [alias, value] of input.secretValues ?? []) placeholders.known(alias, value);
  const keptPlaceholder = (change: TomlChange): boolean => placeholders.keep(change, changes);

  // 1. Placeholders stay placeholders.
  for (const change of input.changes) {
    const keep = keptPlaceholder(change);
    if (!keep) changes.push(change);
  }

  // 2. References that open a replaced file follow it.
  for (const roleAfter of input.roles) {
    const old = before.roles[roleAfter.role];
    for (const reference of before.references.filter((candidate) => candidate.role === roleAfter.role)) {
      if (reference.file !== old.file) {
        notes.push(
          `[${reference.prefix}] opens ${relative(facts, reference.file)}, not the ${roleAfter.role} keystore this change replaces: left as it is.`,
        );
        continue;
      }
      for (const change of followRole(facts, reference, roleAfter)) {
        if (!keptPlaceholder(change)) {
          changes.push(change);
          extraKeys.push({ key: `[${change.table.join('.')}] ${change.key}`, why: `it opened the replaced ${roleAfter.role} keystore` });
        }
      }
    }
    notes.push(...(await sslProfileNotes(facts, old.file, roleAfter.role)));
  }

  changes.push(...placeholders.secretChanges);
  if (placeholders.plaintextWritten.length > 0) {
    notes.push(
      `${[...new Set(placeholders.plaintextWritten)].join(', ')} ${placeholders.plaintextWritten.length === 1 ? 'is' : 'are'} written in plain text in ${path.basename(facts.located.config.path)}. To keep passwords out of the file, run ei-keystore apply secrets afterwards (templates/answers/secrets.toml).`,
    );
  }

  // 3. Keys other roles inherited are written where they would otherwise change.
  let after = patch(facts, changes);
  let resolved = resolveAfter(facts, after, env(), placeholders.vaultAfter());
  const pins = inheritedPins(before, resolved, input.roles);
  if (pins.length > 0) {
    for (const pin of pins) {
      changes.push(pin.change);
      extraKeys.push({ key: `[${pin.change.table.join('.')}] ${pin.change.key}`, why: pin.why });
      notes.push(`[${pin.change.table.join('.')}] ${pin.change.key} is written with the value it inherited until now, so ${pin.why}.`);
    }
    after = patch(facts, changes);
    resolved = resolveAfter(facts, after, env(), placeholders.vaultAfter());
  }

  // The vault's files follow the internal keystore, and the server will find them as planned.
  const writes = await vaultPasswordFile(facts, input.roles, notes);

  // 4. Whatever opened before must open after.
  const home = facts.located.home;
  const onDisk = async (file: string) => facts.files.present(file);
  const plannedWrites = new Map([...input.writes, ...writes.map((write): [string, Buffer] => [write.path, write.content])]);
  const planned = async (file: string) => plannedWrites.get(file) ?? facts.files.present(file);
  const openedBefore = await (input.openedBefore ?? opensAtStartup(before, secretsOf(facts.document.data), onDisk, facts.env, home));
  const openedAfter = await opensAtStartup(resolved, secretsOf(parseConfigText(after, facts.located.config.path)), planned, env(), home);
  const broken = newlyBroken(openedBefore, openedAfter);
  if (broken.length > 0) {
    throw new UserError(
      `This change would leave the server unable to open ${broken.map(({ after: now }) => `${now.label}: ${now.reason}`).join('; ')}. Nothing was written. ` +
        'Change the answers so that role keeps working, or change that role first.',
      'breaks-other-role',
    );
  }
  for (const name of Object.keys(envOverlay)) {
    if (facts.env[name] === undefined) continue;
    const stale = openedBefore.find((opening) => opening.outcome === 'fails' && input.roles.some((role) => opening.id === role.role));
    if (stale)
      notes.push(
        `$env{${name}} is set in this shell but does not open the current ${stale.id} keystore (${stale.reason}); check what the server's environment sets.`,
      );
  }
  const vaultAfter = placeholders.vaultAfter();
  return {
    changes,
    after,
    notes,
    envOverlay,
    openedBefore,
    extraKeys,
    writes,
    vaultAliases: placeholders.rewritten,
    ...(vaultAfter ? { vaultAfter } : {}),
  };
}

/**
 * Passwords written as placeholders stay placeholders. `$env{X}` and `$sys{x}` lines are left as they are (the admin
 * sets X); a `$secret{alias}` gets a new `[secrets]` value, encrypted for the internal key as it will be after the
 * change (its own alias when another key shares the old one), once the vault is unlocked; a value mixing text and
 * a placeholder cannot be kept and is refused.
 */
class PlaceholderKeeper {
  readonly rewritten: string[] = [];
  /** Password keys this change writes in plain text (the plan suggests the vault). */
  readonly plaintextWritten: string[] = [];
  /** The new `[secrets]` values, to be applied after every other edit. */
  readonly secretChanges: TomlChange[] = [];
  private readonly newValues = new Map<string, string>();
  private readonly inUse: Map<string, string[]>;

  constructor(
    private readonly facts: HomeSnapshot,
    private readonly internalLeaf: Buffer | undefined,
    private readonly envOverlay: Record<string, string>,
    private readonly notes: string[],
    /** What this change sets, by "[table] key": keys sharing an alias and set to the same value may keep sharing it. */
    private readonly changing: ReadonlyMap<string, unknown>,
  ) {
    this.inUse = secretAliasesInUse(facts.resolved);
  }

  /** The vault's values as the server will decrypt them after the change. */
  vaultAfter(): ReadonlyMap<string, string> | undefined {
    if (!this.facts.vault && this.newValues.size === 0) return undefined;
    return new Map([...(this.facts.vault?.values ?? []), ...this.newValues]);
  }

  /** A value the change encrypts itself (apply secrets). */
  known(alias: string, value: string): void {
    this.newValues.set(alias, value);
  }

  /** True when `change` is dropped because its line stays a placeholder; vault writes go into `changes`. */
  keep(change: TomlChange, changes: TomlChange[]): boolean {
    if (!PASSWORD_KEYS.includes(change.key as RoleKey) || typeof change.value !== 'string') return false;
    // A new value that is itself a placeholder (apply secrets writes $secret{}) is neither kept nor plain text.
    if (tokenize(change.value).some((token) => token.kind !== 'text')) return false;
    const where = `[${change.table.join('.')}] ${change.key}`;
    const explicit = lookupDotted(this.facts.document.data, [...change.table, change.key].join('.'));
    if (explicit === undefined) {
      // A key the table inherits from a vault value (MI 4's [keystore.internal] from the primary's $secret{}): the
      // new password goes into the vault as well, under this key's own alias.
      const inherited = this.inheritedText(change);
      const lone = inherited === undefined ? undefined : tokenize(inherited);
      if (lone?.length === 1 && lone[0]!.kind === 'secret')
        return this.keepSecret(where, change, change.value, lone[0]!.name, changes, aliasForKey(change));
      this.plaintextWritten.push(where);
      return false;
    }
    const current = explicit;
    if (typeof current !== 'string') return false;
    const tokens = tokenize(current);
    const placeholders = tokens.filter((token) => token.kind !== 'text');
    if (placeholders.length === 0) {
      this.plaintextWritten.push(where);
      return false;
    }
    const lone = tokens.length === 1 ? placeholders[0] : undefined;
    if (!lone || lone.kind === 'ref') {
      if (placeholders.every((token) => token.kind === 'ref')) return false; // a $ref is this tool's to replace
      throw new UserError(
        `${where} mixes text with a placeholder; the new password cannot be written in that form. Nothing was written. Make the line a single placeholder ($env{NAME}) or a plain value, and run again.`,
        'placeholder-kept',
      );
    }
    const which = change.key === 'key_password' ? 'key' : 'store';
    if (lone.kind === 'secret') return this.keepSecret(where, change, change.value, lone.name, changes);
    if (lone.kind === 'env') {
      this.envOverlay[lone.name] = change.value;
      this.notes.push(
        `${where} stays $env{${lone.name}}: set ${lone.name} to the new ${which} password in the server's environment before restarting it.`,
      );
    } else {
      this.notes.push(
        `${where} stays $sys{${lone.name}}: set the Java system property ${lone.name} (-D${lone.name}=...) to the new ${which} password before restarting the server.`,
      );
    }
    return true;
  }

  /** The text a role's key resolves to today (after `$ref`), for a key its own table does not set. */
  private inheritedText(change: TomlChange): string | undefined {
    const table = change.table.join('.');
    for (const role of ['primary', 'internal', 'truststore'] as const) {
      const target = this.facts.resolved.roles[role];
      // An internal role that is the primary reports the primary's table; the table it reads is the profile's.
      if ((target.table === table || this.facts.profile.tables[role] === table) && target.configurable)
        return target.settings[change.key as RoleKey]?.text;
    }
    return undefined;
  }

  private keepSecret(
    where: string,
    change: TomlChange,
    password: string,
    alias: string,
    changes: TomlChange[],
    ownAlias?: string,
  ): boolean {
    if (!this.facts.vault || !this.internalLeaf) {
      throw new UserError(
        `${where} is $secret{${alias}}, a secure-vault value, and the vault is locked. Give the internal keystore's password (--vault-password-env NAME, [vault] password in the answers, or <home>/password-persist) and run again. Nothing was written.`,
        'vault-locked',
      );
    }
    const users = this.inUse.get(alias) ?? [];
    const keepsOld = users.filter((user) => user !== where && this.changing.get(user) !== password);
    let target = alias;
    if (this.rewritten.includes(alias) && this.newValues.get(alias) === password) return true; // already written for a sharer
    if (ownAlias !== undefined || keepsOld.length > 0) {
      // Another key shares this alias and keeps its password: this one gets an alias of its own.
      const taken = new Set([...Object.keys(secretsOf(this.facts.document.data)), ...this.rewritten]);
      const base = ownAlias ?? `${alias}_${change.table.at(-1) ?? 'new'}_${change.key}`;
      target = base;
      for (let n = 2; taken.has(target); n++) target = `${base}_${n}`;
      changes.push({ table: change.table, key: change.key, value: `$secret{${target}}` });
      this.notes.push(
        ownAlias !== undefined
          ? `${where} is written as $secret{${target}}, encrypted for the internal key, as the value it inherited ($secret{${alias}}) was kept in the vault.`
          : `${where} moves to its own $secret{${target}}: $secret{${alias}} is also used by ${keepsOld.join(', ')}, which keep their password.`,
      );
    } else {
      this.notes.push(
        `${where} stays $secret{${alias}}: its [secrets] value is encrypted anew for the internal key, never written in plain text.`,
      );
    }
    // Kept apart and written last: a re-encryption of the old [secrets] values must not overwrite the new one.
    this.secretChanges.push({ table: ['secrets'], key: target, value: encryptSecret(this.internalLeaf, password) });
    this.newValues.set(target, password);
    this.rewritten.push(target);
    return true;
  }
}

/** The internal key's certificate after the change: what new `[secrets]` values must be encrypted for. */
function internalLeafAfter(facts: HomeSnapshot, roles: readonly RoleAfter[]): Buffer | undefined {
  const internal = roles.find((role) => role.role === 'internal');
  if (internal?.leaf) return internal.leaf;
  const primary = roles.find((role) => role.role === 'primary');
  const moves =
    primary !== undefined && (facts.resolved.roles.internal.followsPrimary || facts.resolved.roles.internal.file === primary.file);
  if (moves && primary.leaf) return primary.leaf;
  return facts.vault?.internalLeaf;
}

/**
 * When the internal keystore's password changes and the server reads it from `<home>/password-persist`, that file
 * is rewritten in the same transaction (0600, backed up); `password-tmp` is never written (the server deletes it),
 * so the plan says what to do instead.
 */
async function vaultPasswordFile(facts: HomeSnapshot, roles: readonly RoleAfter[], notes: string[]): Promise<FileWrite[]> {
  const internal = facts.resolved.roles.internal;
  const changed =
    roles.find((role) => role.role === 'internal') ??
    roles.find((role) => role.role === 'primary' && (internal.followsPrimary || internal.file === role.file));
  if (!changed) return [];
  const home = facts.located.home;
  const writes: FileWrite[] = [];
  // secret-conf.properties (the cipher tool's) names the keystore the vault opens: it follows the internal keystore.
  const conf = facts.files.bytes('vault-conf', path.join(home, SECRET_CONF));
  if (conf) {
    const text = conf.toString('utf8');
    const updated = withIdentity(text, { location: changed.file, type: changed.type, alias: changed.alias ?? '' });
    if (updated !== text) {
      writes.push({ path: path.join(home, SECRET_CONF), content: Buffer.from(updated, 'utf8'), role: 'secure vault configuration' });
      notes.push(`${SECRET_CONF} is pointed at the new internal keystore.`);
    }
  }
  const persist = path.join(home, 'password-persist');
  const existing = facts.files.present(persist);
  const key = changed.keyPassword ?? changed.password;
  // The one-shot files the server reads before password-persist (and renames or deletes): they hold what the admin
  // typed for the old keystore, and would lock the vault at the next start.
  const oneShot: string[] = [];
  for (const name of ['password', 'password-tmp']) if (facts.files.present(path.join(home, name))) oneShot.push(name);
  const oneShotNote = (name: string) =>
    `${name} holds the internal keystore's old password; write the new one there before restarting (the server reads ${name} before password-persist, then ${name === 'password' ? 'renames' : 'deletes'} it).`;
  notes.push(...oneShot.map(oneShotNote));
  if (existing) {
    const content = key === changed.password ? `${changed.password}\n` : `${changed.password}\n${key}\n`;
    if (existing.toString('utf8') === content) return writes;
    notes.push(
      `password-persist is rewritten with the internal keystore's new password${key === changed.password ? '' : 's (line 2, the key password, is read only when the server starts with -Dkey.password=true)'}.`,
    );
    return [...writes, { path: persist, content: Buffer.from(content, 'utf8'), mode: 0o600, role: 'vault password file' }];
  }
  if (oneShot.length === 0 && (facts.vault || needsVault(facts.resolved))) {
    notes.push(
      "At the next start the server asks for the internal keystore's new password (or reads it from password-tmp or password-persist).",
    );
  }
  return writes;
}

/** The reference's explicit keys, set to what the role becomes (keys it inherits follow the role by themselves). */
function followRole(facts: HomeSnapshot, reference: KeystoreReference, role: RoleAfter): TomlChange[] {
  const table = reference.prefix.split('.');
  const value: Partial<Record<RoleKey, string | undefined>> = {
    file_name: locationOf(facts, role.file),
    type: role.type,
    password: role.password,
    alias: role.alias,
    key_password: role.keyPassword ?? role.password,
  };
  return reference.explicit.flatMap((key) => {
    const name = reference.keyNames[key];
    const wanted = value[key];
    return name !== undefined && wanted !== undefined ? [{ table, key: name, value: wanted }] : [];
  });
}

/** A location as the shipped defaults write them: relative to the home when inside it. */
function locationOf(facts: HomeSnapshot, file: string): string {
  const rel = path.relative(facts.located.home, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
}

function relative(facts: HomeSnapshot, file: string): string {
  const rel = path.relative(facts.located.home, file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * Values a configured role (or an explicit reference) inherits through `$ref` and that the change would alter,
 * although that role keeps its own file: each is written into its own table with the value it had.
 */
function inheritedPins(
  before: ResolvedConfig,
  after: ResolvedConfig,
  moved: readonly RoleAfter[],
): Array<{ change: TomlChange; why: string }> {
  const pins: Array<{ change: TomlChange; why: string }> = [];
  const movedRoles = new Set(moved.map((role) => role.role));
  const consider = (
    table: string,
    keyNames: Partial<Record<RoleKey, string>>,
    was: Partial<Record<RoleKey, { origin?: { kind: string }; text?: string }>>,
    now: Partial<Record<RoleKey, { text?: string }>>,
    why: string,
  ): void => {
    for (const key of ROLE_KEYS) {
      const name = keyNames[key];
      const old = was[key];
      if (name === undefined || !old || old.origin?.kind === 'config' || old.text === undefined) continue;
      if (now[key]?.text === old.text) continue;
      pins.push({ change: { table: table.split('.'), key: name, value: old.text }, why });
    }
  };
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const was = before.roles[role];
    if (movedRoles.has(role) || !was.configured || !was.configurable) continue;
    const keyNames = Object.fromEntries(ROLE_KEYS.map((key) => [key, key]));
    consider(
      was.table,
      keyNames,
      was.settings,
      after.roles[role].settings,
      `the ${role} ${role === 'truststore' ? 'truststore' : 'key'} keeps opening`,
    );
  }
  for (const reference of before.references) {
    const now = after.references.find((candidate) => candidate.prefix === reference.prefix);
    if (!now || now.file !== reference.file) continue;
    consider(
      reference.prefix,
      reference.keyNames,
      reference.settings,
      now.settings,
      `[${reference.prefix}] keeps opening ${path.basename(reference.file)}`,
    );
  }
  return pins;
}

function patch(facts: HomeSnapshot, changes: readonly TomlChange[]): string {
  return patchToml(facts.configText, changes, { file: facts.located.config.path });
}

function resolveAfter(facts: HomeSnapshot, text: string, env: NodeJS.ProcessEnv, vault?: ReadonlyMap<string, string>): ResolvedConfig {
  const body = text.replace(/^\uFEFF/, '');
  return resolveDocument(facts.document, env, { data: parseConfigText(body, facts.located.config.path), text: body }, vault);
}

/** SSL profile files that name the replaced file: reported (file and line), never edited. */
async function sslProfileNotes(facts: HomeSnapshot, replaced: string, role: KeystoreRole): Promise<string[]> {
  const notes: string[] = [];
  for (const profile of facts.resolved.sslProfiles) {
    let xml: string;
    try {
      xml = facts.files.bytes('ssl-profile', profile.file)!.toString('utf8');
    } catch {
      continue; // status reports an unreadable profile file; the plan only cares about files that name ours
    }
    for (const location of sslProfileLocations(xml, facts.located.home)) {
      if (location.file !== replaced) continue;
      notes.push(
        `${relative(facts, profile.file)}:${location.line} (${profile.key}) names the ${role} keystore's current file in its <${location.element}>: ` +
          'this tool does not edit SSL profiles; point it at the new file (and its password) by hand before the server reloads it.',
      );
    }
  }
  return notes;
}

/** A key's own vault alias: its path with underscores (`keystore.internal.password` -> `keystore_internal_password`). */
function aliasForKey(change: TomlChange): string {
  return [...change.table, change.key].join('_').replace(/[^A-Za-z0-9_]+/g, '_');
}
