import { afterEach, describe, expect, it, vi } from 'vitest';
import { Confirm } from '../../../source/ui/components/confirm/confirm.js';
import { keys, renderInk, unmountAll } from '../support/ink.js';

afterEach(unmountAll);

describe('Confirm', () => {
  it('marks the default and takes it on Enter', async () => {
    const onSubmit = vi.fn();
    const yes = renderInk(<Confirm message="Write these files?" defaultValue onSubmit={onSubmit} />);
    expect(yes.frame()).toBe('Write these files? (Y/n)');
    await yes.press(keys.enter);
    const no = renderInk(<Confirm message="Overwrite?" defaultValue={false} onSubmit={onSubmit} />);
    expect(no.frame()).toBe('Overwrite? (y/N)');
    await no.press(keys.enter);
    expect(onSubmit.mock.calls).toEqual([[true], [false]]);
  });

  it('answers at once on y or n, either case, and ignores other keys', async () => {
    const onSubmit = vi.fn();
    const first = renderInk(<Confirm message="Go?" defaultValue={false} onSubmit={onSubmit} />);
    await first.press('x', keys.down, 'Y');
    const second = renderInk(<Confirm message="Go?" defaultValue onSubmit={onSubmit} />);
    await second.press('n\r');
    expect(onSubmit.mock.calls).toEqual([[true], [false]]);
  });

  it('calls onCancel on Esc', async () => {
    const onSubmit = vi.fn();
    const onCancel = vi.fn();
    const ui = renderInk(<Confirm message="Go?" defaultValue onSubmit={onSubmit} onCancel={onCancel} />);
    await ui.press(keys.escape);
    expect(onCancel).toHaveBeenCalledOnce();
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
