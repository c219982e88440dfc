import { existsSync } from 'node:fs';
import { READ_LIMITS, readFileChecked, readFileIfPresentSync } from '../files/read-file.js';
import path from 'node:path';
import type { KeystoreRole } from '../answers/types.js';
import type { ProfileId } from '../core/profiles.js';
import { sslProfileLocations } from '../config/ssl-profiles.js';
import { isPlaceholderOnly, MASK } from '../config/patch-mask.js';
import { UserError } from '../errors.js';
import type { ConfigDocument } from '../config/read.js';
import { classifySecretValue, decryptSecret } from '../keystore/cipher-tool.js';
import { SANDBOX_MARKER } from '../sandbox/create-sandbox.js';
import { needsVault, secretAliasesInUse, unlockVault, type UnlockedVault } from '../vault/unlock.js';
import { findVaultPassword } from '../vault/vault-password.js';
import { parseProperties, SECRET_CONF } from '../vault/secret-conf.js';
import { PROFILES } from '../core/profiles.js';
import { interruptedTransactions, surveyBackups } from '../apply/backups.js';
import type { LocatedHome } from '../config/locate.js';
import { readConfig } from '../config/read.js';
import {
  describeOrigin,
  resolveDocument,
  secretsOf,
  type KeystoreReference,
  type ResolvedConfig,
  type ResolvedSetting,
  type RoleKey,
  type ResolvedKeystore,
  type SecretReport,
} from '../config/resolve.js';
import type { SecretValue } from '../config/placeholders.js';
import { checkKeystoreRole, type PasswordInput, type RoleCheck, type RoleReport } from './check-keystore.js';
import { crossRoleFindings } from './cross-checks.js';
import { sortFindings, type Finding } from './finding.js';
import { listPending, type PendingRequest } from '../apply/pending.js';
import { permissionFindings } from './permissions.js';

/** Asks for a value the configuration only names ($secret{}, $sys{}); undefined when nobody can be asked. */
export type AskSecret = (question: string) => Promise<string | undefined>;

export interface StatusReport {
  home: string;
  homeFrom: string;
  configFile: string;
  /** Set when the configuration file is a link (to a file inside the home): the file really read. */
  configRealPath?: string;
  configNote?: string;
  profile: ProfileId;
  profileLabel: string;
  profileEvidence: string;
  roles: Array<RoleReport & { configured: boolean; sameAsPrimary: boolean; passwordFrom: string; resolved: ResolvedSettingsView }>;
  /** Keys outside the role tables that open a keystore, set explicitly in the configuration. */
  references: ReferenceView[];
  secrets: SecretReport[];
  findings: Finding[];
  /** Certificate signing requests waiting for the CA's reply (see apply/pending.ts). */
  pending: PendingSummary[];
}

/** Each key of a role as the server resolves it: the value (passwords masked, placeholders shown) and its origin. */
export type ResolvedSettingsView = Partial<Record<RoleKey, { value: string | null; from: string; via: string[] }>>;

export interface ReferenceView {
  prefix: string;
  role: KeystoreRole;
  file: string;
  explicit: string[];
  opens: boolean;
  resolved: ResolvedSettingsView;
}

export interface PendingSummary {
  role: 'primary' | 'internal';
  subject: string;
  subjectAltNames: string[];
  csrFile: string;
  createdAt: string;
  renewal: boolean;
}

export interface GatherOptions {
  located: LocatedHome;
  env: NodeJS.ProcessEnv;
  now: Date;
  ask?: AskSecret;
  /** The user's profile choice beats detection. */
  profile?: ProfileId;
  /** --vault-password-env NAME: the internal keystore's password, for $secret{} values. */
  vaultPasswordEnv?: string;
  /** The internal keystore's password, already asked (the wizard asks once, before its screens). */
  vaultPassword?: string;
  /**
   * What the caller has already read (the wizard's facts): the configuration is then read and resolved once per
   * start, and the vault unlocked once, so status and the procedures judge the same bytes.
   */
  read?: {
    document: ConfigDocument;
    vault?: UnlockedVault;
    /** The home's keystores as read: `inHome` by the rule for the home's own files, `named` for references. */
    keystores?: { inHome: (file: string) => Promise<Buffer>; named: (file: string) => Promise<Buffer> };
    /** The pending certificate requests as read (see apply/pending.ts listPending). */
    pending?: PendingRequest[];
  };
}

