import path from 'node:path';
import type { ProcedureId } from '../answers/types.js';
import { PROCEDURE_DEFINITIONS } from '../core/fields/index.js';
import type { HomeSnapshot } from '../procedures/home-snapshot.js';
import type { PreparedChange } from '../procedures/prepared.js';
import { shellWord } from './self-command.js';

/**
 * What the wizard says when a change is done and when it ends: the one copy of these texts, for the Ink screens
 * and the plain prompts alike. Pure: the command that runs this tool again (`self`) is worked out once, at the
 * start of the session, and handed in.
 */

/** Said after the internal keystore changes: a secret encrypted on one node must decrypt on every other. */
export const CLUSTER_NOTE =
  'In a cluster, every node that shares this configuration needs this same internal keystore (the same key pair, not a new one per node): copy it to each node (the README\'s "Cluster roll-out with Ansible" does this).';

export const CANCELLED = 'Cancelled, nothing was written.';
export const DRY_RUN_ENDED = 'Dry run: nothing was written.';

/**
 * Whether a change wrote passwords in plain text into the configuration, or left `[secrets]` values in brackets:
 * then the Done screens offer "Encrypt passwords" next. (The after-state says so in its plan notes.)
 */
export function leavesPlaintextPasswords(prepared: PreparedChange, facts: HomeSnapshot): boolean {
  if (prepared.procedure === 'secrets' || prepared.request) return false;
  return (
    prepared.notes.some((note) => note.includes(' written in plain text in ')) ||
    facts.resolved.secrets.some((secret) => secret.state === 'plaintext')
  );
}

export function restoreCommand(self: string, home: string, backupId: string): string {
  return `${self} restore --home ${shellWord(home)} ${backupId}`;
}

/** A command to copy, with what it is for. */
export interface LabelledCommand {
  label: string;
  command: string;
}

/** Everything the Done screen (and plain mode after a change) says. */
export interface DoneReport {
  /** "Done: <title>". */
  title: string;
  /** The change wrote a certificate signing request (the configuration is unchanged). */
  request: boolean;
  backupId: string;
  /** The first is always the undo command. */
  commands: LabelledCommand[];
  /** What to do next, one sentence each. */
  next: string[];
  /** "Encrypt passwords" is offered next: the change left passwords in plain text. */
  offerEncrypt: boolean;
}

export function doneReport(input: {
  procedure: ProcedureId;
  backupId: string;
  prepared: PreparedChange;
  facts: HomeSnapshot;
  self: string;
}): DoneReport {
  const { procedure, backupId, prepared, facts, self } = input;
  const home = facts.located.home;
  const homeWord = shellWord(home);
  const undo = { label: 'To undo', command: restoreCommand(self, home, backupId) };
  const request = prepared.request;
  if (request) {
    return {
      title: `request written (${procedure} keystore)`,
      request: true,
      backupId,
      commands: [undo, { label: 'To import the reply later (or start the wizard again)', command: `${self} --home ${homeWord}` }],
      next: [
        `Request for ${request.subject}${request.subjectAltNames.length > 0 ? ` (${request.subjectAltNames.join(', ')})` : ''}.`,
        `Written to ${request.csrFile}: send this file to your CA.`,
        `The ${request.renewal ? 'current' : 'new'} key waits in ${path.relative(home, request.pendingKeystore)}; the configuration is unchanged.`,
        `To resume, choose "Import the CA's reply" on the wizard's home screen.`,
      ],
      offerEncrypt: false,
    };
  }
  const plaintextSecrets = facts.resolved.secrets.filter((secret) => secret.state === 'plaintext').length;
  return {
    title: PROCEDURE_DEFINITIONS[procedure].title,
    request: false,
    backupId,
    commands: [
      undo,
      { label: 'To check the result', command: `${self} status --home ${homeWord}` },
      ...(procedure === 'primary'
        ? [{ label: 'For partners who must trust this server', command: `${self} export primary --out primary.pem --home ${homeWord}` }]
        : []),
    ],
    next: [
      'Restart the server for the change to take effect.',
      ...(procedure !== 'secrets' && plaintextSecrets > 0
        ? [
            `${plaintextSecrets} value(s) in [secrets] are still in plaintext brackets: encrypt them with "Encrypt passwords" (offered below), or later ${self} apply secrets.`,
          ]
        : []),
      ...(prepared.notes.some((note) => note.includes('written in plain text'))
        ? [
            `New passwords were written in plain text: move them into the secure vault with "Encrypt passwords" (offered below), or later ${self} apply secrets.`,
          ]
        : []),
      ...(procedure === 'internal' ? [CLUSTER_NOTE] : []),
    ],
    offerEncrypt: leavesPlaintextPasswords(prepared, facts),
  };
}

/** What the Done screen said, for the shell's screen on exit: each command whole on its own line, to copy. */
export function doneSummary(report: DoneReport): string {
  return [
    `Done: ${report.title}. Backup ${report.backupId}.`,
    ...report.commands.flatMap(({ label, command }) => [`${label}:`, `  ${command}`]),
    ...report.next.map((line) => `- ${line}`),
  ].join('\n');
}

/** A signal (Ctrl-C, SIGTERM, SIGHUP) arrived while the change was written: it finished first. */
export function interruptedAfterChange(self: string, home: string, backupId: string): string {
  return `Interrupted after the change was completed. Backup ${backupId}; to undo:\n  ${restoreCommand(self, home, backupId)}`;
}

/** A signal arrived while the change was written, and the change failed: it was rolled back. */
export function interruptedRolledBack(message: string): string {
  return `Interrupted; the change was rolled back. ${message}`;
}

/** Said once the answers are saved: how to apply them without the wizard. */
export function savedNotice(self: string, home: string, procedure: ProcedureId, target: string): string {
  return `Saved ${target}: export the passwords it names, then run ${self} apply ${procedure} --answers ${shellWord(target)} --home ${shellWord(home)}`;
}

/** Said when the answers could not be saved (the file exists, a folder, no permission): the path is asked again. */
export function saveProblem(message: string): string {
  return `${message} Nothing was saved.`;
}

/** Separating the internal keystore, refused at the menu on a product that reads no [keystore.internal]. */
export function internalRefusal(facts: HomeSnapshot): string {
  return `${facts.profile.label} reads no [keystore.internal], so it cannot be separated. ${facts.profile.internalNote}`;
}
