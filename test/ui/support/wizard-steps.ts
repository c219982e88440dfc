import { keys, untilFrame, type RenderedInk } from './ink.js';

/** The wizard's question counter ("step 3 of 14"), or undefined off the questions. */
export const stepOf = (frame: string): string | undefined => /step (\d+) of/.exec(frame)?.[1];

/** A frame that is a stage between two screens (the plan being made), not a place to press a key on. */
const passing = (frame: string): boolean => frame.includes('Planning');

/** Answers the current question: types `text` (if any), presses Enter, and waits for the next question (or the review). */
export async function answer(ink: RenderedInk, text?: string): Promise<void> {
  const before = stepOf(ink.frame());
  if (text !== undefined) await ink.press(text);
  await ink.press(keys.enter);
  await untilFrame(ink, (frame) => (stepOf(frame) !== before || frame.includes('Review:')) && !passing(frame), 'the next question');
}

const KEY_NAMES: Record<string, string> = { [keys.enter]: 'Enter', [keys.escape]: 'Esc', [keys.down]: 'Down', [keys.up]: 'Up' };

/**
 * Presses `key` until the frame shows `heading` (a question's label, "Review:", a screen's title), reading the
 * frame after each press instead of counting presses: a question added or dropped on the way does not make a
 * test answer the wrong one. After each press it waits for the frame to change and settle (no "Planning").
 * Fails after `maxSteps` presses, naming the heading and showing the last frame.
 */
export async function pressUntil(
  ink: RenderedInk,
  heading: string | RegExp,
  options: { key?: string; maxSteps?: number } = {},
): Promise<string> {
  const key = options.key ?? keys.enter;
  const maxSteps = options.maxSteps ?? 30;
  const shows = (frame: string) => (typeof heading === 'string' ? frame.includes(heading) : heading.test(frame));
  const name = KEY_NAMES[key] ?? JSON.stringify(key);
  for (let step = 0; step < maxSteps; step++) {
    const frame = ink.frame();
    if (shows(frame) && !passing(frame)) return frame;
    await ink.press(key);
    await untilFrame(
      ink,
      (next) => (next !== frame && !passing(next)) || shows(next),
      `the frame to change after ${name} (press ${step + 1} on the way to "${String(heading)}")`,
    );
  }
  const last = ink.frame();
  if (shows(last) && !passing(last)) return last;
  throw new Error(`"${String(heading)}" did not show after ${maxSteps} presses of ${name}; last frame:\n${last}`);
}

/** Enter on each question (its default) until the frame shows `heading`. */
export const defaultsUntil = (ink: RenderedInk, heading: string | RegExp, maxSteps?: number): Promise<string> =>
  pressUntil(ink, heading, { key: keys.enter, maxSteps });

/**
 * From the home screen: "Change the truststore" (two down), a copy of the current truststore with the default
 * file name and type, `password` typed and confirmed; it stops at the question of what to import.
 */
export async function toTruststoreImport(ink: RenderedInk, password: string): Promise<void> {
  await ink.press(keys.down, keys.down, keys.enter);
  await untilFrame(ink, (frame) => frame.includes('Change the truststore') && frame.includes('step 1 of'), 'the truststore procedure');
  await answer(ink); // copy-current
  await answer(ink); // file name
  await answer(ink); // type
  await ink.press(password, keys.enter, password);
  await answer(ink);
}
