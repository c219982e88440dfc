import { PROFILES, type ProfileId } from '../core/profiles.js';

/**
 * The keystore keys of a Micro Integrator's repository/resources/conf/default.json, as each version ships them.
 * The real file names hundreds of keys; a sandbox needs only these, because they are what tells one version
 * from another (profile detection) and what a key left out of deployment.toml falls back to.
 */
export function sandboxDefaults(profile: ProfileId): Record<string, string> | undefined {
  if (profile === 'ei-7') return undefined; // the guide's conf/ei.toml layout has no default.json
  const { tables, defaults } = PROFILES[profile];
  const primary = defaults.primary;
  const keys: Record<string, string> = {
    [`${tables.primary}.file_name`]: primary.fileName,
    [`${tables.primary}.type`]: primary.type,
    [`${tables.primary}.password`]: primary.password,
    [`${tables.primary}.alias`]: primary.alias ?? '',
    [`${tables.primary}.key_password`]: primary.keyPassword ?? primary.password,
    'truststore.file_name': defaults.truststore.fileName,
    'truststore.type': defaults.truststore.type,
    'truststore.password': defaults.truststore.password,
  };
  if (profile === 'mi-4') {
    // MI 4 reads [keystore.internal], each key defaulting to the primary's.
    for (const key of ['file_name', 'type', 'password', 'alias', 'key_password']) {
      keys[`keystore.internal.${key}`] = `$ref{keystore.primary.${key}}`;
    }
  }
  return keys;
}
