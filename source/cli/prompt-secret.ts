import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import type { CommandContext } from './context.js';

/**
 * Reads a password from the terminal without echoing it (one '*' per character). Used by the plain commands;
 * the wizard has its own input. Ctrl-C cancels with exit 130.
 */
export function promptSecret(
  question: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    output.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const finish = () => {
      input.setRawMode(false);
      input.pause();
      input.removeListener('data', onData);
      output.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new UserError('Cancelled, nothing was written.', 'cancelled', EXIT.interrupted));
          return;
        }
        if (char === '\u007f' || char === '\b') {
          if (value.length > 0) {
            value = Array.from(value).slice(0, -1).join('');
            output.write('\b \b');
          }
          continue;
        }
        if (char < ' ') continue;
        value += char;
        output.write('*');
      }
    };
    input.on('data', onData);
  });
}

/**
 * A password for a command: from the named environment variable, else a masked prompt on a terminal, else
 * an error saying how to pass it. Never from argv. `context.stdin` is read only for the prompt: creating
 * process.stdin loads Node's stream modules, which a password from the environment does not need.
 */
export async function obtainPassword(options: {
  envName?: string;
  what: string;
  context: Pick<CommandContext, 'env' | 'stdin' | 'stderr'>;
}): Promise<string> {
  const { context } = options;
  if (options.envName !== undefined) {
    const value = context.env[options.envName];
    if (value === undefined) {
      throw new UserError(`--password-env ${options.envName}: that environment variable is not set; export it first.`, 'env-unset');
    }
    return value;
  }
  if (context.stdin.isTTY && context.stderr.isTTY) {
    return promptSecret(`Password for ${options.what}: `, context.stdin, context.stderr as NodeJS.WriteStream);
  }
  throw new UserError(
    `${options.what}: a password is needed and there is no terminal to ask on. Put it in an environment variable and pass its name: --password-env NAME`,
    'password-needed',
  );
}
