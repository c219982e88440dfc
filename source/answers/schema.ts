import type { KeystoreRole, SecretsStrategy, StoreType } from './types.js';

/**
 * The keys each table of an answers file may hold, per procedure, as data: validation reports anything else
 * as unknown (with the nearest valid key), and says where a key that belongs in another table should go.
 * A table's sub-tables are listed among its keys. '' is the top level.
 */
export type TableKeys = Readonly<Record<string, readonly string[]>>;

const KEYSTORE_KEYS = [
  'source',
  'file_name',
  'type',
  'alias',
  'password',
  'key_password',
  'overwrite',
  'csr_file',
  'reply',
  'generate',
  'existing',
  'csr',
];
const CSR_KEYS = ['key', 'dname', 'subject_alt_names', 'key_algorithm', 'key_size', 'replace_pending'];
const GENERATE_KEYS = ['dname', 'subject_alt_names', 'key_algorithm', 'key_size', 'validity_days'];
const EXISTING_KEYSTORE_KEYS = ['path', 'password', 'key_password', 'alias'];
const SECRETS_KEYS = ['strategy'];
/** The secure vault's password (the internal keystore's), for homes whose passwords are $secret{} values. */
const VAULT_KEYS = ['password'];

export const ANSWER_TABLES: Readonly<Record<KeystoreRole, TableKeys>> = {
  primary: {
    '': ['keystore', 'truststore', 'secrets', 'vault'],
    keystore: KEYSTORE_KEYS,
    'keystore.generate': GENERATE_KEYS,
    'keystore.existing': EXISTING_KEYSTORE_KEYS,
    'keystore.csr': CSR_KEYS,
    truststore: ['import_certificate'],
    secrets: SECRETS_KEYS,
    vault: VAULT_KEYS,
  },
  internal: {
    '': ['keystore', 'secrets', 'vault'],
    keystore: KEYSTORE_KEYS,
    'keystore.generate': GENERATE_KEYS,
    'keystore.existing': EXISTING_KEYSTORE_KEYS,
    'keystore.csr': CSR_KEYS,
    secrets: SECRETS_KEYS,
    vault: VAULT_KEYS,
  },
  truststore: {
    '': ['truststore', 'vault'],
    truststore: [
      'source',
      'file_name',
      'type',
      'password',
      'remove_default_certificate',
      'remove',
      'remove_expired',
      'overwrite',
      'existing',
      'import',
    ],
    'truststore.existing': ['path', 'password'],
    'truststore.import': ['alias', 'file', 'url', 'host', 'port', 'servername', 'trust', 'sha256'],
    vault: VAULT_KEYS,
  },
};

export const STORE_TYPES: readonly StoreType[] = ['JKS', 'PKCS12'];
export const KEY_SIZES = { RSA: [2048, 3072, 4096], EC: [256, 384] } as const;
export const VALIDITY_DAYS = { min: 1, max: 36500 } as const;
export const PRIMARY_STRATEGIES: readonly SecretsStrategy[] = ['re-encrypt', 'keep-old-key-as-internal'];

export const DEFAULTS = {
  type: 'JKS',
  overwrite: false,
  keyAlgorithm: 'RSA',
  keySize: { RSA: 2048, EC: 256 },
  validityDays: 365,
  importCertificate: true,
  truststoreSource: 'copy-current',
  removeDefaultCertificate: false,
} as const;

/** Environment variable names `serializeAnswers` writes for secrets unless the caller names others. */
export interface SecretEnvNames {
  keystorePassword: string;
  keyPassword: string;
  existingPassword: string;
  existingKeyPassword: string;
  truststorePassword: string;
  existingTruststorePassword: string;
}

export const DEFAULT_SECRET_ENV_NAMES: Readonly<SecretEnvNames> = {
  keystorePassword: 'EI_KEYSTORE_PASSWORD',
  keyPassword: 'EI_KEY_PASSWORD',
  existingPassword: 'EI_SOURCE_KEYSTORE_PASSWORD',
  existingKeyPassword: 'EI_SOURCE_KEY_PASSWORD',
  truststorePassword: 'EI_TRUSTSTORE_PASSWORD',
  existingTruststorePassword: 'EI_SOURCE_TRUSTSTORE_PASSWORD',
};

/** Keys people reach for that a procedure spells differently, with the way to write them. */
export const PROCEDURE_HINTS: Readonly<Record<KeystoreRole, Readonly<Record<string, Readonly<Record<string, string>>>>>> = {
  primary: {},
  internal: {},
  truststore: {
    truststore: {
      existing_path: 'write the truststore to start from as [truststore.existing] with path = "..." (and password when it differs)',
    },
  },
};