/** Reads the configuration and every keystore it names, and says what is wrong. Writes nothing. */
export async function gatherStatus(options: GatherOptions): Promise<StatusReport> {
  const document = options.read?.document ?? readConfig(options.located.home, { config: options.located.config, profile: options.profile });
  const vaultFindings: Finding[] = [];
  const { resolved, vault } = await openVault(document, options, vaultFindings);
  const profile = PROFILES[document.profile];
  const asked = new Map<string, string | undefined>();
  const toInput = async (secret: SecretValue | undefined, what: string): Promise<PasswordInput | undefined> => {
    if (!secret) return undefined;
    return passwordInput(secret, what, options.ask, asked);
  };

  // The backups and pending requests do not depend on the roles: read while the roles are checked.
  const surveying = surveyBackups(document.home);
  const listing = options.read?.pending ? Promise.resolve(options.read.pending) : listPending(document.home);
  surveying.catch(() => undefined);
  listing.catch(() => undefined);
  const checks = {} as Record<KeystoreRole, RoleCheck>;
  const plainPasswords: Partial<Record<KeystoreRole, string>> = {};
  // The passwords are asked for in order, one role after the other; the roles' files are then read and opened at
  // once (each read is several round trips to the thread pool).
  const checking: Array<Promise<void>> = [];
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const target = resolved.roles[role];
    const password = (await toInput(target.password, `the ${role} ${role === 'truststore' ? 'truststore' : 'keystore'} password`))!;
    const keyPassword = await toInput(target.keyPassword, `the ${role} key password`);
    if (target.password.kind === 'literal') plainPasswords[role] = target.password.value;
    const checked = checkKeystoreRole(
      {
        role,
        table: target.table,
        file: target.file,
        configuredType: target.type,
        ...(target.settings.type?.origin && target.settings.type.origin.kind !== 'config'
          ? { typeDefaultedFrom: describeOrigin(target.settings.type.origin, document.home) }
          : {}),
        password,
        alias: target.alias,
        keyPassword,
        home: document.home,
        ...(options.read?.keystores ? { read: options.read.keystores.inHome } : {}),
      },
      options.now,
    ).then((check) => {
      checks[role] = check;
    });
    checked.catch(() => undefined);
    checking.push(checked);
  }
  for (const checked of checking) await checked;

  const findings: Finding[] = [];
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const target = resolved.roles[role];
    for (const problem of target.problems) {
      findings.push({
        level: target.invalid ? 'error' : 'warning',
        code: 'config-invalid',
        role,
        message: `[${target.table}]: ${problem}.`,
      });
    }
    // An internal keystore that is the primary one was already checked as the primary: say it once.
    if (role === 'internal' && target.sameAsPrimary) continue;
    // A value the product cannot use (config-invalid, above) is the reason a password is missing: not said twice.
    findings.push(...checks[role].findings.filter((finding) => !(target.invalid && finding.code === 'password-unavailable')));
  }
  findings.push(...crossRoleFindings(checks, plainPasswords, profile));
  const internalLeaf = checks.internal.report.chain?.[0];
  if (internalLeaf && internalLeaf.keyAlgorithm !== 'RSA') {
    findings.push({
      level: 'warning',
      code: 'secrets-key-not-rsa',
      role: 'internal',
      message: `The key that encrypts [secrets] ("${resolved.roles.internal.alias ?? ''}" in ${resolved.roles.internal.file}) is ${internalLeaf.keyAlgorithm}; the cipher tool and the server decrypt secrets with RSA-OAEP only, so no secret can be encrypted for it. Use an RSA key pair for the internal keystore (ei-keystore apply ${profile.internalConfigurable ? 'internal' : 'primary'}).`,
    });
  }
  const references: ReferenceView[] = [];
  for (const reference of resolved.references) {
    const checked = await checkReference(reference, resolved, document.home, options, toInput);
    references.push(checked.view);
    findings.push(...checked.findings);
  }
  findings.push(...(await sslProfileFindings(resolved, document.home)));
  for (const ignored of resolved.ignoredTables) {
    findings.push({
      level: 'warning',
      code: 'table-ignored',
      message: `[${ignored.table}] is in ${document.config.relative} but ${ignored.reason}. Move its values to the table this version reads.`,
    });
  }
  findings.push(
    ...(await permissionFindings({
      checks,
      sameAsPrimary: new Set(resolved.roles.internal.sameAsPrimary ? (['internal'] as const) : []),
      configFile: document.configRealPath ?? document.config.path,
      plaintextPasswords: plaintextInConfig(resolved),
    })),
  );
  const survey = await surveying;
  for (const untrusted of survey.untrusted) {
    findings.push({
      level: 'error',
      code: 'backup-untrusted',
      message: `${untrusted.id ? `Backup ${untrusted.id}` : `ei-keystore's state folder`} cannot be trusted and is never restored: ${untrusted.reason.replace(/ Nothing was written\.$/, '')}`,
    });
  }
  for (const interrupted of await interruptedTransactions(document.home, survey)) {
    findings.push({
      level: 'error',
      code: 'interrupted-transaction',
      message: `The change "${interrupted.label}" (backup ${interrupted.id}) was interrupted before it finished; every file is either old or new. Put the old ones back with: ei-keystore restore --home ${document.home} ${interrupted.id}`,
    });
  }
  const pending = (await listing).map(
    ({ meta }): PendingSummary => ({
      role: meta.role,
      subject: meta.subject,
      subjectAltNames: meta.subjectAltNames,
      csrFile: meta.csrFile,
      createdAt: meta.createdAt,
      renewal: Boolean(meta.renewal),
    }),
  );
  for (const request of pending) {
    findings.push({
      level: 'info',
      code: 'pending-request',
      role: request.role,
      message: `A certificate signing request${request.renewal ? ' (a renewal)' : ''} for ${request.subject} has waited for the CA's reply since ${request.createdAt.slice(0, 10)} (${request.csrFile}). Import the reply with ei-keystore apply ${request.role} and [keystore] source = "ca-reply", or from the wizard's home screen.`,
    });
  }
  findings.push(...vaultFindings, ...secretsFindings(document, resolved, vault, checks.internal));
  const encrypted = resolved.secrets.filter((secret) => secret.state === 'encrypted').length;
  if (encrypted > 0) {
    findings.push({
      level: 'info',
      code: 'secrets-encrypted',
      role: 'internal',
      message: `${encrypted} value${encrypted === 1 ? '' : 's'} in [secrets] ${encrypted === 1 ? 'is' : 'are'} encrypted with the internal keystore's key: replacing that key needs them re-encrypted.`,
    });
  }

  return {
    home: document.home,
    homeFrom: options.located.from,
    configFile: document.config.path,
    ...(document.configRealPath ? { configRealPath: document.configRealPath } : {}),
    configNote: document.config.note,
    profile: document.profile,
    profileLabel: profile.label,
    profileEvidence: document.profileEvidence,
    roles: (['primary', 'internal', 'truststore'] as const).map((role) =>
      roleSummary(resolved.roles[role], checks[role].report, document.home),
    ),
    references,
    secrets: resolved.secrets,
    findings: sortFindings(findings),
    pending,
  };
}

