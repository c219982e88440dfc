import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pendingPaths, readPending, type PendingRequest, type PendingRole } from '../apply/pending.js';
import type { ProfileId } from '../core/profiles.js';
import { READ_LIMITS, readFileChecked, readFileIfPresent } from '../files/read-file.js';
import { readKeystoreBytes } from '../keystore/open.js';
import { readCertificateBytes } from '../keystore/x509/certificate-file.js';
import type { ServerAddress } from '../network/fetch-chain.js';
import { SECRET_CONF } from '../vault/secret-conf.js';
import { loadHomeFacts, unlockHomeVault, type HomeFacts } from './facts.js';

/**
 * How a file is read into the snapshot. Each kind is one of the checked readers the procedures used to call
 * mid-plan, with its own words for errors and its own rule for links, so a plan reads the same bytes and refuses
 * with the same message as before; only the moment of reading moved, to before planning.
 */
export type SnapshotFileKind =
  /** A file of the home (or where the home's configuration points): bytes, or undefined when it does not exist. */
  | 'present'
  /** A keystore the user names (a source keystore): it must exist; links are followed. */
  | 'keystore'
  /** A keystore of the home's own state (the pending request's): it must exist; no link inside the home. */
  | 'home-keystore'
  /** A certificate file to import. */
  | 'certificate'
  /** The CA's reply to a certificate signing request. */
  | 'ca-reply'
  /** secret-conf.properties: bytes, or undefined when the home has none. */
  | 'vault-conf'
  /** A dynamic SSL profile file the configuration names. */
  | 'ssl-profile';

/** What one read gave: the bytes (with the file's mode), nothing (an absent file), or the error to raise when used. */
type Reading = { bytes: Buffer | undefined; mode?: number } | { error: unknown };

/** A read the snapshot was never asked for: a planner that reaches for the disk, which is a bug in the gathering step. */
export class NotInSnapshot extends Error {
  constructor(kind: SnapshotFileKind, file: string) {
    super(`${file} (${kind}) was not read into the home snapshot before planning: add it to readHomeSnapshot or gatherPlanInputs.`);
  }
}

/**
 * The files a plan may look at, read before planning. `load` reads (once per kind and path); every other method only
 * looks up what was loaded, so a planner given a FileStore never touches the disk.
 */
export class FileStore {
  private readonly readings = new Map<string, Reading>();

  constructor(private readonly home: string) {}

  private static key(kind: SnapshotFileKind, file: string): string {
    return `${kind}\u0000${file}`;
  }

  /** Reads `file` the way `kind` says, unless it was read already. A refusal is kept, to be raised where it is used. */
  async load(kind: SnapshotFileKind, file: string): Promise<void> {
    const key = FileStore.key(kind, file);
    if (this.readings.has(key)) return;
    this.readings.set(key, await readOnce(kind, file, this.home).catch((error: unknown) => ({ error })));
  }

  /**
   * Reads `file` again even when it was read before: for what the answers name, which the wizard may plan more than
   * once (after going back, the file the user just fixed must be seen as it is now).
   */
  async reload(kind: SnapshotFileKind, file: string): Promise<void> {
    this.readings.delete(FileStore.key(kind, file));
    await this.load(kind, file);
  }

  /** Keeps what another step already read (a server's chain is not a file; the pending request's description is). */
  has(kind: SnapshotFileKind, file: string): boolean {
    return this.readings.has(FileStore.key(kind, file));
  }

  /** The bytes read for `file`, or undefined when it did not exist; a refused read is raised here, as it was when read. */
  bytes(kind: SnapshotFileKind, file: string): Buffer | undefined {
    const reading = this.readings.get(FileStore.key(kind, file));
    if (!reading) throw new NotInSnapshot(kind, file);
    if ('error' in reading) throw reading.error;
    return reading.bytes;
  }

  /** A home file's bytes, or undefined when absent (what `present` reads). */
  present(file: string): Buffer | undefined {
    return this.bytes('present', file);
  }

  /** A file that must exist (keystore, certificate, reply): its bytes. */
  required(kind: Exclude<SnapshotFileKind, 'present' | 'vault-conf'>, file: string): Buffer {
    return this.bytes(kind, file)!;
  }

  /** The permission bits of a present file, when it was read. */
  mode(file: string): number | undefined {
    const reading = this.readings.get(FileStore.key('present', file));
    return reading && !('error' in reading) ? reading.mode : undefined;
  }
}

async function readOnce(kind: SnapshotFileKind, file: string, home: string): Promise<Reading> {
  switch (kind) {
    case 'present': {
      const read = await readFileIfPresent(file, { what: 'file', limit: READ_LIMITS.keystore, home });
      return read ? { bytes: read.bytes, mode: read.stats.mode & 0o777 } : { bytes: undefined };
    }
    case 'keystore':
      return { bytes: await readKeystoreBytes(file) };
    case 'home-keystore':
      return { bytes: await readKeystoreBytes(file, { home }) };
    case 'certificate':
      return { bytes: await readCertificateBytes(file, 'certificate file', 'certificate-unreadable') };
    case 'ca-reply':
      return { bytes: await readCertificateBytes(file, "CA's reply", 'reply-unreadable') };
    case 'vault-conf':
      return {
        bytes: (await readFileIfPresent(file, { what: 'secure vault configuration', limit: READ_LIMITS.configuration, home }))?.bytes,
      };
    case 'ssl-profile':
      return { bytes: (await readFileChecked(file, { what: 'SSL profile', limit: READ_LIMITS.configuration, home })).bytes };
  }
}

