import { faultPlanFromEnv } from '../apply/faults.js';
import { holdInterrupts } from '../apply/interrupt-guard.js';
import type { HardenAnswers } from '../answers/harden-answers.js';
import type { LoadedAnswers } from '../answers/answers-file.js';
import type { KeystoreRole } from '../answers/types.js';
import { profileFlag } from '../cli/args.js';
import type { CommandContext } from '../cli/context.js';
import { promptSecret } from '../cli/prompt-secret.js';
import { unifiedDiff } from '../config/diff.js';
import { locateHome } from '../config/locate.js';
import { jsonText, printableLines } from '../core/printable.js';
import { stepLabel } from '../core/step-labels.js';
import { colourEnabled, makeStyle } from '../core/terminal-style.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { KeyPairInAdvance } from '../keystore/generate.js';
import { requireKeytool } from '../keytool/cross-check.js';
import { executePrepared } from '../procedures/execute.js';
import { prepareHarden } from '../procedures/harden-procedure.js';
import { readHomeSnapshot, unlockSnapshotVault } from '../procedures/home-snapshot.js';
import { planJson, renderPlan, requestMessage } from '../procedures/plan-render.js';
import type { PreparedChange } from '../procedures/prepared.js';
import { prepareChange } from '../procedures/prepare.js';
import { selfCommand } from '../session/self-command.js';
import type { Finding } from '../status/finding.js';
import { gatherStatus } from '../status/gather.js';

export interface ApplyFlags {
  answers?: string;
  home?: string;
  profile?: string;
  'dry-run'?: boolean;
  keytool?: boolean;
  'trust-on-first-use'?: boolean;
  json?: boolean;
  'vault-password-env'?: string;
}

export type LoadedApplyAnswers = LoadedAnswers<KeystoreRole> | { answers: HardenAnswers; data: Record<string, unknown> };

/** What commands/apply.ts has done before this module loads: the answers read, a key pair perhaps under way. */
export interface ApplyStart {
  values: ApplyFlags;
  context: CommandContext;
  answersFile: string;
  /** Settled: the answers, or their error, raised after the home's own (a home that is not one is said first). */
  reading: Promise<LoadedApplyAnswers>;
  keyPair: KeyPairInAdvance | undefined;
}

/**
 * The rest of `apply`: read the home, plan, print the plan or write it, and the status after. Loaded once the
 * answers are read, so a new key pair is already being generated while this code loads.
 */
