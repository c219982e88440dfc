import { readdirSync } from 'node:fs';
import path from 'node:path';
import { keystoreAnswersFrom, PROCEDURE_DEFINITIONS, truststoreAnswersFrom, effectiveValues } from '../core/procedures/index.js';
import type { FieldValues, ProcedureIO, WizardFacts } from '../core/procedures/types.js';
import type { Answers } from '../core/answers/types.js';
import type { KeystoreSecrets, TruststoreSecrets } from '../core/answers/secret-fields.js';
import { unifiedDiff } from '../config/diff.js';
import { KeystoreError, UserError } from '../errors.js';
import { readCertificateFile } from '../keystore/certificate-file.js';
import { describeCertificate } from '../keystore/describe.js';
import { openKeystoreFile } from '../keystore/open.js';
import type { HomeFacts } from './facts.js';
import { keyFromExistingKeystore } from './key-material.js';
import { readPendingSync } from './pending.js';
import { fetchServerChainView } from './server-chain-view.js';
import { truststoreEntryFacts } from './truststore-entries.js';
import { prepareChange } from './prepare.js';
import type { PreparedChange } from './prepared.js';

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
}

/** The plain facts the procedure fields need, read from a real home. */
export function wizardFactsOf(facts: HomeFacts): WizardFacts {
  const securityDir = path.join(facts.located.home, facts.profile.securityDir);
  let securityFiles: string[] = [];
  try {
    securityFiles = readdirSync(securityDir);
  } catch {
    securityFiles = [];
  }
  const server = facts.document.data.server as Record<string, unknown> | undefined;
  const hostname = typeof server?.hostname === 'string' && server.hostname.trim() !== '' ? server.hostname : 'localhost';
  return {
    profile: facts.profile.id,
    profileLabel: facts.profile.label,
    internalConfigurable: facts.profile.internalConfigurable,
    hostname,
    securityFiles,
    encryptedSecrets: facts.resolved.secrets.filter((secret) => secret.state === 'encrypted').length,
    internalIsPrimary: Boolean(facts.resolved.roles.internal.followsPrimary),
    currentTruststoreFile: path.basename(facts.resolved.roles.truststore.file),
    pendingRequests: Object.fromEntries(
      (['primary', 'internal'] as const).flatMap((role) => {
        const pending = readPendingSync(facts.located.home, role);
        return pending ? [[role, { subject: pending.meta.subject, csrFile: pending.meta.csrFile, createdAt: pending.meta.createdAt }]] : [];
      }),
    ),
  };
}

function sentence(error: unknown): string {
  if (error instanceof KeystoreError) return error.detail;
  if (error instanceof UserError) return error.message;
  throw error;
}

/** The checks behind the fields, on the real disk. Relative paths are relative to `cwd`. */
export function diskProcedureIO(cwd: string, now: Date, env: NodeJS.ProcessEnv = process.env): ProcedureIO {
  return {
    fetchServerChain: (address) => fetchServerChainView(address, env),
    async checkExistingKeystore({ path: file, password, alias, keyPassword, needKey }) {
      const absolute = path.resolve(cwd, file);
      try {
        if (!needKey) {
          await openKeystoreFile(absolute, password);
          return undefined;
        }
        await keyFromExistingKeystore(absolute, alias, password, keyPassword ?? password, now);
        return undefined;
      } catch (error) {
        return sentence(error);
      }
    },
    async readCertificates(file) {
      try {
        const certificates = await readCertificateFile(path.resolve(cwd, file));
        return {
          summaries: certificates.map((der) => {
            const described = describeCertificate(der, now);
            const state = described.expiry === 'expired' ? 'EXPIRED' : described.expiry === 'expiring-soon' ? 'expires soon' : 'valid';
            return `${described.subject}, ${state} to ${described.notAfter.toISOString().slice(0, 10)}`;
          }),
        };
      } catch (error) {
        return { problem: sentence(error) };
      }
    },
  };
}

/** The wizard's values as answers plus secrets, with relative paths made absolute. */
export function answersFromValues(procedure: 'primary' | 'internal' | 'truststore', values: FieldValues, facts: WizardFacts, cwd: string): { answers: Answers; secrets: KeystoreSecrets | TruststoreSecrets } {
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
  answers: Answers;
  secrets: KeystoreSecrets | TruststoreSecrets;
}

/** Plans the change the values describe, in memory, and renders its masked diff. Writes nothing. */
export async function reviewChange(facts: HomeFacts, procedure: 'primary' | 'internal' | 'truststore', values: FieldValues, cwd: string): Promise<Review> {
  // The same facts the fields were asked with: a field shown only for them (the removal list) must stay visible.
  const wizard = { ...wizardFactsOf(facts), ...(procedure === 'truststore' ? { truststoreEntries: await truststoreEntryFacts(facts) } : {}) };
  const { answers, secrets } = answersFromValues(procedure, values, wizard, cwd);
  const prepared = await prepareChange(facts, answers, secrets);
  const diff = unifiedDiff(prepared.config.before, prepared.config.after, { path: prepared.config.relative });
  return { prepared, diff, answers, secrets };
}
