import { UserError } from '../errors.js';
import { summarizeCertificate } from '../keystore/x509/certificate.js';
import type { Keystore } from '../keystore/model.js';
import { detectFormat } from '../keystore/open.js';
import { encodeKeystore, type EntryToWrite } from '../keystore/write.js';
import { openConfiguredKeystore, sha256Hex } from './current-keystore.js';
import type { HomeSnapshot } from './home-snapshot.js';
import type { PlanAction, PlanFragment } from './prepared.js';

export interface CertificateToTrust {
  alias: string;
  certificate: Buffer;
}

export interface TruststoreEdit {
  /** Entries to write, in the order of the original file, then the additions. */
  entries: EntryToWrite[];
  /** `requested`: the alias asked for; `alias` differs when that one was taken. */
  added: Array<{ alias: string; requested: string; sha256: string; subject: string }>;
  alreadyPresent: Array<{ alias: string; sha256: string; presentAs: string }>;
  removed: string[];
}

/**
 * Adds certificates to a truststore's entries: one alias each, never the same certificate twice (by SHA-256
 * fingerprint), an alias already taken by another certificate gets a numbered suffix. Key entries cannot be
 * re-written without their passwords, so a truststore holding one is refused.
 */
export function editTruststore(
  keystore: Keystore,
  additions: CertificateToTrust[],
  options: { remove?: (alias: string, certificate: Buffer) => boolean; storePassword: string; file: string },
): TruststoreEdit {
  const entries: EntryToWrite[] = [];
  const removed: string[] = [];
  for (const entry of keystore.entries) {
    if (entry.kind === 'trusted-certificate') {
      if (options.remove?.(entry.alias, entry.certificate)) removed.push(entry.alias);
      else entries.push({ kind: 'trusted-certificate', alias: entry.alias, certificate: entry.certificate });
    } else if (entry.kind === 'private-key') {
      try {
        entries.push({
          kind: 'private-key',
          alias: entry.alias,
          key: entry.key.recover(options.storePassword),
          keyPassword: options.storePassword,
          chain: entry.chain,
        });
      } catch {
        throw new UserError(
          `${options.file} holds the key entry "${entry.alias}" whose password differs from the store's; a truststore should hold certificates only. Use another truststore file.`,
          'truststore-has-keys',
        );
      }
    } else {
      throw new UserError(
        `${options.file} holds the secret key "${entry.alias}", which this tool cannot carry over; a truststore should hold certificates only.`,
        'truststore-has-keys',
      );
    }
  }
  const byPrint = new Map<string, string>();
  for (const entry of entries) if (entry.kind === 'trusted-certificate') byPrint.set(sha256Hex(entry.certificate), entry.alias);
  const aliases = new Set(entries.map((entry) => entry.alias.toLowerCase()));
  const added: TruststoreEdit['added'] = [];
  const alreadyPresent: TruststoreEdit['alreadyPresent'] = [];
  for (const addition of additions) {
    const print = sha256Hex(addition.certificate);
    const presentAs = byPrint.get(print);
    if (presentAs !== undefined) {
      alreadyPresent.push({ alias: addition.alias, sha256: print, presentAs });
      continue;
    }
    let alias = addition.alias.toLowerCase();
    for (let n = 2; aliases.has(alias); n++) alias = `${addition.alias.toLowerCase()}-${n}`;
    aliases.add(alias);
    byPrint.set(print, alias);
    entries.push({ kind: 'trusted-certificate', alias, certificate: addition.certificate });
    added.push({ alias, requested: addition.alias, sha256: print, subject: summarizeCertificate(addition.certificate).subject });
  }
  return { entries, added, alreadyPresent, removed };
}

export function writableFormat(bytes: Buffer, file: string): 'JKS' | 'PKCS12' {
  const format = detectFormat(bytes);
  if (format === 'JKS' || format === 'PKCS12') return format;
  throw new UserError(
    `${file} is a ${format ?? 'file of unknown format'}; only JKS and PKCS12 truststores can be updated. Convert it or start a new truststore (ei-keystore apply truststore).`,
    'unsupported',
  );
}

/** Imports certificates into the truststore the configuration names, in place, in its own format. */
export async function importIntoTruststore(facts: HomeSnapshot, additions: CertificateToTrust[]): Promise<Partial<PlanFragment>> {
  const role = facts.resolved.roles.truststore;
  const { keystore, bytes, password } = await openConfiguredKeystore(
    role,
    'import the new certificate into the truststore (or set [truststore] import_certificate = false in the answers)',
    facts.files,
  );
  const edit = editTruststore(keystore, additions, { storePassword: password, file: role.file });
  const actions: PlanAction[] = edit.alreadyPresent.map((present) => ({
    kind: 'already-trusted',
    path: role.file,
    alias: present.presentAs,
    sha256: present.sha256,
  }));
  if (edit.added.length === 0) return { writes: [], keystores: [], actions };
  const format = writableFormat(bytes, role.file);
  const content = await encodeKeystore(format, edit.entries, password, facts.now);
  for (const added of edit.added)
    actions.push({ kind: 'import-certificate', path: role.file, alias: added.alias, sha256: added.sha256, subject: added.subject });
  return {
    // Replaced in place: the transaction keeps its mode and owner (the server's group may need to read it).
    writes: [{ path: role.file, content, role: 'truststore' }],
    keystores: [{ path: role.file, storePassword: password, format, keyEntries: [], trustedSha256: [...edit.added.map((a) => a.sha256)] }],
    actions,
  };
}
