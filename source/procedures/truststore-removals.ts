import { X509Certificate } from 'node:crypto';
import type { TruststoreSettings } from '../answers/types.js';
import { UserError } from '../errors.js';
import { summarizeCertificate } from '../keystore/x509/certificate.js';
import type { Keystore } from '../keystore/model.js';
import { openConfiguredKeystore } from './current-keystore.js';
import type { HomeSnapshot } from './home-snapshot.js';
import { calendarDay } from '../calendar-day.js';

const DEFAULT_ALIAS = 'wso2carbon';

export interface RemovalPlan {
  /** For editTruststore: whether an entry goes. Undefined when nothing is removed. */
  remove?: (alias: string, certificate: Buffer) => boolean;
  /** What the plan says about one removed alias. */
  describe(alias: string): { subject?: string; notAfter?: string; why?: string };
}

export function subjectKey(der: Buffer): string | undefined {
  try {
    const x509 = new X509Certificate(der);
    return `${x509.subject}\n${x509.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
  } catch {
    return undefined;
  }
}

/**
 * Which entries `[truststore] remove`, `remove_expired` and `remove_default_certificate` take out. An alias that
 * is not there is an error (a typo must not pass for done). `remove_expired` keeps, and says so, a certificate that
 * certifies our own primary key (the primary's certificate or a CA of its chain): clients trusting the server
 * through this truststore need it. Naming such a certificate in `remove` removes it, with a note saying what that
 * breaks.
 */
export async function planRemovals(
  facts: HomeSnapshot,
  base: Keystore,
  settings: TruststoreSettings,
  notes: string[],
): Promise<RemovalPlan> {
  const reasons = new Map<string, 'listed' | 'expired' | 'default'>();
  const byAlias = new Map(base.entries.map((entry) => [entry.alias.toLowerCase(), entry]));
  const missing: string[] = [];
  for (const alias of settings.remove) {
    const entry = byAlias.get(alias.toLowerCase());
    if (!entry) missing.push(alias);
    else if (entry.kind !== 'trusted-certificate')
      throw new UserError(
        `[truststore] remove: "${alias}" is a ${entry.kind === 'private-key' ? 'key' : 'secret key'} entry, not a trusted certificate; the truststore procedure removes certificates only. Nothing was written.`,
        'answers-invalid',
      );
    else reasons.set(alias.toLowerCase(), 'listed');
  }
  if (missing.length > 0) {
    const aliases = base.entries.map((entry) => entry.alias);
    throw new UserError(
      `[truststore] remove: ${missing.map((alias) => `"${alias}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the truststore it starts from (${aliases.length} entries${aliases.length > 0 ? `: ${aliases.slice(0, 12).join(', ')}${aliases.length > 12 ? ', ...' : ''}` : ''}). Check the spelling (ei-keystore inspect lists them). Nothing was written.`,
      'alias-missing',
    );
  }
  if (settings.removeDefaultCertificate && byAlias.get(DEFAULT_ALIAS)?.kind === 'trusted-certificate' && !reasons.has(DEFAULT_ALIAS))
    reasons.set(DEFAULT_ALIAS, 'default');

  const own = await ownCertificates(facts, settings.removeExpired || reasons.size > 0);
  if (settings.removeExpired) {
    for (const entry of base.entries) {
      if (entry.kind !== 'trusted-certificate' || reasons.has(entry.alias.toLowerCase())) continue;
      const summary = summarizeCertificate(entry.certificate);
      if (summary.notAfter.getTime() > facts.now.getTime()) continue;
      if (own.keys?.has(subjectKey(entry.certificate) ?? '')) {
        notes.push(
          `"${entry.alias}" (${summary.subject}) expired on ${calendarDay(summary.notAfter)} but certifies our own primary key, so remove_expired keeps it: clients that trust the server through this truststore need it. Replace the primary keystore (ei-keystore apply primary), then remove it with remove = ["${entry.alias}"].`,
        );
        continue;
      }
      reasons.set(entry.alias.toLowerCase(), 'expired');
    }
    if (own.unknown)
      notes.push(
        `remove_expired could not tell which certificate certifies our own primary key (${own.unknown}), so expired certificates were removed without that check.`,
      );
  }
  for (const [alias, why] of reasons) {
    const entry = byAlias.get(alias);
    if (why === 'listed' && entry?.kind === 'trusted-certificate' && own.keys?.has(subjectKey(entry.certificate) ?? '')) {
      notes.push(
        `"${entry.alias}" certifies our own primary key: once it is removed, clients using this truststore (the server calling its own HTTPS endpoints) no longer trust the server. Keep it unless the primary keystore is replaced too.`,
      );
    }
  }
  if (reasons.size === 0) return { describe: () => ({}) };
  return {
    remove: (alias) => reasons.has(alias.toLowerCase()),
    describe(alias) {
      const entry = byAlias.get(alias.toLowerCase());
      if (entry?.kind !== 'trusted-certificate') return {};
      const summary = summarizeCertificate(entry.certificate);
      // The plan says "expired" for any expired certificate removed, whatever asked for its removal.
      const why = summary.notAfter.getTime() <= facts.now.getTime() ? 'expired' : reasons.get(alias.toLowerCase());
      return { subject: summary.subject, notAfter: calendarDay(summary.notAfter), ...(why ? { why } : {}) };
    },
  };
}

/** Subject-and-key of each certificate of the primary key's chain; `unknown` says why they could not be read. */
export async function ownCertificates(facts: HomeSnapshot, needed: boolean): Promise<{ keys?: Set<string>; unknown?: string }> {
  if (!needed) return {};
  const role = facts.resolved.roles.primary;
  try {
    const { keystore } = await openConfiguredKeystore(role, 'tell which certificate certifies the primary key', facts.files);
    const entry = keystore.entries.find((candidate) => candidate.alias.toLowerCase() === (role.alias ?? '').toLowerCase());
    if (entry?.kind !== 'private-key') return { unknown: `the primary keystore holds no key entry "${role.alias ?? ''}"` };
    return { keys: new Set(entry.chain.flatMap((der) => subjectKey(der) ?? [])) };
  } catch (error) {
    return { unknown: error instanceof Error ? error.message : String(error) };
  }
}
