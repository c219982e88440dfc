import { afterEach, describe, expect, it, vi } from 'vitest';
import { TextInput } from '../../../source/ui/components/text-input/text-input.js';
import { keys, renderInk, unmountAll } from '../support/ink.js';

afterEach(unmountAll);

const required = (value: string): string | undefined => (value.trim() === '' ? 'Enter a value' : undefined);

describe('TextInput', () => {
  it('submits the full text when text and Enter arrive in one chunk', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<TextInput onSubmit={onSubmit} />);
    await ui.press('wso2carbon\r');
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith('wso2carbon');
  });

  it('takes a paste of 40 characters in one chunk', async () => {
    const onSubmit = vi.fn();
    const pasted = 'repository/resources/security/primary.jks'.slice(0, 40);
    const ui = renderInk(<TextInput onSubmit={onSubmit} />);
    await ui.press(pasted);
    expect(ui.frame()).toContain(pasted);
    await ui.press(keys.enter);
    expect(onSubmit).toHaveBeenCalledWith(pasted);
  });

  it('drops what follows Enter in the same chunk', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<TextInput onSubmit={onSubmit} />);
    await ui.press('one\rtwo\r');
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith('one');
  });

  it('edits with backspace, delete, arrows, home and end', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<TextInput onSubmit={onSubmit} />);
    await ui.press('abcd', keys.backspace, keys.left, keys.left, keys.delete, keys.home, 'X', keys.end, 'Y');
    // abcd -> abc -> cursor before b... "a|bc" after two lefts; delete removes b; Home X; End Y.
    await ui.press(keys.enter);
    expect(onSubmit).toHaveBeenCalledWith('XacY');
  });

  it('handles Ctrl-A, Ctrl-E and Ctrl-U', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<TextInput onSubmit={onSubmit} />);
    await ui.press('middle', keys.ctrlA, '<', keys.ctrlE, '>');
    expect(ui.frame()).toContain('<middle>');
    await ui.press(keys.ctrlU, 'new\r');
    expect(onSubmit).toHaveBeenCalledWith('new');
  });

  it('handles Backspace typed in the same chunk as text', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<TextInput onSubmit={onSubmit} />);
    await ui.press('abx\u007Fc\r');
    expect(onSubmit).toHaveBeenCalledWith('abc');
  });

  it('sees every key of chunks that arrive before React renders again', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<TextInput onSubmit={onSubmit} />);
    await ui.pressTogether('a', 'b', keys.backspace, 'c', keys.left, 'x', keys.enter);
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith('axc');
  });

  it('calls onCancel on Esc and does not submit', async () => {
    const onSubmit = vi.fn();
    const onCancel = vi.fn();
    const ui = renderInk(<TextInput onSubmit={onSubmit} onCancel={onCancel} />);
    await ui.press('abc', keys.escape);
    expect(onCancel).toHaveBeenCalledOnce();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('shows the placeholder only while empty, and starts from initialValue', async () => {
    const ui = renderInk(<TextInput onSubmit={() => {}} placeholder="/opt/wso2/mi-4.2.0" />);
    expect(ui.frame()).toContain('/opt/wso2/mi-4.2.0');
    await ui.press('x');
    expect(ui.frame()).not.toContain('/opt/wso2');
    const onSubmit = vi.fn();
    const other = renderInk(<TextInput onSubmit={onSubmit} initialValue="keep" />);
    await other.press('s\r');
    expect(onSubmit).toHaveBeenCalledWith('keeps');
  });

  it('shows validation inline as the value changes and blocks Enter while invalid', async () => {
    const onSubmit = vi.fn();
    const validate = (value: string): string | undefined => (/^\d+$/.test(value) ? undefined : 'Digits only');
    const ui = renderInk(<TextInput onSubmit={onSubmit} validate={validate} />);
    expect(ui.frame()).not.toContain('Digits only');
    await ui.press('12a');
    expect(ui.frame()).toContain('Digits only');
    await ui.press(keys.enter);
    expect(onSubmit).not.toHaveBeenCalled();
    await ui.press(keys.backspace);
    expect(ui.frame()).not.toContain('Digits only');
    await ui.press(keys.enter);
    expect(onSubmit).toHaveBeenCalledWith('12');
  });

  it('hides the message of an empty field until Enter is pressed', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<TextInput onSubmit={onSubmit} validate={required} />);
    expect(ui.frame()).not.toContain('Enter a value');
    await ui.press(keys.enter);
    expect(ui.frame()).toContain('Enter a value');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('ignores keys while inactive', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<TextInput onSubmit={onSubmit} isActive={false} />);
    await ui.press('abc\r');
    expect(onSubmit).not.toHaveBeenCalled();
    expect(ui.frame()).not.toContain('abc');
  });

  it('stays one line high for a value longer than the width, keeping the cursor end visible', async () => {
    const ui = renderInk(<TextInput onSubmit={() => {}} width={20} />);
    await ui.press('0123456789abcdefghijklmnopqrstuvwxyz');
    const lines = ui.frame().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('xyz');
    expect(lines[0]?.length).toBeLessThanOrEqual(20);
  });
});

describe('TextInput without a terminal', () => {
  it('renders inert instead of throwing when stdin cannot enter raw mode', async () => {
    const { render } = await import('ink');
    const { EventEmitter } = await import('node:events');
    const { act } = await import('react');
    const output: string[] = [];
    const stdout = Object.assign(new EventEmitter(), { columns: 80, write: (chunk: string) => output.push(chunk) });
    const stdin = Object.assign(new EventEmitter(), {
      isTTY: false,
      setEncoding() {},
      setRawMode() {
        throw new Error('setRawMode must not be called on a non-TTY stdin');
      },
      ref() {},
      unref() {},
      read: () => null,
    });
    let unmount = (): void => {};
    act(() => {
      const instance = render(<TextInput onSubmit={() => {}} placeholder="path" />, {
        stdout: stdout as unknown as NodeJS.WriteStream,
        stdin: stdin as unknown as NodeJS.ReadStream,
        debug: true,
        patchConsole: false,
      });
      unmount = instance.unmount;
    });
    // Ink shows an error screen in place of the tree when an effect throws.
    expect(output.join('')).not.toContain('Raw mode');
    expect(output.at(-1)).toContain('> path');
    act(() => unmount());
  });
});
