import type { TruststoreEntryFacts } from '../core/fields/types.js';
import { summarizeCertificate } from '../keystore/x509/certificate.js';
import { openConfiguredKeystore } from './current-keystore.js';
import type { HomeSnapshot } from './home-snapshot.js';
import { ownCertificates, subjectKey } from './truststore-removals.js';
import { calendarDay } from '../calendar-day.js';

/**
 * The current truststore's certificate entries for the wizard's removal list (alias, subject, expiry, whether it
 * certifies our own primary key), or undefined when it cannot be opened with its configured password.
 */
export async function truststoreEntryFacts(facts: HomeSnapshot): Promise<TruststoreEntryFacts[] | undefined> {
  let keystore;
  try {
    ({ keystore } = await openConfiguredKeystore(facts.resolved.roles.truststore, 'list the truststore', facts.files));
  } catch {
    return undefined;
  }
  const own = await ownCertificates(facts, true);
  return keystore.entries.flatMap((entry): TruststoreEntryFacts[] => {
    if (entry.kind !== 'trusted-certificate') return [];
    try {
      const summary = summarizeCertificate(entry.certificate);
      return [
        {
          alias: entry.alias,
          subject: summary.subject,
          notAfter: calendarDay(summary.notAfter),
          expired: summary.notAfter.getTime() <= facts.now.getTime(),
          certifiesPrimary: own.keys?.has(subjectKey(entry.certificate) ?? '') ?? false,
        },
      ];
    } catch {
      return [];
    }
  });
}
