/**
 * The server's view of a home: for every key of every keystore role, the value the product will use and where it
 * came from. The product's rule (its config mapper) is: a key the configuration sets wins; every other key comes
 * from `repository/resources/conf/default.json`; `$ref{}` placeholders are then followed to the end. Homes without
 * a default.json of their own use the table embedded per profile (core/product-defaults.ts), taken from the
 * shipped files. There is no other rule: a missing `key_password` is whatever default.json says (`wso2carbon`, or
 * on MI 4 the primary's through `$ref`), never "the same as this table's password".
 *
 * The same rule also finds the keys outside the three tables whose defaults `$ref` a role (transport listeners and
 * senders, the management API): set explicitly in the configuration, they make a listener open another file.
 */
import path from 'node:path';
import { HARD_CODED_INTERNAL_KEYSTORE, PRODUCT_DEFAULTS } from '../core/product-defaults.js';
import type { KeystoreRole } from '../answers/types.js';
import { PROFILES, type IgnoredTable, type Profile, type ProfileId } from '../core/profiles.js';
import { classifySecretValue } from '../keystore/cipher-tool.js';
import {
  classifySecret,
  expandRefs,
  hasTable,
  isTable,
  lookupDotted,
  scalarText,
  substituteText,
  tokenize,
  type SecretValue,
} from './placeholders.js';
import type { DefaultsMap } from './read.js';
import { keyLines } from './key-lines.js';

export type RoleKey = 'file_name' | 'type' | 'password' | 'alias' | 'key_password';
export const ROLE_KEYS: readonly RoleKey[] = ['file_name', 'type', 'password', 'alias', 'key_password'];
const TRUSTSTORE_KEYS: readonly RoleKey[] = ['file_name', 'type', 'password'];

/** Where a raw value was found: a line of the configuration, the home's default.json, or the embedded table. */
export type Origin =
  | { kind: 'config'; file: string; line?: number }
  | { kind: 'default.json'; file: string }
  | { kind: 'built-in'; profile: ProfileId }
  /** A value the product's own templates write whatever the configuration says (MI 1.x's internal keystore). */
  | { kind: 'hard-coded'; profile: ProfileId };

/** One key as the server resolves it. `text` keeps `$env{}`, `$sys{}` and `$secret{}`; only `$ref{}` is followed. */
export interface ResolvedSetting {
  /** The flat key, e.g. `keystore.internal.key_password`. */
  key: string;
  origin?: Origin;
  /** Each `$ref{}` followed, in order, with where its value came from. */
  via: Array<{ key: string; origin?: Origin }>;
  /** After `$ref` expansion; undefined when nothing gives a value or a `$ref` cannot be followed. */
  text?: string;
}

/** One place the product opens a keystore from: a role's table, or a key family that defaults to a role. */
interface KeystoreOpening {
  /** Absolute path of the file the product opens. */
  file: string;
  type: string;
  password: SecretValue;
  /** Absent for truststores: the product reads no alias there. */
  alias?: string;
  keyPassword?: SecretValue;
  settings: Partial<Record<RoleKey, ResolvedSetting>>;
  /** Sentences about values that will not work as written (never containing a password). */
  problems: string[];
  /** A `$ref` that could not be followed safely (too deep, too long): the configuration is unusable as it is. */
  invalid?: boolean;
}

export interface ResolvedKeystore extends KeystoreOpening {
  role: KeystoreRole;
  /** The TOML table the values came from (the primary's table when the internal keystore is the primary). */
  table: string;
  /** Whether this role's own table is in the file and read by the product. */
  configured: boolean;
  /** Whether the product lets this role be configured separately (false for internal on mi-1.1 / mi-1.2). */
  configurable: boolean;
  /** `file_name` as the file writes it, or the default in the configuration's form when the file does not. */
  fileNameAsWritten: string;
  /** Internal keystore that resolves to the primary's file and alias. */
  sameAsPrimary?: boolean;
  /**
   * Internal keystore that follows the primary by itself (its table is absent, so every key is `$ref` to the
   * primary's): changing the primary changes it. False where the internal keystore is hard-coded (MI 1.x).
   */
  followsPrimary?: boolean;
}

