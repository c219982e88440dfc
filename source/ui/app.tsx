import path from 'node:path';
import { Box, Text } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import { PROCEDURE_DEFINITIONS } from '../core/fields/index.js';
import type { WizardFacts } from '../core/fields/types.js';
import { holdInterrupts } from '../apply/interrupt-guard.js';
import { UserError } from '../errors.js';
import { renderStatus } from '../status/render.js';
import { makeStyle } from '../core/terminal-style.js';
import { selfCommand, shellWord } from '../session/self-command.js';
import { stepLabel, WIZARD_PROGRESS } from '../core/step-labels.js';
import type { ProgressStep } from '../progress-steps.js';
import { executePrepared } from '../procedures/execute.js';
import { readWizardSnapshot, type HomeSnapshot } from '../procedures/home-snapshot.js';
import { truststoreEntryFacts } from '../procedures/truststore-entries.js';
import { planView } from '../procedures/plan-render.js';
import { answersText, CLUSTER_NOTE, defaultAnswersPath, diskProcedureIO, leavesPlaintextPasswords, reloadWizardHome, reviewChange, saveAnswersFile, statusOfFacts, wizardFactsWithStatus, type Review, type WizardSessionOptions } from '../session/session.js';
import type { StatusReport } from '../status/gather.js';
import { useKeys } from './components/index.js';
import { FormScreen } from './screens/form-screen.js';
import { HomeScreen } from './screens/home-screen.js';
import { ApplyScreen, DoneScreen, FailedScreen, StatusScreen } from './screens/outcome-screens.js';
import { ReviewScreen, SaveScreen } from './screens/review-screen.js';
import { MIN_SCREEN, wrapText } from './screens/layout.js';
import { TerminalSizeProvider, useRawTerminalSize, type TerminalSize } from './terminal/terminal-size.js';
import { initialWizardState, wizardReducer, type StepView } from '../session/wizard-state.js';
import { EXIT } from '../exit-codes.js';

export interface WizardAppProps extends WizardSessionOptions {
  /** Ends the wizard: the runner unmounts Ink, then prints `message` (if any) and exits with `code`. */
  onExit: (code: number, message?: string) => void;
  /** Lay out for this terminal size instead of the real one (tests). */
  size?: TerminalSize;
}

function stepsFor(keytool: boolean): StepView[] {
  return WIZARD_PROGRESS.filter((id) => keytool || id !== 'verify-keytool').map((id) => ({ id, label: stepLabel(id), state: 'pending' }));
}

/** One long-lived Ink tree: the reducer says which screen shows; effects do the work the screens ask for. */
export function WizardApp(props: WizardAppProps) {
  return (
    <TerminalSizeProvider fixed={props.size}>
      <Wizard {...props} />
    </TerminalSizeProvider>
  );
}

function plaintextSecrets(facts: HomeSnapshot): number {
  return facts.resolved.secrets.filter((secret) => secret.state === 'plaintext').length;
}

function restoreCommand(home: string, backupId: string): string {
  return `${selfCommand()} restore --home ${shellWord(home)} ${backupId}`;
}

