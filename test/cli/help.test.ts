import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../support/run-cli.js';

describe('help', () => {
  for (const argv of [
    ['--help'],
    ['apply', '--help'],
    ['restore', '--help'],
    ['sandbox', '--help'],
    ['inspect', '--help'],
    ['status', '--help'],
    ['check-tls', '--help'],
    ['export', '--help'],
  ]) {
    it(`${argv.join(' ')}: exit 0, every line within 80 columns`, async () => {
      const run = await runCliCaptured(argv);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/Usage:/);
      for (const line of run.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    });
  }

  it('--version prints the package version', async () => {
    const run = await runCliCaptured(['--version']);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