/**
 * A key family outside the role tables whose shipped defaults `$ref` a role (e.g. `transport.http.listener.keystore`
 * refs `keystore.primary.*`), with at least one key set explicitly in the configuration.
 */
export interface KeystoreReference extends KeystoreOpening {
  /** The dotted table of the family, e.g. `transport.http.listener.keystore`. */
  prefix: string;
  /** The role its defaults follow. */
  role: KeystoreRole;
  /** For each role key, the family's own key name (`location` for `file_name` on MI 1.2 and 4). */
  keyNames: Partial<Record<RoleKey, string>>;
  /** Role keys the configuration sets for this family. */
  explicit: RoleKey[];
}

/** A dynamic SSL profile file the configuration names (`...ssl_profile.file_path`). */
export interface SslProfileFile {
  key: string;
  file: string;
}

export type SecretState = 'plaintext' | 'encrypted' | 'unrecognised';
export interface SecretReport {
  alias: string;
  /** 'plaintext': `[value]` waiting for the cipher tool; 'encrypted': Base64 ciphertext. */
  state: SecretState;
}

export interface ResolvedConfig {
  profile: ProfileId;
  roles: Record<KeystoreRole, ResolvedKeystore>;
  references: KeystoreReference[];
  sslProfiles: SslProfileFile[];
  /** Tables in the file that this product does not read, and why. */
  ignoredTables: IgnoredTable[];
  secrets: SecretReport[];
}

export interface ResolveInput {
  home: string;
  profile: ProfileId;
  data: Readonly<Record<string, unknown>>;
  /** The home's own default.json, when it has one. */
  defaults?: DefaultsMap;
  defaultsPath?: string;
  /** The configuration's text and path, for the line numbers of explicit values. */
  text?: string;
  configPath?: string;
  env: NodeJS.ProcessEnv;
  /** The `[secrets]` values decrypted with the internal key, when the vault is unlocked. */
  vault?: ReadonlyMap<string, string>;
}

/** Everything needed to look up one raw value; built once per resolution. */
class Sources {
  readonly profile: Profile;
  private readonly embedded: Readonly<Record<string, string>>;
  private lines?: Map<string, number>;

  constructor(private readonly input: ResolveInput) {
    this.profile = PROFILES[input.profile];
    this.embedded = PRODUCT_DEFAULTS[input.profile];
  }

  /** The key's raw value and its origin, before placeholders: the configuration, else default.json. */
  raw(key: string): { raw: unknown; origin: Origin } | undefined {
    const own = lookupDotted(this.input.data, key);
    if (own !== undefined) return { raw: own, origin: this.configOrigin(key) };
    const fromHome = this.input.defaults?.[key];
    if (fromHome !== undefined) return { raw: fromHome, origin: { kind: 'default.json', file: this.input.defaultsPath ?? 'default.json' } };
    const embedded = this.embedded[key];
    if (embedded !== undefined) return { raw: embedded, origin: { kind: 'built-in', profile: this.profile.id } };
    return undefined;
  }

  isExplicit(key: string): boolean {
    const value = lookupDotted(this.input.data, key);
    return value !== undefined && !isTable(value);
  }

  /** Every flat key of the defaults (the home's and the embedded table's). */
  defaultKeys(): Iterable<[string, string]> {
    const merged = new Map<string, string>(Object.entries(this.embedded));
    for (const [key, value] of Object.entries(this.input.defaults ?? {})) merged.set(key, String(value));
    return merged;
  }

  private configOrigin(key: string): Origin {
    const file = this.input.configPath ?? 'configuration';
    if (this.input.text === undefined) return { kind: 'config', file };
    this.lines ??= keyLines(this.input.text);
    const line = this.lines.get(key);
    return line === undefined ? { kind: 'config', file } : { kind: 'config', file, line };
  }