/** What the configuration file itself holds as a password in plain text: "[keystore.tls] password", "[secrets] alias". */
function plaintextInConfig(resolved: ResolvedConfig): string[] {
  const found = new Set<string>();
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const target = resolved.roles[role];
    if (target.password.kind === 'literal' && target.settings.password?.origin?.kind === 'config') found.add(`[${target.table}] password`);
    if (target.keyPassword?.kind === 'literal' && target.settings.key_password?.origin?.kind === 'config')
      found.add(`[${target.table}] key_password`);
  }
  for (const secret of resolved.secrets) if (secret.state === 'plaintext') found.add(`[secrets] ${secret.alias}`);
  return [...found];
}

function roleSummary(target: ResolvedKeystore, report: RoleReport, home: string): StatusReport['roles'][number] {
  return {
    ...report,
    configured: target.configured,
    sameAsPrimary: Boolean(target.sameAsPrimary),
    passwordFrom: describePasswordSource(target.password),
    resolved: settingsView(target.settings, home),
  };
}

const PASSWORD_KEYS = new Set<RoleKey>(['password', 'key_password']);

/** Values with their origins for --json: passwords masked unless they are a placeholder (which says where they live). */
function settingsView(settings: Partial<Record<RoleKey, ResolvedSetting>>, home: string): ResolvedSettingsView {
  const view: ResolvedSettingsView = {};
  for (const [key, setting] of Object.entries(settings) as Array<[RoleKey, ResolvedSetting]>) {
    const text = setting.text;
    const shown = text === undefined ? null : PASSWORD_KEYS.has(key) && !isPlaceholderOnly(text) ? MASK : text;
    view[key] = {
      value: shown,
      from: describeOrigin(setting.origin, home),
      via: setting.via.map((step) => `$ref{${step.key}} from ${describeOrigin(step.origin, home)}`),
    };
  }
  return view;
}

