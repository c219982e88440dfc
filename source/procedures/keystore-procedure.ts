import path from 'node:path';
import type { ExpectedFile } from '../apply/changes.js';
import type { KeystoreSecrets } from '../answers/secret-fields.js';
import type { InternalAnswers, KeystoreAnswers, PrimaryAnswers } from '../answers/types.js';
import { fileNameFor } from '../core/profiles.js';
import type { TomlChange } from '../config/patch.js';
import { X509Certificate } from 'node:crypto';
import { UserError } from '../errors.js';
import { encodeKeystore } from '../keystore/write.js';
import type { KeyPairInAdvance } from '../keystore/generate.js';
import { obtainKeyMaterial, type KeyMaterial } from './key-material.js';
import { PRIVATE_KEY_MODE, sha256Hex } from './current-keystore.js';
import type { HomeSnapshot } from './home-snapshot.js';
import { alreadyInPlace } from './idempotence.js';
import { mergePlan, unchangedChange, type PlanFragment, type PreparedChange } from './prepared.js';
import { prepareCsrRequest } from './csr-procedure.js';
import { keyFromCaReply, type ReplyMaterial } from './reply-material.js';
import { guardSecrets } from './secrets-guard.js';
import { importIntoTruststore } from './truststore-import.js';
import { openingsBefore, refusePlaceholderPassword, settleAfterState } from './after-state.js';
import { refuseAnotherRolesFile, replacedRole } from './role-files.js';
import { newPasswordProblem } from '../core/password-rule.js';

/**
 * Procedures 1 and 2 of the source document: put a key pair in a keystore in the security directory and point
 * the role's table at it. Everything is computed in memory; `apply` writes it in one transaction.
 */
