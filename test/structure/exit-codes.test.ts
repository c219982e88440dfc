/**
 * Exit codes come from one table (source/exit-codes.ts): scripts, the Ansible roles and the help texts rely on
 * them, so a bare number where a command, a wizard or an error decides how the process ends is a slip waiting to
 * disagree with the table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, exitCodesHelp, SIGNAL_EXIT_CODES } from '../../source/exit-codes.js';
import { MAIN_HELP } from '../../source/cli/help.js';

const SOURCE = path.join(import.meta.dirname, '..', '..', 'source');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The places a process's end is decided, written as a bare number. */
const BARE_EXIT = [
  /\bonExit\(\s*\d/, // a wizard ending
  /\bonExit\([^)]*\?\s*\d+\s*:/, // ... chosen by a condition
  /(?<!result\.)\bexitCode\s*(?:\?\?|===|!==|=)\s*\d/, // compared or defaulted (not a child process's `result.exitCode`)
  /\bexitCode:\s*\d(?!.*result\.)/, // in a --json error document
  /Error\([^;]*,\s*'[a-z-]+',\s*\d+\)/, // a user error's exit code
  /\bprocess\.exit(?:Code)?\s*(?:=|\()\s*\d/,
];

/** Files where the number is the table itself. */
const TABLE = path.join(SOURCE, 'exit-codes.ts');

/** Where commands return how the process ends: their `return N;` is an exit code. */
const COMMAND_RETURNS = /\breturn\s+(?:[^;]*\?\s*)?\d+\s*(?::\s*\d+\s*)?;/;
const COMMAND_DIRS = [path.join(SOURCE, 'commands'), path.join(SOURCE, 'plain')];
const COMMAND_FILES = [path.join(SOURCE, 'cli.ts'), path.join(SOURCE, 'main.ts')];

function bareExitCodes(file: string, text: string): string[] {
  const lines = text.split('\n');
  const command = COMMAND_FILES.includes(file) || COMMAND_DIRS.some((dir) => file.startsWith(dir + path.sep));
  return lines.flatMap((line, index) => {
    const hit =
      BARE_EXIT.some((pattern) => pattern.test(line)) ||
      (command &&
        /Promise<number>|=>|function/.test(text) &&
        COMMAND_RETURNS.test(line) &&
        !/\.length|index|count|width|column/i.test(line));
    return hit ? [`${path.relative(SOURCE, file)}:${index + 1}: ${line.trim()}`] : [];
  });
}

describe('exit codes', () => {
  it('are written as EXIT.* everywhere the source decides how the process ends', () => {
    const found = sourceFiles(SOURCE)
      .filter((file) => file !== TABLE)
      .flatMap((file) => bareExitCodes(file, readFileSync(file, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the scan finds a bare number (so the test above can fail)', () => {
    const command = path.join(SOURCE, 'commands', 'example.ts');
    expect(bareExitCodes(command, 'export async function x(): Promise<number> {\n  return 2;\n}')).toHaveLength(1);
    expect(bareExitCodes(path.join(SOURCE, 'ui', 'x.tsx'), "props.onExit(130, 'Cancelled')")).toHaveLength(1);
    expect(bareExitCodes(path.join(SOURCE, 'x.ts'), "throw new UserError('m', 'verify-failed', 1)")).toHaveLength(1);
    expect(bareExitCodes(command, 'export async function x(): Promise<number> {\n  return EXIT.ok;\n}')).toEqual([]);
  });

  it('the help states the codes of the table', () => {
    expect(MAIN_HELP).toContain(exitCodesHelp());
    for (const code of [EXIT.ok, EXIT.failed, EXIT.badInput, ...Object.values(SIGNAL_EXIT_CODES)])
      expect(exitCodesHelp()).toContain(String(code));
    expect(SIGNAL_EXIT_CODES).toEqual({ SIGINT: 130, SIGTERM: 143, SIGHUP: 129 });
  });
});
