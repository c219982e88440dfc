import { afterEach, describe, expect, it } from 'vitest';
import { Header } from '../../../source/ui/components/header/header.js';
import { KeyHints } from '../../../source/ui/components/key-hints/key-hints.js';
import { fitHints } from '../../../source/ui/components/key-hints/fit-hints.js';
import { renderInk, unmountAll } from '../support/ink.js';

afterEach(unmountAll);

const title = 'ei-keystore: change the primary keystore';

describe('Header', () => {
  it('puts the title left, the step counter and tag right, on one line of the width', () => {
    const frame = renderInk(<Header title={title} tag="SANDBOX" step={{ current: 3, total: 9 }} width={80} />).frame();
    expect(frame.split('\n')).toHaveLength(1);
    expect(frame.startsWith(title)).toBe(true);
    expect(frame.endsWith('step 3 of 9  SANDBOX')).toBe(true);
    expect(frame).toHaveLength(80);
  });

  it('cuts the title, not the counter or tag, when the width is short', () => {
    const frame = renderInk(<Header title={title} tag="SANDBOX" step={{ current: 3, total: 9 }} width={36} />).frame();
    expect(frame.split('\n')).toHaveLength(1);
    expect(frame.length).toBeLessThanOrEqual(36);
    expect(frame.endsWith('step 3 of 9  SANDBOX')).toBe(true);
    expect(frame.startsWith('ei-keyst')).toBe(true);
  });

  it('shows just the title when there is no tag or step', () => {
    expect(renderInk(<Header title="ei-keystore" width={40} />).frame()).toBe('ei-keystore');
  });
});

const hints = [
  { key: 'Enter', label: 'next' },
  { key: 'Esc', label: 'back' },
  { key: 'Ctrl-C', label: 'quit' },
];

describe('KeyHints', () => {
  it('draws the hints on one line', () => {
    expect(renderInk(<KeyHints hints={hints} width={80} />).frame()).toBe('Enter next  Esc back  Ctrl-C quit');
  });

  it('leaves out whole hints that do not fit', () => {
    expect(renderInk(<KeyHints hints={hints} width={32} />).frame()).toBe('Enter next  Esc back');
    expect(fitHints(hints, 33)).toHaveLength(3);
    expect(fitHints(hints, 4)).toEqual([]);
  });
});
