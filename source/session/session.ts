import path from 'node:path';
import {
  hardenAnswersFrom,
  keystoreAnswersFrom,
  PROCEDURE_DEFINITIONS,
  truststoreAnswersFrom,
  effectiveValues,
} from '../core/fields/index.js';
import type { FieldValues, ProcedureIO, WizardFacts } from '../core/fields/types.js';
import type { Answers, KeystoreRole, ProcedureId } from '../answers/types.js';
import type { KeystoreSecrets, TruststoreSecrets } from '../answers/secret-fields.js';
import { unifiedDiff } from '../config/diff.js';
import { KeystoreError, UserError } from '../errors.js';
import { readCertificateFile } from '../keystore/x509/certificate-file.js';
import { describeCertificate } from '../keystore/describe.js';
import { detectFormat, openKeystoreBytes, openKeystoreFile, readKeystoreBytes } from '../keystore/open.js';
import { pendingRequests, readWizardSnapshot, type HomeSnapshot } from '../procedures/home-snapshot.js';
import { keyFromExistingKeystore } from '../procedures/key-material.js';
import { fetchServerChainView } from '../procedures/server-chain-view.js';
import { truststoreEntryFacts } from '../procedures/truststore-entries.js';
import { prepareChange } from '../procedures/prepare.js';
import { hardenFacts } from '../procedures/harden-facts.js';
import { prepareHarden } from '../procedures/harden-procedure.js';
import { serializeAnswers } from '../answers/serialize.js';
import { serializeHardenAnswers, type HardenAnswers } from '../answers/harden-answers.js';
import type { PreparedChange } from '../procedures/prepared.js';
import { gatherStatus, type StatusReport } from '../status/gather.js';
import { STATE_DIR_NAME } from '../apply/layout.js';
import { ensureStateDir } from '../apply/state-dir.js';
import { writeNewFile } from '../apply/write-new-file.js';
import { calendarDay } from '../calendar-day.js';

/** What every wizard front end (Ink or plain prompts) starts from. */
export interface WizardSessionOptions {
  /** --home; otherwise EI_HOME, MI_HOME or the current directory. */
  home?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  /** Review only: nothing is written. */
  dryRun: boolean;
  /** keytool was found, so the cross-check is offered. */
  keytoolAvailable: boolean;
  /** The home is a sandbox (said in the header). */
  sandbox: boolean;
  /** The internal keystore's password, asked once before the screens when the home keeps passwords in the vault. */
  vaultPassword?: string;
}

/** The plain facts the procedure fields need, read from a real home. */
export function wizardFactsOf(facts: HomeSnapshot): WizardFacts {
  const server = facts.document.data.server as Record<string, unknown> | undefined;
  const hostname = typeof server?.hostname === 'string' && server.hostname.trim() !== '' ? server.hostname : 'localhost';
  return {
    profile: facts.profile.id,
    profileLabel: facts.profile.label,
    internalConfigurable: facts.profile.internalConfigurable,
    hostname,
    securityFiles: facts.securityFiles,
    encryptedSecrets: facts.resolved.secrets.filter((secret) => secret.state === 'encrypted').length,
    internalIsPrimary: Boolean(facts.resolved.roles.internal.followsPrimary),
    currentTruststoreFile: path.basename(facts.resolved.roles.truststore.file),
    pendingRequests: Object.fromEntries(
      (['primary', 'internal'] as const).flatMap((role) => {
        const reading = facts.pending[role];
        const pending = 'request' in reading ? reading.request : undefined;
        return pending
          ? [
              [
                role,
                {
                  subject: pending.meta.subject,
                  csrFile: pending.meta.csrFile,
                  createdAt: pending.meta.createdAt,
                  keystorePath: pending.keystorePath,
                },
              ],
            ]
          : [];
      }),
    ),
  };
}

/**
 * The facts plus what only reading the keystores tells (the status report, the current truststore's aliases), so
 * questions can warn and refuse on their own step: the shipped primary key, an import alias already taken.
 */
export async function wizardFactsWithStatus(facts: HomeSnapshot, report: StatusReport): Promise<WizardFacts> {
  const truststore = facts.resolved.roles.truststore;
  let truststoreAliases: string[] | undefined;
  const password =
    truststore.password.kind === 'literal'
      ? truststore.password.value
      : truststore.password.kind === 'env'
        ? truststore.password.value
        : undefined;
  if (password !== undefined) {
    try {
      const keystore = await openKeystoreBytes(facts.files.required('home-keystore', truststore.file), password, truststore.file);
      truststoreAliases = keystore.entries.map((entry) => entry.alias);
    } catch {
      // Status reports why it does not open; the aliases are then checked when the plan is made.
      truststoreAliases = undefined;
    }
  }
  return {
    ...wizardFactsOf(facts),
    primaryIsShippedKey: report.findings.some((finding) => finding.code === 'default-keystore' && finding.role === 'primary'),
    ...(truststoreAliases ? { truststoreAliases } : {}),
    harden: await hardenFacts(facts),
  };
}

