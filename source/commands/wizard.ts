import os from 'node:os';
import path from 'node:path';
import { parseCommandArgs } from '../cli/args.js';
import type { CommandContext } from '../cli/context.js';
import { MAIN_HELP } from '../cli/help.js';
import { UserError } from '../errors.js';
import type { HomeFacts } from '../procedures/facts.js';
import type { WizardSessionOptions } from '../session/session.js';
import { EXIT } from '../exit-codes.js';
import { colourEnabled } from '../core/terminal-style.js';
import { FullScreenTerminal } from '../ui/terminal/full-screen.js';
import { readingFrame } from '../ui/terminal/reading-frame.js';
import { MIN_SCREEN } from '../ui/terminal/screen-size.js';

export function defaultSandboxDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.HOME ?? os.homedir(), '.ei-keystore', 'sandbox');
}

/**
 * `ei-keystore [--home DIR] [--plain] [--sandbox [DIR]] [--dry-run]`: the wizard. Decides the front end before
 * any UI module loads: no terminal is an error pointing at `apply --answers`; --plain, TERM=dumb and small
 * terminals get line-by-line prompts; everything else the Ink screens.
 */
export async function wizardCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('wizard', args, {
    home: { type: 'string' },
    plain: { type: 'boolean' },
    sandbox: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    context.stdout.write(MAIN_HELP);
    return EXIT.ok;
  }
  if (positionals.length > (values.sandbox ? 1 : 0)) {
    throw new UserError(`unknown command '${positionals[0]}'. See 'ei-keystore --help'.`, 'usage');
  }
  const stdout = context.stdout as NodeJS.WriteStream;
  if (!context.stdin.isTTY || !stdout.isTTY) {
    throw new UserError(
      'The wizard needs a terminal, and this session has none (stdin or stdout is not a terminal). For scripts use `ei-keystore apply primary|internal|truststore --answers FILE` (examples in templates/answers/).',
      'no-terminal',
    );
  }
  // Screen readers read line-by-line prompts far better than a redrawn screen (Ink's own switch for them is
  // INK_SCREEN_READER=true).
  const plain =
    values.plain ||
    context.env.TERM === 'dumb' ||
    context.env.INK_SCREEN_READER === 'true' ||
    (stdout.columns ?? 80) < MIN_SCREEN.columns ||
    (stdout.rows ?? 24) < MIN_SCREEN.rows;
  const dryRun = Boolean(values['dry-run']);
  const sandboxDir = values.sandbox ? path.resolve(context.cwd, positionals[0] ?? defaultSandboxDir(context.env)) : undefined;
  // The Ink wizard's first frame (the home screen while the home is read) goes up at once, on the alternate screen,
  // before the home is read and before Ink, React and yoga load; Ink's own first frame then rewrites only the rows
  // that differ. Whatever ends the run before Ink has the screen (an error, a signal), the shell gets its screen
  // back before anything is said.
  const sandbox = sandboxDir !== undefined || (await isSandbox(values.home, context));
  const early = plain ? undefined : earlyFrame(stdout, context, dryRun, sandbox);
  try {
    let home = values.home;
    if (sandboxDir !== undefined) {
      const { createSandbox } = await import('../sandbox/create-sandbox.js');
      home = (await createSandbox(sandboxDir)).home;
    }
    const vaultPassword = await askVaultPassword(home, context, early);
    const session: WizardSessionOptions = {
      ...(vaultPassword !== undefined ? { vaultPassword } : {}),
      home,
      env: context.env,
      cwd: context.cwd,
      now: context.now,
      dryRun,
      keytoolAvailable: await keytoolOnPath(context.env),
      sandbox,
    };
    if (!early) return await runPlainWizard(session, context);
    // chalk reads NO_COLOR only through FORCE_COLOR, and only when it loads: set it before Ink does.
    if (context.env.NO_COLOR !== undefined && context.env.NO_COLOR !== '') process.env.FORCE_COLOR = '0';
    // A terminal is attached (checked above). With CI set, Ink draws nothing until it exits: an interactive session
    // inside a CI-flavoured environment (a CI job's debug shell, a test) would sit on a blank screen.
    for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (process.env[name] !== undefined) process.env[name] = 'false';
    const { runInkWizard } = await import('../ui/run-ink-wizard.js');
    return await runInkWizard({
      ...session,
      stdin: context.stdin,
      stdout,
      stderr: context.stderr as NodeJS.WriteStream,
      terminal: early.terminal,
    });
  } finally {
    early?.close();
  }
}

/** The alternate screen with the first frame on it; `pause` hands the shell's screen back for a prompt, `resume` redraws. */
interface EarlyFrame {
  terminal: FullScreenTerminal;
  pause(): void;
  resume(): void;
  close(): void;
}

