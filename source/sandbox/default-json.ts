import { PRODUCT_DEFAULTS } from '../core/product-defaults.js';
import type { ProfileId } from '../core/profiles.js';

/**
 * The keystore keys of a Micro Integrator's repository/resources/conf/default.json, as each version ships them:
 * the role tables and every key whose default refers to one (transport listeners, the management API). The real
 * file names hundreds of keys; a sandbox needs only these, because they are what tells one version from another
 * (profile detection) and what a key left out of deployment.toml falls back to.
 */
export function sandboxDefaults(profile: ProfileId): Record<string, string> | undefined {
  if (profile === 'ei-7') return undefined; // the guide's conf/ei.toml layout has no default.json
  return { ...PRODUCT_DEFAULTS[profile] };
}
