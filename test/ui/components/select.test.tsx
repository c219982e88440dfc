import { afterEach, describe, expect, it, vi } from 'vitest';
import { Select } from '../../../source/ui/components/select/select.js';
import type { SelectOption } from '../../../source/ui/components/select/use-select.js';
import { keys, renderInk, unmountAll } from '../support/ink.js';

afterEach(unmountAll);

const formats: SelectOption<string>[] = [
  { value: 'jks', label: 'JKS', hint: 'Java KeyStore, what WSO2 ships' },
  { value: 'pkcs12', label: 'PKCS#12', hint: 'The JDK default since Java 9' },
  { value: 'jceks', label: 'JCEKS' },
];

const many: SelectOption<number>[] = Array.from({ length: 12 }, (_, index) => ({ value: index, label: `option-${index}` }));

function highlightedLine(frame: string): string | undefined {
  return frame.split('\n').find((line) => line.includes('>'));
}

describe('Select', () => {
  it('moves with arrows and j/k, selects with Enter, and shows the hint of the highlighted option', async () => {
    const onSelect = vi.fn();
    const ui = renderInk(<Select options={formats} onSelect={onSelect} />);
    expect(highlightedLine(ui.frame())).toContain('JKS');
    expect(ui.frame()).toContain('Java KeyStore, what WSO2 ships');
    await ui.press(keys.down);
    expect(highlightedLine(ui.frame())).toContain('PKCS#12');
    expect(ui.frame()).toContain('The JDK default since Java 9');
    expect(ui.frame()).not.toContain('Java KeyStore');
    await ui.press('j');
    expect(highlightedLine(ui.frame())).toContain('JCEKS');
    await ui.press('k', keys.enter);
    expect(onSelect).toHaveBeenCalledExactlyOnceWith('pkcs12');
  });

  it('wraps around at both ends', async () => {
    const onSelect = vi.fn();
    const ui = renderInk(<Select options={formats} onSelect={onSelect} />);
    await ui.press(keys.up);
    expect(highlightedLine(ui.frame())).toContain('JCEKS');
    await ui.press(keys.down);
    expect(highlightedLine(ui.frame())).toContain('JKS');
  });

  it('jumps with number keys and ignores numbers past the list', async () => {
    const onSelect = vi.fn();
    const ui = renderInk(<Select options={formats} onSelect={onSelect} />);
    await ui.press('3');
    expect(highlightedLine(ui.frame())).toContain('JCEKS');
    await ui.press('9');
    expect(highlightedLine(ui.frame())).toContain('JCEKS');
    await ui.press('1\r');
    expect(onSelect).toHaveBeenCalledWith('jks');
  });

  it('selects with a key and Enter in one chunk', async () => {
    const onSelect = vi.fn();
    const ui = renderInk(<Select options={formats} onSelect={onSelect} />);
    await ui.press('jj\r');
    expect(onSelect).toHaveBeenCalledExactlyOnceWith('jceks');
  });

  it('calls onCancel on Esc', async () => {
    const onSelect = vi.fn();
    const onCancel = vi.fn();
    const ui = renderInk(<Select options={formats} onSelect={onSelect} onCancel={onCancel} />);
    await ui.press(keys.escape);
    expect(onCancel).toHaveBeenCalledOnce();
    expect(onSelect).not.toHaveBeenCalled();
  });

  it('starts on defaultValue', async () => {
    const onSelect = vi.fn();
    const ui = renderInk(<Select options={formats} onSelect={onSelect} defaultValue="jceks" />);
    await ui.press(keys.enter);
    expect(onSelect).toHaveBeenCalledWith('jceks');
  });

  it('shows at most limit rows and scrolls to keep the highlight visible', async () => {
    const onSelect = vi.fn();
    const ui = renderInk(<Select options={many} onSelect={onSelect} limit={5} />);
    const rows = (): string[] => ui.frame().split('\n');
    expect(rows()).toHaveLength(5);
    expect(ui.frame()).toContain('option-4');
    expect(ui.frame()).not.toContain('option-5');
    expect(rows()[4]).toContain('↓');
    await ui.press(...Array.from({ length: 6 }, () => keys.down));
    expect(rows()).toHaveLength(5);
    expect(highlightedLine(ui.frame())).toContain('option-6');
    expect(ui.frame()).not.toContain('option-1 ');
    expect(rows()[0]).toContain('↑');
    await ui.press(keys.up, keys.up, keys.up, keys.up, keys.up, keys.up, keys.up);
    // Wrapped from the first option to the last.
    expect(highlightedLine(ui.frame())).toContain('option-11');
    expect(rows()[4]).toContain('option-11');
    await ui.press(keys.enter);
    expect(onSelect).toHaveBeenCalledWith(11);
  });

  it('reports the highlight as it moves', async () => {
    const onHighlight = vi.fn();
    const ui = renderInk(<Select options={formats} onSelect={() => {}} onHighlight={onHighlight} />);
    await ui.press(keys.down, '3');
    expect(onHighlight.mock.calls).toEqual([['pkcs12'], ['jceks']]);
  });
});