export async function prepareKeystoreProcedure(
  facts: HomeSnapshot,
  answers: PrimaryAnswers | InternalAnswers,
  secrets: KeystoreSecrets,
  options: { onProgress?: (message: string) => void; keyPair?: KeyPairInAdvance } = {},
): Promise<PreparedChange> {
  const role = answers.procedure;
  const { profile, located } = facts;
  if (role === 'internal' && !profile.internalConfigurable) {
    throw new UserError(
      `${profile.label} does not read [keystore.internal]: ${profile.internalNote} Separating the internal keystore needs Micro Integrator 4 (or the EI 7 layout of the source document). Nothing was written.`,
      'profile-unsupported',
    );
  }
  const keystore = answers.keystore;
  checkPasswords(keystore, secrets);
  if (keystore.source === 'csr') return prepareCsrRequest(facts, answers, secrets);
  const table = profile.tables[role];
  const tablePath = table.split('.');
  const target = path.join(located.home, profile.securityDir, keystore.fileName);
  const changes: TomlChange[] = [
    { table: tablePath, key: 'file_name', value: fileNameFor(profile, keystore.fileName) },
    { table: tablePath, key: 'type', value: keystore.type },
    { table: tablePath, key: 'password', value: secrets.password },
    { table: tablePath, key: 'alias', value: keystore.alias },
    { table: tablePath, key: 'key_password', value: secrets.keyPassword },
  ];
  const configRelative = profile.configFile;

  refuseAnotherRolesFile(facts, role, target);
  const existingTarget = facts.files.present(target);
  const inPlace = await alreadyInPlace({
    facts,
    role,
    answers: keystore,
    secrets,
    target,
    targetBytes: existingTarget,
    changes,
    importCertificate: answers.procedure === 'primary' ? answers.truststore.importCertificate : undefined,
  });
  if (inPlace) return unchangedChange(facts, role, configRelative, inPlace, []);
  if (existingTarget && !keystore.overwrite) {
    throw new UserError(
      `${target} already exists. Set overwrite = true under [keystore] in the answers file to replace it (the old file is backed up and can be restored), or choose another file_name.`,
      'file-exists',
    );
  }
  const formatNote =
    keystore.type === 'PKCS12' ? ['WSO2 marks PKCS12 "not tested" for the Micro Integrator; JKS is the safe default.'] : [];

  options.onProgress?.(
    keystore.source === 'generate'
      ? 'Generating the key pair'
      : `Reading ${keystore.source === 'existing' ? keystore.existing.path : keystore.source === 'ca-reply' ? keystore.reply : ''}`,
  );
  // What opens today does not depend on the new key: checked while a generated one is still being made.
  const openedBefore = openingsBefore(facts);
  // A CA's reply completes the pending request's key; anything else comes from generate or an existing keystore.
  const reply: ReplyMaterial | undefined =
    keystore.source === 'ca-reply' ? await keyFromCaReply(facts, role, keystore.reply, secrets) : undefined;
  const material: KeyMaterial = reply
    ? { privateKey: reply.privateKey, chain: reply.chain, origin: reply.origin, generated: false }
    : await obtainKeyMaterial(keystore, secrets, facts.now, facts.files, options.keyPair);
  const leaf = material.chain[0]!;
  const renewal = reply?.pending.meta.renewal;
  const key: Partial<PlanFragment> = {
    changes,
    notes: [...formatNote, ...(reply?.notes ?? [])],
    actions: [
      { kind: material.generated ? 'generate' : 'take', what: material.origin },
      ...(reply && renewal
        ? [
            {
              kind: 'take' as const,
              what: `the other ${reply.carried.length} entr${reply.carried.length === 1 ? 'y' : 'ies'} of ${renewal.keystore} (a renewal goes into a copy of that keystore)`,
            },
          ]
        : []),
    ],
  };
  // A source keystore that already is what the target should be (same format, one entry under the same alias, same
  // passwords) is copied byte for byte: re-encoding would give every node of a cluster a different file (random salts).
  const copyAsIs =
    material.source !== undefined &&
    material.source.format === keystore.type &&
    material.source.entryCount === 1 &&
    material.source.alias.toLowerCase() === keystore.alias.toLowerCase() &&
    material.source.storePassword === secrets.password &&
    material.source.keyPassword === secrets.keyPassword;
  const keystoreBytes = copyAsIs
    ? material.source!.bytes
    : await encodeKeystore(
        keystore.type,
        [
          { kind: 'private-key', alias: keystore.alias, key: material.privateKey, keyPassword: secrets.keyPassword, chain: material.chain },
          ...(reply?.carried ?? []),
        ],
        secrets.password,
        facts.now,
      );
  const written: Partial<PlanFragment> = {
    // A private key is 0600 even when it replaces a looser file (the plan says so): the old mode is not kept.
    writes: [{ path: target, content: keystoreBytes, mode: PRIVATE_KEY_MODE, role: `${role} keystore` }],
    keystores: [
      {
        path: target,
        storePassword: secrets.password,
        format: keystore.type,
        keyEntries: [{ alias: keystore.alias.toLowerCase(), keyPassword: secrets.keyPassword, leafSha256: sha256Hex(leaf) }],
        trustedSha256: [],
      },
    ],
    actions: [
      {
        kind: 'write-keystore',
        path: target,
        role: `${role} keystore`,
        format: keystore.type,
        created: !existingTarget,
        entries: `key "${keystore.alias.toLowerCase()}"`,
        replaces: replacedRole(facts, target, existingTarget),
      },
    ],
  };

  // A CA-signed chain is trusted through its root; a self-signed or copied certificate through itself.
  const imported =
    answers.procedure === 'primary' && answers.truststore.importCertificate
      ? await importIntoTruststore(facts, [
          reply
            ? { alias: `${keystore.alias.toLowerCase()}-ca`, certificate: reply.root }
            : { alias: keystore.alias.toLowerCase(), certificate: leaf },
        ])
      : undefined;
  const guarded = await guardSecrets({ facts, procedure: role, strategy: answers.secrets?.strategy, newLeaf: leaf, target });
  const planned = mergePlan(key, written, imported, guarded, { notes: keystoreNotes(facts, role, target, leaf) });

  const settled = await settleAfterState({
    facts,
    openedBefore,
    changes: planned.changes,
    roles: [
      {
        role,
        file: target,
        type: keystore.type,
        password: secrets.password,
        alias: keystore.alias,
        keyPassword: secrets.keyPassword,
        leaf,
      },
      ...(guarded.moved ? [guarded.moved] : []),
    ],
    writes: new Map(planned.writes.map((write) => [write.path, write.content])),
  });
  const after = settled.after;
  const removals = reply ? [reply.pending.keystorePath, reply.pending.metaPath] : [];
  const plan = mergePlan(
    { ...planned, changes: settled.changes },
    { notes: settled.notes, writes: settled.writes },
    settled.vaultAliases.length > 0
      ? { actions: [{ kind: 're-encrypt', aliases: settled.vaultAliases, why: 'the new passwords, for the secure vault' }] }
      : undefined,
    {
      writes: [{ path: located.config.path, content: Buffer.from(after, 'utf8'), role: 'config' }],
      actions: [
        {
          kind: 'patch-config',
          path: located.config.path,
          keys: [...new Set(settled.changes.map((change) => `[${change.table.join('.')}] ${change.key}`))],
        },
      ],
    },
    reply ? { actions: [{ kind: 'remove-pending', paths: removals }] } : undefined,
  );
  const expected: ExpectedFile[] = [{ path: located.config.path, sha256: facts.configSha256 }];
  for (const file of [...plan.writes.map((write) => write.path), ...removals]) {
    if (file === located.config.path) continue;
    const current = file === target ? existingTarget : facts.files.present(file);
    expected.push({ path: file, sha256: current ? sha256Hex(current) : null });
  }
  plan.actions.push({ kind: 'backup', paths: [...plan.writes.map((write) => write.path), ...removals] });
  return {
    procedure: role,
    home: located.home,
    actions: plan.actions,
    writes: plan.writes,
    expected,
    keystores: plan.keystores,
    config: { path: located.config.path, relative: configRelative, before: facts.configText, after, changes: settled.changes },
    notes: plan.notes,
    startup: { before: settled.openedBefore, envOverlay: settled.envOverlay, ...(settled.vaultAfter ? { vault: settled.vaultAfter } : {}) },
    ...(removals.length > 0 ? { removals } : {}),
  };
}

