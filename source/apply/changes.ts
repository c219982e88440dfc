import type { FileOwner } from './atomic-write.js';
import type { ProgressStep } from '../progress-steps.js';
import type { FaultPlan } from './faults.js';
import type { CurrentFile } from './targets.js';
import type { ManifestFile } from './manifest.js';

/** One file a transaction writes. */
export interface FileWrite {
  /** Absolute. A symlink is followed: its target gets the bytes, the link stays. */
  path: string;
  content: Buffer;
  /** Default: the replaced file's mode, or 0600 for a new file (keystores hold private keys). */
  mode?: number;
  /** What the file is, for messages: 'primary keystore', 'config', 'truststore'. */
  role: string;
  /**
   * The user named this file (a certificate signing request's csr_file), so it may lie outside the home. Every
   * other write must land inside the home; none may go through a symbolic link but the configuration file's.
   */
  mayBeOutsideHome?: boolean;
}

/** A file a restore removes because the transaction it undoes created it. */
export interface FileDeletion {
  path: string;
  delete: true;
  role: string;
}

/** A write that also names the owner to give the file when running as root (a restore puts the old one back). */
export type Change = (FileWrite & { delete?: undefined; owner?: FileOwner }) | FileDeletion;

/** A file read at plan time, by hash; null: it did not exist then. */
export interface ExpectedFile {
  path: string;
  sha256: string | null;
}

export interface StagedFile {
  path: string;
  tempPath: string;
}

export interface TransactionOptions {
  home: string;
  /** The backup id; default a new time-sortable one. */
  id?: string;
  /** What this is, for the manifest, the lock and messages: 'apply primary'. */
  label: string;
  writes: FileWrite[];
  /** Files read at plan time: if any changed since, nothing is written. */
  expected?: ExpectedFile[];
  /** Checks the staged files (re-read the keystore, re-parse the TOML, keytool); throwing rolls back. */
  verify?: (staged: StagedFile[]) => Promise<void>;
  faults?: FaultPlan;
  /** Called as each step starts, with its name (see TRANSACTION_STEPS), and with 'rollback'. */
  onStep?: (step: ProgressStep) => void;
  /** Called with each warning as it happens (a stale lock cleared, say); they are also in the result. */
  onWarning?: (message: string) => void;
}

export interface TransactionResult {
  backupId: string;
  backupDir: string;
  /** Paths whose content changed (created, replaced with different bytes, or removed). */
  changed: string[];
  warnings: string[];
}

/** One target as the transaction tracks it. */
export interface Target {
  change: Change;
  writtenPath: string;
  current: CurrentFile | undefined;
  entry: ManifestFile;
  /** Its temporary file exists. */
  staged: boolean;
  /** Renamed into place (or removed): the rollback must put it back. */
  applied: boolean;
}
