import path from 'node:path';
import { PROCEDURE_DEFINITIONS, visibleFields } from '../core/fields/index.js';
import { printableLines } from '../core/printable.js';
import { stepLabel } from '../core/step-labels.js';
import { EXIT } from '../exit-codes.js';
import { diskProcedureIO, type WizardSessionOptions } from '../session/session.js';
import { createSessionDriver } from '../session/session-driver.js';
import type { DoneReport } from '../session/endings.js';
import type { LoadedHome, MenuChoice } from '../session/wizard-state.js';
import { planText } from '../procedures/plan-render.js';
import { askField } from './ask-field.js';
import type { PlainPrompts } from './prompts.js';
import { calendarDay } from '../calendar-day.js';

export interface PlainOptions extends WizardSessionOptions {
  prompts: PlainPrompts;
  write: (text: string) => void;
  /** Where an ending that is an error is said (stderr); `write` without it. */
  writeError?: (text: string) => void;
}

/**
 * The wizard line by line (--plain, TERM=dumb, screen readers, small terminals): the same session as the Ink
 * screens (session/wizard-state.ts decides, its driver does the work); this asks, dispatches and prints. Returns
 * the exit code.
 */
export async function runPlain(options: PlainOptions): Promise<number> {
  // Everything said quotes text from the home's files (aliases, names, paths): control characters shown, never sent.
  const say = (line: string) => options.write(`${printableLines(line)}\n`);
  let ended: { code: number; message?: string } | undefined;
  const driver = createSessionDriver({
    ...options,
    onState: (state, event) => {
      // Progress while the change is written, as it happens.
      if (event.type === 'answer' && state.screen.name === 'planning') say('Planning...');
      else if (event.type === 'step') say(`  ${stepLabel(event.step)}...`);
      else if (event.type === 'interrupt' && state.screen.name === 'applying')
        say(`Interrupted${event.signal ? ` (${event.signal})` : ''}: finishing the change (or rolling it back) before exiting...`);
      else if (event.type === 'apply-failed' && !state.ended) say(`✗ ${event.message}`);
    },
    onWarning: (message) => say(`  ! ${message}`),
    onExit: (code, message) => {
      ended = message === undefined ? { code } : { code, message };
    },
  });
  const io = diskProcedureIO(options.cwd, options.now);
  let shown: unknown;
  let quietEnding = false;
  await driver.dispatch({ type: 'start' });
  try {
    await askUntilEnded();
  } catch (error) {
    // Ctrl-C at a prompt: the session says what it means where the user is (nothing written, or the change done).
    if (!(error instanceof Error && error.name === 'ExitPromptError')) throw error;
    await driver.dispatch({ type: 'interrupt' });
  }
  if (!ended) throw new Error('the session stopped asking before it ended');
  if (ended.message !== undefined && !quietEnding) {
    // As the Ink wizard leaves it: a done session's words on stdout, any other ending's on stderr.
    const text = `${printableLines(ended.message)}\n`;
    if (ended.code === EXIT.ok) options.write(text);
    else (options.writeError ?? options.write)(text);
  }
  return ended.code;

  async function askUntilEnded(): Promise<void> {
    while (!ended) {
      const state = driver.state;
      const screen = state.screen;
      const home = state.home;
      switch (screen.name) {
        case 'home': {
          if (!home) throw new Error('the session has no home after reading it');
          if (screen.notice !== undefined) {
            // A refusal at the menu ends plain mode: nothing was asked, nothing written.
            say(screen.notice);
            await driver.dispatch({ type: 'quit' });
            break;
          }
          if (shown !== home) describeHome(home, options.sandbox, say);
          shown = home;
          await driver.dispatch({ type: 'choose', choice: await menu(home, options.prompts) });
          break;
        }
        case 'form': {
          if (!home) throw new Error('the session has no home for the questions');
          const definition = PROCEDURE_DEFINITIONS[screen.procedure];
          if (screen.index === 0 && shown !== definition) {
            say('');
            say(`${definition.title}: ${definition.intro}`);
            shown = definition;
          }
          const values = state.values[screen.procedure];
          const fields = visibleFields(definition, { facts: home.wizard, values });
          const field = fields[screen.index];
          if (!field) throw new Error(`no question ${screen.index + 1} in ${screen.procedure}`);
          say(`[${screen.index + 1}/${fields.length}]`);
          const value = await askField(field, { facts: home.wizard, values }, io, options.prompts, say);
          await driver.dispatch({ type: 'answer', id: field.id, value });
          break;
        }
        case 'review': {
          if (shown !== screen.review) {
            if (screen.review.unchanged !== undefined) {
              say(screen.review.unchanged);
              await driver.dispatch({ type: 'quit' });
              break;
            }
            say([...screen.review.warnings, planText(screen.review.plan).trimEnd()].join('\n'));
            say(screen.review.diffLines.length > 0 ? screen.review.diffLines.join('\n') : 'The configuration file does not change.');
            shown = screen.review;
          }
          if (screen.notice !== undefined) say(screen.notice);
          const next = await options.prompts.select(options.dryRun ? 'Dry run: nothing will be written.' : 'Apply this change?', [
            ...(options.dryRun ? [] : [{ value: 'apply', label: 'Apply it' }]),
            { value: 'save', label: 'Save the answers to a file', hint: 'passwords saved as { env = "..." } references' },
            { value: 'cancel', label: options.dryRun ? 'Quit' : 'Cancel (nothing is written)' },
          ]);
          if (next === 'apply') {
            const keytool = options.keytoolAvailable ? await options.prompts.confirm('Cross-check the result with keytool?', true) : false;
            await driver.dispatch({ type: 'apply', keytool });
          } else await driver.dispatch({ type: next === 'save' ? 'save' : 'cancel' });
          break;
        }
        case 'save': {
          if (screen.problem !== undefined) {
            // Said, then the choice is offered again (a new path to save to, apply, or cancel).
            say(`✗ ${screen.problem}`);
            await driver.dispatch({ type: 'back' });
            break;
          }
          await driver.dispatch({
            type: 'save-to',
            file: await options.prompts.input('Save the answers as', { default: screen.defaultPath }),
          });
          break;
        }
        case 'done': {
          sayDone(screen.report, say);
          // Already said here, line by line: the summary the Ink wizard leaves on the shell's screen is not said again.
          quietEnding = true;
          if (!screen.report.offerEncrypt) {
            await driver.dispatch({ type: 'quit' });
            break;
          }
          say('  Passwords are now in plain text in the configuration (or in [secrets] brackets).');
          const next = await options.prompts.select('What next?', [
            { value: 'secrets', label: `${PROCEDURE_DEFINITIONS.secrets.title} now`, hint: 'move them into the secure vault' },
            { value: 'quit', label: 'Quit', hint: `later: ${state.settings.self} apply secrets` },
          ]);
          if (next === 'secrets') quietEnding = false;
          await driver.dispatch({ type: next === 'secrets' ? 'encrypt-next' : 'quit' });
          break;
        }
        case 'failed':
          if (screen.steps.length === 0) say(`✗ ${screen.message}`);
          await driver.dispatch({ type: 'quit' });
          break;
        default:
          throw new Error(`plain mode has nothing to ask on the ${screen.name} screen`);
      }
    }
  }
}

