import path from 'node:path';
import type { ProcedureId } from '../answers/types.js';
import type { ProgressStep } from '../progress-steps.js';
import { PROCEDURE_DEFINITIONS, visibleFields } from '../core/fields/index.js';
import type { FieldValue, FieldValues, WizardFacts } from '../core/fields/types.js';
import { stepLabel, WIZARD_PROGRESS } from '../core/step-labels.js';
import { EXIT } from '../exit-codes.js';
import type { HomeSnapshot } from '../procedures/home-snapshot.js';
import type { PreparedChange } from '../procedures/prepared.js';
import { planView, type PlanView } from '../procedures/plan-render.js';
import type { StatusReport } from '../status/gather.js';
import {
  CANCELLED,
  DRY_RUN_ENDED,
  doneReport,
  doneSummary,
  internalRefusal,
  interruptedAfterChange,
  interruptedRolledBack,
  saveProblem,
  savedNotice,
  type DoneReport,
} from './endings.js';
import { answersText, defaultAnswersPath, type Review } from './session.js';

/**
 * The wizard as one pure state machine, driven alike by the Ink screens and the plain prompts:
 * `wizardStep(state, event)` returns the next state and the effects it asks for (read the home, plan, save,
 * apply, end with an exit code), as data. No React and no I/O here: `session-driver.ts` runs the effects and feeds
 * their outcomes back as events.
 */

export interface StepView {
  id: string;
  label: string;
  state: 'pending' | 'running' | 'done' | 'failed';
  detail?: string;
}

export interface ReviewView {
  /** What the user should weigh before applying, shown above the plan (empty for most changes). */
  warnings: string[];
  /** The plan as data (procedures/plan-render.ts planView): each front end numbers and wraps its steps itself. */
  plan: PlanView;
  diffLines: string[];
  unchanged?: string;
}

/** The home as the wizard read it: its facts, the plain facts the questions need, and its status. */
export interface LoadedHome {
  facts: HomeSnapshot;
  wizard: WizardFacts;
  report: StatusReport;
}

export type WizardScreen =
  /** `notice`: a refusal met on the way here, said under the menu. Without a home loaded yet: "Reading...". */
  | { name: 'home'; notice?: string }
  | { name: 'status' }
  | { name: 'form'; procedure: ProcedureId; index: number }
  /** `lastField`: the index of the last question, where Esc from the review goes back to. */
  | { name: 'planning'; procedure: ProcedureId; lastField: number }
  | { name: 'review'; procedure: ProcedureId; lastField: number; review: ReviewView; notice?: string }
  /** `problem`: why the last path could not be saved; the path is asked again. */
  | { name: 'save'; procedure: ProcedureId; lastField: number; review: ReviewView; defaultPath: string; problem?: string; saving?: boolean }
  | { name: 'applying'; procedure: ProcedureId; steps: StepView[] }
  /** `reloading`: "Encrypt passwords" was chosen and the changed home is being read again. */
  | { name: 'done'; procedure: ProcedureId; backupId: string; steps: StepView[]; report: DoneReport; reloading?: boolean }
  | { name: 'failed'; procedure: ProcedureId; lastField: number; message: string; steps: StepView[] };

/** What does not change during a session. */
export interface SessionSettings {
  /** Where relative paths typed in answers are relative to. */
  cwd: string;
  dryRun: boolean;
  keytoolAvailable: boolean;
  /** How to run this tool again from where the user is (`selfCommand`), for the printed commands. */
  self: string;
}

export interface WizardState {
  settings: SessionSettings;
  screen: WizardScreen;
  /** Answers per procedure, kept when going back or leaving and re-entering. */
  values: Record<ProcedureId, FieldValues>;
  home?: LoadedHome;
  /** The vault password in use: the one asked before the screens, or the one that opens the vault after a change. */
  vaultPassword?: string;
  /** The keytool cross-check at apply (offered when keytool was found). */
  keytool: boolean;
  /** The plan under review or being applied, whole (the review screen shows its text). */
  review?: Review;
  /** A signal (or Ctrl-C) arrived while the change was written: the session ends once it finishes or rolls back. */
  interrupted: boolean;
  /** Set once the session has ended. */
  ended?: { code: number; message?: string };
}

