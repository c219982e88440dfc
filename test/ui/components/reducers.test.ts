import { describe, expect, it } from 'vitest';
import {
  initialTextInputState,
  textInputReducer,
  visibleError,
  visibleSlice,
  type TextInputAction,
} from '../../../source/ui/components/text-input/reducer.js';
import {
  acceptedPassword,
  initialPasswordState,
  passwordReducer,
  type PasswordAction,
  type PasswordState,
} from '../../../source/ui/components/password-input/reducer.js';
import { initialSelectState, selectReducer } from '../../../source/ui/components/select/reducer.js';
import { initialScrollState, positionLabel, scrollReducer, visibleTop } from '../../../source/ui/components/scroll-view/reducer.js';

describe('textInputReducer', () => {
  const run = (actions: TextInputAction[], value = '') => actions.reduce(textInputReducer, initialTextInputState(value));

  it('inserts at the cursor and counts an emoji as one character', () => {
    const state = run([{ type: 'insert', text: 'a🔑c' }, { type: 'left' }, { type: 'backspace' }, { type: 'insert', text: 'b' }]);
    expect(state).toMatchObject({ value: 'abc', cursor: 2 });
  });

  it('keeps the cursor in range at both ends', () => {
    expect(run([{ type: 'left' }, { type: 'backspace' }], '')).toMatchObject({ value: '', cursor: 0 });
    expect(run([{ type: 'right' }, { type: 'delete' }], 'ab')).toMatchObject({ value: 'ab', cursor: 2 });
  });

  it('returns the same state for a key that changes nothing, so nothing re-renders', () => {
    const state = initialTextInputState('x');
    expect(textInputReducer(state, { type: 'end' })).toBe(state);
  });

  it('hides the error of an untouched empty field until a submit attempt', () => {
    const empty = initialTextInputState();
    expect(visibleError(empty, 'Required')).toBeUndefined();
    expect(visibleError(textInputReducer(empty, { type: 'attemptSubmit' }), 'Required')).toBe('Required');
  });

  it('windows a long value around the cursor', () => {
    const chars = Array.from('0123456789');
    expect(visibleSlice(chars, 10, 4)).toEqual({ before: '789', atCursor: ' ', after: '' });
    expect(visibleSlice(chars, 0, 4)).toEqual({ before: '', atCursor: '0', after: '123' });
    expect(visibleSlice(chars, 5, 20)).toEqual({ before: '01234', atCursor: '5', after: '6789' });
  });
});

describe('passwordReducer', () => {
  const type = (state: PasswordState, text: string): PasswordState =>
    passwordReducer(state, { type: 'edit', edit: { type: 'insert', text } });
  const submit = (state: PasswordState, confirm: boolean): [PasswordState, string | undefined] => {
    const action: PasswordAction = { type: 'submit', error: undefined, confirm };
    const after = passwordReducer(state, action);
    return [after, acceptedPassword(state, after, action)];
  };

  it('accepts at once without confirm, and only after two equal entries with it', () => {
    expect(submit(type(initialPasswordState, 'pw'), false)[1]).toBe('pw');
    const [second, none] = submit(type(initialPasswordState, 'pw'), true);
    expect(none).toBeUndefined();
    expect(second).toMatchObject({ stage: 'confirm', first: 'pw', editor: { value: '' } });
    const [mismatched, refused] = submit(type(second, 'px'), true);
    expect(refused).toBeUndefined();
    // Either entry may hold the typo: both are typed again.
    expect(mismatched).toMatchObject({ stage: 'enter', first: '', mismatch: true, editor: { value: '' } });
    const [again] = submit(type(mismatched, 'pw'), true);
    expect(again).toMatchObject({ stage: 'confirm', first: 'pw', mismatch: false });
    expect(submit(type(again, 'pw'), true)[1]).toBe('pw');
  });

  it('accepts an empty first entry at once where empty means "the same as before", and Esc in the second keeps the first', () => {
    const empty: PasswordAction = { type: 'submit', error: undefined, confirm: true, accepted: true };
    expect(acceptedPassword(initialPasswordState, passwordReducer(initialPasswordState, empty), empty)).toBe('');
    const [second] = submit(type(initialPasswordState, 'pw'), true);
    expect(passwordReducer(second, { type: 'back' })).toMatchObject({ stage: 'enter', editor: { value: 'pw' } });
  });

  it('refuses an entry with a validation error', () => {
    const state = type(initialPasswordState, 'pw');
    const action: PasswordAction = { type: 'submit', error: 'too short', confirm: true };
    const after = passwordReducer(state, action);
    expect(after.stage).toBe('enter');
    expect(acceptedPassword(state, after, action)).toBeUndefined();
  });
});

describe('selectReducer', () => {
  const bounds = { count: 10, limit: 3 };

  it('wraps and scrolls the window with the highlight', () => {
    const start = initialSelectState(0, bounds);
    const last = selectReducer(start, { type: 'up', ...bounds });
    expect(last).toEqual({ index: 9, top: 7 });
    expect(selectReducer(last, { type: 'down', ...bounds })).toEqual({ index: 0, top: 0 });
    expect(selectReducer(start, { type: 'jump', index: 5, ...bounds })).toEqual({ index: 5, top: 3 });
    expect(selectReducer(start, { type: 'jump', index: 12, ...bounds })).toBe(start);
  });

  it('survives an empty list', () => {
    const empty = { count: 0, limit: 3 };
    expect(selectReducer(initialSelectState(0, empty), { type: 'down', ...empty })).toEqual({ index: 0, top: 0 });
  });
});

describe('scrollReducer', () => {
  const at = { count: 50, height: 10 };

  it('clamps every move to the lines there are', () => {
    const start = initialScrollState(false);
    expect(scrollReducer(start, { type: 'up', ...at }).top).toBe(0);
    expect(scrollReducer(start, { type: 'end', ...at }).top).toBe(40);
    expect(scrollReducer(scrollReducer(start, { type: 'end', ...at }), { type: 'pageDown', ...at }).top).toBe(40);
    expect(scrollReducer(start, { type: 'pageDown', count: 5, height: 10 }).top).toBe(0);
  });

  it('follows the end only while pinned there', () => {
    const pinned = scrollReducer(initialScrollState(false), { type: 'end', ...at });
    expect(visibleTop(pinned, 80, 10)).toBe(70);
    const unpinned = scrollReducer(pinned, { type: 'up', ...at });
    expect(visibleTop(unpinned, 80, 10)).toBe(39);
  });

  it('labels the position', () => {
    expect(positionLabel(0, 15, 120)).toBe('lines 1-15 of 120');
    expect(positionLabel(0, 0, 0)).toBe('no lines');
  });
});