function sentence(error: unknown): string {
  if (error instanceof KeystoreError) return error.detail;
  if (error instanceof UserError) return error.message;
  throw error;
}

/**
 * A refusal of `[keystore.existing]` in the wizard's words: the answers file's table and key names mean nothing
 * to someone answering questions, and the file was named on the question before.
 */
function wizardWords(message: string, file: string): string {
  const prefix = `[keystore.existing] ${file}: `;
  const body = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  const sentence = body
    .replace('; set [keystore.existing] alias to one of them.', ': type one of them as the alias.')
    .replace('; set [keystore.existing] key_password.', ': type its key password (Esc goes back to the alias).')
    .replace('; check [keystore.existing] password.', ': go back (Esc) and check its store password.');
  return `This keystore: ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}`.replace(/^This keystore: it /, 'This keystore ');
}

/** The checks behind the fields, on the real disk. Relative paths are relative to `cwd`. */
export function diskProcedureIO(cwd: string, now: Date, env: NodeJS.ProcessEnv = process.env): ProcedureIO {
  return {
    fetchServerChain: (address) => fetchServerChainView(address, env),
    async checkKeystoreFile(file) {
      const absolute = path.resolve(cwd, file);
      try {
        const bytes = await readKeystoreBytes(absolute);
        return detectFormat(bytes) ? undefined : `${absolute} is not a keystore (JKS, PKCS12 or JCEKS): give the path of one.`;
      } catch (error) {
        if (error instanceof UserError && error.code === 'file-missing') return `There is no file at ${absolute}: check the path.`;
        return sentence(error);
      }
    },
    async checkExistingKeystore({ path: file, password, alias, keyPassword, needKey, checkAlias }) {
      const absolute = path.resolve(cwd, file);
      try {
        if (!needKey && !checkAlias) {
          await openKeystoreFile(absolute, password);
          return undefined;
        }
        if (!needKey) {
          // The alias question: the entry must be there and be a key pair; its key password is the next question.
          const { keystore } = await openKeystoreFile(absolute, password);
          const keyAliases = keystore.entries.filter((entry) => entry.kind === 'private-key').map((entry) => entry.alias);
          if (alias === undefined) {
            return keyAliases.length === 1
              ? undefined
              : keyAliases.length === 0
                ? 'This keystore holds no key pair: use a keystore with one.'
                : `This keystore holds ${keyAliases.length} key pairs: type the alias of one (${keyAliases.join(', ')}).`;
          }
          const found = keystore.entries.find((entry) => entry.alias.toLowerCase() === alias.toLowerCase());
          if (!found) return `There is no entry "${alias}" in this keystore. Its key entries: ${keyAliases.join(', ') || 'none'}.`;
          if (found.kind !== 'private-key')
            return `"${alias}" is a ${found.kind.replace('-', ' ')}, not a key pair. Its key entries: ${keyAliases.join(', ') || 'none'}.`;
          return undefined;
        }
        await keyFromExistingKeystore(absolute, alias, password, keyPassword ?? password, now);
        return undefined;
      } catch (error) {
        return wizardWords(sentence(error), absolute);
      }
    },
    async readCertificates(file) {
      try {
        const certificates = await readCertificateFile(path.resolve(cwd, file));
        return {
          summaries: certificates.map((der) => {
            const described = describeCertificate(der, now);
            const state = described.expiry === 'expired' ? 'EXPIRED' : described.expiry === 'expiring-soon' ? 'expires soon' : 'valid';
            return `${described.subject}, ${state} to ${calendarDay(described.notAfter)}`;
          }),
        };
      } catch (error) {
        return { problem: sentence(error) };
      }
    },
  };
}

/**
 * Where the wizards offer to save answers: the home's own `.ei-keystore/answers/`, not the current directory
 * (often a checkout of this tool, or someone's home directory).
 */
export function defaultAnswersPath(home: string, procedure: ProcedureId): string {
  return path.join(home, STATE_DIR_NAME, 'answers', `${procedure}-answers.toml`);
}

/**
 * The one way both wizards save answers: to `target`, 0600, never over an existing file (O_EXCL: an existing
 * file, a directory or a planted link is refused with a UserError saying so, and nothing is written; the
 * session says the problem and asks again). When it is in the home's answers folder, that folder (and
 * .ei-keystore) is made private first, as every state folder is.
 */
export async function saveAnswersFile(home: string, target: string, text: string): Promise<void> {
  const answersDir = path.dirname(defaultAnswersPath(home, 'primary'));
  if (path.dirname(target) === answersDir) {
    await ensureStateDir(path.join(home, STATE_DIR_NAME));
    await ensureStateDir(answersDir);
  }
  await writeNewFile(target, text, 0o600);
}