function earlyFrame(stdout: NodeJS.WriteStream, context: CommandContext, dryRun: boolean, sandbox: boolean): EarlyFrame {
  const terminal = new FullScreenTerminal(stdout);
  const tag = [sandbox ? 'SANDBOX' : undefined, dryRun ? 'DRY RUN' : undefined].filter(Boolean).join(' ');
  const draw = (): void => {
    terminal.enter();
    terminal.write(
      readingFrame({ columns: terminal.columns, rows: terminal.rows, colour: colourEnabled(stdout, context.env), ...(tag ? { tag } : {}) }),
    );
  };
  const leave = (): void => terminal.leave();
  process.once('exit', leave);
  draw();
  return {
    terminal,
    pause: leave,
    resume: draw,
    close: () => {
      terminal.leave();
      process.off('exit', leave);
    },
  };
}

async function runPlainWizard(session: WizardSessionOptions, context: CommandContext): Promise<number> {
  const stdout = context.stdout as NodeJS.WriteStream;
  const [{ runPlain }, { inquirerPrompts }] = await Promise.all([import('../plain/run-plain.js'), import('../plain/prompts.js')]);
  try {
    return await runPlain({
      ...session,
      prompts: inquirerPrompts({ input: context.stdin, output: stdout }),
      write: (text) => stdout.write(text),
      writeError: (text) => context.stderr.write(text),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') {
      context.stderr.write('Cancelled, nothing was written.\n');
      return EXIT.interrupted;
    }
    throw error;
  }
}

async function isSandbox(home: string | undefined, context: CommandContext): Promise<boolean> {
  const { existsSync } = await import('node:fs');
  const { SANDBOX_MARKER } = await import('../sandbox/create-sandbox.js');
  const dir = home ?? context.env.EI_HOME ?? context.env.MI_HOME ?? context.cwd;
  return existsSync(path.join(path.resolve(context.cwd, dir), SANDBOX_MARKER));
}

async function keytoolOnPath(env: NodeJS.ProcessEnv): Promise<boolean> {
  const { existsSync } = await import('node:fs');
  const candidates = [
    env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'keytool') : undefined,
    ...(env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'keytool')),
  ];
  return candidates.some((candidate) => candidate !== undefined && existsSync(candidate));
}

/**
 * A home that keeps its keystore passwords in the secure vault needs the internal keystore's password before any
 * screen can show or change them. Unless the server's own password files (or nothing) make it unnecessary, it is
 * asked once, here, on its own, saying why; a wrong one is said at once. Enter goes on without it (locked).
 */
async function askVaultPassword(home: string | undefined, context: CommandContext, early?: EarlyFrame): Promise<string | undefined> {
  const [{ loadHomeFacts }, { needsVault, unlockVault }, { findVaultPassword }, { secretsOf }] = await Promise.all([
    import('../procedures/facts.js'),
    import('../vault/unlock.js'),
    import('../vault/vault-password.js'),
    import('../config/resolve.js'),
  ]);
  let facts;
  try {
    facts = loadHomeFacts({ home, env: context.env, cwd: context.cwd, now: context.now });
  } catch (error) {
    if (error instanceof UserError) return undefined; // the wizard itself says what is wrong with the home
    throw error;
  }
  if (!needsVault(facts.resolved)) return undefined;
  const found = await findVaultPassword(facts.located.home, { env: context.env }).catch(() => undefined);
  if (found) {
    // A password file the server will read: asked only when it does not open the vault (a stale file).
    const opens = await unlockVault(facts.located.home, facts.resolved, secretsOf(facts.document.data), found).then(
      () => true,
      () => false,
    );
    if (opens) return undefined;
  }
  // The question is asked on the shell's screen, line by line; the first frame comes back after it.
  early?.pause();
  try {
    return await promptVaultPassword(facts, context);
  } finally {
    early?.resume();
  }
}

async function promptVaultPassword(facts: HomeFacts, context: CommandContext): Promise<string | undefined> {
  const [{ secretAliasesInUse, unlockVault }, { promptSecret }, { secretsOf }] = await Promise.all([
    import('../vault/unlock.js'),
    import('../cli/prompt-secret.js'),
    import('../config/resolve.js'),
  ]);
  const aliases = [...secretAliasesInUse(facts.resolved).keys()].map((alias) => `$secret{${alias}}`).join(', ');
  const stderr = context.stderr as NodeJS.WriteStream;
  const internalFile = path.relative(facts.located.home, facts.resolved.roles.internal.file);
  // Short lines: this is read on an 80-column SSH terminal before any screen is drawn.
  stderr.write(
    [
      'This server keeps its keystore passwords in the secure vault:',
      `  ${aliases}`,
      "To read and change them, type the internal keystore's password once",
      `(${internalFile.startsWith('..') ? facts.resolved.roles.internal.file : internalFile}; kept in memory only).`,
      '',
    ].join('\n'),
  );
  for (let attempt = 0; attempt < 3; attempt++) {
    const typed = await promptSecret('Internal keystore password (Enter to go on without it): ', context.stdin, stderr);
    if (typed === '') return undefined;
    try {
      await unlockVault(facts.located.home, facts.resolved, secretsOf(facts.document.data), {
        store: typed,
        key: typed,
        from: 'the prompt',
      });
      return typed;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      stderr.write(
        `${error.code === 'vault-password-wrong' ? 'That password does not open the internal keystore.' : error.message} Try again.\n`,
      );
    }
  }
  return undefined;
}
