import { Box, Text } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { PROCEDURE_DEFINITIONS } from '../core/fields/index.js';
import { renderStatus } from '../status/render.js';
import { makeStyle } from '../core/terminal-style.js';
import { diskProcedureIO, type WizardSessionOptions } from '../session/session.js';
import { createSessionDriver, type SessionDriver } from '../session/session-driver.js';
import type { WizardEvent, WizardState } from '../session/wizard-state.js';
import { useKeys } from './components/index.js';
import { FormScreen } from './screens/form-screen.js';
import { HomeScreen } from './screens/home-screen.js';
import { ApplyScreen, DoneScreen, FailedScreen, StatusScreen } from './screens/outcome-screens.js';
import { ReviewScreen, SaveScreen } from './screens/review-screen.js';
import { wrapText } from './screens/layout.js';
import { MIN_SCREEN } from './terminal/screen-size.js';
import { TerminalSizeProvider, useRawTerminalSize, type TerminalSize } from './terminal/terminal-size.js';

export interface WizardAppProps extends WizardSessionOptions {
  /** Ends the wizard: the runner unmounts Ink, then prints `message` (if any) and exits with `code`. */
  onExit: (code: number, message?: string) => void;
  /** Lay out for this terminal size instead of the real one (tests). */
  size?: TerminalSize;
}

/** One long-lived Ink tree: the session (session/wizard-state.ts) says which screen shows; its driver does the work. */
export function WizardApp(props: WizardAppProps) {
  return (
    <TerminalSizeProvider fixed={props.size}>
      <Wizard {...props} />
    </TerminalSizeProvider>
  );
}

/** Rendering and keys over the one session: the session decides, its driver does the work, this draws. */
function Wizard(props: WizardAppProps) {
  const driverRef = useRef<SessionDriver | undefined>(undefined);
  // One driver for the life of the tree; every state it reaches is drawn.
  driverRef.current ??= createSessionDriver({ ...props, onState: (next) => setSession(next), onExit: props.onExit });
  const driver = driverRef.current;
  const [session, setSession] = useState<WizardState>(driver.state);
  const dispatch = (event: WizardEvent) => void driver.dispatch(event);
  const io = useRef(diskProcedureIO(props.cwd, props.now)).current;
  const raw = useRawTerminalSize();
  const tag = [props.sandbox ? 'SANDBOX' : undefined, props.dryRun ? 'DRY RUN' : undefined].filter(Boolean).join(' ') || undefined;

  useEffect(() => {
    dispatch({ type: 'start' });
  }, []);

  // Ctrl-C: before apply, leave at once with nothing written; during apply, let it finish or roll back first.
  useKeys((key) => {
    if (key.name === 'interrupt') dispatch({ type: 'interrupt' });
  });

  const home = session.home;
  const screen = session.screen;
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
            notice={screen.notice}
            onChoose={(choice) => dispatch({ type: 'choose', choice })}
            onHighlight={() => dispatch({ type: 'clear-notice' })}
          />
        );
      case 'status':
        return home ? (
          <StatusScreen
            tag={tag}
            lines={renderStatus(home.report, makeStyle(false), Math.max(MIN_SCREEN.columns, Math.min(raw.columns, 120)))
              .trimEnd()
              .split('\n')}
            onBack={() => dispatch({ type: 'back' })}
          />
        ) : null;
      case 'form':
        return home ? (
          <FormScreen
            key={screen.procedure}
            definition={PROCEDURE_DEFINITIONS[screen.procedure]}
            facts={home.wizard}
            values={session.values[screen.procedure]}
            index={screen.index}
            io={io}
            tag={tag}
            onAnswer={(id, value) => dispatch({ type: 'answer', id, value })}
            onBack={() => dispatch({ type: 'back' })}
          />
        ) : null;
      case 'planning':
        return (
          <ApplyScreen
            title="Planning the change"
            tag={tag}
            steps={[
              {
                id: 'plan',
                label:
                  screen.procedure === 'secrets'
                    ? 'Encrypt the passwords and patch the configuration in memory'
                    : 'Generate keys, build keystores and patch the configuration in memory',
                state: 'running',
              },
            ]}
          />
        );
      case 'review':
        return (
          <ReviewScreen
            title={PROCEDURE_DEFINITIONS[screen.procedure].title}
            tag={tag}
            review={screen.review}
            dryRun={props.dryRun}
            notice={screen.notice}
            keytool={props.keytoolAvailable ? session.keytool : undefined}
            onToggleKeytool={() => dispatch({ type: 'toggle-keytool' })}
            onChoose={(choice) => dispatch({ type: choice })}
          />
        );
      case 'save':
        return (
          <SaveScreen
            tag={tag}
            defaultPath={screen.defaultPath}
            problem={screen.problem}
            onSave={(file) => dispatch({ type: 'save-to', file })}
            onBack={() => dispatch({ type: 'back' })}
          />
        );
      case 'applying':
        return <ApplyScreen title={PROCEDURE_DEFINITIONS[screen.procedure].title} tag={tag} steps={screen.steps} />;
      case 'done':
        return (
          <DoneScreen
            title={screen.report.title}
            tag={tag}
            steps={screen.steps}
            backupId={screen.backupId}
            commands={screen.report.commands}
            next={screen.report.next}
            offer={
              screen.report.offerEncrypt ? { label: 'encrypt passwords', onChoose: () => dispatch({ type: 'encrypt-next' }) } : undefined
            }
            onExit={() => dispatch({ type: 'quit' })}
          />
        );
      case 'failed':
        return (
          <FailedScreen
            title={PROCEDURE_DEFINITIONS[screen.procedure].title}
            tag={tag}
            message={screen.message}
            steps={screen.steps}
            onBack={() => dispatch({ type: 'back' })}
            onExit={() => dispatch({ type: 'quit' })}
          />
        );
    }
  })();
  if (raw.columns < MIN_SCREEN.columns || raw.rows < MIN_SCREEN.rows) {
    // Drawn at 60x15 into a smaller terminal the frame would wrap and scroll: say what to do instead; the
    // wizard (answers kept) comes back as soon as the terminal is large enough again.
    return (
      <Box flexDirection="column">
        {wrapText(
          `The terminal is ${raw.columns}x${raw.rows}; the wizard needs at least ${MIN_SCREEN.columns}x${MIN_SCREEN.rows}. Make the window larger (your answers are kept), or press Ctrl-C to leave and run ei-keystore --plain.`,
          Math.max(20, raw.columns),
        ).map((line, n) => (
          <Text key={n}>{line}</Text>
        ))}
      </Box>
    );
  }
  return <Box flexDirection="column">{view}</Box>;
}