  /** Expands one key's value the product's way, recording each `$ref` it follows. */
  setting(key: string): ResolvedSetting & { problems: string[]; fatal?: boolean } {
    const found = this.raw(key);
    const setting: ResolvedSetting & { problems: string[]; fatal?: boolean } = { key, via: [], problems: [] };
    if (!found) return setting;
    setting.origin = found.origin;
    const text = scalarText(found.raw);
    if (text === undefined) {
      // An array, a table or a date where the product wants one value: its templates cannot use it either.
      setting.problems.push('is not a single value (a string, or a number)');
      setting.fatal = true;
      return setting;
    }
    const expansion = expandRefs(
      text,
      (ref) => {
        const target = this.raw(ref);
        setting.via.push({ key: ref, ...(target ? { origin: target.origin } : {}) });
        return target?.raw;
      },
      [key],
    );
    setting.problems.push(...expansion.problems);
    if (expansion.fatal) setting.fatal = true;
    if (expansion.value !== undefined) setting.text = expansion.value;
    return setting;
  }
}

export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const sources = new Sources(input);
  const profile = sources.profile;
  const primary = resolveRole(sources, input, 'primary', profile.tables.primary);
  const truststore = resolveRole(sources, input, 'truststore', profile.tables.truststore);
  return {
    profile: profile.id,
    roles: { primary, internal: resolveInternal(sources, input, primary), truststore },
    references: resolveReferences(sources, input),
    sslProfiles: sslProfileFiles(input),
    ignoredTables: profile.tablesIgnored.filter((ignored) => hasTable(input.data, ignored.table)),
    secrets: reportSecrets(input.data),
  };
}

function resolveInternal(sources: Sources, input: ResolveInput, primary: ResolvedKeystore): ResolvedKeystore {
  const profile = sources.profile;
  const fixed = HARD_CODED_INTERNAL_KEYSTORE[profile.id];
  if (!profile.internalConfigurable && fixed) {
    // MI 1.x: carbon.xml's <InternalKeyStore> is written with literal values, whatever the tables say.
    const origin: Origin = { kind: 'hard-coded', profile: profile.id };
    const setting = (key: RoleKey, text: string): ResolvedSetting => ({ key: `InternalKeyStore.${key}`, origin, via: [], text });
    const file = path.resolve(input.home, fixed.path);
    return {
      role: 'internal',
      table: primary.table,
      configured: false,
      configurable: false,
      file,
      fileNameAsWritten: fixed.path,
      type: fixed.type,
      password: { kind: 'literal', value: fixed.password },
      alias: fixed.alias,
      keyPassword: { kind: 'literal', value: fixed.keyPassword },
      settings: {
        file_name: setting('file_name', fixed.path),
        type: setting('type', fixed.type),
        password: setting('password', fixed.password),
        alias: setting('alias', fixed.alias),
        key_password: setting('key_password', fixed.keyPassword),
      },
      problems: [],
      sameAsPrimary: file === primary.file && fixed.alias.toLowerCase() === (primary.alias ?? '').toLowerCase(),
      followsPrimary: false,
    };
  }
  const internal = resolveRole(sources, input, 'internal', profile.tables.internal);
  const same = internal.file === primary.file && (internal.alias ?? '').toLowerCase() === (primary.alias ?? '').toLowerCase();
  internal.sameAsPrimary = same;
  internal.followsPrimary = !internal.configured;
  if (!internal.configured && same) internal.table = primary.table;
  return internal;
}

function resolveRole(sources: Sources, input: ResolveInput, role: KeystoreRole, table: string): ResolvedKeystore {
  const keyNames = Object.fromEntries((role === 'truststore' ? TRUSTSTORE_KEYS : ROLE_KEYS).map((key) => [key, key])) as Partial<
    Record<RoleKey, string>
  >;
  const opening = resolveOpening(sources, input, table, keyNames, (fileName, problems) =>
    keystorePath(sources.profile, input.home, fileName, table, problems),
  );
  const fileSetting = opening.settings.file_name;
  const writtenRaw = fileSetting?.origin?.kind === 'config' ? scalarText(lookupDotted(input.data, `${table}.file_name`)) : undefined;
  return {
    ...opening,
    role,
    table,
    configured: hasTable(input.data, table),
    configurable: role !== 'internal' || sources.profile.internalConfigurable,
    fileNameAsWritten: writtenRaw ?? fileSetting?.text ?? '',
  };
}

