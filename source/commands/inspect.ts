import path from 'node:path';
import { parseCommandArgs } from '../cli/args.js';
import type { CommandContext } from '../cli/context.js';
import { COMMAND_HELP } from '../cli/help.js';
import { obtainPassword } from '../cli/prompt-secret.js';
import { colourEnabled, makeStyle } from '../core/terminal-style.js';
import { UserError } from '../errors.js';
import { describeKeystore } from '../keystore/describe.js';
import { openKeystoreFile } from '../keystore/open.js';
import { jsonText } from '../core/printable.js';
import { inspectJson, writeInspect } from './inspect-render.js';
import { EXIT } from '../exit-codes.js';

export async function inspectCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('inspect', args, {
    'password-env': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    context.stdout.write(COMMAND_HELP.inspect!);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new UserError(`inspect takes one keystore file, got ${positionals.length}. See 'ei-keystore inspect --help'.`, 'usage');
  }
  const file = path.resolve(context.cwd, positionals[0]!);
  const password = await obtainPassword({
    envName: values['password-env'],
    what: file,
    context,
  });
  const { keystore } = await openKeystoreFile(file, password);
  const described = describeKeystore(keystore, context.now);
  if (values.json) {
    context.stdout.write(jsonText(inspectJson(file, described)) + '\n');
  } else {
    const style = makeStyle(colourEnabled(context.stdout, context.env));
    const width = Math.min(100, 'columns' in context.stdout && context.stdout.columns ? context.stdout.columns : 80);
    writeInspect((text) => context.stdout.write(text), file, described, style, width);
  }
  return EXIT.ok;
}
