import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.js';
import { explainErrno } from '../files/file-errors.js';

export type HomeSource = '--home' | 'EI_HOME' | 'MI_HOME' | 'cwd';

export const EI_CONFIG = 'conf/ei.toml';
export const MI_CONFIG = 'conf/deployment.toml';

export interface ConfigLocation {
  /** Absolute path of the configuration file. */
  path: string;
  /** Relative to the home, forward slashes. */
  relative: typeof EI_CONFIG | typeof MI_CONFIG;
  /** 'ei' for the document's conf/ei.toml layout, 'mi' for a Micro Integrator's conf/deployment.toml. */
  kind: 'ei' | 'mi';
  /** Set when both files exist: which one was chosen and why, for the UI to show. */
  note?: string;
}

export interface LocatedHome {
  home: string;
  from: HomeSource;
  config: ConfigLocation;
}

export interface LocateInput {
  /** The value of --home, if given. */
  home?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const OPTIONS_HINT = 'Pass --home DIR, or set EI_HOME or MI_HOME, or run the tool from the server home';

/**
 * Whether a configuration file is at `file`. A directory of that name is not one; anything else is, so that a
 * FIFO, a device or a dangling link is refused by the reader with its kind named instead of "has no configuration".
 */
function isFile(file: string): boolean {
  try {
    if (lstatSync(file).isDirectory()) return false;
  } catch {
    return false;
  }
  try {
    return !statSync(file).isDirectory();
  } catch {
    return true; // a dangling link
  }
}

/** The configuration file of a home, or undefined when it has neither conf/ei.toml nor conf/deployment.toml. */
export function findConfig(home: string): ConfigLocation | undefined {
  const ei = path.join(home, EI_CONFIG);
  const mi = path.join(home, MI_CONFIG);
  const hasEi = isFile(ei);
  const hasMi = isFile(mi);
  if (hasMi && hasEi) {
    // Every shipped product reads deployment.toml; ei.toml exists only in the source document's layout.
    return {
      path: mi,
      relative: MI_CONFIG,
      kind: 'mi',
      note: `Both ${EI_CONFIG} and ${MI_CONFIG} exist in ${home}; using ${MI_CONFIG}, the file the Micro Integrator reads.`,
    };
  }
  if (hasMi) return { path: mi, relative: MI_CONFIG, kind: 'mi' };
  if (hasEi) return { path: ei, relative: EI_CONFIG, kind: 'ei' };
  return undefined;
}

/**
 * The server home: --home, else $EI_HOME, else $MI_HOME, else the current directory when it holds a
 * configuration. An explicitly named home without a configuration is an error, not a reason to look further:
 * silently configuring another server would be worse.
 */
export function locateHome(input: LocateInput): LocatedHome {
  const named = namedHome(input);
  if (named) {
    const home = path.resolve(input.cwd, named.value);
    const config = findConfig(home);
    if (!config) throw missingConfig(home, named.from);
    return { home, from: named.from, config };
  }
  const home = path.resolve(input.cwd);
  const config = findConfig(home);
  if (config) return { home, from: 'cwd', config };
  throw new UserError(
    `No WSO2 server home found: --home was not given, EI_HOME and MI_HOME are not set, and the current directory ` +
      `(${home}) has no ${EI_CONFIG} or ${MI_CONFIG}. ${OPTIONS_HINT}.`,
    'home-not-found',
  );
}

function namedHome(input: LocateInput): { value: string; from: HomeSource } | undefined {
  // An empty variable is treated as unset, as shells commonly leave them.
  if (input.home !== undefined && input.home !== '') return { value: input.home, from: '--home' };
  const ei = input.env.EI_HOME;
  if (ei) return { value: ei, from: 'EI_HOME' };
  const mi = input.env.MI_HOME;
  if (mi) return { value: mi, from: 'MI_HOME' };
  return undefined;
}

/** Why a home shows no configuration: it is not there, or it cannot be looked into. */
function whyNoConfig(home: string): string {
  try {
    readdirSync(path.join(home, 'conf'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `cannot be read (${explainErrno(error)})`;
  }
  return existsSync(home) ? `has no ${EI_CONFIG} or ${MI_CONFIG}` : 'does not exist';
}

function missingConfig(home: string, from: HomeSource): UserError {
  const given = from === '--home' ? '--home' : `$${from}`;
  const what = whyNoConfig(home);
  return new UserError(
    `The server home given by ${given} (${home}) ${what}. ${OPTIONS_HINT} ` +
      `(--home, EI_HOME, MI_HOME: the directory that contains conf/).`,
    'config-missing',
  );
}