/**
 * An explicit reference (a listener or sender keystore set in the configuration) opened as the server opens it:
 * `reference-overridden` when it opens the role's own file, `reference-stale` when it opens another file, a missing
 * one, or cannot be opened with its settings.
 */
async function checkReference(
  reference: KeystoreReference,
  resolved: ResolvedConfig,
  home: string,
  options: GatherOptions,
  toInput: (secret: SecretValue | undefined, what: string) => Promise<PasswordInput | undefined>,
): Promise<{ view: ReferenceView; findings: Finding[] }> {
  const role = resolved.roles[reference.role];
  const keys = reference.explicit.map((key) => reference.keyNames[key]).join(', ');
  const where = `[${reference.prefix}] (${keys} set explicitly)`;
  const password = (await toInput(reference.password, `the password of [${reference.prefix}]`))!;
  const keyPassword =
    reference.keyNames.key_password !== undefined
      ? await toInput(reference.keyPassword, `the key password of [${reference.prefix}]`)
      : undefined;
  const needsKey = reference.keyNames.alias !== undefined || reference.keyNames.key_password !== undefined;
  const check = await checkKeystoreRole(
    {
      role: needsKey ? 'primary' : 'truststore',
      table: reference.prefix,
      file: reference.file,
      configuredType: reference.type,
      password,
      ...(needsKey ? { alias: reference.alias ?? role.alias, keyPassword } : {}),
      ...(options.read?.keystores ? { read: options.read.keystores.named } : {}),
    },
    options.now,
  );
  const failure = check.findings.find((finding) => finding.level === 'error' && finding.code !== 'expired');
  const opens = check.report.opened && !failure;
  const view: ReferenceView = {
    prefix: reference.prefix,
    role: reference.role,
    file: reference.file,
    explicit: reference.explicit.map((key) => reference.keyNames[key]!),
    opens,
    resolved: settingsView(reference.settings, home),
  };
  const whose = `the ${reference.role} ${reference.role === 'truststore' ? 'truststore' : 'keystore'}`;
  const findings: Finding[] = [];
  if (reference.file !== role.file) {
    findings.push({
      level: 'error',
      code: 'reference-stale',
      role: reference.role,
      message: `${where} opens ${reference.file}, not ${whose} (${role.file}): that endpoint ${reference.role === 'truststore' ? 'trusts another set of certificates' : 'serves another key'}. Remove those keys so it follows [${role.table}], or point them at the same file.`,
    });
  } else if (!opens) {
    findings.push({
      level: 'error',
      code: 'reference-stale',
      role: reference.role,
      message: `${where} names ${whose}'s file, but its own settings do not open it${failure ? ` (${failure.message})` : ''}. Remove those keys so it follows [${role.table}], or correct them.`,
    });
  } else {
    findings.push({
      level: 'info',
      code: 'reference-overridden',
      role: reference.role,
      message: `${where} opens ${whose}'s file today. It does not follow [${role.table}] by itself: ei-keystore apply updates it with the role; a change made by hand must update it too.`,
    });
  }
  return { view, findings };
}

