import { isTomlTable, TableReader } from './fields.js';
import { readKeystore } from './keystore-section.js';
import { AnswersError, ProblemList } from './problems.js';
import { DEFAULTS, PRIMARY_STRATEGIES } from './schema.js';
import { readTruststore } from './truststore-section.js';
import type { Answers, AnswersFor, InternalAnswers, PrimaryAnswers, KeystoreRole, TruststoreAnswers } from './types.js';
import { reportUnknownKeys } from './unknown-keys.js';

/**
 * Checks parsed TOML against the answers schema of one procedure and fills in the defaults. Every problem is
 * collected; if there is any, one AnswersError (a UserError, exit 2, code 'answers-invalid') lists them all.
 */
export function validateAnswers<P extends KeystoreRole>(procedure: P, data: unknown): AnswersFor<P>;
export function validateAnswers(procedure: KeystoreRole, data: unknown): Answers {
  if (!isTomlTable(data)) {
    throw new AnswersError(procedure, [{ field: '', message: 'the answers must be a TOML document of tables such as [keystore]' }]);
  }
  const problems = new ProblemList();
  const root = new TableReader(data, { table: '' }, problems);
  reportUnknownKeys(root, procedure);
  const answers = readProcedure(procedure, root);
  if (root.has('vault')) {
    const vault = root.table('vault');
    reportUnknownKeys(vault, procedure);
    const password = vault.secret('password', '{ env = "EI_VAULT_PASSWORD" }');
    if (password) answers.vault = { password };
  }
  problems.throwIfAny(procedure);
  return answers;
}

function readProcedure(procedure: KeystoreRole, root: TableReader): Answers {
  switch (procedure) {
    case 'primary':
      return readPrimary(root);
    case 'internal':
      return readInternal(root);
    case 'truststore':
      return { procedure, truststore: readTruststore(root) } satisfies TruststoreAnswers;
  }
}

function readPrimary(root: TableReader): PrimaryAnswers {
  const keystore = readKeystore(root, 'primary');
  const truststore = root.table('truststore');
  reportUnknownKeys(truststore, 'primary');
  const answers: PrimaryAnswers = {
    procedure: 'primary',
    keystore,
    truststore: { importCertificate: truststore.boolean('import_certificate', DEFAULTS.importCertificate) },
  };
  if (!root.has('secrets')) return answers;
  const secrets = root.table('secrets');
  reportUnknownKeys(secrets, 'primary');
  return { ...answers, secrets: { strategy: secrets.choice('strategy', PRIMARY_STRATEGIES) } };
}

function readInternal(root: TableReader): InternalAnswers {
  const keystore = readKeystore(root, 'internal');
  if (!root.has('secrets')) return { procedure: 'internal', keystore };
  const secrets = root.table('secrets');
  reportUnknownKeys(secrets, 'internal');
  if (secrets.data.strategy === 'keep-old-key-as-internal') {
    secrets.problem(
      'strategy',
      '"keep-old-key-as-internal" applies to `apply primary` only; the internal keystore is the key being replaced here, so its secrets are re-encrypted: write strategy = "re-encrypt"',
    );
  }
  const strategy =
    secrets.data.strategy === 'keep-old-key-as-internal' ? 're-encrypt' : secrets.choice('strategy', ['re-encrypt'] as const);
  return { procedure: 'internal', keystore, secrets: { strategy } };
}
