import type { ExpectedFile, FileWrite } from '../apply/changes.js';
import type { ProcedureId } from '../answers/types.js';
import type { TomlChange } from '../config/patch.js';
import type { HomeFacts } from './facts.js';
import type { Opening } from './opens-at-startup.js';

/** One line of the plan a dry run prints and the wizard reviews. */
export type PlanAction =
  | { kind: 'generate'; what: string }
  | { kind: 'take'; what: string }
  | { kind: 'write-keystore'; path: string; role: string; format: string; created: boolean; entries: string; replaces?: string }
  | { kind: 'import-certificate'; path: string; alias: string; sha256: string; subject: string }
  | { kind: 'already-trusted'; path: string; alias: string; sha256: string }
  | { kind: 'remove-certificate'; path: string; alias: string; subject?: string; notAfter?: string; why?: string }
  | { kind: 're-encrypt'; aliases: string[]; why?: string }
  | { kind: 'write-request'; path: string; subject: string; subjectAltNames: string[] }
  | { kind: 'remove-pending'; paths: string[] }
  | { kind: 'patch-config'; path: string; keys: string[] }
  | { kind: 'backup'; paths: string[] };

/**
 * What one part of a procedure adds to its plan (the key material, the truststore import, the `[secrets]` guard, the
 * after-state): its steps, files, keystores to verify, configuration changes and notes, each in order.
 */
export interface PlanFragment {
  actions: PlanAction[];
  writes: FileWrite[];
  keystores: KeystoreExpectation[];
  changes: TomlChange[];
  notes: string[];
}

/** The one way parts of a plan are put together: each list is the parts' lists, in the order given. */
export function mergePlan(...parts: ReadonlyArray<Partial<PlanFragment> | undefined>): PlanFragment {
  return {
    actions: parts.flatMap((part) => part?.actions ?? []),
    writes: parts.flatMap((part) => part?.writes ?? []),
    keystores: parts.flatMap((part) => part?.keystores ?? []),
    changes: parts.flatMap((part) => part?.changes ?? []),
    notes: parts.flatMap((part) => part?.notes ?? []),
  };
}

/** A keystore the verification re-opens from its staged bytes before anything is renamed into place. */
export interface KeystoreExpectation {
  path: string;
  storePassword: string;
  format: 'JKS' | 'PKCS12';
  keyEntries: Array<{ alias: string; keyPassword: string; leafSha256: string }>;
  trustedSha256: string[];
}

/** Everything `apply` needs to write, computed in memory: nothing has touched the disk yet. */
export interface PreparedChange {
  procedure: ProcedureId;
  home: string;
  /** Set when the home already is as the answers want it: nothing to write, and why. */
  unchanged?: string;
  actions: PlanAction[];
  writes: FileWrite[];
  expected: ExpectedFile[];
  keystores: KeystoreExpectation[];
  config: { path: string; relative: string; before: string; after: string; changes: TomlChange[] };
  /** Things the user should know (ignored tables, a PKCS12 note, what to restart). */
  notes: string[];
  /** Files the change removes (a pending request once its reply is installed); backed up like the rest. */
  removals?: string[];
  /** Directories, private to the owner (0700), that must exist before the files are written. */
  privateDirs?: string[];
  /**
   * What the server opened before the change (the verification requires each to open after it too), and the
   * `$env{}` values the plan asks the admin to set to the new passwords.
   */
  startup?: { before: Opening[]; envOverlay: Record<string, string>; vault?: ReadonlyMap<string, string> };
  /** Set for a certificate signing request: what to send to the CA and how to resume. No configuration changes. */
  request?: RequestSummary;
}

/** The plan of a home that already is as the answers want it: nothing to write, and why. */
export function unchangedChange(
  facts: HomeFacts,
  procedure: PreparedChange['procedure'],
  relative: string,
  why: string,
  notes: string[],
  request?: RequestSummary,
): PreparedChange {
  return {
    procedure,
    home: facts.located.home,
    unchanged: why,
    actions: [],
    writes: [],
    expected: [],
    keystores: [],
    config: { path: facts.located.config.path, relative, before: facts.configText, after: facts.configText, changes: [] },
    notes,
    ...(request ? { request } : {}),
  };
}

export interface RequestSummary {
  csrFile: string;
  subject: string;
  subjectAltNames: string[];
  pendingKeystore: string;
  renewal: boolean;
  /** The sentence that says how to import the reply. */
  resume: string;
}
