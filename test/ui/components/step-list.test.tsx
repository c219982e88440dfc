import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StepList, type Step } from '../../../source/ui/components/step-list/step-list.js';
import { spinnerFrames } from '../../../source/ui/components/shared/symbols.js';
import { renderInk, unmountAll } from '../support/ink.js';

const steps: Step[] = [
  { label: 'Back up files', state: 'done', detail: '3 files' },
  { label: 'Write keystore', state: 'running' },
  { label: 'Patch deployment.toml', state: 'pending' },
  { label: 'Cross-check with keytool', state: 'failed', detail: 'keytool exited with 1' },
];

describe('StepList', () => {
  beforeEach(() => {
    // Only the spinner's timer is faked: Ink itself needs the real setImmediate.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  });
  afterEach(() => {
    unmountAll();
    vi.useRealTimers();
  });

  it('marks each state, one line per step, with its detail', () => {
    const ui = renderInk(<StepList steps={steps} />);
    expect(ui.frame().split('\n')).toEqual([
      '✓ Back up files  3 files',
      `${spinnerFrames[0]} Write keystore`,
      '· Patch deployment.toml',
      '✗ Cross-check with keytool  keytool exited with 1',
    ]);
  });

  it('turns the spinner of a running step on a timer', () => {
    const ui = renderInk(<StepList steps={steps} />);
    act(() => vi.advanceTimersByTime(120));
    expect(ui.frame()).toContain(`${spinnerFrames[1]} Write keystore`);
    act(() => vi.advanceTimersByTime(240));
    expect(ui.frame()).toContain(`${spinnerFrames[3]} Write keystore`);
  });

  it('runs no timer without a running step, and clears it when the step ends or the list unmounts', () => {
    const idle = renderInk(<StepList steps={[{ label: 'Wait', state: 'pending' }]} />);
    expect(vi.getTimerCount()).toBe(0);
    idle.unmount();
    const ui = renderInk(<StepList steps={[{ label: 'Write', state: 'running' }]} />);
    expect(vi.getTimerCount()).toBe(1);
    ui.rerender(<StepList steps={[{ label: 'Write', state: 'done' }]} />);
    expect(vi.getTimerCount()).toBe(0);
    ui.rerender(<StepList steps={[{ label: 'Write', state: 'running' }]} />);
    expect(vi.getTimerCount()).toBe(1);
    ui.unmount();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cuts a long detail to the width', () => {
    const ui = renderInk(<StepList steps={[{ label: 'Verify', state: 'failed', detail: 'e'.repeat(200) }]} width={40} />);
    expect(ui.frame().length).toBeLessThanOrEqual(40);
  });
});