export async function planAndApply({ values, context, answersFile, reading, keyPair }: ApplyStart): Promise<number> {
  // Steps and warnings quote paths, aliases and names from the home's files: never raw to the terminal.
  const log = (message: string) => {
    context.stderr.write(`${printableLines(message)}\n`);
  };
  const facts = await readHomeSnapshot({
    home: values.home,
    env: context.env,
    cwd: context.cwd,
    now: context.now,
    profile: profileFlag(values.profile),
  });
  const loaded = await reading;
  if (values.keytool) await requireKeytool();
  const interactive = !values.json && Boolean(context.stdin.isTTY) && Boolean(context.stderr.isTTY);
  const fromAnswers =
    'vaultPassword' in loaded
      ? loaded.vaultPassword
      : 'data' in loaded
        ? vaultPasswordOf(loaded.data, context.env, answersFile)
        : undefined;
  await unlockSnapshotVault(facts, {
    env: context.env,
    ...(values['vault-password-env'] !== undefined ? { envName: values['vault-password-env'] } : {}),
    ...(fromAnswers !== undefined ? { fromAnswers } : {}),
    ...(interactive
      ? { ask: (question: string) => promptSecret(`Password of ${question}: `, context.stdin, context.stderr as NodeJS.WriteStream) }
      : {}),
    required: true,
  });

  const prepared: PreparedChange =
    'data' in loaded
      ? await prepareHarden(facts, loaded.answers)
      : await prepareChange(facts, loaded.answers, loaded.secrets, {
          trustOnFirstUse: Boolean(values['trust-on-first-use']),
          ...(keyPair ? { keyPair } : {}),
        });
  // Only the dry run and the text output show it (a few ms for a whole deployment.toml): made when shown.
  const configDiff = () => unifiedDiff(prepared.config.before, prepared.config.after, { path: prepared.config.relative });
  const style = makeStyle(colourEnabled(context.stdout, context.env));
  if (!values.json) log(`${facts.profile.id}: ${facts.document.profileEvidence}`);

  if (prepared.unchanged) {
    if (values.json)
      writeJson(context, {
        changed: false,
        backup: null,
        files: [],
        findings: await findingsAfter(context, facts.located.home, values.profile),
        ...(prepared.request ? { request: prepared.request } : {}),
      });
    else context.stdout.write(`${printableLines(prepared.unchanged)}\n`);
    return EXIT.ok;
  }
  if (values['dry-run']) {
    if (values.json) {
      writeJson(context, {
        changed: false,
        dryRun: true,
        backup: null,
        files: prepared.writes.map((write) => write.path),
        plan: planJson(prepared),
        notes: prepared.notes,
        diff: configDiff(),
        findings: [],
      });
    } else {
      context.stdout.write(renderPlan(prepared));
      const diff = configDiff();
      context.stdout.write(diff ? `\n${diff}` : '\nThe configuration file does not change.\n');
      context.stdout.write(`\n${style.bold('Dry run: nothing was written.')}\n`);
    }
    return EXIT.ok;
  }

  // From here until the outcome is printed, SIGINT, SIGTERM and SIGHUP wait: the change finishes or rolls back,
  // the lock is released and the backup id printed, then the exit code says which signal came (README: Exit codes).
  const guard = holdInterrupts((signal) => log(`Interrupted (${signal}): finishing the change (or rolling it back) before exiting...`));
  try {
    let result;
    try {
      result = await executePrepared(prepared, facts, {
        keytool: Boolean(values.keytool),
        faults: faultPlanFromEnv(context.env),
        onStep: (step) => {
          if (!values.json) log(`  ${stepLabel(step)}`);
        },
        onWarning: log,
      });
    } catch (error) {
      if (guard.exitCode !== undefined && error instanceof UserError) throw new UserError(error.message, error.code, guard.exitCode);
      throw error;
    }
    // Interrupted: report at once (no status pass), so the backup id is out before anyone sends a second signal.
    const findings = guard.signal ? [] : await findingsAfter(context, facts.located.home, values.profile);
    if (values.json) {
      writeJson(context, {
        changed: result.changed.length > 0,
        backup: result.backupId,
        files: result.changed,
        notes: prepared.notes,
        findings,
        ...(prepared.request ? { request: prepared.request } : {}),
        ...(guard.signal ? { interrupted: guard.signal } : {}),
      });
    } else if (prepared.request) {
      context.stdout.write(renderPlan(prepared));
      context.stdout.write(`\n${style.green('Request written.')} Backup ${result.backupId}. ${requestMessage(prepared.request)}\n`);
    } else {
      context.stdout.write(renderPlan(prepared));
      const diff = configDiff();
      if (diff) context.stdout.write(`\n${diff}`);
      context.stdout.write(
        `\n${style.green('Done.')} Backup ${result.backupId}. To undo: ${selfCommand(context.env)} restore --home ${quoteIfNeeded(facts.located.home)} ${result.backupId}\n`,
      );
      context.stdout.write('Restart the server for the change to take effect.\n');
      const errors = findings.filter((finding) => finding.level === 'error');
      if (errors.length > 0)
        context.stdout.write(
          `status still reports ${errors.length} error(s); run ${selfCommand(context.env)} status --home ${quoteIfNeeded(facts.located.home)}\n`,
        );
    }
    if (guard.signal) log(`Interrupted (${guard.signal}) after the change was completed: backup ${result.backupId}.`);
    return guard.exitCode ?? EXIT.ok;
  } finally {
    guard.release();
  }
}

function writeJson(context: CommandContext, document: unknown): void {
  context.stdout.write(jsonText(document) + '\n');
}

function quoteIfNeeded(value: string): string {
  return /^[\w./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

async function findingsAfter(context: CommandContext, home: string, profile: string | undefined): Promise<Finding[]> {
  try {
    const located = locateHome({ home, env: context.env, cwd: context.cwd });
    return (await gatherStatus({ located, env: context.env, now: context.now, profile: profileFlag(profile) })).findings;
  } catch {
    return [];
  }
}

/** `[vault] password` of an `apply secrets` answers file: a literal or `{ env = "NAME" }`. */
function vaultPasswordOf(data: Record<string, unknown>, env: NodeJS.ProcessEnv, file: string): string | undefined {
  const vault = data.vault as Record<string, unknown> | undefined;
  const value = vault?.password;
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  const name = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).env : undefined;
  if (typeof name === 'string' && env[name]) return env[name];
  throw new UserError(
    `${file}: [vault] password must be a password or { env = "NAME" } naming a set variable. Nothing was written.`,
    'answers-invalid',
  );
}
