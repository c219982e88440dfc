import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** A path or word as one POSIX shell word, so a printed command can be pasted as it is. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function real(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

/**
 * How to run this tool again from where the user is: `ei-keystore` when that name on PATH is this very program
 * (an installed bin, the alias-free wrapper script), else `node /absolute/path/to/the/script` (a checkout, the
 * one copied file), with `node` spelled out in full when the `node` on PATH is another one. Printed commands
 * (undo, status, resume) start with this, so they run as printed.
 */
export function selfCommand(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
  execPath: string = process.execPath,
): string {
  const script = argv[1];
  if (!script) return 'ei-keystore';
  const installed = onPath('ei-keystore', env);
  if (installed && real(installed) === real(script)) return 'ei-keystore';
  const node = onPath('node', env);
  const nodeWord = node && real(node) === real(execPath) ? 'node' : shellWord(execPath);
  return `${nodeWord} ${shellWord(path.resolve(script))}`;
}
