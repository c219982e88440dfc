import path from 'node:path';
import { Box } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import { PROCEDURE_DEFINITIONS } from '../core/procedures/index.js';
import type { WizardFacts } from '../core/procedures/types.js';
import { serializeAnswers } from '../core/answers/serialize.js';
import { holdInterrupts } from '../apply/interrupt-guard.js';
import { UserError } from '../errors.js';
import { writeNewFile } from '../files/write-new-file.js';
import { renderStatus } from '../commands/status-render.js';
import { makeStyle } from '../cli/style.js';
import { executePrepared } from '../procedures/execute.js';
import { loadHomeFacts, type HomeFacts } from '../procedures/facts.js';
import { truststoreEntryFacts } from '../procedures/truststore-entries.js';
import { renderPlan } from '../procedures/plan-render.js';
import { diskProcedureIO, reviewChange, wizardFactsOf, type Review, type WizardSessionOptions } from '../procedures/session.js';
import { gatherStatus, type StatusReport } from '../status/gather.js';
import { useKeys } from './components/index.js';
import { FormScreen } from './screens/form-screen.js';
import { HomeScreen } from './screens/home-screen.js';
import { ApplyScreen, DoneScreen, FailedScreen, StatusScreen } from './screens/outcome-screens.js';
import { ReviewScreen, SaveScreen } from './screens/review-screen.js';
import { useTerminalSize, wrapText } from './screens/layout.js';
import { initialWizardState, wizardReducer, type StepView } from './state/wizard-state.js';

export interface WizardAppProps extends WizardSessionOptions {
  /** Ends the wizard: the runner unmounts Ink, then prints `message` (if any) and exits with `code`. */
  onExit: (code: number, message?: string) => void;
}

const STEP_LABELS: Record<string, string> = {
  lock: 'Lock the home against other runs',
  check: 'Check nothing changed since the review',
  backup: 'Back up every file that changes',
  stage: 'Write the new files beside the old ones',
  'verify-own': 'Re-open the new keystores and configuration',
  'verify-keytool': 'Cross-check with keytool',
  commit: 'Rename the new files into place',
  unlock: 'Unlock',
};

function stepsFor(keytool: boolean): StepView[] {
  return Object.entries(STEP_LABELS)
    .filter(([id]) => keytool || id !== 'verify-keytool')
    .map(([id, label]) => ({ id, label, state: 'pending' }));
}