/** A pending request as read, or the refusal (a planted request) to raise when a plan needs it. */
export type PendingReading = { request: PendingRequest | undefined } | { error: unknown };

/**
 * The home read once: its configuration (as text, as data, resolved), and every file a plan or the status looks at
 * that the configuration names: the keystores of every role and reference, the pending certificate requests, the
 * vault's files and the SSL profiles. Files the answers name (a target keystore, a certificate to import, a CA's
 * reply) are added by gatherPlanInputs before planning. Planning reads nothing else.
 */
export interface HomeSnapshot extends HomeFacts {
  files: FileStore;
  pending: Record<PendingRole, PendingReading>;
  /** The names in the security directory (the wizard suggests a file name no other file has); none when unreadable. */
  securityFiles: string[];
  /** The chain each server to import from presented (keyed by serverKey), fetched by gatherPlanInputs. */
  presented: Map<string, PresentedReading>;
}

/** What a server presented, or the connection's error to raise when the import is planned. */
export type PresentedReading = { chain: Buffer[] } | { error: unknown };

export function serverKey(address: ServerAddress): string {
  return `${address.host}:${address.port}/${address.servername ?? ''}`;
}

/** The chain a server presented, from the snapshot (a failed connection raises its error here). */
export function presentedChain(snapshot: HomeSnapshot, address: ServerAddress): Buffer[] {
  const reading = snapshot.presented.get(serverKey(address));
  if (!reading) throw new Error(`${serverKey(address)} was not contacted before planning: gatherPlanInputs fetches every server import.`);
  if ('error' in reading) throw reading.error;
  return reading.chain;
}

/** Every pending request, primary first; a refused one counts as none (status says why elsewhere), as listPending. */
export function pendingRequests(snapshot: HomeSnapshot): PendingRequest[] {
  return (['primary', 'internal'] as const).flatMap((role) => {
    const reading = snapshot.pending[role];
    return 'request' in reading && reading.request ? [reading.request] : [];
  });
}

/** The pending request of a role, from the snapshot: a refused one raises its error here. */
export function pendingRequest(snapshot: HomeSnapshot, role: PendingRole): PendingRequest | undefined {
  const reading = snapshot.pending[role];
  if ('error' in reading) throw reading.error;
  return reading.request;
}

/** The home's files every procedure may read: what the configuration (as resolved now) names, and the vault's files. */
export async function loadConfiguredFiles(snapshot: HomeSnapshot): Promise<void> {
  const { files, resolved } = snapshot;
  const home = snapshot.located.home;
  const keystores = [
    resolved.roles.primary.file,
    resolved.roles.internal.file,
    resolved.roles.truststore.file,
    ...resolved.references.map((reference) => reference.file),
  ];
  for (const file of keystores) await files.load('present', file);
  // As status reads them: the roles' files by the rule for the home's own files, references' files as named.
  for (const file of keystores.slice(0, 3)) await files.load('home-keystore', file);
  for (const reference of resolved.references) await files.load('keystore', reference.file);
  for (const name of ['password-persist', 'password', 'password-tmp']) await files.load('present', path.join(home, name));
  await files.load('vault-conf', path.join(home, SECRET_CONF));
  // Also as a plain file: a plan that rewrites it records the bytes it expects to replace.
  await files.load('present', path.join(home, SECRET_CONF));
  for (const profile of resolved.sslProfiles) await files.load('ssl-profile', profile.file);
}

async function readPendingRequests(home: string, files: FileStore): Promise<Record<PendingRole, PendingReading>> {
  const pending = {} as Record<PendingRole, PendingReading>;
  for (const role of ['primary', 'internal'] as const) {
    try {
      const request = await readPending(home, role);
      pending[role] = { request };
      const paths = pendingPaths(home, role);
      await files.load('present', paths.keystorePath);
      await files.load('present', paths.metaPath);
      if (request) await files.load('home-keystore', request.keystorePath);
    } catch (error) {
      pending[role] = { error };
    }
  }
  return pending;
}

/** Reads the home once: configuration, keystores, pending requests (see HomeSnapshot). */
export async function readHomeSnapshot(options: {
  home?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  profile?: ProfileId;
}): Promise<HomeSnapshot> {
  const facts = loadHomeFacts(options);
  const files = new FileStore(facts.located.home);
  const securityFiles = await readdir(path.join(facts.located.home, facts.profile.securityDir)).catch(() => []);
  const snapshot: HomeSnapshot = {
    ...facts,
    files,
    pending: await readPendingRequests(facts.located.home, files),
    securityFiles,
    presented: new Map(),
  };
  await loadConfiguredFiles(snapshot);
  return snapshot;
}

/**
 * Unlocks the secure vault (see unlockHomeVault) and reads what the configuration, resolved with its passwords,
 * names: a `$secret{}` in a file_name is odd, but not refused.
 */
export async function unlockSnapshotVault(snapshot: HomeSnapshot, options: Parameters<typeof unlockHomeVault>[1]): Promise<void> {
  await unlockHomeVault(snapshot, options);
  await loadConfiguredFiles(snapshot);
}

/** The wizard's start: the home read once, with the vault unlocked by the password asked before the screens (if any). */
export async function readWizardSnapshot(options: {
  home?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  vaultPassword?: string;
}): Promise<HomeSnapshot> {
  const snapshot = await readHomeSnapshot(options);
  await unlockSnapshotVault(snapshot, {
    env: options.env,
    ...(options.vaultPassword !== undefined ? { fromAnswers: options.vaultPassword } : {}),
    required: false,
  });
  return snapshot;
}
