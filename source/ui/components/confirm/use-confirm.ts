import { useKeys } from '../keys/use-keys.js';
import { useLatest } from '../shared/use-latest.js';

export type UseConfirmOptions = {
  readonly onSubmit: (answer: boolean) => void;
  readonly onCancel?: () => void;
  /** The answer Enter gives. */
  readonly defaultValue: boolean;
  readonly isActive?: boolean;
};

/** The answer typed text gives: y or n answer at once, anything else is no answer. */
export function answerOf(text: string): boolean | undefined {
  const first = text.trim().charAt(0).toLowerCase();
  if (first === 'y') return true;
  if (first === 'n') return false;
  return undefined;
}

export function useConfirm(options: UseConfirmOptions): void {
  const latest = useLatest(options);
  useKeys(
    (key) => {
      if (key.name === 'escape') {
        latest.current.onCancel?.();
        return 'stop';
      }
      const answer = key.name === 'enter' ? latest.current.defaultValue : key.name === 'text' ? answerOf(key.text) : undefined;
      if (answer === undefined) return;
      latest.current.onSubmit(answer);
      return 'stop';
    },
    { isActive: options.isActive ?? true },
  );
}
