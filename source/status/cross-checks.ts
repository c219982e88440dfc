import { sha256 } from '../apply/targets.js';
import type { Profile } from '../core/profiles.js';
import type { RoleCheck } from './check-keystore.js';
import type { Finding } from './finding.js';
import { trustAnchorsOf } from '../keystore/java-lookup.js';

const SHIPPED_ALIAS = 'wso2carbon';
const SHIPPED_PASSWORD = 'wso2carbon';

/** Findings that need more than one role: separation, trust, and the shipped defaults. */
export function crossRoleFindings(
  checks: { primary: RoleCheck; internal: RoleCheck; truststore: RoleCheck },
  passwords: { primary?: string; internal?: string; truststore?: string },
  profile: Profile,
): Finding[] {
  const findings: Finding[] = [];
  const { primary, internal, truststore } = checks;

  const sameFile = primary.report.file === internal.report.file;
  const sameAlias = (primary.report.alias ?? '').toLowerCase() === (internal.report.alias ?? '').toLowerCase();
  if (sameFile && sameAlias) {
    findings.push(
      profile.internalConfigurable
        ? {
            level: 'warning',
            code: 'internal-not-separated',
            role: 'internal',
            message: `The primary keystore also encrypts internal data and secrets, so rotating its certificate makes them unreadable. Separate the internal keystore (ei-keystore apply internal).`,
          }
        : {
            level: 'info',
            code: 'internal-not-separated',
            role: 'internal',
            message: `${profile.internalNote} Replacing wso2carbon.jks would replace the key that encrypts secrets: give the primary keystore another file name.`,
          },
    );
  }

  const leafChain = primary.keyEntry?.chain;
  const trusted = truststore.keystore;
  if (leafChain && leafChain.length > 0 && trusted) {
    // What Java trusts of it (java-lookup.ts): a certificate it cannot reach or see does not count.
    const trustedPrints = new Set(trustAnchorsOf(trusted).map((anchor) => fingerprint(anchor.der)));
    const chainTrusted = leafChain.some((der) => trustedPrints.has(fingerprint(der)));
    if (!chainTrusted) {
      findings.push({
        level: 'warning',
        code: 'primary-not-trusted',
        role: 'truststore',
        message: `Neither the primary certificate nor its issuing CA is in the truststore, so the server's own HTTPS calls to itself and peers that use this truststore will fail. Import it (ei-keystore apply truststore).`,
      });
    }
  }

  for (const check of [primary, internal]) {
    const leaf = check.report.chain?.[0];
    const role = check.report.role;
    if (role === 'internal' && sameFile && sameAlias) continue;
    if (leaf && (check.report.alias ?? '').toLowerCase() === SHIPPED_ALIAS && /\bO=WSO2\b/.test(leaf.subject)) {
      findings.push({
        level: 'warning',
        code: 'default-keystore',
        role,
        message: `The ${role} keystore still holds the shipped default "wso2carbon" key, whose private key ships with every WSO2 product. Replace it (ei-keystore apply ${role}).`,
      });
    }
  }

  for (const role of ['primary', 'internal', 'truststore'] as const) {
    if (role === 'internal' && sameFile && sameAlias) continue;
    if (passwords[role] === SHIPPED_PASSWORD) {
      findings.push({
        level: 'warning',
        code: 'default-password',
        role,
        message: `The ${role === 'truststore' ? 'truststore' : `${role} keystore`} uses the shipped password "wso2carbon", which everyone knows. Set a new one when you replace it.`,
      });
    }
  }
  return findings;
}

const fingerprint = sha256;
