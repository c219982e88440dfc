import type { ProcedureId } from '../../answers/types.js';
import type { ProfileId } from '../profiles.js';

/**
 * The three procedures as data. Every front end (the Ink wizard, the plain prompts) walks the same fields, so a
 * new question is one change here, not one per front end. Nothing here does I/O: checks that need the disk
 * (does this keystore open? is this a certificate?) go through `ProcedureIO`, which the front end supplies.
 */
export type FieldKind =
  | 'choice' // one of `choices`
  | 'text' // one line
  | 'secret' // a password that exists already (typed once, masked)
  | 'new-secret' // a new password (typed twice, masked)
  | 'integer'
  | 'confirm' // yes / no
  | 'certificates' // a list of certificate files to import, each read and shown before it is accepted
  | 'checklist'; // any number of `choices`, ticked (the value is the ticked values, in choice order)

export interface CertificateImportValue {
  alias: string;
  /** The certificate file; '' for a certificate taken from a server. */
  file: string;
  /** Shown when accepted: "CN=..., expires 2027-01-01". */
  summary: string;
  /** Taken from the chain this server presents: which one (`trust`), pinned by the fingerprint the user saw. */
  server?: { host: string; port: number; servername?: string };
  trust?: 'root' | 'issuer' | 'leaf';
  sha256?: string;
}

/** A server's presented chain as the wizard shows it before the user picks the certificate to trust. */
export interface ServerChainView {
  host: string;
  port: number;
  certificates: Array<{ subject: string; issuer: string; notBefore: string; notAfter: string; sha256: string; isCA: boolean }>;
}

export type FieldValue = string | number | boolean | CertificateImportValue[] | string[];
export type FieldValues = Readonly<Record<string, FieldValue | undefined>>;

/** What the fields need to know about the home: plain data, built by the front end from the real home. */
export interface WizardFacts {
  profile: ProfileId;
  profileLabel: string;
  internalConfigurable: boolean;
  /** `[server] hostname`, for the default CN and SAN. */
  hostname: string;
  /** Bare file names already in the security directory (to offer overwrite). */
  securityFiles: readonly string[];
  /** Encrypted values in `[secrets]`. */
  encryptedSecrets: number;
  /** The internal keystore is the primary one (so changing the primary changes the secrets key). */
  internalIsPrimary: boolean;
  currentTruststoreFile: string;
  /** The primary keystore holds the shipped wso2carbon key (public: its private key ships with every WSO2 product). */
  primaryIsShippedKey?: boolean;
  /** Aliases in the current truststore (when it could be opened), so an import's alias is checked as it is typed. */
  truststoreAliases?: readonly string[];
  /** The current truststore's certificate entries, when it opens with its configured password (else absent). */
  truststoreEntries?: readonly TruststoreEntryFacts[];
  /** Certificate signing requests waiting for the CA's reply, by role (absent: none). */
  pendingRequests?: Readonly<Partial<Record<'primary' | 'internal', PendingRequestFacts>>>;
  /** What "Encrypt passwords" would find to do (absent: not looked at). */
  harden?: HardenFacts;
}

/** The plain-text passwords "Encrypt passwords" can move into the secure vault, and how the vault's own password reaches the server. */
export interface HardenFacts {
  /** `[secrets]` aliases whose value is still `[plain text]` in brackets. */
  plaintextSecrets: readonly string[];
  /** Plain-text passwords of the keystore tables and `[truststore]`, as full keys (`keystore.primary.password`). */
  keystorePasswords: readonly string[];
  /** Other plain-text password keys of the configuration the planner can move (transport, user store, ...). */
  otherPasswords: readonly string[];
  /** The server's password files present in the home. */
  passwordPersist: boolean;
  passwordTmp: boolean;
  /** Why the procedure cannot run here (nothing to encrypt, no RSA internal key, vault locked): said at the menu. */
  refusal?: string;
}

export interface TruststoreEntryFacts {
  alias: string;
  subject: string;
  /** YYYY-MM-DD */
  notAfter: string;
  expired: boolean;
  /** It certifies our own primary key (its certificate or a CA of its chain). */
  certifiesPrimary: boolean;
}

export interface PendingRequestFacts {
  subject: string;
  csrFile: string;
  /** The keystore holding the key that waits for the reply (locked with the request's passwords). */
  keystorePath: string;
  createdAt: string;
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

export interface FieldContext {
  facts: WizardFacts;
  values: FieldValues;
}

/** Checks that read files. Each answers undefined when the value is fine, else a sentence saying what to do. */
export interface ProcedureIO {
  /**
   * The keystore at `path` opens with `password` and (when given) holds `alias` as a usable key entry. With
   * `checkAlias` only the alias is checked: it names a key pair, or, when absent, the keystore holds exactly one.
   */
  checkExistingKeystore(input: {
    path: string;
    password: string;
    alias?: string;
    keyPassword?: string;
    needKey: boolean;
    checkAlias?: boolean;
  }): Promise<string | undefined>;
  /** The file at `path` exists and is a keystore (JKS, PKCS12 or JCEKS, told from its bytes): no password needed. */
  checkKeystoreFile?(path: string): Promise<string | undefined>;
  /** Reads a PEM or DER certificate file: its certificates summarised, or a problem. */
  readCertificates(path: string): Promise<{ summaries: string[] } | { problem: string }>;
  /** Connects to https://host:port (HTTPS_PROXY honoured) and returns the chain it presents, or a problem. */
  fetchServerChain?(address: string): Promise<{ chain: ServerChainView } | { problem: string }>;
}

export interface Field {
  id: string;
  label: string;
  kind: FieldKind;
  /** One line that says why, in the source document's terms. */
  why?: string | ((context: FieldContext) => string | undefined);
  choices?: (context: FieldContext) => Choice[];
  default?: (context: FieldContext) => FieldValue | undefined;
  /** Asked only when this holds; otherwise the field keeps no value. */
  when?: (context: FieldContext) => boolean;
  /** Empty input is accepted (the answer is then the default, or absent). */
  optional?: boolean;
  placeholder?: string;
  /** Immediate, pure validation of a typed value (before Enter is accepted). */
  validate?: (value: FieldValue, context: FieldContext) => string | undefined;
  /** A note on an acceptable value that the user should weigh (the shipped password): said, never refused. */
  warn?: (value: FieldValue, context: FieldContext) => string | undefined;
  /** A check that reads files, run when the value is submitted. */
  check?: (value: FieldValue, context: FieldContext, io: ProcedureIO) => Promise<string | undefined>;
}

export interface ProcedureDefinition {
  id: ProcedureId;
  title: string;
  /** One or two sentences from the source document: what this does and why. */
  intro: string;
  fields: readonly Field[];
}