function describeHome(home: LoadedHome, sandbox: boolean, say: (line: string) => void): void {
  const { facts, report } = home;
  say(`ei-keystore${sandbox ? ' (SANDBOX)' : ''}: ${facts.located.home}`);
  say(`${facts.profile.id}: ${facts.document.profileEvidence}`);
  for (const role of report.roles) {
    const leaf = role.chain?.[0];
    say(
      `  ${role.role.padEnd(10)} ${path.relative(facts.located.home, role.file)}${role.alias && role.role !== 'truststore' ? ` (${role.alias})` : ''}${leaf ? `, to ${calendarDay(leaf.notAfter)}` : ''}`,
    );
  }
  const errors = report.findings.filter((finding) => finding.level === 'error').length;
  if (report.findings.length > 0)
    say(`  ${errors} error(s), ${report.findings.length - errors} other finding(s): ei-keystore status shows them all.`);
}

async function menu(home: LoadedHome, prompts: PlainPrompts): Promise<MenuChoice> {
  const { facts, wizard } = home;
  return (await prompts.select('What do you want to do?', [
    { value: 'primary', label: PROCEDURE_DEFINITIONS.primary.title },
    {
      value: 'internal',
      label: PROCEDURE_DEFINITIONS.internal.title,
      hint: facts.profile.internalConfigurable ? undefined : `not read by ${facts.profile.label}`,
    },
    { value: 'truststore', label: PROCEDURE_DEFINITIONS.truststore.title },
    {
      value: 'secrets',
      label: PROCEDURE_DEFINITIONS.secrets.title,
      hint: wizard.harden?.refusal ? 'not available here' : 'move passwords into the secure vault',
    },
    { value: 'quit', label: 'Quit' },
  ])) as MenuChoice;
}

/** The Done report (session/endings.ts, as the Ink Done screen shows it), line by line: each command whole on its own line. */
function sayDone(report: DoneReport, say: (line: string) => void): void {
  say(report.request ? `✓ Request written (backup ${report.backupId}).` : `✓ Done. Backup ${report.backupId}.`);
  for (const { label, command } of report.commands) {
    say(`  ${label}:`);
    say(`  ${command}`);
  }
  for (const line of report.next) say(`  ${line}`);
}
