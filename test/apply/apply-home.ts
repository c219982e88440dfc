import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FileWrite } from '../../source/apply/transaction.js';
import { tempDir } from '../support/tmp.js';

/** A small home with the three kinds of target: a file to replace, a file to create, a symlinked config. */
export interface ApplyHome {
  home: string;
  /** Existing keystore, mode 0640. */
  primary: string;
  /** Does not exist before the transaction. */
  internal: string;
  /** conf/deployment.toml: a symlink to ../shared/deployment.toml (mode 0644). */
  configLink: string;
  configTarget: string;
  writes: FileWrite[];
}

export const OLD_PRIMARY = Buffer.from('old primary keystore bytes: secret-old-key-material');
export const NEW_PRIMARY = Buffer.from('new primary keystore bytes: secret-new-key-material');
export const NEW_INTERNAL = Buffer.from('new internal keystore bytes: secret-internal-material');
export const OLD_CONFIG = Buffer.from('[keystore.primary]\nfile_name = "wso2carbon.jks"\npassword = "old-toml-password"\n');
export const NEW_CONFIG = Buffer.from('[keystore.primary]\nfile_name = "new.jks"\npassword = "new-toml-password"\n');

export function makeHome(): ApplyHome {
  const home = tempDir('eik-apply-');
  const security = path.join(home, 'repository', 'resources', 'security');
  mkdirSync(security, { recursive: true });
  mkdirSync(path.join(home, 'conf'));
  mkdirSync(path.join(home, 'shared'));
  const primary = path.join(security, 'wso2carbon.jks');
  writeFileSync(primary, OLD_PRIMARY);
  chmodSync(primary, 0o640);
  const configTarget = path.join(home, 'shared', 'deployment.toml');
  writeFileSync(configTarget, OLD_CONFIG);
  chmodSync(configTarget, 0o644);
  const configLink = path.join(home, 'conf', 'deployment.toml');
  symlinkSync('../shared/deployment.toml', configLink);
  const internal = path.join(security, 'internal.jks');
  return {
    home,
    primary,
    internal,
    configLink,
    configTarget,
    writes: [
      { path: primary, content: NEW_PRIMARY, role: 'primary keystore' },
      { path: internal, content: NEW_INTERNAL, role: 'internal keystore' },
      { path: configLink, content: NEW_CONFIG, role: 'config' },
    ],
  };
}

export function modeOf(file: string): number {
  return statSync(file).mode & 0o7777;
}

export function readOrNull(file: string): Buffer | null {
  return existsSync(file) ? readFileSync(file) : null;
}

/** Every file under `dir` whose name marks it as a temporary of ours. */
export function tempFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.name.includes('.eik-tmp')) found.push(path.join(entry.parentPath, entry.name));
  }
  return found;
}

export function expectOldState(h: ApplyHome): string[] {
  // Returned as a list of problems so a failing test names every file that is wrong, not just the first.
  const problems: string[] = [];
  if (!OLD_PRIMARY.equals(readOrNull(h.primary) ?? Buffer.alloc(0))) problems.push('primary not old');
  if (modeOf(h.primary) !== 0o640) problems.push(`primary mode ${modeOf(h.primary).toString(8)}`);
  if (existsSync(h.internal)) problems.push('internal exists');
  if (!lstatSync(h.configLink).isSymbolicLink()) problems.push('config link replaced');
  if (!OLD_CONFIG.equals(readOrNull(h.configTarget) ?? Buffer.alloc(0))) problems.push('config not old');
  if (modeOf(h.configTarget) !== 0o644) problems.push(`config mode ${modeOf(h.configTarget).toString(8)}`);
  return problems;
}

export function expectNewState(h: ApplyHome): string[] {
  const problems: string[] = [];
  if (!NEW_PRIMARY.equals(readOrNull(h.primary) ?? Buffer.alloc(0))) problems.push('primary not new');
  if (modeOf(h.primary) !== 0o640) problems.push(`primary mode ${modeOf(h.primary).toString(8)}`);
  if (!NEW_INTERNAL.equals(readOrNull(h.internal) ?? Buffer.alloc(0))) problems.push('internal not new');
  else if (modeOf(h.internal) !== 0o600) problems.push(`internal mode ${modeOf(h.internal).toString(8)}`);
  if (!lstatSync(h.configLink).isSymbolicLink()) problems.push('config link replaced');
  if (!NEW_CONFIG.equals(readOrNull(h.configTarget) ?? Buffer.alloc(0))) problems.push('config not new');
  if (modeOf(h.configTarget) !== 0o644) problems.push(`config mode ${modeOf(h.configTarget).toString(8)}`);
  return problems;
}

/** Each file must be entirely old or entirely new: what a crash may leave. */
export function eachOldOrNew(h: ApplyHome): string[] {
  const problems: string[] = [];
  const primary = readOrNull(h.primary);
  if (!primary || !(primary.equals(OLD_PRIMARY) || primary.equals(NEW_PRIMARY))) problems.push('primary torn or missing');
  const internal = readOrNull(h.internal);
  if (internal && !internal.equals(NEW_INTERNAL)) problems.push('internal torn');
  const config = readOrNull(h.configTarget);
  if (!config || !(config.equals(OLD_CONFIG) || config.equals(NEW_CONFIG))) problems.push('config torn or missing');
  if (!lstatSync(h.configLink).isSymbolicLink()) problems.push('config link replaced');
  return problems;
}
