import path from 'node:path';
import { faultPlanFromEnv } from '../apply/faults.js';
import { holdInterrupts } from '../apply/interrupt-guard.js';
import { parseCommandArgs, profileFlag } from '../cli/args.js';
import { selfCommand } from '../session/self-command.js';
import { stepLabel } from '../core/step-labels.js';
import type { CommandContext } from '../cli/context.js';
import { colourEnabled, makeStyle } from '../core/terminal-style.js';
import { readAnswersFile } from '../answers/answers-file.js';
import { unifiedDiff } from '../config/diff.js';
import { locateHome } from '../config/locate.js';
import type { ProcedureId } from '../answers/types.js';
import { jsonText, printableLines } from '../core/printable.js';
import { UserError } from '../errors.js';
import { requireKeytool } from '../keytool/cross-check.js';
import { executePrepared } from '../procedures/execute.js';
import { readHomeSnapshot, unlockSnapshotVault } from '../procedures/home-snapshot.js';
import { promptSecret } from '../cli/prompt-secret.js';
import { prepareChange } from '../procedures/prepare.js';
import { prepareHarden } from '../procedures/harden-procedure.js';
import { readHardenAnswers } from '../answers/harden-answers.js';
import { planJson, renderPlan, requestMessage } from '../procedures/plan-render.js';
import type { PreparedChange } from '../procedures/prepared.js';
import { gatherStatus } from '../status/gather.js';
import type { Finding } from '../status/finding.js';
import { EXIT } from '../exit-codes.js';

export const APPLY_HELP = `Usage: ei-keystore apply primary|internal|truststore|secrets --answers FILE
       [--home DIR] [--dry-run] [--keytool] [--json]

Runs one procedure of the source document from an answers file (see
templates/answers/ and README):
  primary      change the primary keystore ([keystore.tls] or
               [keystore.primary], by product version)
  internal     separate the internal keystore that encrypts secrets
               ([keystore.internal])
  truststore   change the truststore and import certificates ([truststore])
  secrets      encrypt passwords into the secure vault, as the cipher tool
               does ([secrets], $secret{}; templates/answers/secrets.toml)

  --answers FILE   the answers (TOML); secrets as { env = "NAME" }, { file =
                   "PATH" } or a literal
  --home DIR       the server home (default: $EI_HOME, $MI_HOME, or the current
                   directory)
  --profile P      the product layout when detection cannot tell: ei-7 | mi-1.1
                   | mi-1.2 | mi-4
  --dry-run        print the plan and the configuration diff (passwords masked);
                   write nothing
  --keytool        after our own checks, have keytool list every keystore
                   written and compare
  --trust-on-first-use
                   truststore: take a server's certificate (an import with
                   url) without a sha256 pin, and print its fingerprint
  --json           one JSON document on stdout: { changed, backup, files,
                   notes, findings }
  --vault-password-env NAME
                   the internal keystore's password, for a home whose
                   passwords are $secret{} values (else [vault] password in
                   the answers, <home>/password-tmp or password-persist, or a
                   prompt on a terminal)

A CA-signed certificate takes two runs: [keystore] source = "csr" writes a
certificate signing request (the key waits in <home>/.ei-keystore/pending/, the
configuration is unchanged); source = "ca-reply" with reply = FILE installs the
CA's answer (PEM, DER, .p7b or a bundle) and continues as for an existing
keystore.

Every file replaced is backed up first (ei-keystore restore --list). Running the
same answers twice changes nothing the second time. Exit codes: ${EXIT.ok} done or
nothing to change; ${EXIT.failed} failed and rolled back; ${EXIT.badInput} bad input, nothing written; ${EXIT.interrupted},
${EXIT.terminated}, ${EXIT.hungUp} interrupted by SIGINT, SIGTERM, SIGHUP (the change is finished or
rolled back first, and its backup id printed).
`;

const PROCEDURES: readonly ProcedureId[] = ['primary', 'internal', 'truststore', 'secrets'];

export async function applyCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('apply', args, {
    answers: { type: 'string' },
    home: { type: 'string' },
    profile: { type: 'string' },
    'dry-run': { type: 'boolean' },
    keytool: { type: 'boolean' },
    'trust-on-first-use': { type: 'boolean' },
    json: { type: 'boolean' },
    'vault-password-env': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    context.stdout.write(APPLY_HELP);
    return EXIT.ok;
  }
  const procedure = positionals[0] as ProcedureId | undefined;
  if (!procedure || !PROCEDURES.includes(procedure) || positionals.length > 1) {
    throw new UserError(
      `apply needs one procedure: primary, internal, truststore or secrets${procedure && !PROCEDURES.includes(procedure) ? ` (got '${procedure}')` : ''}. See 'ei-keystore apply --help'.`,
      'usage',
    );
  }
  if (!values.answers)
    throw new UserError(
      `apply ${procedure} needs --answers FILE; examples are in templates/answers/. See 'ei-keystore apply --help'.`,
      'usage',
    );
  profileFlag(values.profile);

  try {
    return await runApply(procedure, values, context);
  } catch (error) {
    // --json promises one document on stdout, failures included, so automation can read what went wrong.
    if (values.json && error instanceof UserError) {
      writeJson(context, {
        changed: false,
        backup: null,
        files: [],
        findings: [],
        error: { code: error.code, exitCode: error.exitCode, message: error.message },
      });
    }
    throw error;
  }
}

interface ApplyFlags {
  answers?: string;
  home?: string;
  profile?: string;
  'dry-run'?: boolean;
  keytool?: boolean;
  'trust-on-first-use'?: boolean;
  json?: boolean;
  'vault-password-env'?: string;
}

async function runApply(procedure: ProcedureId, values: ApplyFlags, context: CommandContext): Promise<number> {
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
  const answersFile = path.resolve(context.cwd, values.answers!);
  const loaded =
    procedure === 'secrets' ? await readHardenAnswers(answersFile) : await readAnswersFile(answersFile, procedure, context.env);
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
      : await prepareChange(facts, loaded.answers, loaded.secrets, { trustOnFirstUse: Boolean(values['trust-on-first-use']) });
  const diff = unifiedDiff(prepared.config.before, prepared.config.after, { path: prepared.config.relative });
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
        diff,
        findings: [],
      });
    } else {
      context.stdout.write(renderPlan(prepared));
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
