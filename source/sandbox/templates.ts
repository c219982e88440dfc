import type { ProfileId } from '../core/profiles.js';
import eiSeven from '../../templates/sandbox/ei-7.toml';
import miOneOne from '../../templates/sandbox/mi-1.1.toml';
import miOneTwo from '../../templates/sandbox/mi-1.2.toml';
import miFour from '../../templates/sandbox/mi-4.toml';

/**
 * The configuration file of a sandbox home, per profile. The texts are imported, not read from disk, because
 * the tool ships as one bundled file: esbuild and vitest both load `.toml` imports as text.
 */
export const SANDBOX_CONFIG_TEMPLATES: Readonly<Record<ProfileId, string>> = {
  'ei-7': eiSeven,
  'mi-1.1': miOneOne,
  'mi-1.2': miOneTwo,
  'mi-4': miFour,
};