/** What the done screen said, for the shell's screen: each command whole on its own line, to copy. */
function doneSummary(title: string, backupId: string, commands: Array<{ label: string; command: string }>, next: string[]): string {
  return [`Done: ${title}. Backup ${backupId}.`, ...commands.flatMap(({ label, command }) => [`${label}:`, `  ${command}`]), ...next.map((line) => `- ${line}`)].join('\n');
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

function Wizard(props: WizardAppProps) {
  const [state, dispatch] = useReducer(wizardReducer, undefined, initialWizardState);
  const [home, setHome] = useState<{ facts: HomeSnapshot; wizard: WizardFacts; report: StatusReport } | undefined>();
  const [keytool, setKeytool] = useState(props.keytoolAvailable);
  const [saveProblem, setSaveProblem] = useState<string | undefined>();
  const [homeNotice, setHomeNotice] = useState<string | undefined>();
  // The vault password in use: the one asked before the screens, or the one that opens the vault after a change.
  const vaultPasswordRef = useRef(props.vaultPassword);
  const reviewRef = useRef<Review | undefined>(undefined);
  const applyingRef = useRef(false);
  const interruptedRef = useRef(false);
  const io = useRef(diskProcedureIO(props.cwd, props.now)).current;
  const raw = useRawTerminalSize();
  const tag = [props.sandbox ? 'SANDBOX' : undefined, props.dryRun ? 'DRY RUN' : undefined].filter(Boolean).join(' ') || undefined;

  const loadHome = async () => {
    try {
      const facts = await readWizardSnapshot({ home: props.home, env: props.env, cwd: props.cwd, now: props.now, ...(props.vaultPassword !== undefined ? { vaultPassword: props.vaultPassword } : {}) });
      const report = await statusOfFacts(facts, { env: props.env, now: props.now, ...(props.vaultPassword !== undefined ? { vaultPassword: props.vaultPassword } : {}) });
      setHome({ facts, wizard: { ...(await wizardFactsWithStatus(facts, report)), truststoreEntries: await truststoreEntryFacts(facts) }, report });
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
    else props.onExit(EXIT.interrupted, 'Cancelled, nothing was written.');
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
            // Wrapped by the review at the width it is drawn at, so a resize re-wraps it.
            planLines: reviewWarnings(review, home.wizard),
            plan: planView(review.prepared),
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
    const advance = (step: ProgressStep) => {
      if (!WIZARD_PROGRESS.includes(step)) return;
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
      if (interruptedRef.current) props.onExit(guard.exitCode ?? EXIT.interrupted, `Interrupted after the change was completed. Backup ${result.backupId}; to undo:\n  ${restoreCommand(home.facts.located.home, result.backupId)}`);
      else dispatch({ type: 'applied', backupId: result.backupId });
    } catch (error) {
      if (running) dispatch({ type: 'step', id: running, state: 'failed' });
      applyingRef.current = false;
      const message = error instanceof UserError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
      if (interruptedRef.current) props.onExit(guard.exitCode ?? EXIT.interrupted, `Interrupted; the change was rolled back. ${message}`);
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
      await saveAnswersFile(home!.facts.located.home, target, answersText(screen.procedure, review.answers));
      setSaveProblem(undefined);
      dispatch({ type: 'saved', notice: `Saved ${target}: export the passwords it names, then run ${selfCommand(props.env)} apply ${screen.procedure} --answers ${shellWord(target)} --home ${shellWord(home!.facts.located.home)}` });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      setSaveProblem(error.message);
    }
  };

  /** "Encrypt passwords" chosen on the Done screen: the home (just changed) is read again, then its questions. */
  const encryptNext = async () => {
    const review = reviewRef.current;
    if (!review) return; // already on its way (a second e while the home is read again)
    reviewRef.current = undefined;
    try {
      const { facts, vaultPassword } = await reloadWizardHome(props, [vaultPasswordRef.current, (review.secrets as { password?: string } | undefined)?.password]);
      vaultPasswordRef.current = vaultPassword;
      const report = await statusOfFacts(facts, { env: props.env, now: props.now, ...(vaultPassword !== undefined ? { vaultPassword } : {}) });
      const wizard = { ...(await wizardFactsWithStatus(facts, report)), truststoreEntries: await truststoreEntryFacts(facts) };
      setHome({ facts, wizard, report });
      if (wizard.harden?.refusal) {
        setHomeNotice(wizard.harden.refusal);
        dispatch({ type: 'home' });
      } else dispatch({ type: 'open', procedure: 'secrets', fresh: true });
    } catch (error) {
      if (error instanceof UserError) props.onExit(error.exitCode, `ei-keystore: ${error.message}`);
      else throw error;
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
            internalRefusal={home && !home.facts.profile.internalConfigurable ? home.facts.profile.internalNote : undefined}
            hardenRefusal={home?.wizard.harden?.refusal}
            notice={homeNotice}
            onChoose={(choice) => {
              setHomeNotice(undefined);
              if (choice === 'quit') props.onExit(EXIT.ok);
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
        return home ? <StatusScreen tag={tag} lines={renderStatus(home.report, makeStyle(false), Math.max(MIN_SCREEN.columns, Math.min(raw.columns, 120))).trimEnd().split('\n')} onBack={() => dispatch({ type: 'back' })} /> : null;
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
        return <ApplyScreen title="Planning the change" tag={tag} steps={[{ id: 'plan', label: screen.procedure === 'secrets' ? 'Encrypt the passwords and patch the configuration in memory' : 'Generate keys, build keystores and patch the configuration in memory', state: 'running' }]} />;
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
              else if (choice === 'cancel') props.onExit(props.dryRun ? EXIT.ok : EXIT.interrupted, props.dryRun ? 'Dry run: nothing was written.' : 'Cancelled, nothing was written.');
              else if (choice === 'save') dispatch({ type: 'save-start' });
              else void startApply();
            }}
          />
        );
      case 'save':
        return <SaveScreen tag={tag} defaultPath={home ? defaultAnswersPath(home.facts.located.home, screen.procedure) : `${screen.procedure}-answers.toml`} problem={saveProblem} onSave={(file) => void save(file)} onBack={() => dispatch({ type: 'back' })} />;
      case 'applying':
        return <ApplyScreen title={PROCEDURE_DEFINITIONS[screen.procedure].title} tag={tag} steps={screen.steps} />;
      case 'done': {
        const facts = home!.facts;
        const request = reviewRef.current?.prepared.request;
        const self = selfCommand(props.env);
        const homeWord = shellWord(facts.located.home);
        const undo = { label: 'To undo', command: restoreCommand(facts.located.home, screen.backupId) };
        const done = request
          ? {
              title: `request written (${screen.procedure} keystore)`,
              commands: [undo, { label: 'To import the reply later (or start the wizard again)', command: `${self} --home ${homeWord}` }],
              next: [
                `Request for ${request.subject}${request.subjectAltNames.length > 0 ? ` (${request.subjectAltNames.join(', ')})` : ''}.`,
                `Written to ${request.csrFile}: send this file to your CA.`,
                `The ${request.renewal ? 'current' : 'new'} key waits in ${path.relative(facts.located.home, request.pendingKeystore)}; the configuration is unchanged.`,
                `To resume, choose "Import the CA's reply" on the wizard's home screen.`,
              ],
            }
          : {
              title: PROCEDURE_DEFINITIONS[screen.procedure].title,
              commands: [
                undo,
                { label: 'To check the result', command: `${self} status --home ${homeWord}` },
                ...(screen.procedure === 'primary' ? [{ label: 'For partners who must trust this server', command: `${self} export primary --out primary.pem --home ${homeWord}` }] : []),
              ],
              next: [
                'Restart the server for the change to take effect.',
                ...(screen.procedure !== 'secrets' && plaintextSecrets(facts) > 0 ? [`${plaintextSecrets(facts)} value(s) in [secrets] are still in plaintext brackets: encrypt them with "Encrypt passwords" (e), or later ${self} apply secrets.`] : []),
                ...(reviewRef.current?.prepared.notes.some((note) => note.includes('written in plain text')) ? [`New passwords were written in plain text: move them into the secure vault with "Encrypt passwords" (e), or later ${self} apply secrets.`] : []),
                ...(screen.procedure === 'internal' ? [CLUSTER_NOTE] : []),
              ],
            };
        return (
          <DoneScreen
            title={done.title}
            tag={tag}
            steps={screen.steps}
            backupId={screen.backupId}
            commands={done.commands}
            next={done.next}
            offer={!request && reviewRef.current && leavesPlaintextPasswords(reviewRef.current.prepared, facts) ? { label: 'encrypt passwords', onChoose: () => void encryptNext() } : undefined}
            // The done screen goes with the alternate screen: what it says is printed again on the shell's screen.
            onExit={() => props.onExit(EXIT.ok, doneSummary(done.title, screen.backupId, done.commands, done.next))}
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
            onExit={() => props.onExit(screen.steps.length > 0 ? EXIT.failed : EXIT.badInput)}
          />
        );
    }
  })();
  if (raw.columns < MIN_SCREEN.columns || raw.rows < MIN_SCREEN.rows) {
    // Drawn at 60x15 into a smaller terminal the frame would wrap and scroll: say what to do instead; the
    // wizard (answers kept) comes back as soon as the terminal is large enough again.
    return (
      <Box flexDirection="column">
        {wrapText(`The terminal is ${raw.columns}x${raw.rows}; the wizard needs at least ${MIN_SCREEN.columns}x${MIN_SCREEN.rows}. Make the window larger (your answers are kept), or press Ctrl-C to leave and run ei-keystore --plain.`, Math.max(20, raw.columns)).map((line, n) => (
          <Text key={n}>{line}</Text>
        ))}
      </Box>
    );
  }
  return <Box flexDirection="column">{view}</Box>;
}
