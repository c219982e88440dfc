import path from 'node:path';
import { PROFILES, type IgnoredTable, type KeystoreRole, type Profile, type ProfileId } from '../core/profiles.js';
import {
  classifySecret,
  expandRefs,
  hasTable,
  isTable,
  lookupDotted,
  scalarText,
  substituteText,
  type RefLookup,
  type SecretValue,
} from './placeholders.js';
import type { DefaultsMap } from './read.js';
import { classifySecretValue } from '../keystore/cipher-tool.js';

export type RoleKey = 'file_name' | 'type' | 'password' | 'alias' | 'key_password';
/** Where a value came from: the file, default.json, this tool's shipped defaults, or (key_password) the password. */
export type ValueSource = 'config' | 'default.json' | 'built-in' | 'password';

export interface ResolvedKeystore {
  role: KeystoreRole;
  /** The TOML table the values came from (the primary's table when the internal keystore is the primary). */
  table: string;
  /** Whether this role's own table is in the file and read by the product. */
  configured: boolean;
  /** Whether the product lets this role be configured separately (false for internal on mi-1.1 / mi-1.2). */
  configurable: boolean;
  /** Absolute path of the keystore file the product opens. */
  file: string;
  /** `file_name` as the file writes it, or the default in the configuration's form when the file does not. */
  fileNameAsWritten: string;
  type: string;
  password: SecretValue;
  alias?: string;
  keyPassword?: SecretValue;
  /** Internal keystore that resolves to the primary's file and alias. */
  sameAsPrimary?: boolean;
  sources: Partial<Record<RoleKey, ValueSource>>;
  /** Sentences about values that will not work as written (never containing a password). */
  problems: string[];
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
  /** Tables in the file that this product does not read, and why. */
  ignoredTables: IgnoredTable[];
  secrets: SecretReport[];
}

export interface ResolveInput {
  home: string;
  profile: ProfileId;
  data: Readonly<Record<string, unknown>>;
  defaults?: DefaultsMap;
  env: NodeJS.ProcessEnv;
}

const KEYSTORE_KEYS: readonly RoleKey[] = ['file_name', 'type', 'password', 'alias', 'key_password'];
const TRUSTSTORE_KEYS: readonly RoleKey[] = ['file_name', 'type', 'password'];

interface Raw {
  raw?: unknown;
  source: ValueSource;
}

/** Everything needed to look up one effective raw value; built once per resolution. */
class Sources {
  readonly profile: Profile;
  private readonly builtIn: Record<string, string>;
  private readonly readTables: Set<string>;

  constructor(private readonly input: ResolveInput) {
    this.profile = PROFILES[input.profile];
    this.builtIn = builtInDefaults(this.profile);
    const tables = this.profile.tables;
    this.readTables = new Set([tables.primary, tables.truststore]);
    if (this.profile.internalConfigurable) this.readTables.add(tables.internal);
  }

  configured(table: string): boolean {
    return this.readTables.has(table) && hasTable(this.input.data, table);
  }

  /** The value the product would use for `table.key`, before placeholders are expanded. */
  effective(table: string, key: RoleKey): Raw {
    const own = this.configured(table) ? lookupDotted(this.input.data, table) : undefined;
    if (isTable(own) && Object.hasOwn(own, key)) return { raw: own[key], source: 'config' };
    // A configured table without key_password uses its own password (the document's examples set both).
    if (key === 'key_password' && own !== undefined) return this.passwordFallback(table);
    const flat = `${table}.${key}`;
    const fromJson = this.input.defaults?.[flat];
    if (fromJson !== undefined) return { raw: fromJson, source: 'default.json' };
    const builtIn = this.builtIn[flat];
    if (builtIn !== undefined) return { raw: builtIn, source: 'built-in' };
    if (key === 'key_password') return this.passwordFallback(table);
    return { source: 'built-in' };
  }

  private passwordFallback(table: string): Raw {
    return { raw: this.effective(table, 'password').raw, source: 'password' };
  }

  /** $ref lookup: the keystore tables as the product sees them, then the file, then the defaults. */
  readonly lookup: RefLookup = (key) => {
    const dot = key.lastIndexOf('.');
    const table = key.slice(0, dot);
    const name = key.slice(dot + 1) as RoleKey;
    if (dot > 0 && this.readTables.has(table) && KEYSTORE_KEYS.includes(name)) {
      return this.effective(table, name).raw;
    }
    return lookupDotted(this.input.data, key) ?? this.input.defaults?.[key] ?? this.builtIn[key];
  };
}

