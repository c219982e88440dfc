import { lstat, stat } from 'node:fs/promises';
import type { RoleCheck } from './check-keystore.js';
import type { Finding } from './finding.js';
import type { KeystoreRole } from '../answers/types.js';

/** Who besides the owner may read a file with this mode, in words; undefined when nobody may. */
function readers(mode: number): string | undefined {
  const group = (mode & 0o040) !== 0;
  const others = (mode & 0o004) !== 0;
  if (group && others) return 'its group and every other user';
  if (group) return 'its group';
  if (others) return 'every other user';
  return undefined;
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

async function modeOf(file: string, follow: boolean): Promise<number | undefined> {
  try {
    const info = follow ? await stat(file) : await lstat(file);
    return info.isFile() ? info.mode : undefined;
  } catch {
    return undefined;
  }
}

export interface PermissionInput {
  checks: Record<KeystoreRole, RoleCheck>;
  /** Roles whose keystore is the primary's file: said once. */
  sameAsPrimary: ReadonlySet<KeystoreRole>;
  configFile: string;
  /** What in the configuration is a password in plain text ("[keystore.tls] password"), empty when nothing is. */
  plaintextPasswords: string[];
}

/**
 * `keystore-world-readable`: a private key, or passwords in plain text, in a file that other users can read.
 * A keystore's password is the only thing between a reader and its key, and Java keystore passwords fall to an
 * offline guess quickly; WSO2 distributions unpack everything 0644.
 */
export async function permissionFindings(input: PermissionInput): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    if (input.sameAsPrimary.has(role)) continue;
    const check = input.checks[role];
    if (!check.report.exists) continue;
    // The primary and internal roles hold the server's keys by definition; a truststore only when opened and seen to.
    const holdsKey = role !== 'truststore' || (check.keystore?.entries.some((entry) => entry.kind === 'private-key') ?? false);
    if (!holdsKey) continue;
    const mode = await modeOf(check.report.file, false);
    const who = mode === undefined ? undefined : readers(mode);
    if (mode === undefined || who === undefined) continue;
    findings.push({
      level: 'warning',
      code: 'keystore-world-readable',
      role,
      message: `${check.report.file} holds a private key and is readable by ${who} (mode ${octal(mode)}); its password is all that protects the key. Make it private: chmod 600 '${check.report.file}' (keep the server's user as its owner).`,
    });
  }
  if (input.plaintextPasswords.length > 0) {
    // The configuration may be a link (the one allowed): the mode that matters is its target's.
    const mode = await modeOf(input.configFile, true);
    const who = mode === undefined ? undefined : readers(mode);
    if (mode !== undefined && who !== undefined) {
      findings.push({
        level: 'warning',
        code: 'keystore-world-readable',
        message:
          `${input.configFile} holds passwords in plain text (${input.plaintextPasswords.join(', ')}) and is readable by ${who} (mode ${octal(mode)}). ` +
          `Make it private (chmod 600 '${input.configFile}'), or encrypt the passwords with the cipher tool.`,
      });
    }
  }
  return findings;
}
