import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULTS_FILE } from '../config/read.js';
import { isProfileId, PROFILE_IDS, PROFILES, SECURITY_DIR, type ProfileId } from '../core/profiles.js';
import { UserError } from '../errors.js';
import { READ_LIMITS, readFileCheckedSync } from '../files/read-file.js';
import { sandboxDefaults } from './default-json.js';
import { makeSandboxKeystores, SANDBOX_KEYSTORE, SANDBOX_TRUSTSTORE } from './keystores.js';
import { SANDBOX_CONFIG_TEMPLATES } from './templates.js';

/** Marks a directory as a sandbox this tool made, and holds its profile: a second run leaves it alone. */
export const SANDBOX_MARKER = '.ei-keystore-sandbox';
export const DEFAULT_SANDBOX_PROFILE: ProfileId = 'mi-4';

export interface SandboxResult {
  /** Absolute path of the sandbox home. */
  home: string;
  profile: ProfileId;
  /** The product files of the home, relative to it, forward slashes. */
  files: string[];
  /** False when `home` already was a sandbox and was left as it is. */
  created: boolean;
}

interface SandboxFile {
  relative: string;
  contents: Buffer | string;
  /** Keystores hold private keys: owner only, as a careful administrator keeps them. */
  mode?: number;
}

const KEYSTORE_MODE = 0o600;

function checkProfile(profile: string): ProfileId {
  if (!isProfileId(profile)) {
    throw new UserError(`'${profile}' is not a sandbox profile; use one of ${PROFILE_IDS.join(', ')}.`, 'usage');
  }
  return profile;
}

const KEYSTORE_FILE = `${SECURITY_DIR}/${SANDBOX_KEYSTORE}`;
const TRUSTSTORE_FILE = `${SECURITY_DIR}/${SANDBOX_TRUSTSTORE}`;

/** The product files a sandbox of this profile has, in the order they are written and listed. */
export function sandboxFileNames(profile: ProfileId): string[] {
  return [PROFILES[profile].configFile, ...(sandboxDefaults(profile) ? [DEFAULTS_FILE] : []), KEYSTORE_FILE, TRUSTSTORE_FILE];
}

type DirState = { kind: 'missing' } | { kind: 'empty' } | { kind: 'sandbox'; profile: ProfileId } | { kind: 'occupied' };

function fsCode(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : 'unknown error';
}

function inspectDir(home: string): DirState {
  let entries: string[];
  try {
    if (!statSync(home).isDirectory()) {
      throw new UserError(`${home} exists and is not a directory. Choose a new or empty directory for the sandbox.`, 'sandbox-not-empty');
    }
    entries = readdirSync(home);
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (fsCode(error) === 'ENOENT') return { kind: 'missing' };
    throw new UserError(`${home} cannot be read (${fsCode(error)}). Choose a directory you may read and write.`, 'sandbox-unreadable');
  }
  if (entries.length === 0) return { kind: 'empty' };
  if (!entries.includes(SANDBOX_MARKER)) return { kind: 'occupied' };
  const marked = readFileCheckedSync(path.join(home, SANDBOX_MARKER), { what: 'sandbox marker', limit: READ_LIMITS.state, home })
    .bytes.toString('utf8')
    .trim();
  if (!isProfileId(marked)) {
    throw new UserError(
      `${home} has a ${SANDBOX_MARKER} file that names no profile ('${marked.slice(0, 40)}'). Remove the directory and run again.`,
      'sandbox-marker-invalid',
    );
  }
  return { kind: 'sandbox', profile: marked };
}

async function sandboxContents(profile: ProfileId, now: Date): Promise<SandboxFile[]> {
  const { keystore, truststore } = await makeSandboxKeystores(now);
  const defaults = sandboxDefaults(profile);
  return [
    { relative: PROFILES[profile].configFile, contents: SANDBOX_CONFIG_TEMPLATES[profile] },
    ...(defaults ? [{ relative: DEFAULTS_FILE, contents: JSON.stringify(defaults, null, 2) + '\n' }] : []),
    { relative: KEYSTORE_FILE, contents: keystore, mode: KEYSTORE_MODE },
    { relative: TRUSTSTORE_FILE, contents: truststore, mode: KEYSTORE_MODE },
  ];
}

/** Writes every file, the marker last; on any failure removes what it wrote, so no half sandbox is left. */
function writeSandbox(home: string, files: SandboxFile[], profile: ProfileId, existed: boolean): void {
  let firstCreated: string | undefined;
  try {
    firstCreated = mkdirSync(home, { recursive: true });
    const marker: SandboxFile = { relative: SANDBOX_MARKER, contents: `${profile}\n` };
    for (const file of [...files, marker]) {
      const target = path.join(home, file.relative);
      mkdirSync(path.dirname(target), { recursive: true });
      // 'wx': never overwrite a file someone else put there meanwhile.
      writeFileSync(target, file.contents, { flag: 'wx', ...(file.mode !== undefined ? { mode: file.mode } : {}) });
      if (file.mode !== undefined) chmodSync(target, file.mode); // whatever the umask
    }
  } catch (error) {
    // The directory was missing or empty before: everything in it now is ours.
    if (firstCreated !== undefined) rmSync(firstCreated, { recursive: true, force: true });
    else if (existed) for (const entry of readdirSync(home)) rmSync(path.join(home, entry), { recursive: true, force: true });
    throw new UserError(
      `The sandbox could not be written in ${home} (${fsCode(error)}); nothing was left there. Choose a directory you may write.`,
      'sandbox-write-failed',
    );
  }
}

/**
 * Makes `dir` a stand-in for a WSO2 home of the given profile: its configuration as that version ships it, the
 * keystore keys of its default.json, and new keystores under the shipped names and password. A directory that
 * already is a sandbox is left untouched (created: false); any other non-empty directory is refused.
 */
export async function createSandbox(
  dir: string,
  profile: ProfileId = DEFAULT_SANDBOX_PROFILE,
  now: Date = new Date(),
): Promise<SandboxResult> {
  const chosen = checkProfile(profile);
  const home = path.resolve(dir);
  const state = inspectDir(home);
  if (state.kind === 'sandbox') {
    const files = sandboxFileNames(state.profile).filter((file) => existsSync(path.join(home, file)));
    return { home, profile: state.profile, files, created: false };
  }
  if (state.kind === 'occupied') {
    throw new UserError(
      `${home} is not empty and is not a sandbox made by ei-keystore; refusing to write into it. Choose a new or empty directory.`,
      'sandbox-not-empty',
    );
  }
  // Keys are made before anything is written: a failure here leaves the disk as it was.
  const files = await sandboxContents(chosen, now);
  writeSandbox(home, files, chosen, state.kind === 'empty');
  return { home, profile: chosen, files: files.map((file) => file.relative), created: true };
}