/** Resolves one family of keys (a role's table or a reference) into the keystore the product opens. */
function resolveOpening(
  sources: Sources,
  input: ResolveInput,
  table: string,
  keyNames: Partial<Record<RoleKey, string>>,
  toPath: (fileName: string, problems: string[]) => string,
): KeystoreOpening {
  const problems: string[] = [];
  const settings: Partial<Record<RoleKey, ResolvedSetting>> = {};
  const sys = { 'carbon.home': input.home };
  let invalid = false;

  const expanded = (key: RoleKey): string | undefined => {
    const name = keyNames[key];
    if (name === undefined) return undefined;
    const { problems: found, fatal, ...setting } = sources.setting(`${table}.${name}`);
    settings[key] = setting;
    problems.push(...found.map((problem) => `[${table}] ${name}${problem.startsWith('is ') ? ' ' : ': '}${problem}`));
    if (fatal) invalid = true;
    return setting.text;
  };
  const plain = (key: RoleKey): string | undefined => {
    const value = expanded(key);
    if (value === undefined) return undefined;
    const result = substituteText(value, input.env, sys);
    problems.push(...result.problems.map((problem) => `[${table}] ${keyNames[key]}: ${problem}`));
    return result.value;
  };
  const secret = (key: RoleKey): SecretValue => {
    const value = expanded(key);
    return value === undefined ? { kind: 'missing' } : classifySecret(value, input.env, input.vault);
  };

  const fileName = plain('file_name') ?? '';
  const file = toPath(fileName, problems);
  const type = plain('type') ?? 'JKS';
  const opening: KeystoreOpening = { file, type, password: secret('password'), settings, problems };
  if (keyNames.alias !== undefined) {
    const alias = plain('alias');
    if (alias !== undefined) opening.alias = alias;
  }
  if (keyNames.key_password !== undefined) opening.keyPassword = secret('key_password');
  if (invalid) opening.invalid = true;
  return opening;
}

/** Where the product looks for a role's file: bare names under the security directory, paths relative to the home. */
function keystorePath(profile: Profile, home: string, fileName: string, table: string, problems: string[]): string {
  if (fileName === '') {
    problems.push(`[${table}] file_name is empty`);
    return path.join(home, profile.securityDir);
  }
  const pathLike = fileName.includes('/') || fileName.includes('\\') || path.isAbsolute(fileName);
  if (profile.fileNameForm === 'home-relative') {
    if (!pathLike) {
      problems.push(
        `[${table}] file_name "${fileName}" is a bare name, but ${profile.label} reads it relative to the home: ` +
          `write "${profile.securityDir}/${fileName}"`,
      );
    }
    return path.resolve(home, fileName);
  }
  if (pathLike) {
    problems.push(
      `[${table}] file_name "${fileName}" is a path, but ${profile.label} puts it under ${profile.securityDir}/: ` +
        `write the bare file name and keep the file in that directory`,
    );
  }
  return path.join(home, profile.securityDir, fileName);
}

/** A reference's `location` is a path the server opens relative to its home (the defaults spell it so). */
function referencePath(home: string, location: string, table: string, problems: string[]): string {
  if (location === '') {
    problems.push(`[${table}] location is empty`);
    return home;
  }
  return path.resolve(home, location);
}

const REF = /\$ref\{([^}]*)\}/;

/**
 * Every key family whose defaults `$ref` a role key, found in the defaults themselves (so a newer default.json
 * brings its own), and kept when the configuration sets at least one of its keys.
 */
function resolveReferences(sources: Sources, input: ResolveInput): KeystoreReference[] {
  const profile = sources.profile;
  const roleOfTable = new Map<string, KeystoreRole>([
    [profile.tables.primary, 'primary'],
    [profile.tables.truststore, 'truststore'],
  ]);
  if (profile.internalConfigurable) roleOfTable.set(profile.tables.internal, 'internal');
  const families = new Map<string, { role: KeystoreRole; keyNames: Partial<Record<RoleKey, string>> }>();
  for (const [key, value] of sources.defaultKeys()) {
    const ref = REF.exec(value)?.[1]?.trim();
    if (!ref) continue;
    const dot = ref.lastIndexOf('.');
    const role = roleOfTable.get(ref.slice(0, dot));
    const roleKey = ref.slice(dot + 1) as RoleKey;
    if (!role || !ROLE_KEYS.includes(roleKey)) continue;
    const split = key.lastIndexOf('.');
    const prefix = key.slice(0, split);
    if (roleOfTable.has(prefix) || prefix === profile.tables.internal) continue;
    const family = families.get(prefix) ?? { role, keyNames: {} };
    family.keyNames[roleKey] = key.slice(split + 1);
    families.set(prefix, family);
  }
  const references: KeystoreReference[] = [];
  for (const [prefix, family] of families) {
    const explicit = (Object.entries(family.keyNames) as Array<[RoleKey, string]>)
      .filter(([, name]) => sources.isExplicit(`${prefix}.${name}`))
      .map(([key]) => key);
    if (explicit.length === 0) continue;
    const opening = resolveOpening(sources, input, prefix, family.keyNames, (location, problems) =>
      referencePath(input.home, location, prefix, problems),
    );
    references.push({ ...opening, prefix, role: family.role, keyNames: family.keyNames, explicit });
  }
  return references.sort((a, b) => a.prefix.localeCompare(b.prefix));
}

