import path from 'node:path';
import { interruptedTransactions, surveyBackups, type BackupSummary, type UntrustedBackup } from '../apply/backups.js';
import { faultPlanFromEnv } from '../apply/faults.js';
import { holdInterrupts } from '../apply/interrupt-guard.js';
import { backupsDir } from '../apply/layout.js';
import { restoreBackup } from '../apply/restore.js';
import { parseCommandArgs } from '../cli/args.js';
import { selfCommand, shellWord } from '../session/self-command.js';
import type { CommandContext } from '../cli/context.js';
import { colourEnabled, makeStyle, type Style } from '../core/terminal-style.js';
import { locateHome } from '../config/locate.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { jsonText, printable, printableLines } from '../core/printable.js';

export const RESTORE_HELP = `Usage: ei-keystore restore [--home DIR] [--list | [--force] ID] [--json]

Every change ei-keystore makes first backs up the files it replaces, in
<home>/.ei-keystore/backups/ID. Restoring puts each file back to its old bytes
and mode and removes the files that change created. The restore is a change of
its own: it backs up the current files first, so it can be undone the same way.

  --list       the backups, newest first: id, when, what, state, files
  ID           restore that backup
  --force      restore even files that changed after the backup was made
               (without it such a restore is refused: it would discard those
               changes; with it they are backed up first like the rest)
  --home DIR   the WSO2 home (default: $EI_HOME, $MI_HOME, or the current
               directory)
  --json       one JSON document on stdout

A backup in state 'in-progress' belongs to a change that was interrupted:
restoring it puts back every file. A backup whose folder or manifest could have
been planted by another user (not owned by you or root, writable by others, a
symbolic link, or naming files outside the home) is never restored; status
reports it as backup-untrusted.

Exit codes: ${EXIT.ok} done; ${EXIT.failed} failed, everything put back; ${EXIT.badInput} bad input or usage, nothing
written; ${EXIT.interrupted}, ${EXIT.terminated}, ${EXIT.hungUp} interrupted by SIGINT, SIGTERM, SIGHUP (finished first).
`;

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function fileNames(backup: BackupSummary): string {
  return backup.files.map((file) => path.basename(file.path)).join(', ');
}

function stateText(backup: BackupSummary, interrupted: ReadonlySet<string>, style: Style): string {
  const state = backup.state;
  if (state === 'in-progress') return interrupted.has(backup.id) ? style.yellow('interrupted') : 'running';
  if (state === 'rolled-back') return style.dim('rolled back');
  return state;
}

function untrustedLines(untrusted: readonly UntrustedBackup[]): string[] {
  return untrusted.map((entry) => `Not trusted, never restored: ${entry.id ?? entry.path}: ${entry.reason}`);
}

export function renderBackupList(
  home: string,
  backups: BackupSummary[],
  interruptedIds: ReadonlySet<string>,
  style: Style,
  untrusted: readonly UntrustedBackup[] = [],
): string {
  if (backups.length === 0) {
    return (
      [`No backups in ${backupsDir(home)} yet: nothing has been changed by ei-keystore in this home.`, ...untrustedLines(untrusted)].join(
        '\n',
      ) + '\n'
    );
  }
  // Labels and file names come from the backups' manifests, files of the home: escaped before any styling.
  const rows = backups.map((backup) => [
    printable(backup.id),
    when(backup.createdAt),
    printable(backup.label),
    stateText(backup, interruptedIds, style),
    printable(fileNames(backup)),
  ]);
  const header = ['ID', 'WHEN', 'WHAT', 'STATE', 'FILES'];
  // Widths from the plain text: colour codes take no columns.
  const plain = (text: string) => text.replace(/\u001b\[\d+m/g, '');
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => plain(row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - plain(cell).length)))
      .join('  ')
      .trimEnd();
  const out = [`Backups in ${printable(backupsDir(home))}, newest first:`, style.bold(line(header)), ...rows.map(line)];
  const interrupted = backups.filter((backup) => interruptedIds.has(backup.id));
  if (interrupted.length) {
    out.push('', `Interrupted: ${interrupted.map((backup) => backup.id).join(', ')}. 'ei-keystore restore ID' puts its files back.`);
  }
  if (untrusted.length) out.push('', ...untrustedLines(untrusted));
  return out.join('\n') + '\n';
}

export async function restoreCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('restore', args, {
    home: { type: 'string' },
    list: { type: 'boolean' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    context.stdout.write(RESTORE_HELP);
    return EXIT.ok;
  }
  const usage = "See 'ei-keystore restore --help'.";
  if (values.list && positionals.length > 0) throw new UserError(`restore takes --list or a backup ID, not both. ${usage}`, 'usage');
  if (!values.list && positionals.length !== 1) {
    throw new UserError(
      positionals.length === 0
        ? `restore needs a backup ID, or --list to see them. ${usage}`
        : `restore takes one backup ID, got ${positionals.length}. ${usage}`,
      'usage',
    );
  }
  const faults = faultPlanFromEnv(context.env);
  const { home } = locateHome({ ...(values.home !== undefined ? { home: values.home } : {}), env: context.env, cwd: context.cwd });
  const style = makeStyle(!values.json && colourEnabled(context.stdout, context.env));

  if (values.list) {
    const survey = await surveyBackups(home);
    if (values.json) context.stdout.write(jsonText({ home, backups: survey.backups, untrusted: survey.untrusted }) + '\n');
    else {
      const interrupted = new Set((await interruptedTransactions(home, survey)).map((backup) => backup.id));
      context.stdout.write(renderBackupList(home, survey.backups, interrupted, style, survey.untrusted));
    }
    return EXIT.ok;
  }

  const id = positionals[0]!;
  // A restore is a change like any other: signals wait until it is finished (or rolled back) and reported.
  const guard = holdInterrupts((signal) =>
    context.stderr.write(`Interrupted (${signal}): finishing the restore (or rolling it back) before exiting...\n`),
  );
  try {
    let result;
    try {
      result = await restoreBackup(home, id, {
        ...(faults ? { faults } : {}),
        force: Boolean(values.force),
        onWarning: (message) => context.stderr.write(`ei-keystore: warning: ${printableLines(message)}\n`),
      });
    } catch (error) {
      if (guard.exitCode !== undefined && error instanceof UserError) throw new UserError(error.message, error.code, guard.exitCode);
      throw error;
    }
    if (values.json) {
      context.stdout.write(
        jsonText({ home, restored: result.restoredId, backupId: result.backupId, files: result.files, warnings: result.warnings }) + '\n',
      );
      return guard.exitCode ?? EXIT.ok;
    }
    const lines = [`Restored backup ${result.restoredId} in ${home}:`];
    for (const file of result.files) {
      const note =
        file.action === 'removed'
          ? `${file.role}, created by that change`
          : file.action === 'left'
            ? `${file.role}, outside the home: left as it is`
            : file.role;
      lines.push(`  ${file.action === 'removed' ? 'removed ' : file.action === 'left' ? 'left    ' : 'put back'}  ${file.path} (${note})`);
    }
    lines.push(
      `The files as they were before this restore are in backup ${result.backupId}: undo with ${selfCommand(context.env)} restore --home ${shellWord(home)} ${result.backupId}`,
    );
    // Paths and labels come from the backup's manifest, a file of the home: escaped like any other.
    context.stdout.write(printableLines(lines.join('\n')) + '\n');
    return guard.exitCode ?? EXIT.ok;
  } finally {
    guard.release();
  }
}
