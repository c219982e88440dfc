import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with errors a user can act on: the bad option named, and where to look for the right ones. */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's message goes on about positional arguments after '--'; its first sentence is the useful part.
    const message = (error instanceof Error ? error.message.split('\n')[0]! : String(error)).split(/\. (?=[A-Z])/)[0]!.replace(/\.$/, '');
    // The wizard is the tool without a command: its options are in the main help.
    const help = command === 'wizard' ? 'ei-keystore --help' : `ei-keystore ${command} --help`;
    throw new UserError(`${command === 'wizard' ? '' : `${command}: `}${message}. See '${help}'.`, 'usage');
  }
}
