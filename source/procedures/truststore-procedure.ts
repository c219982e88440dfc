import path from 'node:path';
import type { ExpectedFile } from '../apply/changes.js';
import type { TruststoreSecrets } from '../answers/secret-fields.js';
import type { TruststoreAnswers } from '../answers/types.js';
import { fileNameFor } from '../core/profiles.js';
import { patchToml, type TomlChange } from '../config/patch.js';
import { KeystoreError, UserError } from '../errors.js';
import { certificatesToImport, verdictsAfter } from './truststore-sources.js';
import { planRemovals } from './truststore-removals.js';
import type { Keystore } from '../keystore/model.js';
import { openKeystoreBytes, readKeystore } from '../keystore/open.js';
import { encodeKeystore } from '../keystore/write.js';
import { newFileMode, openConfiguredKeystore, sha256Hex } from './current-keystore.js';
import type { HomeSnapshot } from './home-snapshot.js';
import { mergePlan, unchangedChange, type PlanAction, type PreparedChange } from './prepared.js';
import { editTruststore, type CertificateToTrust } from './truststore-import.js';
import { refusePlaceholderPassword, settleAfterState } from './after-state.js';
import { refuseAnotherRolesFile, replacedRole } from './role-files.js';
import { newPasswordProblem } from '../core/password-rule.js';
import { javaTrustOf } from '../keystore/java-lookup.js';

const DEFAULT_ALIAS = 'wso2carbon';

/**
 * Procedure 3: a new truststore that starts as a copy of the current one (an empty one breaks TLS) or of a file the
 * user has, with certificates imported and optionally the shipped wso2carbon certificate removed; `[truststore]`
 * then points at it, its `alias` and `algorithm` lines left as they are.
 */
