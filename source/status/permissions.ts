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

/** A user as the system's account files describe it: who may read a file by its owner, group and mode. */
interface SystemUser {
  uid: number;
  name: string | undefined;
  groups: Set<number>;
}

/**
 * The user that owns `uid`, with every group it is in (the primary one from /etc/passwd, the others from
 * /etc/group): system files, not the home's. An id with no account keeps `fallbackGroup` alone.
 */
async function systemUser(uid: number, fallbackGroup: number): Promise<SystemUser> {
  const lines = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').map((line) => line.split(':'));
  const account = (await lines('/etc/passwd')).find((fields) => fields.length >= 4 && Number(fields[2]) === uid && fields[2] !== '');
  const name = account?.[0];
  const groups = new Set<number>([account ? Number(account[3]) : fallbackGroup]);
  if (name) {
    for (const fields of await lines('/etc/group')) {
      if (fields.length >= 4 && fields[3]!.split(',').includes(name)) groups.add(Number(fields[2]));
    }
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
 * the server runs as its own user, which here is taken to be the owner of the configuration (the user the home was
 * installed for). A keystore that user cannot read (the usual `sudo cp new.jks`, leaving it root's and 0600) fails
 * at the server's start. Said only when that owner is neither root nor the user running this check.
 */
async function unreadableFindings(input: PermissionInput): Promise<Finding[]> {
  if (typeof process.getuid !== 'function') return [];
  const me = process.getuid();
  const config = await stat(input.configFile).catch(() => undefined);
  if (!config || config.uid === 0 || config.uid === me) return [];
  const user = await systemUser(config.uid, config.gid);
  const who = user.name ? `${user.name} (uid ${user.uid})` : `uid ${user.uid}`;
  const findings: Finding[] = [];
  for (const role of ['primary', 'internal', 'truststore'] as const) {
    if (input.sameAsPrimary.has(role)) continue;
    const check = input.checks[role];
    if (!check.report.exists) continue;
    const file = await lstat(check.report.file).catch(() => undefined);
    if (!file?.isFile() || readableBy(user, file)) continue;
    findings.push({
      level: 'warning',
      code: 'keystore-unreadable',
      role,
      message: `${check.report.file} cannot be read by ${who}, who owns ${input.configFile} (the file is uid ${file.uid}, gid ${file.gid}, mode ${octal(file.mode)}): this check, run as uid ${me}, read it, but a server running as ${user.name ?? `uid ${user.uid}`} fails to open it at start-up. Give it to the server's user: chown ${user.name ?? user.uid} '${check.report.file}'.`,
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
