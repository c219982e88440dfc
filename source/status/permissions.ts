import { lstat, readFile, stat } from 'node:fs/promises';
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

/** A local account (/etc/passwd) and every group it is in (its primary one, and those /etc/group lists it in). */
interface SystemUser {
  uid: number;
  name: string;
  groups: Set<number>;
}

/**
 * The local account of `uid`, or undefined when /etc/passwd has none (an account from LDAP or SSSD, or a bare id):
 * its groups are then unknown here, and nothing is said about what it can read. System files, not the home's.
 */
async function localAccount(uid: number): Promise<SystemUser | undefined> {
  const records = async (file: string) =>
    (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('+') && !line.startsWith('-'))
      .map((line) => line.split(':'));
  const account = (await records('/etc/passwd')).find((fields) => fields.length >= 4 && fields[2] !== '' && Number(fields[2]) === uid);
  if (!account) return undefined;
  const name = account[0]!;
  const groups = new Set<number>([Number(account[3])]);
  for (const fields of await records('/etc/group')) {
    if (fields.length >= 4 && fields[3]!.split(',').includes(name)) groups.add(Number(fields[2]));
  }
  return { uid, name, groups };
}

function readableBy(user: SystemUser, file: { uid: number; gid: number; mode: number }): boolean {
  if (file.uid === user.uid) return (file.mode & 0o400) !== 0;
  if (user.groups.has(file.gid)) return (file.mode & 0o040) !== 0;
  return (file.mode & 0o004) !== 0;
}

/**
 * `keystore-unreadable`: this check reads with its own user's rights (as root, every file opens, whoever owns it);
 * the server runs as its own user, taken here to be the owner of the configuration (the user the home was installed
 * for). Said only when that owner is a local account other than root and the user running this check, and the
 * keystore belongs to root or to that owner: root's (the usual `sudo cp new.jks`, leaving it root's and 0600) or
 * the owner's own without a read bit. A keystore owned by a third user says nothing about who the server is.
 */
async function unreadableFindings(input: PermissionInput): Promise<Finding[]> {
  if (typeof process.getuid !== 'function') return [];
  const me = process.getuid();
  const config = await stat(input.configFile).catch(() => undefined);
  if (!config || config.uid === 0 || config.uid === me) return [];
  const user = await localAccount(config.uid);
  if (!user) return [];
  const findings: Finding[] = [];
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    if (input.sameAsPrimary.has(role)) continue;
    const check = input.checks[role];
    if (!check.report.exists) continue;
    // The server follows a link to the keystore as Java does: what counts is the file it reaches.
    const file = await stat(check.report.file).catch(() => undefined);
    if (!file?.isFile() || (file.uid !== 0 && file.uid !== user.uid) || readableBy(user, file)) continue;
    findings.push({
      level: 'warning',
      code: 'keystore-unreadable',
      role,
      message: `If the server runs as ${user.name}, the owner of ${input.configFile}, it cannot read ${check.report.file} (owner uid ${file.uid}, group gid ${file.gid}, mode ${octal(file.mode)}) and fails to start; this check, run as uid ${me}, could. Give the file to the server's user: chown ${user.name} '${check.report.file}'.`,
    });
  }
  return findings;
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
  findings.push(...(await unreadableFindings(input)));
  return findings;
}