/** Dynamic SSL profiles (`listener.ssl_profile.file_path` and the like): XML files that name keystores too. */
function sslProfileFiles(input: ResolveInput): SslProfileFile[] {
  const found: SslProfileFile[] = [];
  const walk = (node: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (isTable(value)) walk(value, key);
      else if (key.endsWith('ssl_profile.file_path') && typeof value === 'string') {
        const text = substituteText(value, input.env, { 'carbon.home': input.home }).value;
        if (!tokenize(text).some((token) => token.kind !== 'text')) found.push({ key, file: path.resolve(input.home, text) });
      }
    }
  };
  walk(input.data as Record<string, unknown>, '');
  return found;
}

/** The [secrets] table: which values still wait for the cipher tool and which are ciphertext. Values stay out. */
export function reportSecrets(data: Readonly<Record<string, unknown>>): SecretReport[] {
  const table = data.secrets;
  if (!isTable(table)) return [];
  return Object.entries(table).map(([alias, value]) => ({ alias, state: secretState(value) }));
}

/** The `[secrets]` values as strings (the cipher tool only writes strings there); values never leave memory. */
export function secretsOf(data: Readonly<Record<string, unknown>>): Record<string, string> {
  const table = data.secrets;
  if (!isTable(table)) return {};
  return Object.fromEntries(Object.entries(table).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : [])));
}

/** One definition of "encrypted" for status and for the secrets guard of apply: the cipher tool's. */
function secretState(value: unknown): SecretState {
  if (typeof value !== 'string') return 'unrecognised';
  const kind = classifySecretValue(value.trim());
  return kind === 'other' ? 'unrecognised' : kind;
}

/** For messages and --json: where a setting's value comes from, in words (`conf/deployment.toml:12`, ...). */
export function describeOrigin(origin: Origin | undefined, home: string): string {
  if (!origin) return 'nowhere (no default)';
  switch (origin.kind) {
    case 'config':
      return `${path.relative(home, origin.file) || origin.file}${origin.line ? `:${origin.line}` : ''}`;
    case 'default.json':
      return path.relative(home, origin.file) || origin.file;
    case 'built-in':
      return `the shipped default.json of ${PROFILES[origin.profile].label} (built in)`;
    case 'hard-coded':
      return `hard-coded in the carbon.xml template of ${PROFILES[origin.profile].label}`;
  }
}

/** Resolves a configuration document as read (or `data` standing in for it, e.g. the configuration after a change). */
export function resolveDocument(
  document: {
    home: string;
    profile: ProfileId;
    data: Readonly<Record<string, unknown>>;
    text?: string;
    config: { path: string };
    defaults?: DefaultsMap;
    defaultsPath?: string;
  },
  env: NodeJS.ProcessEnv,
  after?: { data: Readonly<Record<string, unknown>>; text?: string },
  vault?: ReadonlyMap<string, string>,
): ResolvedConfig {
  return resolveConfig({
    home: document.home,
    profile: document.profile,
    data: after?.data ?? document.data,
    text: after ? after.text : document.text,
    configPath: document.config.path,
    ...(document.defaults ? { defaults: document.defaults } : {}),
    ...(document.defaultsPath ? { defaultsPath: document.defaultsPath } : {}),
    ...(vault ? { vault } : {}),
    env,
  });
}
