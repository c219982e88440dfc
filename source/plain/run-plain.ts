import path from 'node:path';
import { PROCEDURE_DEFINITIONS, visibleFields } from '../core/fields/index.js';
import type { FieldValue, ProcedureDefinition, WizardFacts } from '../core/fields/types.js';
import { printableLines } from '../core/printable.js';
import { stepLabel } from '../core/step-labels.js';
import { selfCommand, shellWord } from '../session/self-command.js';
import { holdInterrupts } from '../apply/interrupt-guard.js';
import { UserError } from '../errors.js';
import { executePrepared } from '../procedures/execute.js';
import { readWizardSnapshot, type HomeSnapshot } from '../procedures/home-snapshot.js';
import { truststoreEntryFacts } from '../procedures/truststore-entries.js';
import { renderPlan, requestMessage } from '../procedures/plan-render.js';
import { answersText, CLUSTER_NOTE, defaultAnswersPath, diskProcedureIO, leavesPlaintextPasswords, reloadWizardHome, reviewChange, saveAnswersFile, statusOfFacts, wizardFactsWithStatus, type WizardSessionOptions } from '../session/session.js';
import { askField } from './ask-field.js';
import type { PlainPrompts } from './prompts.js';
import { EXIT } from '../exit-codes.js';

export interface PlainOptions extends WizardSessionOptions {
  prompts: PlainPrompts;
  write: (text: string) => void;
}

/**
 * The wizard line by line (--plain, TERM=dumb, screen readers, small terminals): the same procedures, fields and
 * checks as the Ink screens, asked with @inquirer/prompts. Returns the exit code.
 */
export async function runPlain(options: PlainOptions): Promise<number> {
  // Everything said quotes text from the home's files (aliases, names, paths): control characters shown, never sent.
  const say = (line: string) => options.write(`${printableLines(line)}\n`);
  const facts = await readWizardSnapshot({ home: options.home, env: options.env, cwd: options.cwd, now: options.now, ...(options.vaultPassword !== undefined ? { vaultPassword: options.vaultPassword } : {}) });
  const report = await statusOfFacts(facts, { env: options.env, now: options.now, ...(options.vaultPassword !== undefined ? { vaultPassword: options.vaultPassword } : {}) });
  say(`ei-keystore${options.sandbox ? ' (SANDBOX)' : ''}: ${facts.located.home}`);
  say(`${facts.profile.id}: ${facts.document.profileEvidence}`);
  for (const role of report.roles) {
    const leaf = role.chain?.[0];
    say(`  ${role.role.padEnd(10)} ${path.relative(facts.located.home, role.file)}${role.alias && role.role !== 'truststore' ? ` (${role.alias})` : ''}${leaf ? `, to ${leaf.notAfter.toISOString().slice(0, 10)}` : ''}`);
  }
  const errors = report.findings.filter((finding) => finding.level === 'error').length;
  if (report.findings.length > 0) say(`  ${errors} error(s), ${report.findings.length - errors} other finding(s): ei-keystore status shows them all.`);

  const wizardFacts = await wizardFactsWithStatus(facts, report);
  const choice = await options.prompts.select('What do you want to do?', [
    { value: 'primary', label: PROCEDURE_DEFINITIONS.primary.title },
    { value: 'internal', label: PROCEDURE_DEFINITIONS.internal.title, hint: facts.profile.internalConfigurable ? undefined : `not read by ${facts.profile.label}` },
    { value: 'truststore', label: PROCEDURE_DEFINITIONS.truststore.title },
    { value: 'secrets', label: PROCEDURE_DEFINITIONS.secrets.title, hint: wizardFacts.harden?.refusal ? 'not available here' : 'move passwords into the secure vault' },
    { value: 'quit', label: 'Quit' },
  ]);
  if (choice === 'quit') return EXIT.ok;
  const definition = PROCEDURE_DEFINITIONS[choice as ProcedureDefinition['id']];
  if (definition.id === 'internal' && !facts.profile.internalConfigurable) {
    say(`${facts.profile.label} does not read [keystore.internal]: ${facts.profile.internalNote}`);
    return EXIT.ok;
  }
  // Refused at the menu, before any question, by the planner's own rules (nothing to encrypt, no RSA internal key).
  if (definition.id === 'secrets' && wizardFacts.harden?.refusal) {
    say(wizardFacts.harden.refusal);
    return EXIT.ok;
  }
  return runProcedure(definition, facts, wizardFacts, options, say);
}

/** "Encrypt passwords" offered on the Done screen: the home read again (it just changed), then the same questions. */
async function runHardenNext(options: PlainOptions, say: (line: string) => void, vaultCandidates: Array<string | undefined>): Promise<number> {
  const { facts, vaultPassword } = await reloadWizardHome(options, vaultCandidates);
  const report = await statusOfFacts(facts, { env: options.env, now: options.now, ...(vaultPassword !== undefined ? { vaultPassword } : {}) });
  const wizardFacts = await wizardFactsWithStatus(facts, report);
  if (wizardFacts.harden?.refusal) {
    say(wizardFacts.harden.refusal);
    return EXIT.ok;
  }
  return runProcedure(PROCEDURE_DEFINITIONS.secrets, facts, wizardFacts, { ...options, ...(vaultPassword !== undefined ? { vaultPassword } : {}) }, say);
}