/** Keystore locations named in dynamic SSL profile files: reported, so a rotation does not forget them. */
async function sslProfileFindings(resolved: ResolvedConfig, home: string): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const profileFile of resolved.sslProfiles) {
    let xml: string;
    try {
      xml = (await readFileChecked(profileFile.file, { what: 'SSL profile', limit: READ_LIMITS.configuration, home })).bytes.toString(
        'utf8',
      );
    } catch {
      findings.push({
        level: 'error',
        code: 'reference-stale',
        message: `${profileFile.key} names ${profileFile.file}, which cannot be read. Fix the path or the file.`,
      });
      continue;
    }
    for (const location of sslProfileLocations(xml, home)) {
      const roles = (['primary', 'internal', 'truststore'] as const).filter((role) => resolved.roles[role].file === location.file);
      const at = `${path.relative(home, profileFile.file) || profileFile.file}:${location.line}`;
      if (roles.length > 0) {
        findings.push({
          level: 'info',
          code: 'reference-overridden',
          role: roles[0],
          message: `${at} (<${location.element}>) names the ${roles.join(' and ')} keystore's file. ei-keystore does not edit SSL profiles: update it by hand whenever that keystore changes.`,
        });
      } else if (!existsSync(location.file)) {
        findings.push({
          level: 'error',
          code: 'reference-stale',
          message: `${at} (<${location.element}>) names ${location.file}, which does not exist. Point it at an existing keystore.`,
        });
      }
    }
  }
  return findings;
}

function describePasswordSource(secret: SecretValue): string {
  switch (secret.kind) {
    case 'literal':
      return 'written in the configuration';
    case 'env':
      return `$env{${secret.name}}${secret.value === undefined ? ' (not set)' : ''}`;
    case 'secret':
      return `$secret{${secret.alias}}`;
    case 'sys':
      return `$sys{${secret.name}}`;
    case 'missing':
      return 'missing';
  }
}

async function passwordInput(
  secret: SecretValue,
  what: string,
  ask: AskSecret | undefined,
  asked: Map<string, string | undefined>,
): Promise<PasswordInput> {
  switch (secret.kind) {
    case 'literal':
      return { value: secret.value };
    case 'env':
      return secret.value === undefined
        ? { unavailable: `$env{${secret.name}} is not set; export it and run again` }
        : { value: secret.value };
    case 'secret':
      // Resolved through the unlocked vault; a locked vault is one finding (vault-locked), not a prompt per alias.
      return secret.value !== undefined
        ? { value: secret.value }
        : {
            unavailable: `it is $secret{${secret.alias}}, and the secure vault is locked (give --vault-password-env NAME, or <home>/password-persist)`,
          };
    case 'sys': {
      const name = `$sys{${secret.name}}`;
      if (!asked.has(name)) asked.set(name, ask ? await ask(`${what} (${name})`) : undefined);
      const value = asked.get(name);
      return value === undefined
        ? { unavailable: `it is ${name}, a Java system property only the server knows; run status on a terminal to type it` }
        : { value };
    }
    case 'missing':
      return { unavailable: 'the configuration gives none' };
  }
}

/**
 * The secure vault, opened as the server opens it when anything needs it: the vault password from
 * --vault-password-env, <home>/password-tmp or password-persist, or a prompt; then every $secret{} resolves.
 */
async function openVault(
  document: ConfigDocument,
  options: GatherOptions,
  findings: Finding[],
): Promise<{ resolved: ResolvedConfig; vault?: UnlockedVault }> {
  if (options.read?.vault)
    return { resolved: resolveDocument(document, options.env, undefined, options.read.vault.values), vault: options.read.vault };
  const resolved = resolveDocument(document, options.env);
  if (!needsVault(resolved) && options.vaultPasswordEnv === undefined) return { resolved };
  const password = await findVaultPassword(document.home, {
    env: options.env,
    ...(options.vaultPasswordEnv !== undefined ? { envName: options.vaultPasswordEnv } : {}),
    ...(options.vaultPassword !== undefined ? { fromAnswers: options.vaultPassword } : {}),
    ...(options.ask ? { ask: options.ask } : {}),
  });
  if (!password) {
    findings.push({
      level: 'info',
      code: 'vault-locked',
      message: `The configuration keeps passwords in the secure vault ($secret{}), and the internal keystore's password was not available, so they were not checked. Give --vault-password-env NAME, or run status on a terminal to type it (the server reads ${document.home}/password-tmp or password-persist).`,
    });
    return { resolved };
  }
  try {
    const vault = await unlockVault(document.home, resolved, secretsOf(document.data), password);
    return { resolved: resolveDocument(document, options.env, undefined, vault.values), vault };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    findings.push({ level: 'error', code: 'vault-locked', role: 'internal', message: error.message.replace(' Nothing was written.', '') });
    return { resolved };
  }
}

