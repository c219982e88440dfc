import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/run-cli.js';

// One check of --profile (cli/args.ts profileFlag) for every command that takes it: the same words, exit 2,
// nothing read or written before it.
describe('--profile with a layout that does not exist', () => {
  const commands: string[][] = [
    ['status'],
    ['apply', 'primary', '--answers', 'primary.toml'],
    ['export', 'primary', '--out', 'primary.pem'],
    ['check-tls', '127.0.0.1:1'],
  ];
  it.each(commands)('%s refuses it naming the choices, exit 2, nothing written', async (...command) => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'eik-profile-'));
    const run = await runCliCaptured([...command, '--home', cwd, '--profile', 'mi-9'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('ei-keystore: --profile mi-9: not a profile; use ei-7, mi-1.1, mi-1.2 or mi-4.\n');
    expect(run.stdout).toBe('');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
