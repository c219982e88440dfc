import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileJavaProgram, compileJavaProgramInto, runJavaProgram, type JavaProgram } from './java-program.js';

/**
 * The start-up check (test/support/startup-check/StartupCheck.java): a JDK-only program that opens a home's
 * keystores as the WSO2 server does at start-up, from its own reading of the configuration. It shares no code
 * with ei-keystore, so it can disagree with it; tests use it as the server's word on a home.
 */

const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'startup-check', 'StartupCheck.java');
const MAIN_CLASS = 'StartupCheck';

export type StartupProfile = 'ei-7' | 'mi-1.1' | 'mi-1.2' | 'mi-4';

export interface KeyRoleResult {
  role: 'primary' | 'internal';
  /** The table read, or the carbon.xml block on versions that hard-code the internal keystore. */
  table: string;
  file: string | null;
  type: string | null;
  /** Told from the file's first bytes: JKS, JCEKS, PKCS12 or unknown. */
  format: string | null;
  alias: string | null;
  storeOpens: boolean;
  keyOpens: boolean;
  chainMatchesKey: boolean;
  keyAlgorithm: string | null;
  /** Java's exception class and message, or the check's own words for an unresolvable value. */
  error: string | null;
  /** Where each key's value came from: "config", "default.json", followed $ref chains; never a value. */
  origins: Record<string, string>;
}

export interface TrustRoleResult {
  role: 'truststore';
  table: string;
  file: string | null;
  type: string | null;
  format: string | null;
  storeOpens: boolean;
  trustedCertificates: number;
  error: string | null;
  origins: Record<string, string>;
}

export interface SecretResult {
  alias: string;
  plaintext: boolean;
  /** null for a value still in [plaintext] brackets. */
  decrypts: boolean | null;
  error: string | null;
}

export interface ReferenceResult {
  family: string;
  kind: 'keystore' | 'truststore';
  explicitKeys: string[];
  file: string | null;
  type: string | null;
  storeOpens: boolean;
  keyOpens?: boolean;
  trustedCertificates?: number;
  error: string | null;
  origins: Record<string, string>;
}

export interface StartupCheckResult {
  home: string;
  config?: string;
  profile?: StartupProfile;
  profileFrom?: string;
  defaults?: string;
  date?: string;
  /** Set when the configuration itself cannot be read; nothing else was checked. */
  error?: string;
  roles: [KeyRoleResult, KeyRoleResult, TrustRoleResult] | [];
  secrets: SecretResult[];
  tls: { ok: boolean; keystore: string | null; truststore: string | null; error: string | null } | undefined;
  references: ReferenceResult[];
  /** One line per failure; empty when the server would start. */
  problems: string[];
  serverStarts: boolean;
  /** The program's exit code: 0 when the server would start, 1 when not. */
  exitCode: number;
}

export interface StartupCheckOptions {
  /** The server's environment, for `$env{}` values; nothing of the test runner's own environment leaks in. */
  env?: Record<string, string>;
  /** PKIX validation date, YYYY-MM-DD (shipped certificates have expired). */
  date?: string;
  profile?: StartupProfile;
}

const STARTUP_CHECK: JavaProgram = { source: SOURCE, mainClass: MAIN_CLASS, directoryPrefix: 'ei-keystore-startup-check' };

/** Compiles the check once per process, into the machine's temporary directory (see compileJavaProgramInto). */
export const compileStartupCheck = (): Promise<string> => compileJavaProgram(STARTUP_CHECK);

/** Compiles the check into `root` (see compileJavaProgramInto: racing workers share one complete directory). */
export const compileStartupCheckInto = (root: string): Promise<string> => compileJavaProgramInto(STARTUP_CHECK, root);

/** Runs the check on a home: one JVM, about a second. */
export async function runStartupCheck(home: string, options: StartupCheckOptions = {}): Promise<StartupCheckResult> {
  const args = [home, ...(options.date ? ['--date', options.date] : []), ...(options.profile ? ['--profile', options.profile] : [])];
  const run = await runJavaProgram(STARTUP_CHECK, args, {
    env: options.env,
    jvmOptions: ['-Duser.language=en', '-Duser.country=US'],
    okExitCodes: [0, 1],
    what: `the start-up check on ${home}`,
  });
  let parsed: Partial<StartupCheckResult>;
  try {
    parsed = JSON.parse(run.stdout) as Partial<StartupCheckResult>;
  } catch {
    throw new Error(`the start-up check printed no JSON on ${home}:\n${run.stdout}${run.stderr}`);
  }
  // A configuration that cannot be read stops the check before the roles: those fields are then absent.
  const empty = { roles: [], secrets: [], tls: undefined, references: [] } as const;
  return { ...empty, ...parsed, exitCode: run.exitCode } as StartupCheckResult;
}

/** Fails, with the whole report in the message, unless the server would start on this home. */
export async function expectServerStarts(home: string, options: StartupCheckOptions = {}): Promise<StartupCheckResult> {
  const result = await runStartupCheck(home, options);
  if (result.exitCode !== 0 || !result.serverStarts) {
    throw new Error(`the start-up check says the server would not start on ${home}:\n${JSON.stringify(result, null, 2)}`);
  }
  return result;
}

/** One role of a result, by name; fails when the check did not get as far as the roles. */
export function startupRole<R extends 'primary' | 'internal' | 'truststore'>(
  result: StartupCheckResult,
  role: R,
): R extends 'truststore' ? TrustRoleResult : KeyRoleResult {
  const found = (result.roles as Array<KeyRoleResult | TrustRoleResult>).find((entry) => entry.role === role);
  if (!found) throw new Error(`the start-up check reported no ${role} role:\n${JSON.stringify(result, null, 2)}`);
  return found as R extends 'truststore' ? TrustRoleResult : KeyRoleResult;
}