export async function prepareTruststoreProcedure(
  facts: HomeSnapshot,
  answers: TruststoreAnswers,
  secrets: TruststoreSecrets,
  options: { trustOnFirstUse?: boolean } = {},
): Promise<PreparedChange> {
  const settings = answers.truststore;
  const { profile, located } = facts;
  const current = facts.resolved.roles.truststore;
  const target = path.join(located.home, profile.securityDir, settings.fileName);
  const passwordProblem = newPasswordProblem(secrets.password);
  if (passwordProblem) throw new UserError(`[truststore] password: ${passwordProblem} Give a longer one.`, 'answers-invalid');
  refusePlaceholderPassword('[truststore] password', secrets.password);
  refuseAnotherRolesFile(facts, 'truststore', target);

  let base: Keystore;
  // The password that opens the starting truststore also opens any key entry carried over from it.
  let basePassword: string;
  if (settings.source === 'copy-current') {
    ({ keystore: base, password: basePassword } = await openConfiguredKeystore(
      current,
      'start the new truststore as a copy of the current one',
      facts.files,
    ));
  } else {
    const sourcePassword = secrets.existingPassword ?? secrets.password;
    basePassword = sourcePassword;
    try {
      base = await openKeystoreBytes(facts.files.required('keystore', settings.existing.path), sourcePassword, settings.existing.path);
    } catch (error) {
      if (error instanceof KeystoreError && error.keystoreCode === 'wrong-password') {
        throw new UserError(
          `[truststore.existing] ${settings.existing.path}: the password does not open it; check [truststore.existing] password.`,
          'existing-keystore-invalid',
        );
      }
      throw error;
    }
  }
  const taken: PlanAction = {
    kind: 'take',
    what: `the ${base.entries.length} entries of ${settings.source === 'copy-current' ? `the current truststore ${current.file}` : settings.existing.path}`,
  };

  const imported = certificatesToImport(facts, settings.imports, { trustOnFirstUse: options.trustOnFirstUse });
  const additions: CertificateToTrust[] = imported.certificates.map(({ alias, certificate }) => ({ alias, certificate }));
  const notes: string[] = [...imported.notes];
  const removal = await planRemovals(facts, base, settings, notes);
  const edit = editTruststore(base, additions, {
    storePassword: basePassword,
    file: settings.source === 'copy-current' ? current.file : settings.existing.path,
    remove: removal.remove,
  });
  const editActions: PlanAction[] = [
    ...edit.alreadyPresent.map(
      (present): PlanAction => ({ kind: 'already-trusted', path: target, alias: present.presentAs, sha256: present.sha256 }),
    ),
    ...edit.added.map(
      (added): PlanAction => ({
        kind: 'import-certificate',
        path: target,
        alias: added.alias,
        sha256: added.sha256,
        subject: added.subject,
      }),
    ),
    ...edit.removed.map((alias): PlanAction => ({ kind: 'remove-certificate', path: target, alias, ...removal.describe(alias) })),
  ];
  edit.added.forEach((added) => {
    const asked = added.requested;
    const given = imported.certificates.find(
      (certificate) => certificate.alias.toLowerCase() === asked.toLowerCase() && certificate.aliasGiven,
    );
    if (added.alias !== asked.toLowerCase()) {
      notes.push(
        `"${asked}" is already taken in the truststore by another certificate, so ${added.subject} is imported as "${added.alias}"${given ? '; choose another alias in the answers to name it yourself' : ''}.`,
      );
    }
  });
  if (settings.removeDefaultCertificate && !edit.removed.some((alias) => alias.toLowerCase() === DEFAULT_ALIAS))
    notes.push(`There is no "${DEFAULT_ALIAS}" certificate to remove.`);
  if (
    edit.removed.some((alias) => alias.toLowerCase() === DEFAULT_ALIAS) &&
    facts.resolved.roles.primary.alias?.toLowerCase() === DEFAULT_ALIAS
  ) {
    notes.push(
      'The primary keystore still uses the wso2carbon key: with its certificate removed, the server cannot call its own HTTPS endpoints. Replace the primary keystore too (ei-keystore apply primary).',
    );
  }
  notes.push(...verdictsAfter(imported.certificates, edit.entries, facts.now));
  if (edit.entries.length === 0) {
    throw new UserError(
      'The new truststore would be empty, and Java refuses an empty truststore ("trustAnchors parameter must be non-empty"). Import at least one certificate.',
      'truststore-empty',
    );
  }
  if (settings.type === 'PKCS12') notes.push('WSO2 marks PKCS12 "not tested" for the Micro Integrator; JKS is the safe default.');

  const table = profile.tables.truststore.split('.');
  const changes: TomlChange[] = [
    { table, key: 'file_name', value: fileNameFor(profile, settings.fileName) },
    { table, key: 'type', value: settings.type },
    { table, key: 'password', value: secrets.password },
  ];
  const wanted = new Set(
    edit.entries.map((entry) => (entry.kind === 'trusted-certificate' ? sha256Hex(entry.certificate) : `key:${entry.alias}`)),
  );
  const existingTarget = facts.files.present(target);
  if (
    existingTarget &&
    patchToml(facts.configText, changes, { file: located.config.path }) === facts.configText &&
    (await holdsExactly(existingTarget, secrets.password, wanted))
  ) {
    return unchangedChange(
      facts,
      'truststore',
      profile.configFile,
      `${profile.configFile} already points [truststore] at ${target}, which holds exactly these certificates. Nothing to change.`,
      notes,
    );
  }
  const replacingCurrent = target === current.file && settings.source === 'copy-current';
  if (existingTarget && !settings.overwrite && !replacingCurrent) {
    throw new UserError(
      `${target} already exists. Set overwrite = true under [truststore] in the answers file to replace it (the old file is backed up), or choose another file_name.`,
      'file-exists',
    );
  }

  const content = await encodeKeystore(settings.type, edit.entries, secrets.password, facts.now);
  const settled = await settleAfterState({
    facts,
    changes,
    roles: [{ role: 'truststore', file: target, type: settings.type, password: secrets.password }],
    writes: new Map([[target, content]]),
  });
  const after = settled.after;
  const plan = mergePlan(
    { actions: [taken, ...editActions], notes },
    { notes: settled.notes },
    settled.vaultAliases.length > 0
      ? { actions: [{ kind: 're-encrypt', aliases: settled.vaultAliases, why: 'the new password, for the secure vault' }] }
      : undefined,
    {
      actions: [
        {
          kind: 'write-keystore',
          path: target,
          role: 'truststore',
          format: settings.type,
          created: !existingTarget,
          entries: `${edit.entries.length} certificates`,
          replaces: replacedRole(facts, target, existingTarget),
        },
        {
          kind: 'patch-config',
          path: located.config.path,
          keys: [...new Set(settled.changes.map((change) => `[${change.table.join('.')}] ${change.key}`))],
        },
        { kind: 'backup', paths: [target, located.config.path, ...settled.writes.map((write) => write.path)] },
      ],
      writes: [
        { path: target, content, mode: newFileMode(existingTarget), role: 'truststore' },
        { path: located.config.path, content: Buffer.from(after, 'utf8'), role: 'config' },
      ],
      keystores: [
        {
          path: target,
          storePassword: secrets.password,
          format: settings.type,
          keyEntries: [],
          trustedSha256: [...wanted].filter((print) => !print.startsWith('key:')),
        },
      ],
    },
    { writes: settled.writes },
  );
  const expected: ExpectedFile[] = [
    { path: located.config.path, sha256: facts.configSha256 },
    { path: target, sha256: existingTarget ? sha256Hex(existingTarget) : null },
  ];
  for (const write of settled.writes) {
    const current = facts.files.present(write.path);
    expected.push({ path: write.path, sha256: current ? sha256Hex(current) : null });
  }
  return {
    procedure: 'truststore',
    home: located.home,
    actions: plan.actions,
    writes: plan.writes,
    expected,
    keystores: plan.keystores,
    config: { path: located.config.path, relative: profile.configFile, before: facts.configText, after, changes: settled.changes },
    notes: plan.notes,
    startup: { before: settled.openedBefore, envOverlay: settled.envOverlay, ...(settled.vaultAfter ? { vault: settled.vaultAfter } : {}) },
  };
}

async function holdsExactly(bytes: Buffer, password: string, wanted: Set<string>): Promise<boolean> {
  try {
    const keystore = await readKeystore(bytes, password);
    // A certificate Java ignores (an alias with capitals, a PKCS#12 bag without the trust attribute) is one the
    // rewrite makes visible: not in place yet.
    if (keystore.entries.some((entry) => entry.kind === 'trusted-certificate' && javaTrustOf(keystore.format, entry) !== 'trusted'))
      return false;
    const have = new Set(
      keystore.entries.map((entry) => (entry.kind === 'trusted-certificate' ? sha256Hex(entry.certificate) : `key:${entry.alias}`)),
    );
    return have.size === wanted.size && [...wanted].every((print) => have.has(print));
  } catch {
    return false;
  }
}
