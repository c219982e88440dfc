import { holdInterrupts } from '../apply/interrupt-guard.js';
import { UserError } from '../errors.js';
import { executePrepared } from '../procedures/execute.js';
import { readWizardSnapshot, type HomeSnapshot } from '../procedures/home-snapshot.js';
import { truststoreEntryFacts } from '../procedures/truststore-entries.js';
import {
  reloadWizardHome,
  reviewChange,
  saveAnswersFile,
  statusOfFacts,
  wizardFactsWithStatus,
  type WizardSessionOptions,
} from './session.js';
import { selfCommand } from './self-command.js';
import { initialWizardState, wizardStep, type LoadedHome, type WizardEffect, type WizardEvent, type WizardState } from './wizard-state.js';

/**
 * The one effect runner both front ends use: it feeds events to the pure `wizardStep`, runs the effects it asks
 * for (through the session.ts functions: read the home, plan, save, apply) and feeds their outcomes back as
 * events. The front end only draws the state (`onState`) and is told how the session ends (`onExit`).
 */
export interface SessionDriver {
  readonly state: WizardState;
  /** Resolves once every effect this event led to (and the events those led to) has run. */
  dispatch(event: WizardEvent): Promise<void>;
}

export interface SessionDriverOptions extends WizardSessionOptions {
  /** Called after every event, with the event and the state it led to. */
  onState: (state: WizardState, event: WizardEvent) => void;
  onExit: (code: number, message?: string) => void;
  /** A warning said while the change is written (plain mode prints them). */
  onWarning?: (message: string) => void;
}

async function readHome(facts: HomeSnapshot, options: WizardSessionOptions, vaultPassword: string | undefined): Promise<LoadedHome> {
  const report = await statusOfFacts(facts, {
    env: options.env,
    now: options.now,
    ...(vaultPassword !== undefined ? { vaultPassword } : {}),
  });
  // The removal list of the truststore questions needs the current truststore's entries.
  return {
    facts,
    report,
    wizard: { ...(await wizardFactsWithStatus(facts, report)), truststoreEntries: await truststoreEntryFacts(facts) },
  };
}

const internalError = (error: unknown) => `internal error: ${error instanceof Error ? error.message : String(error)}`;

/** Runs one effect; returns the events it ends with. Steps and signals during apply are dispatched as they come. */
export async function runEffect(
  effect: WizardEffect,
  options: SessionDriverOptions,
  dispatch: (event: WizardEvent) => Promise<void>,
): Promise<WizardEvent[]> {
  switch (effect.kind) {
    case 'load-home': {
      try {
        const facts = await readWizardSnapshot({
          home: options.home,
          env: options.env,
          cwd: options.cwd,
          now: options.now,
          ...(effect.vaultPassword !== undefined ? { vaultPassword: effect.vaultPassword } : {}),
        });
        return [{ type: 'home-loaded', home: await readHome(facts, options, effect.vaultPassword) }];
      } catch (error) {
        if (error instanceof UserError) return [{ type: 'load-failed', message: error.message, exitCode: error.exitCode }];
        throw error;
      }
    }
    case 'reload-home': {
      try {
        const { facts, vaultPassword } = await reloadWizardHome(options, effect.candidates);
        return [
          {
            type: 'home-reloaded',
            home: await readHome(facts, options, vaultPassword),
            ...(vaultPassword !== undefined ? { vaultPassword } : {}),
          },
        ];
      } catch (error) {
        if (error instanceof UserError) return [{ type: 'load-failed', message: error.message, exitCode: error.exitCode }];
        throw error;
      }
    }
    case 'plan':
      try {
        return [{ type: 'planned', review: await reviewChange(effect.facts, effect.procedure, effect.values, options.cwd) }];
      } catch (error) {
        return [{ type: 'plan-failed', message: error instanceof UserError ? error.message : internalError(error) }];
      }
    case 'save':
      try {
        await saveAnswersFile(effect.home, effect.target, effect.text);
        return [{ type: 'saved', target: effect.target }];
      } catch (error) {
        if (error instanceof UserError) return [{ type: 'save-refused', message: error.message }];
        throw error;
      }
    case 'apply': {
      // SIGINT, SIGTERM and SIGHUP wait while the change is written: it finishes or rolls back, then the session ends.
      const guard = holdInterrupts((signal) => void dispatch({ type: 'interrupt', signal }));
      const signalExit = () => (guard.exitCode !== undefined ? { signalExitCode: guard.exitCode } : {});
      try {
        const result = await executePrepared(effect.prepared, effect.facts, {
          keytool: effect.keytool,
          onStep: (step) => void dispatch({ type: 'step', step }),
          onWarning: (message) => options.onWarning?.(message),
        });
        return [{ type: 'applied', backupId: result.backupId, ...signalExit() }];
      } catch (error) {
        return [{ type: 'apply-failed', message: error instanceof UserError ? error.message : internalError(error), ...signalExit() }];
      } finally {
        guard.release();
      }
    }
    case 'exit':
      options.onExit(effect.code, effect.message);
      return [];
  }
}

export function createSessionDriver(options: SessionDriverOptions): SessionDriver {
  let state = initialWizardState(
    { cwd: options.cwd, dryRun: options.dryRun, keytoolAvailable: options.keytoolAvailable, self: selfCommand(options.env) },
    options.vaultPassword,
  );
  const dispatch = async (event: WizardEvent): Promise<void> => {
    const step = wizardStep(state, event);
    state = step.state;
    options.onState(state, event);
    await Promise.all(
      step.effects.map(async (effect) => {
        for (const outcome of await runEffect(effect, options, dispatch)) await dispatch(outcome);
      }),
    );
  };
  return {
    get state() {
      return state;
    },
    dispatch,
  };
}
