/**
 * The first frame commands/wizard.ts draws before Ink loads (ui/terminal/reading-frame.ts) must be the frame Ink then
 * draws itself (the home screen while the home is read), so the screen does not change under the user when Ink
 * takes over: same words, same places, at every width and with every tag.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HomeScreen } from '../../source/ui/screens/home-screen.js';
import { readingFrame } from '../../source/ui/terminal/reading-frame.js';
import { TerminalSizeProvider } from '../../source/ui/terminal/terminal-size.js';
import { renderInk, stripAnsi, unmountAll } from './support/ink.js';

afterEach(() => unmountAll());

const rows = (frame: string) =>
  frame
    .replace(/\n$/, '')
    .split('\n')
    .map((row) => row.trimEnd());

describe('the first frame drawn before Ink', () => {
  // ink-testing-library's terminal is 100 columns wide: wider layouts would be cut by it, not by the wizard.
  const cases = [
    { columns: 80, sandbox: false, dryRun: false },
    { columns: 80, sandbox: true, dryRun: false },
    { columns: 60, sandbox: true, dryRun: true },
    { columns: 40, sandbox: false, dryRun: true },
    { columns: 100, sandbox: true, dryRun: false },
  ];
  it.each(cases)(
    'is the home screen Ink draws while reading, at $columns columns (sandbox $sandbox, dry run $dryRun)',
    ({ columns, sandbox, dryRun }) => {
      const ink = renderInk(
        <TerminalSizeProvider fixed={{ columns, rows: 24 }}>
          <HomeScreen report={undefined} sandbox={sandbox} dryRun={dryRun} onChoose={() => {}} />
        </TerminalSizeProvider>,
      );
      const tag = [sandbox ? 'SANDBOX' : undefined, dryRun ? 'DRY RUN' : undefined].filter(Boolean).join(' ');
      const early = readingFrame({ columns, rows: 24, colour: false, ...(tag ? { tag } : {}) });
      expect(rows(early)).toEqual(rows(ink.frame()));
      // With colour it says the same, styled.
      expect(rows(stripAnsi(readingFrame({ columns, rows: 24, colour: true, ...(tag ? { tag } : {}) })))).toEqual(rows(early));
    },
  );
});