/** The menu of the home screen. */
export type MenuChoice = ProcedureId | 'reply-primary' | 'reply-internal' | 'status' | 'quit';

export type WizardEvent =
  /** The session starts: the home is read. */
  | { type: 'start' }
  | { type: 'home-loaded'; home: LoadedHome; vaultPassword?: string }
  /** The home read again after a change (for "Encrypt passwords"), with the vault password that opened it. */
  | { type: 'home-reloaded'; home: LoadedHome; vaultPassword?: string }
  /** The home could not be read (a UserError): the session ends with its exit code. */
  | { type: 'load-failed'; message: string; exitCode: number }
  | { type: 'choose'; choice: MenuChoice }
  /** The menu's highlight moved: a refusal said under it goes. */
  | { type: 'clear-notice' }
  | { type: 'answer'; id: string; value: FieldValue | undefined }
  | { type: 'back' }
  | { type: 'planned'; review: Review }
  | { type: 'plan-failed'; message: string }
  | { type: 'toggle-keytool' }
  /** Review: save the answers (asks where). */
  | { type: 'save' }
  /** The path to save the answers to, as typed. */
  | { type: 'save-to'; file: string }
  | { type: 'saved'; target: string }
  | { type: 'save-refused'; message: string }
  /** Review: apply the plan; `keytool` overrides the session's cross-check choice (plain mode asks it here). */
  | { type: 'apply'; keytool?: boolean }
  /** A transaction step started (the transaction's own step ids). */
  | { type: 'step'; step: ProgressStep }
  | { type: 'applied'; backupId: string; signalExitCode?: number }
  | { type: 'apply-failed'; message: string; signalExitCode?: number }
  /** Ctrl-C, or a signal while a change is written (`signal`: its name, when it came as one). */
  | { type: 'interrupt'; signal?: string }
  /** Review: leave without applying. */
  | { type: 'cancel' }
  /** Leave from where the session is (home, done, failed, an unchanged review). */
  | { type: 'quit' }
  /** Done: "Encrypt passwords" next, on the home read again. */
  | { type: 'encrypt-next' };

export type WizardEffect =
  | { kind: 'load-home'; vaultPassword?: string }
  /** Read the home again after a change; each vault password candidate is tried. */
  | { kind: 'reload-home'; candidates: Array<string | undefined> }
  | { kind: 'plan'; facts: HomeSnapshot; procedure: ProcedureId; values: FieldValues }
  | { kind: 'save'; home: string; target: string; text: string }
  | { kind: 'apply'; prepared: PreparedChange; facts: HomeSnapshot; keytool: boolean }
  | { kind: 'exit'; code: number; message?: string };

export interface WizardStep {
  state: WizardState;
  effects: WizardEffect[];
}

function stepsFor(keytool: boolean): StepView[] {
  return WIZARD_PROGRESS.filter((id) => keytool || id !== 'verify-keytool').map((id) => ({ id, label: stepLabel(id), state: 'pending' }));
}

export function initialWizardState(settings: SessionSettings, vaultPassword?: string): WizardState {
  return {
    settings,
    screen: { name: 'home' },
    values: { primary: {}, internal: {}, truststore: {}, secrets: {} },
    keytool: settings.keytoolAvailable,
    interrupted: false,
    ...(vaultPassword !== undefined ? { vaultPassword } : {}),
  };
}

/** Said at the top of the review, before the plan: what the user should weigh before applying. */
function reviewWarnings(review: Review, facts: WizardFacts): string[] {
  const answers = review.answers as { secrets?: { strategy?: string } };
  if (answers.secrets?.strategy === 'keep-old-key-as-internal' && facts.primaryIsShippedKey) {
    return [
      "! Warning: the old key pair is WSO2's shipped wso2carbon key, whose private key is public. Kept as the internal keystore it would go on encrypting your secrets, readable by anyone. Go back (b) and choose to re-encrypt them instead.",
      '',
    ];
  }
  return [];
}

