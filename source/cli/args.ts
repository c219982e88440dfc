import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors a user can act on: the bad option named, and where to look for the right ones. */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UserError(`${command}: ${message}. See 'ei-keystore ${command} --help'.`, 'usage');
  }
}