async function runProcedure(definition: ProcedureDefinition, facts: HomeSnapshot, wizardFacts: WizardFacts, options: PlainOptions, say: (line: string) => void): Promise<number> {
  say('');
  say(`${definition.title}: ${definition.intro}`);
  const questionFacts = definition.id === 'truststore' ? { ...wizardFacts, truststoreEntries: await truststoreEntryFacts(facts) } : wizardFacts;
  const io = diskProcedureIO(options.cwd, options.now);
  const values: Record<string, FieldValue | undefined> = {};
  for (let index = 0; ; index++) {
    const fields = visibleFields(definition, { facts: questionFacts, values });
    const field = fields[index];
    if (!field) break;
    say(`[${index + 1}/${fields.length}]`);
    values[field.id] = await askField(field, { facts: questionFacts, values }, io, options.prompts, say);
  }

  say('Planning...');
  const review = await reviewChange(facts, definition.id, values, options.cwd);
  if (review.prepared.unchanged) {
    say(review.prepared.unchanged);
    return EXIT.ok;
  }
  say(renderPlan(review.prepared).trimEnd());
  say(review.diff ? review.diff.trimEnd() : 'The configuration file does not change.');
  for (;;) {
    const next = await options.prompts.select(options.dryRun ? 'Dry run: nothing will be written.' : 'Apply this change?', [
      ...(options.dryRun ? [] : [{ value: 'apply', label: 'Apply it' }]),
      { value: 'save', label: 'Save the answers to a file', hint: 'passwords saved as { env = "..." } references' },
      { value: 'cancel', label: options.dryRun ? 'Quit' : 'Cancel (nothing is written)' },
    ]);
    if (next === 'cancel') {
      say(options.dryRun ? 'Dry run: nothing was written.' : 'Cancelled, nothing was written.');
      return options.dryRun ? EXIT.ok : EXIT.interrupted;
    }
    if (next === 'save') {
      const file = await options.prompts.input('Save the answers as', { default: defaultAnswersPath(facts.located.home, definition.id) });
      const target = path.resolve(options.cwd, file);
      // As the Ink wizard: never over an existing file; a problem (a folder, no permission) is said and asked again.
      try {
        await saveAnswersFile(facts.located.home, target, answersText(definition.id, review.answers));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        say(`✗ ${error.message} Nothing was saved.`);
        continue;
      }
      say(`Saved ${target}. Export the passwords it names, then:`);
      say(`  ${selfCommand(options.env)} apply ${definition.id} --answers ${shellWord(target)} --home ${shellWord(facts.located.home)}`);
      continue;
    }
    let keytool = false;
    if (options.keytoolAvailable) keytool = await options.prompts.confirm('Cross-check the result with keytool?', true);
    // Signals wait while the change is written and reported (see apply/interrupt-guard.ts).
    const guard = holdInterrupts((signal) => say(`Interrupted (${signal}): finishing the change (or rolling it back) before exiting...`));
    try {
      const result = await executePrepared(review.prepared, facts, {
        keytool,
        onStep: (step) => say(`  ${stepLabel(step)}...`),
        onWarning: (message) => say(`  ! ${message}`),
      }).catch((error: unknown) => {
        if (error instanceof UserError) say(`✗ ${error.message}`);
        if (guard.exitCode !== undefined && error instanceof UserError) throw new UserError(error.message, error.code, guard.exitCode);
        throw error;
      });
      const request = review.prepared.request;
      if (request) {
        say(`✓ Request written (backup ${result.backupId}).`);
        for (const line of requestMessage(request).split('\n')) say(`  ${line}`);
        return guard.exitCode ?? EXIT.ok;
      }
      say(`✓ Done. Backup ${result.backupId}.`);
      say('  To undo:');
      say(`  ${selfCommand(options.env)} restore --home ${shellWord(facts.located.home)} ${result.backupId}`);
      say('  Restart the server for the change to take effect.');
      if (definition.id === 'internal') say(`  ${CLUSTER_NOTE}`);
      if (definition.id === 'primary') say(`  For partners who must trust this server: ${selfCommand(options.env)} export primary --out primary.pem --home ${shellWord(facts.located.home)}`);
      if (guard.exitCode !== undefined || !leavesPlaintextPasswords(review.prepared, facts)) return guard.exitCode ?? EXIT.ok;
      say('  Passwords are now in plain text in the configuration (or in [secrets] brackets).');
      guard.release(); // the change is written: the question that follows is an ordinary one
      const next = await options.prompts.select('What next?', [
        { value: 'secrets', label: `${PROCEDURE_DEFINITIONS.secrets.title} now`, hint: 'move them into the secure vault' },
        { value: 'quit', label: 'Quit', hint: `later: ${selfCommand(options.env)} apply secrets` },
      ]);
      if (next !== 'secrets') return EXIT.ok;
      const keystoreSecrets = review.secrets as { password?: string } | undefined;
      return runHardenNext(options, say, [options.vaultPassword, keystoreSecrets?.password]);
    } finally {
      guard.release();
    }
  }
}