/** The shipped defaults as default.json would spell them, for homes without one (and ei.toml homes). */
function builtInDefaults(profile: Profile): Record<string, string> {
  const flat: Record<string, string> = {};
  const put = (table: string, values: Partial<Record<RoleKey, string | undefined>>): void => {
    for (const [key, value] of Object.entries(values)) if (value !== undefined) flat[`${table}.${key}`] = value;
  };
  const { primary, truststore } = profile.defaults;
  put(profile.tables.primary, {
    file_name: primary.fileName,
    type: primary.type,
    password: primary.password,
    alias: primary.alias,
    key_password: primary.keyPassword,
  });
  put(profile.tables.truststore, {
    file_name: truststore.fileName,
    type: truststore.type,
    password: truststore.password,
  });
  // Where [keystore.internal] is read, each missing key falls back to the primary's (MI 4's default.json does
  // exactly this; the document says the primary is used by default).
  if (profile.internalConfigurable) {
    const refs: Partial<Record<RoleKey, string>> = {};
    for (const key of KEYSTORE_KEYS) refs[key] = `$ref{${profile.tables.primary}.${key}}`;
    put(profile.tables.internal, refs);
  }
  return flat;
}

export function resolveConfig(input: ResolveInput): ResolvedConfig {
  const sources = new Sources(input);
  const profile = sources.profile;
  const primary = resolveTable(sources, input, 'primary', profile.tables.primary);
  const truststore = resolveTable(sources, input, 'truststore', profile.tables.truststore);
  return {
    profile: profile.id,
    roles: { primary, internal: resolveInternal(sources, input, primary), truststore },
    ignoredTables: profile.tablesIgnored.filter((ignored) => hasTable(input.data, ignored.table)),
    secrets: reportSecrets(input.data),
  };
}

function resolveInternal(sources: Sources, input: ResolveInput, primary: ResolvedKeystore): ResolvedKeystore {
  const profile = sources.profile;
  if (!profile.internalConfigurable) {
    // The product hard-codes the primary keystore for internal encryption.
    return { ...primary, role: 'internal', configured: false, configurable: false, sameAsPrimary: true };
  }
  const internal = resolveTable(sources, input, 'internal', profile.tables.internal);
  const same =
    internal.file === primary.file && (internal.alias ?? '').toLowerCase() === (primary.alias ?? '').toLowerCase();
  internal.sameAsPrimary = same;
  if (!internal.configured && same) internal.table = primary.table;
  return internal;
}

function resolveTable(sources: Sources, input: ResolveInput, role: KeystoreRole, table: string): ResolvedKeystore {
  const problems: string[] = [];
  const sourcesOf: Partial<Record<RoleKey, ValueSource>> = {};
  const sys = { 'carbon.home': input.home };

  const expanded = (key: RoleKey): string | undefined => {
    const { raw, source } = sources.effective(table, key);
    if (raw === undefined) return undefined;
    sourcesOf[key] = source;
    const text = scalarText(raw);
    if (text === undefined) {
      problems.push(`[${table}] ${key} is not a string value`);
      return undefined;
    }
    const result = expandRefs(text, sources.lookup, [`${table}.${key}`]);
    problems.push(...result.problems.map((problem) => `[${table}] ${key}: ${problem}`));
    return result.value;
  };
  const plain = (key: RoleKey): string | undefined => {
    const value = expanded(key);
    if (value === undefined) return undefined;
    const result = substituteText(value, input.env, sys);
    problems.push(...result.problems.map((problem) => `[${table}] ${key}: ${problem}`));
    return result.value;
  };
  const secret = (key: RoleKey): SecretValue => {
    const value = expanded(key);
    return value === undefined ? { kind: 'missing' } : classifySecret(value, input.env);
  };

  const fileRaw = sources.effective(table, 'file_name');
  const fileName = plain('file_name') ?? '';
  const fileNameAsWritten = fileRaw.source === 'config' ? (scalarText(fileRaw.raw) ?? '') : fileName;
  const file = keystorePath(sources.profile, input.home, fileName, table, problems);
  let type = plain('type');
  if (type === undefined) {
    type = 'JKS';
    sourcesOf.type = 'built-in';
  }
  const password = secret('password');
  const resolved: ResolvedKeystore = {
    role,
    table,
    configured: sources.configured(table),
    configurable: role !== 'internal' || sources.profile.internalConfigurable,
    file,
    fileNameAsWritten,
    type,
    password,
    sources: sourcesOf,
    problems,
  };
  if (role !== 'truststore') {
    const alias = plain('alias');
    if (alias !== undefined) resolved.alias = alias;
    // Reuse the password rather than expanding it twice, which would report its problems twice.
    if (sources.effective(table, 'key_password').source === 'password') {
      sourcesOf.key_password = 'password';
      resolved.keyPassword = password;
    } else {
      resolved.keyPassword = secret('key_password');
    }
  }
  return resolved;
}

/** Where the product looks for the file: bare names under the security directory, paths relative to the home. */
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

/** The [secrets] table: which values still wait for the cipher tool and which are ciphertext. Values stay out. */
export function reportSecrets(data: Readonly<Record<string, unknown>>): SecretReport[] {
  const table = data.secrets;
  if (!isTable(table)) return [];
  return Object.entries(table).map(([alias, value]) => ({ alias, state: secretState(value) }));
}

/** One definition of "encrypted" for status and for the secrets guard of apply: the cipher tool's. */
function secretState(value: unknown): SecretState {
  if (typeof value !== 'string') return 'unrecognised';
  const kind = classifySecretValue(value.trim());
  return kind === 'other' ? 'unrecognised' : kind;
}
