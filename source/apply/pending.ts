import path from 'node:path';
import { stateDir } from '../apply/layout.js';
import { READ_LIMITS, readFileIfPresent } from '../files/read-file.js';
import { checkStatePath } from '../files/trusted-state.js';

/**
 * A certificate signing request waiting for the CA's reply. Its key pair is kept in a JKS under
 * `<home>/.ei-keystore/pending/<role>.jks` (0600, the store and key passwords the user chose), beside a JSON
 * description without secrets that `status`, the home screen and the reply import read.
 */
export type PendingRole = 'primary' | 'internal';

export interface PendingMeta {
  version: 1;
  role: PendingRole;
  /** The key entry's alias in the pending keystore. */
  alias: string;
  /** Java-style subject of the request. */
  subject: string;
  subjectAltNames: string[];
  /** Absolute path where the request was written. */
  csrFile: string;
  createdAt: string;
  /** SHA-256 (hex) of the request's SubjectPublicKeyInfo: tells which key the reply must certify. */
  publicKeySha256: string;
  /** A renewal: the keystore whose key was used; the reply goes into a copy of it. */
  renewal?: { keystore: string; alias: string };
}

export interface PendingRequest {
  keystorePath: string;
  metaPath: string;
  meta: PendingMeta;
}

export function pendingDir(home: string): string {
  return path.join(stateDir(home), 'pending');
}

export function pendingPaths(home: string, role: PendingRole): { keystorePath: string; metaPath: string } {
  return { keystorePath: path.join(pendingDir(home), `${role}.jks`), metaPath: path.join(pendingDir(home), `${role}.json`) };
}

function isMeta(value: unknown, role: PendingRole): value is PendingMeta {
  if (typeof value !== 'object' || value === null) return false;
  const meta = value as Partial<PendingMeta>;
  return (
    meta.version === 1 &&
    meta.role === role &&
    typeof meta.alias === 'string' &&
    typeof meta.subject === 'string' &&
    typeof meta.csrFile === 'string' &&
    typeof meta.publicKeySha256 === 'string' &&
    typeof meta.createdAt === 'string' &&
    Array.isArray(meta.subjectAltNames)
  );
}

function parseMeta(
  bytes: Buffer | undefined,
  role: PendingRole,
  paths: { keystorePath: string; metaPath: string },
): PendingRequest | undefined {
  if (!bytes) return undefined;
  try {
    const meta: unknown = JSON.parse(bytes.toString('utf8'));
    return isMeta(meta, role) ? { ...paths, meta } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pending request of one role, or undefined. A damaged description counts as none (status says so). The
 * state folders and both files must be trusted (files/trusted-state.ts): a planted request is refused
 * (FileRefused), never used.
 */
export async function readPending(home: string, role: PendingRole): Promise<PendingRequest | undefined> {
  const paths = pendingPaths(home, role);
  await checkStatePath(stateDir(home), paths.metaPath, true);
  await checkStatePath(stateDir(home), paths.keystorePath, true);
  const read = await readFileIfPresent(paths.metaPath, { what: 'pending request', limit: READ_LIMITS.state, home });
  return parseMeta(read?.bytes, role, paths);
}

/** Every pending request of the home, primary first; none when the state cannot be trusted (status says so). */
export async function listPending(home: string): Promise<PendingRequest[]> {
  const found: PendingRequest[] = [];
  for (const role of ['primary', 'internal'] as const) {
    const pending = await readPending(home, role).catch(() => undefined);
    if (pending) found.push(pending);
  }
  return found;
}

/** How to finish a pending request: one sentence for messages, the wizard and status. */
export function resumeHint(meta: PendingMeta): string {
  return `When the CA answers, import its reply: ei-keystore apply ${meta.role} --answers reply.toml, with [keystore] source = "ca-reply" and reply = "<the CA's file>" (the same file_name, alias and passwords as the request), or choose "Import the CA's reply" in the wizard.`;
}
