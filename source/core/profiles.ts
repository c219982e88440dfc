/**
 * Product layouts as data. Checked against the shipped deployment.toml / default.json of each version
 * (see the shared spec `wso2-facts.md`); where the source document differs, the ei-7 profile is the document.
 */
import type { KeystoreRole } from '../answers/types.js';

export type ProfileId = 'ei-7' | 'mi-1.1' | 'mi-1.2' | 'mi-4';

/**
 * How `file_name` is written: 'bare' (`wso2carbon.jks`, the product prefixes the security directory) or
 * 'home-relative' (`repository/resources/security/wso2carbon.jks`; an absolute path also works).
 */
export type FileNameForm = 'bare' | 'home-relative';

/** Shipped defaults of one role, in the form the configuration file uses. */
export interface RoleDefaults {
  fileName: string;
  type: string;
  password: string;
  /** Absent for the truststore: the product reads no alias there. */
  alias?: string;
  keyPassword?: string;
}

export interface IgnoredTable {
  table: string;
  reason: string;
}

export interface Profile {
  id: ProfileId;
  label: string;
  /** Relative to the home, with forward slashes. */
  configFile: string;
  /** The TOML table each role is configured in. */
  tables: Record<KeystoreRole, string>;
  /** Whether the product reads `[keystore.internal]`; when it does not, the primary keystore is the internal one. */
  internalConfigurable: boolean;
  /** How the internal keystore is chosen, for the UI. */
  internalNote: string;
  fileNameForm: FileNameForm;
  /** Relative to the home. The document's `repository/security` is a known documentation error. */
  securityDir: string;
  defaults: Record<KeystoreRole, RoleDefaults>;
  /** Tables a user may find or write in the file that this product does not read. */
  tablesIgnored: readonly IgnoredTable[];
}

export const SECURITY_DIR = 'repository/resources/security';
export const PROFILE_IDS: readonly ProfileId[] = ['ei-7', 'mi-1.1', 'mi-1.2', 'mi-4'];

const SHIPPED_KEYSTORE = 'wso2carbon.jks';
const SHIPPED_TRUSTSTORE = 'client-truststore.jks';
const SHIPPED_SECRET = 'wso2carbon';

function shippedDefaults(form: FileNameForm): Record<KeystoreRole, RoleDefaults> {
  const keystore: RoleDefaults = {
    fileName: configFileName(form, SHIPPED_KEYSTORE),
    type: 'JKS',
    password: SHIPPED_SECRET,
    alias: SHIPPED_SECRET,
    keyPassword: SHIPPED_SECRET,
  };
  return {
    primary: keystore,
    // The shipped internal keystore is the shipped primary one (MI 4 by $ref; MI 1.x by a hard-coded carbon.xml).
    internal: { ...keystore },
    truststore: { fileName: configFileName(form, SHIPPED_TRUSTSTORE), type: 'JKS', password: SHIPPED_SECRET },
  };
}

function configFileName(form: FileNameForm, bareName: string): string {
  return form === 'bare' ? bareName : `${SECURITY_DIR}/${bareName}`;
}

const TLS = 'keystore.tls';
const PRIMARY = 'keystore.primary';
const INTERNAL = 'keystore.internal';

export const PROFILES: Readonly<Record<ProfileId, Profile>> = {
  'ei-7': {
    id: 'ei-7',
    label: 'EI 7 layout of the source document (conf/ei.toml)',
    configFile: 'conf/ei.toml',
    tables: { primary: TLS, internal: INTERNAL, truststore: 'truststore' },
    internalConfigurable: true,
    internalNote: 'Read from [keystore.internal]; when it is absent the primary keystore is used for internal data encryption.',
    fileNameForm: 'bare',
    securityDir: SECURITY_DIR,
    defaults: shippedDefaults('bare'),
    tablesIgnored: [{ table: PRIMARY, reason: 'this layout reads the primary keystore from [keystore.tls]' }],
  },
  'mi-1.1': {
    id: 'mi-1.1',
    label: 'Micro Integrator 1.1 (= EI 7.0.0)',
    configFile: 'conf/deployment.toml',
    tables: { primary: TLS, internal: INTERNAL, truststore: 'truststore' },
    internalConfigurable: false,
    internalNote:
      'Not configurable in this version: carbon.xml hard-codes repository/resources/security/wso2carbon.jks (alias and passwords wso2carbon) as the internal keystore, whatever [keystore.tls] says.',
    fileNameForm: 'bare',
    securityDir: SECURITY_DIR,
    defaults: shippedDefaults('bare'),
    tablesIgnored: [
      { table: PRIMARY, reason: 'Micro Integrator 1.1 reads the primary keystore from [keystore.tls]' },
      {
        table: INTERNAL,
        reason: 'Micro Integrator 1.1 does not read [keystore.internal]: its internal keystore is hard-coded (wso2carbon.jks)',
      },
    ],
  },
  'mi-1.2': {
    id: 'mi-1.2',
    label: 'Micro Integrator 1.2 (= EI 7.1.0)',
    configFile: 'conf/deployment.toml',
    tables: { primary: PRIMARY, internal: INTERNAL, truststore: 'truststore' },
    internalConfigurable: false,
    internalNote:
      'Not configurable in this version: carbon.xml hard-codes repository/resources/security/wso2carbon.jks (alias and passwords wso2carbon) as the internal keystore, whatever [keystore.primary] says.',
    fileNameForm: 'bare',
    securityDir: SECURITY_DIR,
    defaults: shippedDefaults('bare'),
    tablesIgnored: [
      {
        table: TLS,
        reason: 'Micro Integrator 1.2 reads [keystore.primary]; the shipped [keystore.tls] is ignored, edits there have no effect',
      },
      {
        table: INTERNAL,
        reason: 'Micro Integrator 1.2 does not read [keystore.internal]: its internal keystore is hard-coded (wso2carbon.jks)',
      },
    ],
  },
  'mi-4': {
    id: 'mi-4',
    label: 'Micro Integrator 4.x',
    configFile: 'conf/deployment.toml',
    tables: { primary: PRIMARY, internal: INTERNAL, truststore: 'truststore' },
    internalConfigurable: true,
    internalNote: "Read from [keystore.internal]; each key left out defaults to the primary keystore's ($ref{keystore.primary.*}).",
    fileNameForm: 'home-relative',
    securityDir: SECURITY_DIR,
    defaults: shippedDefaults('home-relative'),
    tablesIgnored: [{ table: TLS, reason: 'Micro Integrator 4 reads [keystore.primary]; [keystore.tls] is ignored' }],
  },
};

export function isProfileId(value: string): value is ProfileId {
  return (PROFILE_IDS as readonly string[]).includes(value);
}

/** The `file_name` value to write for a keystore placed in the security directory under `bareName`. */
export function fileNameFor(profile: ProfileId | Profile, bareName: string): string {
  const form = typeof profile === 'string' ? PROFILES[profile].fileNameForm : profile.fileNameForm;
  return configFileName(form, bareName);
}
