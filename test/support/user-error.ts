import { UserError } from '../../source/errors.js';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/**
 * Runs `action` and returns the error it throws when it is a `type` (a UserError unless told): a test of a
 * refusal then checks its code and message. Another error is rethrown as it is (with its stack), and no error at
 * all fails the test, saying `what` should have been refused.
 */
export function thrownError<E extends Error = UserError>(
  action: () => unknown,
  type: ErrorClass<E> = UserError as unknown as ErrorClass<E>,
  what = 'the action',
): E {
  try {
    action();
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected ${what} to throw a ${type.name}, but it returned`);
}

/** thrownError for a promise: the error it rejects with, when it is a `type` (a UserError unless told). */
export async function rejectedError<E extends Error = UserError>(
  promise: Promise<unknown>,
  type: ErrorClass<E> = UserError as unknown as ErrorClass<E>,
  what = 'the promise',
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected ${what} to reject with a ${type.name}, but it resolved`);
}
