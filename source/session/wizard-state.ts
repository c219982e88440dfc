import type { FieldValue, FieldValues } from '../core/fields/types.js';

/** The wizard as a state machine: one long-lived Ink tree renders whichever screen this says. No React here. */
import type { ProcedureId } from '../answers/types.js';
import type { PlanView } from '../procedures/plan-render.js';

export interface StepView {
  id: string;
  label: string;
  state: 'pending' | 'running' | 'done' | 'failed';
  detail?: string;
}

export interface ReviewView {
  /** Lines shown before the plan (warnings); with no `plan`, the plan itself as lines. */
  planLines: string[];
  /** The plan as data (procedures/plan-render.ts planView): the review numbers and wraps its steps itself. */
  plan?: PlanView;
  diffLines: string[];
  unchanged?: string;
}

export type WizardScreen =
  | { name: 'home' }
  | { name: 'status' }
  | { name: 'form'; procedure: ProcedureId; index: number }
  /** `lastField`: the index of the last question, where Esc from the review goes back to. */
  | { name: 'planning'; procedure: ProcedureId; lastField: number }
  | { name: 'review'; procedure: ProcedureId; lastField: number; review: ReviewView; notice?: string }
  | { name: 'save'; procedure: ProcedureId; lastField: number; review: ReviewView }
  | { name: 'applying'; procedure: ProcedureId; steps: StepView[] }
  | { name: 'done'; procedure: ProcedureId; backupId: string; steps: StepView[] }
  | { name: 'failed'; procedure: ProcedureId; lastField: number; message: string; steps: StepView[] };

export interface WizardState {
  screen: WizardScreen;
  /** Answers per procedure, kept when going back or leaving and re-entering. */
  values: Record<ProcedureId, FieldValues>;
}

export type WizardAction =
  /** `preset`: answers given by the choice that opened the procedure (the home screen's "import the CA's reply"). */
  | { type: 'open'; procedure: ProcedureId; preset?: FieldValues; index?: number; fresh?: boolean }
  | { type: 'show-status' }
  | { type: 'home' }
  | { type: 'answer'; id: string; value: FieldValue | undefined; visibleCount: number }
  | { type: 'back' }
  | { type: 'planned'; review: ReviewView }
  | { type: 'plan-failed'; message: string }
  | { type: 'save-start' }
  | { type: 'saved'; notice: string }
  | { type: 'apply-start'; steps: StepView[] }
  | { type: 'step'; id: string; state: StepView['state']; detail?: string }
  | { type: 'applied'; backupId: string }
  | { type: 'apply-failed'; message: string };

export function initialWizardState(): WizardState {
  return { screen: { name: 'home' }, values: { primary: {}, internal: {}, truststore: {}, secrets: {} } };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  const screen = state.screen;
  switch (action.type) {
    case 'open':
      return {
        // `fresh`: opened from the Done screen of another change, on a home that just changed: no earlier answers.
        values: action.fresh ? { ...state.values, [action.procedure]: {} } : action.preset ? { ...state.values, [action.procedure]: { ...state.values[action.procedure], ...action.preset } } : state.values,
        screen: { name: 'form', procedure: action.procedure, index: action.index ?? 0 },
      };
    case 'show-status':
      return { ...state, screen: { name: 'status' } };
    case 'home':
      return { ...state, screen: { name: 'home' } };
    case 'answer': {
      if (screen.name !== 'form') return state;
      const values = { ...state.values, [screen.procedure]: { ...state.values[screen.procedure], [action.id]: action.value } };
      const index = screen.index + 1;
      // The count is of the fields visible after this answer: an answer can show or hide later fields.
      const next: WizardScreen = index >= action.visibleCount ? { name: 'planning', procedure: screen.procedure, lastField: screen.index } : { ...screen, index };
      return { values, screen: next };
    }
    case 'back':
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
    case 'planned':
      return screen.name === 'planning' ? { ...state, screen: { name: 'review', procedure: screen.procedure, lastField: screen.lastField, review: action.review } } : state;
    case 'plan-failed':
      return screen.name === 'planning' ? { ...state, screen: { name: 'failed', procedure: screen.procedure, lastField: screen.lastField, message: action.message, steps: [] } } : state;
    case 'save-start':
      return screen.name === 'review' ? { ...state, screen: { name: 'save', procedure: screen.procedure, lastField: screen.lastField, review: screen.review } } : state;
    case 'saved':
      return screen.name === 'save' ? { ...state, screen: { name: 'review', procedure: screen.procedure, lastField: screen.lastField, review: screen.review, notice: action.notice } } : state;
    case 'apply-start':
      return screen.name === 'review' ? { ...state, screen: { name: 'applying', procedure: screen.procedure, steps: action.steps } } : state;
    case 'step':
      if (screen.name !== 'applying') return state;
      return {
        ...state,
        screen: { ...screen, steps: screen.steps.map((step) => (step.id === action.id ? { ...step, state: action.state, detail: action.detail ?? step.detail } : step)) },
      };
    case 'applied':
      return screen.name === 'applying' ? { ...state, screen: { name: 'done', procedure: screen.procedure, backupId: action.backupId, steps: screen.steps } } : state;
    case 'apply-failed':
      // A failed apply has rolled back: Esc returns to the questions, answers kept.
      return screen.name === 'applying' ? { ...state, screen: { name: 'failed', procedure: screen.procedure, lastField: 0, message: action.message, steps: screen.steps } } : state;
  }
}
