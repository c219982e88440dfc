import packageJson from '../package.json' with { type: 'json' };
import type { CommandContext } from './cli/context.js';
import { processContext, withStdout } from './cli/context.js';
import { directOutput, outputFor } from './cli/direct-output.js';
import { MAIN_HELP } from './cli/help.js';
import { printableLines } from './core/printable.js';
import { isUserError, UserError } from './errors.js';
import { fileSystemUserError, isFileSystemError } from './files/file-errors.js';
import { EXIT } from './exit-codes.js';

/** `stream` with its writes noticed, everything else (isTTY, columns, ...) as it is. */
function noticingWrites<T extends CommandContext['stdout']>(stream: T, onWrite: () => void): T {
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') {
        return (...args: unknown[]) => {
          onWrite();
          return (target.write as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * argv -> command, with two promises kept for every command: an error a user or a file can cause (a file-system
 * error that escaped its caller included) is a UserError, never "this is a bug"; and under --json stdout gets
 * one JSON document even when the command fails before printing its own.
 */
export async function runCli(argv: string[], context: CommandContext): Promise<number> {
  const json = argv.includes('--json') && !argv.includes('--help') && !argv.includes('-h');
  let printed = false;
  const tracked: CommandContext = json
    ? withStdout(
        context,
        noticingWrites(context.stdout, () => (printed = true)),
      )
    : context;
  try {
    return await dispatch(argv, tracked);
  } catch (caught) {
    const error = isFileSystemError(caught) ? fileSystemUserError(caught) : caught;
    if (json && !printed) {
      const document = isUserError(error)
        ? { error: { code: error.code, exitCode: error.exitCode, message: error.message } }
        : { error: { code: 'internal-error', exitCode: EXIT.failed, message: error instanceof Error ? error.message : String(error) } };
      context.stdout.write(JSON.stringify(document, null, 2) + '\n');
    }
    throw error;
  }
}

/**
 * Each command is imported only when chosen, so `inspect` and `status` never load Ink, React or node-forge
 * unless they need them.
 */
async function dispatch(argv: string[], context: CommandContext): Promise<number> {
  const [first, ...rest] = argv;
  const fixed = fixedOutput(first);
  if (fixed !== undefined) {
    context.stdout.write(fixed);
    return EXIT.ok;
  }
  switch (first) {
    case 'inspect':
      return (await import('./commands/inspect.js')).inspectCommand(rest, context);
    case 'status':
      return (await import('./commands/status.js')).statusCommand(rest, context);
    case 'apply':
      return (await import('./commands/apply.js')).applyCommand(rest, context);
    case 'sandbox':
      return (await import('./commands/sandbox.js')).sandboxCommand(rest, context);
    case 'restore':
      return (await import('./commands/restore.js')).restoreCommand(rest, context);
    case 'check-tls':
      return (await import('./commands/check-tls.js')).checkTlsCommand(rest, context);
    case 'export':
      return (await import('./commands/export.js')).exportCommand(rest, context);
    default:
      // No command, or only options (--home, --plain, --sandbox): the wizard.
      if (first === undefined || first.startsWith('-')) return (await import('./commands/wizard.js')).wizardCommand(argv, context);
      throw new UserError(`unknown command '${first}'. See 'ei-keystore --help'.`, 'usage');
  }
}

/** What `--version` and `--help` print, whatever follows them; undefined for every other command. */
function fixedOutput(first: string | undefined): string | undefined {
  if (first === '--version' || first === '-v') return `${packageJson.version}\n`;
  if (first === '--help' || first === '-h' || first === 'help') return MAIN_HELP;
  return undefined;
}

/**
 * A reader that goes away (`inspect --json | head`, a closed SSH channel) is not an error: once stdout or stderr
 * reports EPIPE, further writes to it are dropped, so the command ends as it would have, quietly, with no stack
 * trace (and a change in progress still finishes or rolls back).
 */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    stream.write = (() => true) as typeof stream.write;
  });
}

/**
 * process.stdout or process.stderr gets quietOnClosedPipe when it is first made, by whoever makes it (a command
 * writing to a terminal, Node printing a warning, the apply guard), without making it before: over a pipe that
 * costs the net and stream modules (cli/direct-output.ts).
 */
function quietWhenMade(name: 'stdout' | 'stderr'): void {
  const made = Object.getOwnPropertyDescriptor(process, name);
  if (!made?.get || !made.configurable) {
    quietOnClosedPipe(process[name]);
    return;
  }
  let stream: NodeJS.WriteStream | undefined;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: made.enumerable,
    get() {
      if (!stream) {
        stream = made.get!.call(process) as NodeJS.WriteStream;
        quietOnClosedPipe(stream);
      }
      return stream;
    },
  });
}

export async function main(): Promise<void> {
  quietWhenMade('stdout');
  quietWhenMade('stderr');
  const fixed = fixedOutput(process.argv[2]);
  if (fixed !== undefined) {
    // Not through process.stdout even on a terminal: creating that stream loads Node's stream (and, on a pipe,
    // net) modules, ~15 ms, a third of what `--version` costs beyond Node's own start.
    directOutput(1, () => process.stdout).write(fixed);
    process.exitCode = EXIT.ok;
    return;
  }
  const context = processContext(
    outputFor(1, () => process.stdout),
    outputFor(2, () => process.stderr),
  );
  let code: number;
  try {
    code = await runCli(process.argv.slice(2), context);
  } catch (error) {
    code = reportError(error, context);
  }
  process.exitCode = code;
  // Left to end by itself, Node would now free its heap piece by piece (~6 ms of inspect); exit at once instead,
  // unless bytes written to a stream are still queued (Node writes a pipe asynchronously once it is full, and
  // process.exit would drop them). After the ticks already queued: a warning is printed on the next one.
  if (allWritten(context.stdout) && allWritten(context.stderr)) process.nextTick(() => process.exit(code));
}

/** Whether everything written to `output` has left the process (it holds no queued bytes). */
function allWritten(output: CommandContext['stdout']): boolean {
  const queued = (output as { writableLength?: number }).writableLength;
  return queued === undefined || queued === 0;
}

function reportError(error: unknown, context: CommandContext): number {
  if (isUserError(error)) {
    // Messages quote aliases, names and paths from files a hostile home may have planted: never raw to the terminal.
    context.stderr.write(`ei-keystore: ${printableLines(error.message)}\n`);
    return error.exitCode;
  }
  // Not the user's mistake: a bug. Say so, and keep the stack for the report.
  const detail = error instanceof Error ? (context.env.EI_KEYSTORE_DEBUG ? error.stack : error.message) : String(error);
  context.stderr.write(
    `ei-keystore: internal error: ${printableLines(detail ?? '')}\nThis is a bug in ei-keystore; set EI_KEYSTORE_DEBUG=1 for details and report it.\n`,
  );
  return EXIT.failed;
}