/** One long-lived Ink tree: the reducer says which screen shows; effects do the work the screens ask for. */
export function WizardApp(props: WizardAppProps) {
  const [state, dispatch] = useReducer(wizardReducer, undefined, initialWizardState);
  const [home, setHome] = useState<{ facts: HomeFacts; wizard: WizardFacts; report: StatusReport } | undefined>();
  const [keytool, setKeytool] = useState(props.keytoolAvailable);
  const [saveProblem, setSaveProblem] = useState<string | undefined>();
  const reviewRef = useRef<Review | undefined>(undefined);
  const applyingRef = useRef(false);
  const interruptedRef = useRef(false);
  const io = useRef(diskProcedureIO(props.cwd, props.now)).current;
  const { columns } = useTerminalSize();
  const columnsRef = useRef(columns);
  columnsRef.current = columns;
  const tag = [props.sandbox ? 'SANDBOX' : undefined, props.dryRun ? 'DRY RUN' : undefined].filter(Boolean).join(' ') || undefined;

  const loadHome = async () => {
    try {
      const facts = loadHomeFacts({ home: props.home, env: props.env, cwd: props.cwd, now: props.now });
      const report = await gatherStatus({ located: facts.located, env: props.env, now: props.now });
      setHome({ facts, wizard: { ...wizardFactsOf(facts), truststoreEntries: await truststoreEntryFacts(facts) }, report });
    } catch (error) {
      if (error instanceof UserError) props.onExit(error.exitCode, `ei-keystore: ${error.message}`);
      else throw error;
    }
  };
  useEffect(() => {
    void loadHome();
  }, []);

  // Ctrl-C: before apply, leave at once with nothing written; during apply, let it finish or roll back first.
  useKeys((key) => {
    if (key.name !== 'interrupt') return;
    if (applyingRef.current) interruptedRef.current = true;
    else props.onExit(130, 'Cancelled, nothing was written.');
  });

  const screen = state.screen;
  useEffect(() => {
    if (screen.name !== 'planning' || !home) return;
    let current = true;
    reviewChange(home.facts, screen.procedure, state.values[screen.procedure], props.cwd)
      .then((review) => {
        if (!current) return;
        reviewRef.current = review;
        dispatch({
          type: 'planned',
          review: {
            planLines: renderPlan(review.prepared)
              .trimEnd()
              .split('\n')
              .flatMap((line) => hangingWrap(line, columnsRef.current)),
            diffLines: review.diff ? review.diff.trimEnd().split('\n') : [],
            unchanged: review.prepared.unchanged,
          },
        });
      })
      .catch((error: unknown) => {
        if (!current) return;
        if (error instanceof UserError) dispatch({ type: 'plan-failed', message: error.message });
        else dispatch({ type: 'plan-failed', message: `internal error: ${error instanceof Error ? error.message : String(error)}` });
      });
    return () => {
      current = false;
    };
  }, [screen.name]);

  const startApply = async () => {
    const review = reviewRef.current;
    if (!review || !home) return;
    applyingRef.current = true;
    dispatch({ type: 'apply-start', steps: stepsFor(keytool) });
    let running: string | undefined;
    const advance = (step: string) => {
      if (!(step in STEP_LABELS)) return;
      if (running) dispatch({ type: 'step', id: running, state: 'done' });
      running = step;
      dispatch({ type: 'step', id: step, state: 'running' });
    };
    // SIGTERM and SIGHUP wait like Ctrl-C (which Ink hands over as a key): finish or roll back, then exit.
    const guard = holdInterrupts(() => {
      interruptedRef.current = true;
    });
    try {
      const result = await executePrepared(review.prepared, home.facts, { keytool, onStep: advance });
      if (running) dispatch({ type: 'step', id: running, state: 'done' });
      applyingRef.current = false;
      if (interruptedRef.current) props.onExit(guard.exitCode ?? 130, `Interrupted after the change was completed. Backup ${result.backupId}; to undo: ei-keystore restore --home ${home.facts.located.home} ${result.backupId}`);
      else dispatch({ type: 'applied', backupId: result.backupId });
    } catch (error) {
      if (running) dispatch({ type: 'step', id: running, state: 'failed' });
      applyingRef.current = false;
      const message = error instanceof UserError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
      if (interruptedRef.current) props.onExit(guard.exitCode ?? 130, `Interrupted; the change was rolled back. ${message}`);
      else dispatch({ type: 'apply-failed', message });
    } finally {
      guard.release();
    }
  };

  const save = async (file: string) => {
    const review = reviewRef.current;
    if (!review || screen.name !== 'save') return;
    const target = path.resolve(props.cwd, file.trim());
    try {
      await writeNewFile(target, serializeAnswers(screen.procedure, review.answers), 0o600);
      setSaveProblem(undefined);
      dispatch({ type: 'saved', notice: `Saved ${target}: export the passwords it names, then ei-keystore apply ${screen.procedure} --answers ${file.trim()}` });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      setSaveProblem(error.message);
    }
  };

  const view = (() => {
    switch (screen.name) {
      case 'home':
        return (
          <HomeScreen
            report={home?.report}
            sandbox={props.sandbox}
            dryRun={props.dryRun}
            onChoose={(choice) => {
              if (choice === 'quit') props.onExit(0);
              else if (choice === 'status') dispatch({ type: 'show-status' });
              else if (choice === 'reply-primary' || choice === 'reply-internal') {
                // Straight to the reply's path: the source question is answered by the choice.
                dispatch({ type: 'open', procedure: choice === 'reply-primary' ? 'primary' : 'internal', preset: { source: 'ca-reply' }, index: 1 });
              }
              else dispatch({ type: 'open', procedure: choice });
            }}
          />
        );
      case 'status':
        return home ? <StatusScreen tag={tag} lines={renderStatus(home.report, makeStyle(false), 80).trimEnd().split('\n')} onBack={() => dispatch({ type: 'back' })} /> : null;
      case 'form':
        return home ? (
          <FormScreen
            key={screen.procedure}
            definition={PROCEDURE_DEFINITIONS[screen.procedure]}
            facts={home.wizard}
            values={state.values[screen.procedure]}
            index={screen.index}
            io={io}
            tag={tag}
            onAnswer={(id, value, visibleCount) => dispatch({ type: 'answer', id, value, visibleCount })}
            onBack={() => dispatch({ type: 'back' })}
          />
        ) : null;
      case 'planning':
        return <ApplyScreen title="Planning the change" tag={tag} steps={[{ id: 'plan', label: 'Generate keys, build keystores and patch the configuration in memory', state: 'running' }]} />;
      case 'review':
        return (
          <ReviewScreen
            title={PROCEDURE_DEFINITIONS[screen.procedure].title}
            tag={tag}
            review={screen.review}
            dryRun={props.dryRun}
            notice={screen.notice}
            keytool={props.keytoolAvailable ? keytool : undefined}
            onToggleKeytool={() => setKeytool((on) => !on)}
            onChoose={(choice) => {
              if (choice === 'back') dispatch({ type: 'back' });
              else if (choice === 'cancel') props.onExit(props.dryRun ? 0 : 130, props.dryRun ? 'Dry run: nothing was written.' : 'Cancelled, nothing was written.');
              else if (choice === 'save') dispatch({ type: 'save-start' });
              else void startApply();
            }}
          />
        );
      case 'save':
        return <SaveScreen tag={tag} defaultPath={`${screen.procedure}-answers.toml`} problem={saveProblem} onSave={(file) => void save(file)} onBack={() => dispatch({ type: 'back' })} />;
      case 'applying':
        return <ApplyScreen title={PROCEDURE_DEFINITIONS[screen.procedure].title} tag={tag} steps={screen.steps} />;
      case 'done': {
        const facts = home!.facts;
        const request = reviewRef.current?.prepared.request;
        if (request) {
          return (
            <DoneScreen
              title={`request written (${screen.procedure} keystore)`}
              tag={tag}
              steps={screen.steps}
              backupId={screen.backupId}
              restoreCommand={`ei-keystore restore --home ${facts.located.home} ${screen.backupId}`}
              next={[
                `Request for ${request.subject}${request.subjectAltNames.length > 0 ? ` (${request.subjectAltNames.join(', ')})` : ''}.`,
                `Written to ${request.csrFile}: send this file to your CA.`,
                `The ${request.renewal ? 'current' : 'new'} key waits in ${path.relative(facts.located.home, request.pendingKeystore)}; the configuration is unchanged.`,
                `To resume: start ei-keystore again and choose "Import the CA's reply", or run ei-keystore apply ${screen.procedure} --answers reply.toml with source = "ca-reply".`,
              ]}
              onExit={() => props.onExit(0)}
            />
          );
        }
        const plaintext = facts.resolved.secrets.filter((secret) => secret.state === 'plaintext').length;
        return (
          <DoneScreen
            title={PROCEDURE_DEFINITIONS[screen.procedure].title}
            tag={tag}
            steps={screen.steps}
            backupId={screen.backupId}
            restoreCommand={`ei-keystore restore --home ${facts.located.home} ${screen.backupId}`}
            next={[
              'Restart the server for the change to take effect.',
              ...(plaintext > 0 ? [`${plaintext} value(s) in [secrets] are still in plaintext brackets: run the cipher tool again.`] : []),
              `Check the result: ei-keystore status --home ${facts.located.home}`,
              ...(screen.procedure === 'primary' ? [`For partners who must trust this server: ei-keystore export primary --out primary.pem --home ${facts.located.home}`] : []),
            ]}
            onExit={() => props.onExit(0)}
          />
        );
      }
      case 'failed':
        return (
          <FailedScreen
            title={PROCEDURE_DEFINITIONS[screen.procedure].title}
            tag={tag}
            message={screen.message}
            steps={screen.steps}
            onBack={() => dispatch({ type: 'back' })}
            onExit={() => props.onExit(screen.steps.length > 0 ? 1 : 2)}
          />
        );
    }
  })();
  return <Box flexDirection="column">{view}</Box>;
}

/** Wraps a plan line to the width, continuation lines indented under the text, so nothing is cut off. */
function hangingWrap(line: string, width: number): string[] {
  const indent = /^(\s*(?:\d+\.|-)?\s*)/.exec(line)?.[1] ?? '';
  const [first, ...rest] = wrapText(line.slice(indent.length), Math.max(20, width - indent.length));
  return [indent + (first ?? ''), ...rest.map((part) => ' '.repeat(indent.length) + part)];
}
