import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

/**
 * keytool through execa. Passwords never travel in argv: callers pass them in `secrets`, which become
 * environment variables named in the arguments with keytool's `:env` suffix (e.g. `-storepass:env EIK_STOREPASS`).
 */
export interface KeytoolResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runKeytool(args: string[], secrets: Record<string, string> = {}): Promise<KeytoolResult> {
  const command = keytoolCommand();
  // execa loads on first use: most commands (and the wizard's first frame) never start keytool.
  const { execa } = await import('execa');
  try {
    const result = await execa(command, ['-J-Duser.language=en', '-J-Duser.country=US', ...args], {
      env: { ...secrets },
      extendEnv: true,
      reject: false,
      stdin: 'ignore',
    });
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 1 };
  } catch (error) {
    throw keytoolMissing(error);
  }
}

function keytoolCommand(): string {
  const javaHome = process.env.JAVA_HOME;
  return javaHome ? `${javaHome}/bin/keytool` : 'keytool';
}

function keytoolMissing(cause: unknown): UserError {
  const detail = cause instanceof Error ? ` (${cause.message.split('\n')[0]})` : '';
  return new UserError(
    `keytool could not be run${detail}. Install a JDK or JRE, then set JAVA_HOME to it or put its bin directory on PATH.`,
    'keytool-missing',
  );
}

export interface KeytoolListing {
  alias: string;
  kind: 'private-key' | 'trusted-certificate' | 'secret-key';
  /** Upper-case hex SHA-256 fingerprint of the entry's certificate (the leaf for a key entry). */
  sha256?: string;
  chainLength?: number;
}

/** Parses `keytool -list -v` into entries; with `-J-Duser.language=en` the labels are stable. */
export function parseKeytoolList(stdout: string): KeytoolListing[] {
  const entries: KeytoolListing[] = [];
  let current: KeytoolListing | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    const alias = /^Alias name: (.*)$/.exec(line);
    if (alias) {
      current = { alias: alias[1]!, kind: 'trusted-certificate' };
      entries.push(current);
      continue;
    }
    if (!current) continue;
    const type = /^Entry type: (\w+)/.exec(line);
    if (type) {
      const name = type[1]!;
      current.kind = name === 'PrivateKeyEntry' ? 'private-key' : name === 'SecretKeyEntry' ? 'secret-key' : 'trusted-certificate';
      continue;
    }
    const chain = /^Certificate chain length: (\d+)/.exec(line);
    if (chain) current.chainLength = Number(chain[1]);
    const sha = /^\s*SHA256: ([0-9A-F:]+)/.exec(line);
    if (sha && current.sha256 === undefined) current.sha256 = sha[1]!.replaceAll(':', '');
  }
  return entries;
}

/** Lists a keystore with keytool; the store password goes through the environment. */
export async function keytoolList(file: string, storePassword: string, storeType?: string): Promise<KeytoolListing[]> {
  const args = ['-list', '-v', '-keystore', file, '-storepass:env', 'EIK_STOREPASS'];
  if (storeType) args.push('-storetype', storeType);
  const result = await runKeytool(args, { EIK_STOREPASS: storePassword });
  if (result.exitCode !== 0) {
    throw new UserError(
      `keytool could not list ${file}: ${(result.stdout + result.stderr).trim().split('\n').pop()}`,
      'keytool-failed',
      EXIT.failed,
    );
  }
  return parseKeytoolList(result.stdout);
}
