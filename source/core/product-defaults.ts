/**
 * What the product fills in for every keystore-related key the configuration leaves out: the keystore tables and
 * every key whose shipped default is a `$ref{}` to one of them (transport listeners and senders, the management
 * API). Taken from the shipped `repository/resources/conf/default.json` of each version (wso2/micro-integrator,
 * `distribution/src/resources/config-tool/default.json` at v1.1.0, v1.2.0, v4.0.0; see docs/wso2-rules.md); used
 * when a home has no default.json of its own. The home's own default.json, when present, wins: it is what that
 * server reads.
 *
 * mi-4 is v4.0.0's file exactly. 4.1.0 to 4.4.0-alpha differ from it in keystore keys only by the netty HTTPS
 * sender, which 4.0 does not have: those keys are listed apart in MI4_REFERENCE_KEYS_SINCE_4_1.
 *
 * ei-7 is the source document's layout, which no product ships (no release has conf/ei.toml or a default.json for
 * it): its values are the document's defaults, with `[keystore.internal]` falling back to the primary key by key as
 * the document says.
 */
import type { ProfileId } from './profiles.js';

export type ProductDefaults = Readonly<Record<string, string>>;

export const PRODUCT_DEFAULTS: Readonly<Record<ProfileId, ProductDefaults>> = {
  'ei-7': {
    'keystore.internal.alias': '$ref{keystore.tls.alias}',
    'keystore.internal.file_name': '$ref{keystore.tls.file_name}',
    'keystore.internal.key_password': '$ref{keystore.tls.key_password}',
    'keystore.internal.password': '$ref{keystore.tls.password}',
    'keystore.internal.type': '$ref{keystore.tls.type}',
    'keystore.tls.alias': 'wso2carbon',
    'keystore.tls.file_name': 'wso2carbon.jks',
    'keystore.tls.key_password': 'wso2carbon',
    'keystore.tls.password': 'wso2carbon',
    'keystore.tls.type': 'JKS',
    'truststore.file_name': 'client-truststore.jks',
    'truststore.password': 'wso2carbon',
    'truststore.type': 'JKS',
  },
  'mi-1.1': {
    'keystore.tls.alias': 'wso2carbon',
    'keystore.tls.file_name': 'wso2carbon.jks',
    'keystore.tls.key_password': 'wso2carbon',
    'keystore.tls.password': 'wso2carbon',
    'keystore.tls.type': 'JKS',
    'transport.http.listener.keystore.file_name': 'repository/resources/security/$ref{keystore.tls.file_name}',
    'transport.http.listener.keystore.key_password': '$ref{keystore.tls.key_password}',
    'transport.http.listener.keystore.password': '$ref{keystore.tls.password}',
    'transport.http.listener.keystore.type': '$ref{keystore.tls.type}',
    'transport.http.listener.truststore.file_name': 'repository/resources/security/$ref{truststore.file_name}',
    'transport.http.listener.truststore.password': '$ref{truststore.password}',
    'transport.http.listener.truststore.type': '$ref{truststore.type}',
    'transport.http.sender.keystore.file_name': 'repository/resources/security/$ref{keystore.tls.file_name}',
    'transport.http.sender.keystore.key_password': '$ref{keystore.tls.key_password}',
    'transport.http.sender.keystore.password': '$ref{keystore.tls.password}',
    'transport.http.sender.keystore.type': '$ref{keystore.tls.type}',
    'transport.http.sender.truststore.file_name': 'repository/resources/security/$ref{truststore.file_name}',
    'transport.http.sender.truststore.password': '$ref{truststore.password}',
    'transport.http.sender.truststore.type': '$ref{truststore.type}',
    'transport.vfs.listener.keystore.alias': '$ref{keystore.tls.alias}',
    'transport.vfs.listener.keystore.file_name': 'repository/resources/security/$ref{keystore.tls.file_name}',
    'transport.vfs.listener.keystore.key_password': '$ref{keystore.tls.key_password}',
    'transport.vfs.listener.keystore.password': '$ref{keystore.tls.password}',
    'transport.vfs.listener.keystore.type': '$ref{keystore.tls.type}',
    'truststore.file_name': 'client-truststore.jks',
    'truststore.password': 'wso2carbon',
    'truststore.type': 'JKS',
  },
  'mi-1.2': {
    'keystore.primary.alias': 'wso2carbon',
    'keystore.primary.file_name': 'wso2carbon.jks',
    'keystore.primary.key_password': 'wso2carbon',
    'keystore.primary.password': 'wso2carbon',
    'keystore.primary.type': 'JKS',
    'transport.http.listener.keystore.key_password': '$ref{keystore.primary.key_password}',
    'transport.http.listener.keystore.location': 'repository/resources/security/$ref{keystore.primary.file_name}',
    'transport.http.listener.keystore.password': '$ref{keystore.primary.password}',
    'transport.http.listener.keystore.type': '$ref{keystore.primary.type}',
    'transport.http.listener.truststore.location': 'repository/resources/security/$ref{truststore.file_name}',
    'transport.http.listener.truststore.password': '$ref{truststore.password}',
    'transport.http.listener.truststore.type': '$ref{truststore.type}',
    'transport.http.sender.keystore.key_password': '$ref{keystore.primary.key_password}',
    'transport.http.sender.keystore.location': 'repository/resources/security/$ref{keystore.primary.file_name}',
    'transport.http.sender.keystore.password': '$ref{keystore.primary.password}',
    'transport.http.sender.keystore.type': '$ref{keystore.primary.type}',
    'transport.http.sender.truststore.location': 'repository/resources/security/$ref{truststore.file_name}',
    'transport.http.sender.truststore.password': '$ref{truststore.password}',
    'transport.http.sender.truststore.type': '$ref{truststore.type}',
    'transport.vfs.listener.keystore.alias': '$ref{keystore.primary.alias}',
    'transport.vfs.listener.keystore.key_password': '$ref{keystore.primary.key_password}',
    'transport.vfs.listener.keystore.location': 'repository/resources/security/$ref{keystore.primary.file_name}',
    'transport.vfs.listener.keystore.password': '$ref{keystore.primary.password}',
    'transport.vfs.listener.keystore.type': '$ref{keystore.primary.type}',
    'truststore.file_name': 'client-truststore.jks',
    'truststore.password': 'wso2carbon',
    'truststore.type': 'JKS',
  },
  'mi-4': {
    'internal_api_ssl_config.key_store.key_password': '$ref{keystore.primary.key_password}',
    'internal_api_ssl_config.key_store.location': '$ref{keystore.primary.file_name}',
    'internal_api_ssl_config.key_store.password': '$ref{keystore.primary.password}',
    'internal_api_ssl_config.key_store.type': '$ref{keystore.primary.type}',
    'internal_api_ssl_config.trust_store.location': '$ref{truststore.file_name}',
    'internal_api_ssl_config.trust_store.password': '$ref{truststore.password}',
    'internal_api_ssl_config.trust_store.type': '$ref{truststore.type}',
    'keystore.internal.alias': '$ref{keystore.primary.alias}',
    'keystore.internal.file_name': '$ref{keystore.primary.file_name}',
    'keystore.internal.key_password': '$ref{keystore.primary.key_password}',
    'keystore.internal.password': '$ref{keystore.primary.password}',
    'keystore.internal.type': '$ref{keystore.primary.type}',
    'keystore.primary.alias': 'wso2carbon',
    'keystore.primary.file_name': 'repository/resources/security/wso2carbon.jks',
    'keystore.primary.key_password': 'wso2carbon',
    'keystore.primary.password': 'wso2carbon',
    'keystore.primary.type': 'JKS',
    'transport.http.listener.keystore.key_password': '$ref{keystore.primary.key_password}',
    'transport.http.listener.keystore.location': '$ref{keystore.primary.file_name}',
    'transport.http.listener.keystore.password': '$ref{keystore.primary.password}',
    'transport.http.listener.keystore.type': '$ref{keystore.primary.type}',
    'transport.http.listener.truststore.location': '$ref{truststore.file_name}',
    'transport.http.listener.truststore.password': '$ref{truststore.password}',
    'transport.http.listener.truststore.type': '$ref{truststore.type}',
    'transport.http.sender.keystore.key_password': '$ref{keystore.primary.key_password}',
    'transport.http.sender.keystore.location': '$ref{keystore.primary.file_name}',
    'transport.http.sender.keystore.password': '$ref{keystore.primary.password}',
    'transport.http.sender.keystore.type': '$ref{keystore.primary.type}',
    'transport.http.sender.truststore.location': '$ref{truststore.file_name}',
    'transport.http.sender.truststore.password': '$ref{truststore.password}',
    'transport.http.sender.truststore.type': '$ref{truststore.type}',
    'transport.vfs.listener.keystore.alias': '$ref{keystore.primary.alias}',
    'transport.vfs.listener.keystore.key_password': '$ref{keystore.primary.key_password}',
    'transport.vfs.listener.keystore.location': '$ref{keystore.primary.file_name}',
    'transport.vfs.listener.keystore.password': '$ref{keystore.primary.password}',
    'transport.vfs.listener.keystore.type': '$ref{keystore.primary.type}',
    'truststore.file_name': 'repository/resources/security/client-truststore.jks',
    'truststore.password': 'wso2carbon',
    'truststore.type': 'JKS',
  },
};