/** The wizard's values as answers plus secrets, with relative paths made absolute. */
export function answersFromValues(
  procedure: KeystoreRole,
  values: FieldValues,
  facts: WizardFacts,
  cwd: string,
): { answers: Answers; secrets: KeystoreSecrets | TruststoreSecrets } {
  const effective = effectiveValues(PROCEDURE_DEFINITIONS[procedure], { facts, values });
  if (procedure === 'truststore') {
    const result = truststoreAnswersFrom(effective);
    const settings = result.answers.truststore;
    settings.imports = settings.imports.map((item) => (item.file === undefined ? item : { ...item, file: path.resolve(cwd, item.file) }));
    if (settings.source === 'existing') settings.existing.path = path.resolve(cwd, settings.existing.path);
    return result;
  }
  const result = keystoreAnswersFrom(procedure, effective);
  const keystore = result.answers.keystore;
  if (keystore.source === 'existing') keystore.existing.path = path.resolve(cwd, keystore.existing.path);
  if (keystore.source === 'csr') keystore.csrFile = path.resolve(cwd, keystore.csrFile);
  if (keystore.source === 'ca-reply') keystore.reply = path.resolve(cwd, keystore.reply);
  return result;
}

export interface Review {
  prepared: PreparedChange;
  diff: string;
  answers: Answers | HardenAnswers;
  secrets?: KeystoreSecrets | TruststoreSecrets;
}

/** The answers as the text of an answers file for `apply <procedure>`: passwords only as `{ env = "..." }`. */
export function answersText(procedure: ProcedureId, answers: Answers | HardenAnswers): string {
  if (procedure === 'secrets') return serializeHardenAnswers(answers as HardenAnswers);
  return serializeAnswers(procedure, answers as Answers);
}

/** Plans the change the values describe, in memory, and renders its masked diff. Writes nothing. */
export async function reviewChange(facts: HomeSnapshot, procedure: ProcedureId, values: FieldValues, cwd: string): Promise<Review> {
  if (procedure === 'secrets') {
    // "Encrypt passwords" plans with the vault the session unlocked (facts.vault); its answers hold no password.
    const answers = hardenAnswersFrom(
      effectiveValues(PROCEDURE_DEFINITIONS.secrets, { facts: { ...wizardFactsOf(facts), harden: await hardenFacts(facts) }, values }),
    );
    const prepared = await prepareHarden(facts, answers);
    return { prepared, diff: unifiedDiff(prepared.config.before, prepared.config.after, { path: prepared.config.relative }), answers };
  }
  // The same facts the fields were asked with: a field shown only for them (the removal list) must stay visible.
  const wizard = {
    ...wizardFactsOf(facts),
    ...(procedure === 'truststore' ? { truststoreEntries: await truststoreEntryFacts(facts) } : {}),
  };
  const { answers, secrets } = answersFromValues(procedure, values, wizard, cwd);
  const prepared = await prepareChange(facts, answers, secrets);
  const diff = unifiedDiff(prepared.config.before, prepared.config.after, { path: prepared.config.relative });
  return { prepared, diff, answers, secrets };
}

/**
 * The home read again after a change, for the next procedure of the same session. The vault password asked at the
 * start may no longer open the internal keystore (the change gave it a new password): each candidate is tried, the
 * first that opens it is kept, and with none the home is read locked (as at a start without the password).
 */
export async function reloadWizardHome(
  options: WizardSessionOptions,
  candidates: ReadonlyArray<string | undefined>,
): Promise<{ facts: HomeSnapshot; vaultPassword?: string }> {
  for (const candidate of [...new Set(candidates)]) {
    if (candidate === undefined || candidate === '') continue;
    try {
      return {
        facts: await readWizardSnapshot({
          home: options.home,
          env: options.env,
          cwd: options.cwd,
          now: options.now,
          vaultPassword: candidate,
        }),
        vaultPassword: candidate,
      };
    } catch (error) {
      if (!(error instanceof UserError) || error.code !== 'vault-password-wrong') throw error;
    }
  }
  return { facts: await readWizardSnapshot({ home: options.home, env: options.env, cwd: options.cwd, now: options.now }) };
}

/**
 * The status of a home the wizard has just read: the same configuration bytes and the same unlocked vault as the
 * facts (read and resolved once per start), plus what only opening the keystores tells.
 */
export async function statusOfFacts(
  facts: HomeSnapshot,
  options: { env: NodeJS.ProcessEnv; now: Date; vaultPassword?: string },
): Promise<StatusReport> {
  return gatherStatus({
    located: facts.located,
    env: options.env,
    now: options.now,
    ...(options.vaultPassword !== undefined ? { vaultPassword: options.vaultPassword } : {}),
    read: {
      document: facts.document,
      ...(facts.vault ? { vault: facts.vault } : {}),
      keystores: {
        inHome: async (file) => facts.files.required('home-keystore', file),
        named: async (file) => facts.files.required('keystore', file),
      },
      pending: pendingRequests(facts),
    },
  });
}
