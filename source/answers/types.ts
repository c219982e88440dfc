import type { KeyPairSpec } from '../keystore/generate.js';
import type { DnAttribute } from '../keystore/x509/dname.js';
import type { SanEntry } from '../keystore/x509/san.js';

/**
 * The answers that `ei-keystore apply <procedure> --answers FILE` reads: a contract automation depends on.
 * These are the validated, defaulted forms; the TOML keys are snake_case (`key_password`), the fields here
 * camelCase (`keyPassword`). Paths are as written in the file until `readAnswersFile` makes them absolute.
 */
/** The three keystores a WSO2 server reads, each with its procedure: the one name for them everywhere. */
export type KeystoreRole = 'primary' | 'internal' | 'truststore';
export const PROCEDURES: readonly KeystoreRole[] = ['primary', 'internal', 'truststore'];
/** Every procedure of the tool: one per keystore role, and "Encrypt passwords" (apply secrets). */
export type ProcedureId = KeystoreRole | 'secrets';

/** Where a secret comes from. In TOML: `{ env = "NAME" }`, `{ file = "PATH" }`, or a plain string (a literal). */
export type SecretRef = { env: string } | { file: string } | { literal: string };

export type StoreType = 'JKS' | 'PKCS12';
export type KeystoreSource = 'generate' | 'existing' | 'csr' | 'ca-reply';

/**
 * A distinguished name as the user wrote it (`text`, saved back verbatim) beside its attributes, parsed once where
 * the answers are read; everything later (certificates, requests, idempotence) uses `attributes`, never the text.
 */
export interface DnameAnswer {
  text: string;
  attributes: DnAttribute[];
}

/** One subject alternative name as written ("DNS:host", "IP:10.0.0.1") beside its parsed entry (see DnameAnswer). */
export interface SanAnswer {
  text: string;
  entry: SanEntry;
}

/** `[keystore.generate]`: a new key pair and self-signed certificate. */
export interface GenerateAnswers {
  dname: DnameAnswer;
  subjectAltNames: SanAnswer[];
  keyPair: KeyPairSpec;
  validityDays: number;
}

/** `[keystore.existing]`: a keystore the user already has (e.g. from a CA), copied in. */
export interface ExistingKeystoreAnswers {
  path: string;
  password: SecretRef;
  /** The private key's password in that file; defaults to its store password. */
  keyPassword: SecretRef;
  /** Optional when the file holds exactly one key entry (checked when the file is read). */
  alias?: string;
}

/**
 * `[keystore.csr]`: a certificate signing request. The key pair waits in `<home>/.ei-keystore/pending/` until the
 * CA's reply is imported with source = "ca-reply". `key = "current"` renews: the request is made with the key of
 * the keystore the role uses now (same key, new certificate), and the reply goes into a copy of that keystore.
 */
export type CsrAnswers =
  | { key: 'new'; dname: DnameAnswer; subjectAltNames: SanAnswer[]; keyPair: KeyPairSpec; replacePending: boolean }
  | { key: 'current'; dname?: DnameAnswer; subjectAltNames?: SanAnswer[]; replacePending: boolean };

interface KeystoreCommon {
  /** A bare file name, placed in the profile's security directory. */
  fileName: string;
  type: StoreType;
  alias: string;
  password: SecretRef;
  /** Defaults to `password`. */
  keyPassword: SecretRef;
  /** Whether an existing file of that name in the security directory may be replaced. */
  overwrite: boolean;
}

export type KeystoreAnswers = KeystoreCommon &
  (
    | { source: 'generate'; generate: GenerateAnswers }
    | { source: 'existing'; existing: ExistingKeystoreAnswers }
    /** `csrFile`: where the request is written as PEM (relative to the answers file). */
    | { source: 'csr'; csrFile: string; csr: CsrAnswers }
    /** `reply`: the CA's reply (PEM, DER, PKCS#7 or a bundle) to the pending request. */
    | { source: 'ca-reply'; reply: string }
  );

/**
 * What to do with `[secrets]` encrypted by the key being replaced: re-encrypt them with the new certificate,
 * or keep the old key pair as the internal keystore (primary only).
 */
export type SecretsStrategy = 're-encrypt' | 'keep-old-key-as-internal';

export interface PrimaryAnswers {
  procedure: 'primary';
  /** The secure vault's password (the internal keystore's), when the home's passwords are $secret{} values. */
  vault?: { password: SecretRef };
  keystore: KeystoreAnswers;
  truststore: { importCertificate: boolean };
  /** Absent when the file has no `[secrets]`: the plan must then refuse if the configuration holds encrypted secrets. */
  secrets?: { strategy: SecretsStrategy };
}

export interface InternalAnswers {
  procedure: 'internal';
  /** The secure vault's password (the internal keystore's), when the home's passwords are $secret{} values. */
  vault?: { password: SecretRef };
  keystore: KeystoreAnswers;
  /** Only re-encryption: keeping the old key as the internal keystore is what this procedure replaces. */
  secrets?: { strategy: 're-encrypt' };
}

/** Which certificate of a server's chain an import trusts (see ServerImport). */
export type TrustChoice = 'root' | 'issuer' | 'leaf';

export interface FileImport {
  /** The alias to store it under; '' derives one from the subject's CN. */
  alias: string;
  /** A PEM or DER certificate file. */
  file: string;
  server?: undefined;
}

/**
 * `[[truststore.import]]` with `url` (or `host` and `port`): the certificate is taken from the chain the server
 * presents. `trust` picks it: "root" the top-most CA certificate presented, "issuer" the leaf's issuer, "leaf" the
 * server's own certificate; by default the top-most CA, or the leaf when it is alone. `sha256` pins it: required,
 * unless `apply --trust-on-first-use` waives it (the accepted fingerprint is then printed).
 */
export interface ServerImport {
  alias: string;
  file?: undefined;
  server: { host: string; port: number; servername?: string };
  trust?: TrustChoice;
  /** Upper-case hex without separators. */
  sha256?: string;
}

export type TruststoreImport = FileImport | ServerImport;

/** `[truststore.existing]`: start from a truststore file the user has, instead of the current one. */
export interface ExistingTruststoreAnswers {
  path: string;
  /** Defaults to the new truststore's password. */
  password: SecretRef;
}

interface TruststoreCommon {
  fileName: string;
  type: StoreType;
  password: SecretRef;
  /** Remove WSO2's shipped `wso2carbon` certificate (production guidance once it is replaced). */
  removeDefaultCertificate: boolean;
  overwrite: boolean;
  imports: TruststoreImport[];
  /** Aliases to remove from the new truststore (compared without case). */
  remove: string[];
  /** Remove every expired certificate (never silently the one certifying our own primary key). */
  removeExpired: boolean;
}

export type TruststoreSettings = TruststoreCommon &
  ({ source: 'copy-current' } | { source: 'existing'; existing: ExistingTruststoreAnswers });

export interface TruststoreAnswers {
  procedure: 'truststore';
  /** The secure vault's password (the internal keystore's), when the home's passwords are $secret{} values. */
  vault?: { password: SecretRef };
  truststore: TruststoreSettings;
}

export type Answers = PrimaryAnswers | InternalAnswers | TruststoreAnswers;

export type AnswersFor<P extends KeystoreRole> = Extract<Answers, { procedure: P }>;