/** The plan as the review shows it: warnings, the plan as data, the masked diff as lines (wrapped where drawn). */
export function reviewView(review: Review, facts: WizardFacts): ReviewView {
  return {
    warnings: reviewWarnings(review, facts),
    plan: planView(review.prepared),
    diffLines: review.diff ? review.diff.trimEnd().split('\n') : [],
    ...(review.prepared.unchanged !== undefined ? { unchanged: review.prepared.unchanged } : {}),
  };
}

const stay = (state: WizardState): WizardStep => ({ state, effects: [] });

function end(state: WizardState, code: number, message?: string): WizardStep {
  if (state.ended) return stay(state);
  const ended = message === undefined ? { code } : { code, message };
  return { state: { ...state, ended }, effects: [{ kind: 'exit', ...ended }] };
}

function open(
  state: WizardState,
  procedure: ProcedureId,
  options: { preset?: FieldValues; index?: number; fresh?: boolean } = {},
): WizardState {
  const values = options.fresh
    ? // Opened from the Done screen of another change, on a home that just changed: no earlier answers.
      { ...state.values, [procedure]: {} }
    : options.preset
      ? { ...state.values, [procedure]: { ...state.values[procedure], ...options.preset } }
      : state.values;
  return { ...state, values, screen: { name: 'form', procedure, index: options.index ?? 0 } };
}

function choose(state: WizardState, choice: MenuChoice): WizardStep {
  const home = state.home;
  if (choice === 'quit') return end(state, EXIT.ok);
  if (!home) return stay(state); // still reading the home: nothing to choose from yet
  if (choice === 'status') return stay({ ...state, screen: { name: 'status' } });
  // Straight to the reply's path: the source question is answered by the choice.
  if (choice === 'reply-primary' || choice === 'reply-internal')
    return stay(open(state, choice === 'reply-primary' ? 'primary' : 'internal', { preset: { source: 'ca-reply' }, index: 1 }));
  // Refused at the menu, before any question: the procedure could not be applied on this product or home.
  if (choice === 'internal' && !home.facts.profile.internalConfigurable)
    return stay({ ...state, screen: { name: 'home', notice: internalRefusal(home.facts) } });
  if (choice === 'secrets' && home.wizard.harden?.refusal)
    return stay({ ...state, screen: { name: 'home', notice: home.wizard.harden.refusal } });
  return stay(open(state, choice));
}

function back(state: WizardState): WizardState {
  const screen = state.screen;
  switch (screen.name) {
    case 'form':
      return { ...state, screen: screen.index === 0 ? { name: 'home' } : { ...screen, index: screen.index - 1 } };
    case 'review':
    case 'failed':
      return { ...state, screen: { name: 'form', procedure: screen.procedure, index: screen.lastField } };
    case 'save':
      return { ...state, screen: { name: 'review', procedure: screen.procedure, lastField: screen.lastField, review: screen.review } };
    case 'status':
      return { ...state, screen: { name: 'home' } };
    default:
      return state;
  }
}

function quit(state: WizardState): WizardStep {
  const screen = state.screen;
  switch (screen.name) {
    case 'home':
    case 'status':
      return end(state, EXIT.ok);
    case 'done':
      // The done screen goes with the alternate screen: what it says is printed again on the shell's screen.
      return end(state, EXIT.ok, doneSummary(screen.report));
    case 'failed':
      // Failed during apply (rolled back) is a failure; a plan refused is bad input: nothing was written either way.
      return end(state, screen.steps.length > 0 ? EXIT.failed : EXIT.badInput);
    case 'review':
      // Nothing to change: the session is done, with nothing written.
      return screen.review.unchanged !== undefined ? end(state, EXIT.ok) : stay(state);
    default:
      return stay(state);
  }
}

