import { daysLeft, expiryState, summarizeCertificate, type CertificateSummary, type ExpiryState } from './x509/certificate.js';
import type { EntryKind, Keystore, KeystoreFormat } from './model.js';

/** A keystore described for people and for --json: every entry with its certificates summarised. */
export interface DescribedCertificate extends CertificateSummary {
  expiry: ExpiryState;
  daysLeft: number;
}

export interface DescribedEntry {
  alias: string;
  kind: EntryKind;
  created?: Date;
  /** Leaf first for a private-key entry; one for a trusted certificate; none for a secret key. */
  certificates: DescribedCertificate[];
  secretKeyAlgorithm?: string;
}

export interface DescribedKeystore {
  format: KeystoreFormat;
  entries: DescribedEntry[];
}

export function describeCertificate(der: Buffer, now: Date): DescribedCertificate {
  // The summary is made for this call alone: completed in place rather than copied (a truststore has ~150).
  const described = summarizeCertificate(der) as DescribedCertificate;
  described.expiry = expiryState(described, now);
  described.daysLeft = daysLeft(described.notAfter, now);
  return described;
}

export function describeKeystore(keystore: Keystore, now: Date): DescribedKeystore {
  return {
    format: keystore.format,
    // Each entry written out rather than spread from a shared part: a spread copies property by property, in code
    // that runs once per entry of a ~150-entry truststore while it is still cold.
    entries: keystore.entries.map((entry): DescribedEntry => {
      switch (entry.kind) {
        case 'private-key':
          return {
            alias: entry.alias,
            kind: entry.kind,
            created: entry.created,
            certificates: entry.chain.map((der) => describeCertificate(der, now)),
          };
        case 'trusted-certificate':
          return {
            alias: entry.alias,
            kind: entry.kind,
            created: entry.created,
            certificates: [describeCertificate(entry.certificate, now)],
          };
        case 'secret-key':
          return { alias: entry.alias, kind: entry.kind, created: entry.created, certificates: [], secretKeyAlgorithm: entry.algorithm };
      }
    }),
  };
}
