import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Real WSO2 files live outside the repository: `$EI_FIXTURES`, else `../shared/fixtures` beside the clone. */
export function fixturesDir(): string {
  return process.env.EI_FIXTURES ?? path.resolve(repositoryRoot, '..', 'shared', 'fixtures');
}

export function fixturePath(...parts: string[]): string {
  return path.join(fixturesDir(), ...parts);
}

export function fixturesPresent(): boolean {
  return existsSync(path.join(fixturesDir(), 'wso2')) && existsSync(path.join(fixturesDir(), 'toml-test'));
}

/**
 * A describe block that needs the shared fixtures. Where they are absent it is skipped with a visible message,
 * except under CI=true, where their absence is a failure.
 */
export function describeWithFixtures(name: string, body: () => void): void {
  if (fixturesPresent()) {
    describe(name, body);
    return;
  }
  const reason = `shared fixtures not found at ${fixturesDir()} (set EI_FIXTURES)`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs the shared fixtures', () => {
        throw new Error(`${reason}: CI must have them`);
      });
    });
  } else {
    console.warn(`skipped "${name}": ${reason}`);
    describe.skip(name, body);
  }
}