/** What the plan says about the role itself: ignored tables, a hard-coded internal keystore, a key [secrets] cannot use. */
function keystoreNotes(facts: HomeSnapshot, role: 'primary' | 'internal', target: string, leaf: Buffer): string[] {
  const { profile, located } = facts;
  const notes = facts.resolved.ignoredTables.map(
    (ignored) => `[${ignored.table}] stays as it is in ${profile.configFile}: ${ignored.reason}.`,
  );
  const internal = facts.resolved.roles.internal;
  if (!profile.internalConfigurable && role === 'primary' && target !== internal.file) {
    notes.push(
      `${profile.label} keeps encrypting [secrets] with its hard-coded internal keystore ${path.relative(located.home, internal.file)} (the shipped key, whose private key is public); this version cannot point it elsewhere.`,
    );
  }
  if (leafKeyAlgorithm(leaf) !== 'RSA' && (role === 'internal' || internal.followsPrimary === true || target === internal.file)) {
    notes.push(
      `Warning: the new key is ${leafKeyAlgorithm(leaf)}, and this keystore is the one that encrypts [secrets]. The cipher tool and the server's RSA/ECB/OAEPwithSHA1andMGF1Padding need an RSA key: the next cipher tool run will fail. Use an RSA key unless no secret will ever be encrypted.`,
    );
  }
  return notes;
}

function checkPasswords(keystore: KeystoreAnswers, secrets: KeystoreSecrets): void {
  refusePlaceholderPassword('[keystore] password', secrets.password);
  refusePlaceholderPassword('[keystore] key_password', secrets.keyPassword);
  const passwordProblem = newPasswordProblem(secrets.password);
  if (passwordProblem) {
    throw new UserError(`[keystore] password: ${passwordProblem} Give a longer one.`, 'answers-invalid');
  }
  if (keystore.type === 'PKCS12' && secrets.keyPassword !== secrets.password) {
    throw new UserError(
      '[keystore] key_password: a PKCS12 keystore has one password, so key_password must equal password (or be left out).',
      'answers-invalid',
    );
  }
}

/** The key algorithm of a certificate's public key, as Java names it (RSA, EC, DSA, ...). */
function leafKeyAlgorithm(leaf: Buffer): string {
  const type = new X509Certificate(leaf).publicKey.asymmetricKeyType ?? 'unknown';
  return type === 'rsa' || type === 'rsa-pss' ? 'RSA' : type.toUpperCase();
}
