import { Text, useInput } from 'ink';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { keys, renderInk, unmountAll } from './support/ink.js';
import { pressUntil } from './support/wizard-steps.js';

afterEach(() => unmountAll());

/** A screen that moves to "Question N+1" on each Enter, and shows "Review:" after `questions` of them. */
function Questions({ questions }: { questions: number }) {
  const [at, setAt] = useState(1);
  useInput((_input, key) => {
    if (key.return) setAt((current) => current + 1);
  });
  return <Text>{at > questions ? 'Review: done' : `Question ${at}`}</Text>;
}

describe('pressUntil (the wizard tests answer by reading the frame, not by counting)', () => {
  it('presses Enter until the heading shows, however many questions come first', async () => {
    for (const questions of [0, 3, 7]) {
      const ink = renderInk(<Questions questions={questions} />);
      expect(await pressUntil(ink, 'Review:')).toBe('Review: done');
      ink.unmount();
    }
  });

  it('fails after its bound, naming the heading, the key and the last frame', async () => {
    const ink = renderInk(<Questions questions={10} />);
    await expect(pressUntil(ink, 'Review:', { maxSteps: 4 })).rejects.toThrow(
      '"Review:" did not show after 4 presses of Enter; last frame:\nQuestion 5',
    );
    await expect(pressUntil(ink, 'Question 7', { key: keys.enter, maxSteps: 2 })).resolves.toBe('Question 7');
  });
});
