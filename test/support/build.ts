import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BuiltTool {
  /** The one-file bundle, `dir`/ei-keystore.mjs. */
  bundle: string;
  /** The one executable and its checksum file (with `executable: true`). */
  executable?: { file: string; checksumFile: string; sha256: string };
}

/**
 * Builds the one-file bundle (and, when asked, the one executable from it) afresh into `dir`, with the build
 * scripts' own functions: vitest alone does not run `npm run build`, and a folder of its own leaves the dist/
 * that other tests run undisturbed.
 */
export function buildInto(dir: string, options: { executable?: boolean } = {}): BuiltTool {
  const bundle = path.join(dir, 'ei-keystore.mjs');
  const script = `const { buildBundle } = await import(${JSON.stringify(path.join(repositoryRoot, 'scripts/build.mjs'))});
    await buildBundle(${JSON.stringify(bundle)});
    ${
      options.executable
        ? `const { buildExecutable } = await import(${JSON.stringify(path.join(repositoryRoot, 'scripts/build-exe.mjs'))});
    process.stdout.write(JSON.stringify(await buildExecutable({ outDir: ${JSON.stringify(dir)}, bundleFile: ${JSON.stringify(bundle)} })));`
        : ''
    }`;
  const built = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repositoryRoot, encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
  return options.executable ? { bundle, executable: JSON.parse(built.stdout) as BuiltTool['executable'] } : { bundle };
}

export interface ProgramRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with only the environment given (nothing of the test process's), in `cwd`, for at most a minute. */
export function runWithOnly(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): ProgramRun {
  const [command, ...args] = argv;
  const result = spawnSync(command!, args, { cwd: options.cwd, encoding: 'utf8', env: options.env, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