/**
 * Reference keys that MI 4.1.0 and later add to default.json: present at v4.1.0, v4.2.0, v4.3.0 and v4.4.0-alpha,
 * absent at v4.0.0 (the netty HTTPS sender, rendered into axis2.xml when `transport.netty.http.sender.secured_enable`
 * is true). Kept out of the mi-4 table because a 4.0 server has no such keys. A 4.1+ home ships its own default.json,
 * which names them and is read first; a caller looking for references on a home without default.json should
 * consider these too.
 */
export const MI4_REFERENCE_KEYS_SINCE_4_1: ProductDefaults = {
  'transport.netty.https.sender.keystore.key_password': '$ref{keystore.primary.key_password}',
  'transport.netty.https.sender.keystore.location': '$ref{keystore.primary.file_name}',
  'transport.netty.https.sender.keystore.password': '$ref{keystore.primary.password}',
  'transport.netty.https.sender.keystore.type': '$ref{keystore.primary.type}',
  'transport.netty.https.sender.truststore.location': '$ref{truststore.file_name}',
  'transport.netty.https.sender.truststore.password': '$ref{truststore.password}',
  'transport.netty.https.sender.truststore.type': '$ref{truststore.type}',
};

/**
 * Keystore settings whose shipped default names the shipped files itself instead of following a role. On MI 1.2 the
 * management API (internal-apis.xml) opens wso2carbon.jks and client-truststore.jks with `wso2carbon` whatever the
 * primary and truststore tables say; from 4.0 the same keys `$ref` the roles (they are in the mi-4 table). Not in
 * PRODUCT_DEFAULTS, which holds only the role tables and the keys that ref them.
 */
