import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The committed corpus (scripts/make-golden-keystores.mjs writes it). */
export const goldenDir = path.dirname(fileURLToPath(import.meta.url));

export interface GoldenFile {
  file: string;
  format: 'JKS' | 'JCEKS' | 'PKCS12' | 'PEM';
  /** The store password (test data); null for a PEM file. */
  password: string | null;
  holds: string;
}

export const corpus = JSON.parse(readFileSync(path.join(goldenDir, 'corpus.json'), 'utf8')) as GoldenFile[];

export interface InspectCertificate {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  expiry?: string;
  daysLeft?: number;
  keyAlgorithm: string;
  keySize: number | null;
  signatureAlgorithm: string;
  sha256: string;
  subjectAltNames: string[];
  isCA: boolean;
}

export interface InspectDocument {
  file: string;
  format: string;
  entries: Array<{ alias: string; kind: string; created: string | null; secretKeyAlgorithm?: string; certificates: InspectCertificate[] }>;
}

/** expected/FILE.json: inspect's JSON when the file was made, without expiry and daysLeft. */
export function expectedJson(file: GoldenFile): InspectDocument {
  return JSON.parse(readFileSync(path.join(goldenDir, 'expected', `${file.file}.json`), 'utf8')) as InspectDocument;
}

const DAY_MS = 86_400_000;
/** inspect's "expiring soon" window (README, status findings). */
const EXPIRING_SOON_DAYS = 30;

/**
 * Checks the fields that depend on the day against the certificate's own dates at `now`, then removes them, so
 * that what is left compares with the committed JSON.
 */
export function withAgeingFieldsChecked(document: InspectDocument, now: Date): InspectDocument {
  return {
    ...document,
    entries: document.entries.map((entry) => ({
      ...entry,
      certificates: entry.certificates.map(({ expiry, daysLeft, ...certificate }) => {
        const notBefore = Date.parse(certificate.notBefore);
        const notAfter = Date.parse(certificate.notAfter);
        const left = notAfter - now.getTime();
        expect(daysLeft, `${certificate.subject}: days left`).toBe(Math.floor(left / DAY_MS));
        const state =
          left <= 0
            ? 'expired'
            : notBefore > now.getTime()
              ? 'not-yet-valid'
              : left < EXPIRING_SOON_DAYS * DAY_MS
                ? 'expiring-soon'
                : 'valid';
        expect(expiry, `${certificate.subject}: expiry at ${now.toISOString()}`).toBe(state);
        return certificate;
      }),
    })),
  };
}