/** What the server will make of [secrets]: values it cannot decrypt, aliases it cannot find, plaintext left. */
function secretsFindings(
  document: ConfigDocument,
  resolved: ResolvedConfig,
  vault: UnlockedVault | undefined,
  internal: RoleCheck,
): Finding[] {
  const findings: Finding[] = [];
  const values = secretsOf(document.data);
  for (const [alias, users] of secretAliasesInUse(resolved)) {
    if (values[alias] === undefined) {
      findings.push({
        level: 'error',
        code: 'secret-missing',
        message: `${users.join(', ')} ${users.length === 1 ? 'is' : 'are'} $secret{${alias}}, but [secrets] has no "${alias}": the server will not start. Add it (ei-keystore apply secrets, or the cipher tool).`,
      });
    }
  }
  const key = vault?.internalKey ?? internal.privateKey;
  if (key) {
    const undecryptable = Object.entries(values)
      .filter(([, value]) => classifySecretValue(value.trim()) === 'encrypted')
      .filter(([, value]) => {
        try {
          decryptSecret(key, value.trim());
          return false;
        } catch {
          return true;
        }
      });
    for (const [alias] of undecryptable) {
      findings.push({
        level: 'error',
        code: 'secret-undecryptable',
        role: 'internal',
        message: `[secrets] ${alias} does not decrypt with the internal keystore's key: it was encrypted for another key, and the server will not start. Encrypt it again for this key (put the plain value in brackets and run ei-keystore apply secrets).`,
      });
    }
  }
  const plaintext = resolved.secrets.filter((secret) => secret.state === 'plaintext').map((secret) => secret.alias);
  if (plaintext.length > 0) {
    findings.push({
      level: 'warning',
      code: 'secret-plaintext',
      message: `[secrets] ${plaintext.join(', ')} ${plaintext.length === 1 ? 'is' : 'are'} still plain text in brackets. Encrypt them: ei-keystore apply secrets (or the wizard's "Encrypt passwords").`,
    });
  }
  const literal = plaintextPasswordKeys(resolved);
  if (literal.length > 0) {
    const sandbox = existsSync(path.join(document.home, SANDBOX_MARKER));
    findings.push({
      level: sandbox ? 'info' : 'warning',
      code: 'password-plaintext',
      message: `${literal.join(', ')} ${literal.length === 1 ? 'is' : 'are'} written in plain text in ${path.basename(document.config.path)}. Move them into the secure vault: ei-keystore apply secrets.`,
    });
  }
  findings.push(...secretConfFindings(document.home, resolved));
  return findings;
}

/** Keystore passwords written as plain text in the configuration's own tables. */
function plaintextPasswordKeys(resolved: ResolvedConfig): string[] {
  const found: string[] = [];
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const target = resolved.roles[role];
    if (!target.configurable && role === 'internal') continue;
    for (const key of ['password', 'key_password'] as const) {
      const setting = target.settings[key];
      const value = key === 'password' ? target.password : target.keyPassword;
      if (setting?.origin?.kind === 'config' && value?.kind === 'literal') found.push(`[${target.table}] ${key}`);
    }
  }
  return [...new Set(found)];
}

/** conf/security/secret-conf.properties names the keystore the vault opens; it goes stale when the internal keystore moves. */
function secretConfFindings(home: string, resolved: ResolvedConfig): Finding[] {
  const file = path.join(home, SECRET_CONF);
  let text: string;
  try {
    const content = readFileIfPresentSync(file, { what: 'secure vault configuration', limit: READ_LIMITS.configuration, home });
    if (!content) return [];
    text = content.bytes.toString('utf8');
  } catch {
    return [];
  }
  const properties = parseProperties(text);
  const location = properties.get('keystore.identity.location');
  if (location === undefined) return [];
  const internal = resolved.roles.internal;
  const named = path.resolve(home, location.replaceAll('${carbon.home}', home));
  const alias = properties.get('keystore.identity.alias');
  if (named === internal.file && (alias === undefined || alias.toLowerCase() === (internal.alias ?? '').toLowerCase())) return [];
  return [
    {
      level: 'error',
      code: 'secret-conf-stale',
      role: 'internal',
      message: `${SECRET_CONF} names ${named}${alias ? ` (alias ${alias})` : ''} for the secure vault, but the internal keystore is ${internal.file} (alias ${internal.alias ?? ''}): the server would decrypt [secrets] with the wrong key. Point keystore.identity.location and keystore.identity.alias at the internal keystore.`,
    },
  ];
}
