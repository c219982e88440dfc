import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isProfileId, PROFILE_IDS, type ProfileId } from '../core/profiles.js';
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

/** --profile's value, checked: a product layout, or undefined when the flag was not given (the layout is detected). */
export function profileFlag(value: string | undefined): ProfileId | undefined {
  if (value === undefined || isProfileId(value)) return value;
  const choices = `${PROFILE_IDS.slice(0, -1).join(', ')} or ${PROFILE_IDS.at(-1)}`;
  throw new UserError(`--profile ${value}: not a profile; use ${choices}.`, 'usage');
}
