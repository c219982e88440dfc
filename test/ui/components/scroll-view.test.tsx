import { afterEach, describe, expect, it } from 'vitest';
import { ScrollView } from '../../../source/ui/components/scroll-view/scroll-view.js';
import { keys, renderInk, unmountAll } from '../support/ink.js';

afterEach(unmountAll);

const lines = Array.from({ length: 120 }, (_, index) => `line ${index + 1}`);

function shown(frame: string): string[] {
  return frame.split('\n').slice(0, -1);
}

function indicator(frame: string): string | undefined {
  return frame.split('\n').at(-1);
}

describe('ScrollView', () => {
  it('shows height lines and where they are', () => {
    const ui = renderInk(<ScrollView lines={lines} height={15} />);
    expect(shown(ui.frame())).toEqual(lines.slice(0, 15));
    expect(indicator(ui.frame())).toBe('lines 1-15 of 120');
  });

  it('moves a line with up and down, never before the first line', async () => {
    const ui = renderInk(<ScrollView lines={lines} height={15} />);
    await ui.press(keys.up);
    expect(indicator(ui.frame())).toBe('lines 1-15 of 120');
    await ui.press(keys.down, keys.down);
    expect(indicator(ui.frame())).toBe('lines 3-17 of 120');
    expect(shown(ui.frame())[0]).toBe('line 3');
    await ui.press(keys.up);
    expect(indicator(ui.frame())).toBe('lines 2-16 of 120');
  });

  it('pages with PgDn and PgUp, keeping one line of overlap, within bounds', async () => {
    const ui = renderInk(<ScrollView lines={lines} height={15} />);
    await ui.press(keys.pageDown);
    expect(indicator(ui.frame())).toBe('lines 15-29 of 120');
    await ui.press(...Array.from({ length: 10 }, () => keys.pageDown));
    expect(indicator(ui.frame())).toBe('lines 106-120 of 120');
    expect(shown(ui.frame()).at(-1)).toBe('line 120');
    await ui.press(keys.pageUp);
    expect(indicator(ui.frame())).toBe('lines 92-106 of 120');
    await ui.press(...Array.from({ length: 10 }, () => keys.pageUp));
    expect(indicator(ui.frame())).toBe('lines 1-15 of 120');
  });

  it('jumps with Home and End', async () => {
    const ui = renderInk(<ScrollView lines={lines} height={10} />);
    await ui.press(keys.end);
    expect(indicator(ui.frame())).toBe('lines 111-120 of 120');
    await ui.press(keys.home);
    expect(indicator(ui.frame())).toBe('lines 1-10 of 120');
  });

  it('cuts long lines to the width instead of wrapping them, so the height stays exact', () => {
    const long = ['x'.repeat(200), 'short', `tab\there${'y'.repeat(100)}`];
    const ui = renderInk(<ScrollView lines={long} height={5} width={40} />);
    const rows = ui.frame().split('\n');
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(40);
    expect(rows[2]).toMatch(/^tab {5}herey/);
  });

  it('removes control sequences a tool could send to the terminal', () => {
    const ui = renderInk(<ScrollView lines={['\u001B[2Jcleared\r', 'bell\u0007']} height={5} />);
    expect(shown(ui.frame())).toEqual(['cleared', 'bell']);
  });

  it('shows short content as it is, and an empty one as such', () => {
    expect(renderInk(<ScrollView lines={['a', 'b']} height={5} />).frame()).toBe('a\nb\nlines 1-2 of 2');
    expect(renderInk(<ScrollView lines={[]} height={5} />).frame()).toBe('no lines');
  });

  it('in follow mode stays at the end as lines arrive, until scrolled up', async () => {
    const ui = renderInk(<ScrollView lines={lines.slice(0, 20)} height={5} follow />);
    expect(indicator(ui.frame())).toBe('lines 16-20 of 20');
    ui.rerender(<ScrollView lines={lines.slice(0, 30)} height={5} follow />);
    expect(indicator(ui.frame())).toBe('lines 26-30 of 30');
    await ui.press(keys.up);
    ui.rerender(<ScrollView lines={lines.slice(0, 40)} height={5} follow />);
    expect(indicator(ui.frame())).toBe('lines 25-29 of 40');
  });

  it('keeps its position in range when the lines shrink', async () => {
    const ui = renderInk(<ScrollView lines={lines} height={10} />);
    await ui.press(keys.end);
    ui.rerender(<ScrollView lines={lines.slice(0, 12)} height={10} />);
    expect(indicator(ui.frame())).toBe('lines 3-12 of 12');
  });
});