export function wizardStep(state: WizardState, event: WizardEvent): WizardStep {
  if (state.ended) return stay(state);
  const screen = state.screen;
  switch (event.type) {
    case 'start':
      return {
        state,
        effects: [{ kind: 'load-home', ...(state.vaultPassword !== undefined ? { vaultPassword: state.vaultPassword } : {}) }],
      };
    case 'home-loaded': {
      const next: WizardState = { ...state, home: event.home };
      if (event.vaultPassword !== undefined) next.vaultPassword = event.vaultPassword;
      return stay(next);
    }
    case 'home-reloaded': {
      if (screen.name !== 'done' || !screen.reloading) return stay(state);
      const next: WizardState = { ...state, home: event.home, review: undefined };
      if (event.vaultPassword !== undefined) next.vaultPassword = event.vaultPassword;
      else delete next.vaultPassword;
      const refusal = event.home.wizard.harden?.refusal;
      return stay(refusal ? { ...next, screen: { name: 'home', notice: refusal } } : open(next, 'secrets', { fresh: true }));
    }
    case 'load-failed':
      return end(state, event.exitCode, `ei-keystore: ${event.message}`);
    case 'choose':
      return screen.name === 'home' ? choose(state, event.choice) : stay(state);
    case 'clear-notice':
      return screen.name === 'home' && screen.notice !== undefined ? stay({ ...state, screen: { name: 'home' } }) : stay(state);
    case 'answer': {
      if (screen.name !== 'form' || !state.home) return stay(state);
      const procedureValues = { ...state.values[screen.procedure], [event.id]: event.value };
      const values = { ...state.values, [screen.procedure]: procedureValues };
      const index = screen.index + 1;
      // Counted after this answer: an answer can show or hide later questions.
      const count = visibleFields(PROCEDURE_DEFINITIONS[screen.procedure], { facts: state.home.wizard, values: procedureValues }).length;
      if (index < count) return stay({ ...state, values, screen: { ...screen, index } });
      return {
        state: { ...state, values, review: undefined, screen: { name: 'planning', procedure: screen.procedure, lastField: screen.index } },
        effects: [{ kind: 'plan', facts: state.home.facts, procedure: screen.procedure, values: procedureValues }],
      };
    }
    case 'back':
      return stay(back(state));
    case 'planned':
      if (screen.name !== 'planning' || !state.home) return stay(state);
      return stay({
        ...state,
        review: event.review,
        screen: {
          name: 'review',
          procedure: screen.procedure,
          lastField: screen.lastField,
          review: reviewView(event.review, state.home.wizard),
        },
      });
    case 'plan-failed':
      return screen.name === 'planning'
        ? stay({
            ...state,
            screen: { name: 'failed', procedure: screen.procedure, lastField: screen.lastField, message: event.message, steps: [] },
          })
        : stay(state);
    case 'toggle-keytool':
      return state.settings.keytoolAvailable ? stay({ ...state, keytool: !state.keytool }) : stay(state);
    case 'save':
      if (screen.name !== 'review' || screen.review.unchanged !== undefined || !state.home) return stay(state);
      return stay({
        ...state,
        screen: {
          name: 'save',
          procedure: screen.procedure,
          lastField: screen.lastField,
          review: screen.review,
          defaultPath: defaultAnswersPath(state.home.facts.located.home, screen.procedure),
        },
      });
    case 'save-to': {
      if (screen.name !== 'save' || screen.saving || !state.home || !state.review) return stay(state);
      const target = path.resolve(state.settings.cwd, event.file.trim());
      return {
        state: { ...state, screen: { ...screen, saving: true } },
        // One way to save, one rule: never over an existing file (see saveAnswersFile).
        effects: [{ kind: 'save', home: state.home.facts.located.home, target, text: answersText(screen.procedure, state.review.answers) }],
      };
    }
    case 'saved':
      if (screen.name !== 'save' || !state.home) return stay(state);
      return stay({
        ...state,
        screen: {
          name: 'review',
          procedure: screen.procedure,
          lastField: screen.lastField,
          review: screen.review,
          notice: savedNotice(state.settings.self, state.home.facts.located.home, screen.procedure, event.target),
        },
      });
    case 'save-refused':
      if (screen.name !== 'save') return stay(state);
      return stay({ ...state, screen: { ...screen, saving: false, problem: saveProblem(event.message) } });
    case 'apply': {
      if (screen.name !== 'review' || state.settings.dryRun || screen.review.unchanged !== undefined || !state.review || !state.home)
        return stay(state);
      const keytool = state.settings.keytoolAvailable && (event.keytool ?? state.keytool);
      return {
        state: { ...state, keytool, screen: { name: 'applying', procedure: screen.procedure, steps: stepsFor(keytool) } },
        effects: [{ kind: 'apply', prepared: state.review.prepared, facts: state.home.facts, keytool }],
      };
    }
    case 'step': {
      if (screen.name !== 'applying' || !screen.steps.some((step) => step.id === event.step)) return stay(state);
      // The step that ran before is done; this one runs.
      const steps = screen.steps.map((step) =>
        step.id === event.step
          ? { ...step, state: 'running' as const }
          : step.state === 'running'
            ? { ...step, state: 'done' as const }
            : step,
      );
      return stay({ ...state, screen: { ...screen, steps } });
    }
    case 'applied': {
      if (screen.name !== 'applying' || !state.home || !state.review) return stay(state);
      const steps = screen.steps.map((step) => (step.state === 'running' ? { ...step, state: 'done' as const } : step));
      const home = state.home.facts.located.home;
      if (state.interrupted || event.signalExitCode !== undefined)
        return end(
          { ...state, screen: { ...screen, steps } },
          event.signalExitCode ?? EXIT.interrupted,
          interruptedAfterChange(state.settings.self, home, event.backupId),
        );
      const report = doneReport({
        procedure: screen.procedure,
        backupId: event.backupId,
        prepared: state.review.prepared,
        facts: state.home.facts,
        self: state.settings.self,
      });
      return stay({ ...state, screen: { name: 'done', procedure: screen.procedure, backupId: event.backupId, steps, report } });
    }
    case 'apply-failed': {
      if (screen.name !== 'applying') return stay(state);
      const steps = screen.steps.map((step) => (step.state === 'running' ? { ...step, state: 'failed' as const } : step));
      if (state.interrupted || event.signalExitCode !== undefined)
        return end(
          { ...state, screen: { ...screen, steps } },
          event.signalExitCode ?? EXIT.interrupted,
          interruptedRolledBack(event.message),
        );
      // A failed apply has rolled back: Esc returns to the questions, answers kept.
      return stay({ ...state, screen: { name: 'failed', procedure: screen.procedure, lastField: 0, message: event.message, steps } });
    }
    case 'interrupt':
      // Before apply: leave at once, nothing written. During apply: let the change finish or roll back first.
      if (screen.name === 'applying') return stay({ ...state, interrupted: true });
      // After it: the change is written; what the Done screen said is left on the shell's screen.
      if (screen.name === 'done') return end(state, EXIT.interrupted, doneSummary(screen.report));
      return end(state, EXIT.interrupted, CANCELLED);
    case 'cancel':
      if (screen.name !== 'review') return stay(state);
      return state.settings.dryRun ? end(state, EXIT.ok, DRY_RUN_ENDED) : end(state, EXIT.interrupted, CANCELLED);
    case 'quit':
      return quit(state);
    case 'encrypt-next': {
      if (screen.name !== 'done' || !screen.report.offerEncrypt || screen.reloading) return stay(state);
      const secrets = state.review?.secrets as { password?: string } | undefined;
      return {
        state: { ...state, screen: { ...screen, reloading: true } },
        // The vault password asked at the start may no longer open the internal keystore (this change gave it a new one).
        effects: [{ kind: 'reload-home', candidates: [state.vaultPassword, secrets?.password] }],
      };
    }
  }
}
