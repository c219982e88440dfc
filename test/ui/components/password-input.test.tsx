import { afterEach, describe, expect, it, vi } from 'vitest';
import { PasswordInput } from '../../../source/ui/components/password-input/password-input.js';
import { keys, renderInk, stripAnsi, unmountAll } from '../support/ink.js';

afterEach(unmountAll);

const secret = 'Zq7-ultraviolet';

function expectNeverShown(frames: readonly string[], password: string): void {
  expect(frames.length).toBeGreaterThan(0);
  for (const frame of frames) {
    const text = stripAnsi(frame);
    expect(text).not.toContain(password);
    // Not even a fragment long enough to give it away.
    expect(text).not.toContain(password.slice(0, 4));
  }
}

describe('PasswordInput', () => {
  it('shows one mask per character and never the password, in any frame', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<PasswordInput onSubmit={onSubmit} />);
    await ui.press('Zq7', '-ultra', keys.left, keys.backspace, 'r', keys.end, 'violet');
    expect(ui.frame()).toContain('*'.repeat(secret.length));
    await ui.press(keys.enter);
    expect(onSubmit).toHaveBeenCalledWith(secret);
    expectNeverShown(ui.frames, secret);
  });

  it('submits a pasted password with its Enter in one chunk', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<PasswordInput onSubmit={onSubmit} />);
    await ui.press(`${secret}\r`);
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith(secret);
    expectNeverShown(ui.frames, secret);
  });

  it('refuses a password shorter than minLength, with a message', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<PasswordInput onSubmit={onSubmit} minLength={6} />);
    expect(ui.frame()).not.toContain('at least 6');
    await ui.press('abc');
    expect(ui.frame()).toContain('Use at least 6 characters');
    await ui.press(keys.enter);
    expect(onSubmit).not.toHaveBeenCalled();
    await ui.press('def');
    expect(ui.frame()).not.toContain('at least 6');
    await ui.press(keys.enter);
    expect(onSubmit).toHaveBeenCalledWith('abcdef');
  });

  it('asks twice in confirm mode and accepts two equal entries', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<PasswordInput onSubmit={onSubmit} confirm />);
    await ui.press(`${secret}\r`);
    expect(onSubmit).not.toHaveBeenCalled();
    expect(ui.frame()).toContain('Type it again');
    expect(ui.frame()).not.toContain('*');
    await ui.press(`${secret}\r`);
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith(secret);
    expectNeverShown(ui.frames, secret);
  });

  it('takes both entries of confirm mode from one chunk', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<PasswordInput onSubmit={onSubmit} confirm />);
    await ui.press(`${secret}\r${secret}\r`);
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith(secret);
  });

  it('says the passwords do not match and asks for both again (the first entry may be the typo)', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<PasswordInput onSubmit={onSubmit} confirm minLength={4} />);
    await ui.press(`Zq7-ultraviolat\r`, `${secret}\r`);
    expect(onSubmit).not.toHaveBeenCalled();
    expect(ui.frame()).toContain('The passwords do not match: type the password again');
    expect(ui.frame()).not.toContain('*');
    // The first entry is asked again: the right password twice is accepted.
    await ui.press(`${secret}\r`);
    expect(ui.frame()).toContain('Type it again');
    await ui.press(`${secret}\r`);
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith(secret);
    expectNeverShown(ui.frames, secret);
  });

  it('goes back to the first entry, as typed, on Esc during the second, and cancels on Esc during the first', async () => {
    const onSubmit = vi.fn();
    const onCancel = vi.fn();
    const ui = renderInk(<PasswordInput onSubmit={onSubmit} onCancel={onCancel} confirm />);
    await ui.press('first\r', 'fir', keys.escape);
    expect(onCancel).not.toHaveBeenCalled();
    expect(ui.frame()).not.toContain('Type it again');
    expect(ui.frame()).toContain('*****');
    await ui.press(keys.ctrlU, 'second\r', 'second\r');
    expect(onSubmit).toHaveBeenCalledWith('second');
    const other = renderInk(<PasswordInput onSubmit={onSubmit} onCancel={onCancel} confirm />);
    await other.press('abc', keys.escape);
    expect(onCancel).toHaveBeenCalledOnce();
  });

  it('an optional new password: Enter on the empty field is the answer, with no "Type it again"', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(<PasswordInput onSubmit={onSubmit} confirm emptyMeansDefault placeholder="Enter: the same as before" />);
    await ui.press(keys.enter);
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith('');
    for (const frame of ui.frames) expect(stripAnsi(frame)).not.toContain('Type it again');
  });

  it('a warning about the first entry is shown while it is typed again, and does not refuse it', async () => {
    const onSubmit = vi.fn();
    const ui = renderInk(
      <PasswordInput onSubmit={onSubmit} confirm warn={(value) => (value === 'wso2carbon' ? 'shipped password' : undefined)} />,
    );
    await ui.press('wso2carbon\r');
    expect(ui.frame()).toContain('shipped password');
    await ui.press('wso2carbon\r');
    expect(onSubmit).toHaveBeenCalledExactlyOnceWith('wso2carbon');
  });
});