export const FIXED_KEYSTORE_DEFAULTS: Readonly<Partial<Record<ProfileId, ProductDefaults>>> = {
  'mi-1.2': {
    'internal_api_ssl_config.key_store.key_password': 'wso2carbon',
    'internal_api_ssl_config.key_store.location': 'repository/resources/security/wso2carbon.jks',
    'internal_api_ssl_config.key_store.password': 'wso2carbon',
    'internal_api_ssl_config.key_store.type': 'JKS',
    'internal_api_ssl_config.trust_store.location': 'repository/resources/security/client-truststore.jks',
    'internal_api_ssl_config.trust_store.password': 'wso2carbon',
    'internal_api_ssl_config.trust_store.type': 'JKS',
  },
};

/** A keystore the product opens with values of its own, not from the configuration. */
export interface FixedKeystore {
  /** Relative to the home. */
  path: string;
  type: string;
  password: string;
  alias: string;
  keyPassword: string;
}

/**
 * The internal keystore of MI 1.1 and 1.2 (EI 7.0 / 7.1). Neither reads `[keystore.internal]`, and their carbon.xml
 * template writes the `<InternalKeyStore>` block with literal values (carbon.xml.j2 lines 364-375 at v1.1.0 and
 * v1.2.0), not from the primary table: it is the primary only while the primary is the shipped file. Their cipher
 * tools (1.1.6, 1.1.15) prefer this block too, so `[secrets]` are encrypted for this key.
 */
export const HARD_CODED_INTERNAL_KEYSTORE: Readonly<Partial<Record<ProfileId, FixedKeystore>>> = {
  'mi-1.1': {
    path: 'repository/resources/security/wso2carbon.jks',
    type: 'JKS',
    password: 'wso2carbon',
    alias: 'wso2carbon',
    keyPassword: 'wso2carbon',
  },
  'mi-1.2': {
    path: 'repository/resources/security/wso2carbon.jks',
    type: 'JKS',
    password: 'wso2carbon',
    alias: 'wso2carbon',
    keyPassword: 'wso2carbon',
  },
};
