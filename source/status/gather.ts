import type { ProfileId } from '../core/profiles.js';
import { PROFILES } from '../core/profiles.js';
import { interruptedTransactions, surveyBackups } from '../apply/backups.js';
import type { LocatedHome } from '../config/locate.js';
import { readConfig } from '../config/read.js';
import { resolveConfig, type ResolvedKeystore, type SecretReport } from '../config/resolve.js';
import type { SecretValue } from '../config/placeholders.js';
import { checkKeystoreRole, type PasswordInput, type RoleCheck, type RoleReport } from './check-keystore.js';
import { crossRoleFindings } from './cross-checks.js';
import { sortFindings, type Finding } from './finding.js';
import { listPending } from '../procedures/pending.js';
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
  roles: Array<RoleReport & { configured: boolean; sameAsPrimary: boolean; passwordFrom: string }>;
  secrets: SecretReport[];
  findings: Finding[];
  /** Certificate signing requests waiting for the CA's reply (see procedures/pending.ts). */
  pending: PendingSummary[];
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
}

/** Reads the configuration and every keystore it names, and says what is wrong. Writes nothing. */
export async function gatherStatus(options: GatherOptions): Promise<StatusReport> {
  const document = readConfig(options.located.home, { config: options.located.config, profile: options.profile });
  const resolved = resolveConfig({
    home: document.home,
    profile: document.profile,
    data: document.data,
    defaults: document.defaults,
    env: options.env,
  });
  const profile = PROFILES[document.profile];
  const asked = new Map<string, string | undefined>();
  const toInput = async (secret: SecretValue | undefined, what: string): Promise<PasswordInput | undefined> => {
    if (!secret) return undefined;
    return passwordInput(secret, what, options.ask, asked);
  };

  const checks = {} as Record<'primary' | 'internal' | 'truststore', RoleCheck>;
  const plainPasswords: Partial<Record<'primary' | 'internal' | 'truststore', string>> = {};
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const target = resolved.roles[role];
    const password = (await toInput(target.password, `the ${role} ${role === 'truststore' ? 'truststore' : 'keystore'} password`))!;
    const keyPassword = await toInput(target.keyPassword, `the ${role} key password`);
    if (target.password.kind === 'literal') plainPasswords[role] = target.password.value;
    checks[role] = await checkKeystoreRole(
      { role, table: target.table, file: target.file, configuredType: target.type, password, alias: target.alias, keyPassword, home: document.home },
      options.now,
    );
  }

  const findings: Finding[] = [];
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const target = resolved.roles[role];
    for (const problem of target.problems) {
      findings.push({ level: 'warning', code: 'config-invalid', role, message: `[${target.table}]: ${problem}.` });
    }
    // An internal keystore that is the primary one was already checked as the primary: say it once.
    if (role === 'internal' && target.sameAsPrimary) continue;
    findings.push(...checks[role].findings);
  }
  findings.push(...crossRoleFindings(checks, plainPasswords, profile));
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
  const survey = await surveyBackups(document.home);
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
  const pending = (await listPending(document.home)).map(({ meta }): PendingSummary => ({
    role: meta.role,
    subject: meta.subject,
    subjectAltNames: meta.subjectAltNames,
    csrFile: meta.csrFile,
    createdAt: meta.createdAt,
    renewal: Boolean(meta.renewal),
  }));
  for (const request of pending) {
    findings.push({
      level: 'info',
      code: 'pending-request',
      role: request.role,
      message: `A certificate signing request${request.renewal ? ' (a renewal)' : ''} for ${request.subject} has waited for the CA's reply since ${request.createdAt.slice(0, 10)} (${request.csrFile}). Import the reply with ei-keystore apply ${request.role} and [keystore] source = "ca-reply", or from the wizard's home screen.`,
    });
  }
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
    roles: (['primary', 'internal', 'truststore'] as const).map((role) => roleSummary(resolved.roles[role], checks[role].report)),
    secrets: resolved.secrets,
    findings: sortFindings(findings),
    pending,
  };
}

/** What the configuration file itself holds as a password in plain text: "[keystore.tls] password", "[secrets] alias". */
function plaintextInConfig(resolved: ReturnType<typeof resolveConfig>): string[] {
  const found = new Set<string>();
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    const target = resolved.roles[role];
    if (target.password.kind === 'literal' && target.sources.password === 'config') found.add(`[${target.table}] password`);
    if (target.keyPassword?.kind === 'literal' && target.sources.key_password === 'config') found.add(`[${target.table}] key_password`);
  }
  for (const secret of resolved.secrets) if (secret.state === 'plaintext') found.add(`[secrets] ${secret.alias}`);
  return [...found];
}

function roleSummary(target: ResolvedKeystore, report: RoleReport): StatusReport['roles'][number] {
  return { ...report, configured: target.configured, sameAsPrimary: Boolean(target.sameAsPrimary), passwordFrom: describePasswordSource(target.password) };
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

async function passwordInput(secret: SecretValue, what: string, ask: AskSecret | undefined, asked: Map<string, string | undefined>): Promise<PasswordInput> {
  switch (secret.kind) {
    case 'literal':
      return { value: secret.value };
    case 'env':
      return secret.value === undefined ? { unavailable: `$env{${secret.name}} is not set; export it and run again` } : { value: secret.value };
    case 'secret':
    case 'sys': {
      const name = secret.kind === 'secret' ? `$secret{${secret.alias}}` : `$sys{${secret.name}}`;
      if (!asked.has(name)) asked.set(name, ask ? await ask(`${what} (${name})`) : undefined);
      const value = asked.get(name);
      return value === undefined ? { unavailable: `it is ${name}, which only the server can resolve; run status on a terminal to type it` } : { value };
    }
    case 'missing':
      return { unavailable: 'the configuration gives none' };
  }
}
