import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from './bundle.js';

interface CrashFigures {
  trials: number;
  stepTrials: number;
  randomTrials: number;
  stepsCovered: string[];
  filesChecked: number;
  filesNew: number;
  filesTorn: number;
  interrupted: number;
  statusOk: number;
  restoresNeeded: number;
  restoresOk: number;
  nextApplyOk: number;
  failedTrials: number;
}

function harness(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repositoryRoot, 'scripts', 'crash-harness.mjs'), ...args],
      { cwd: repositoryRoot, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('crash injection (scripts/crash-harness.mjs, a fixed-seed sample)', () => {
  it('30 SIGKILLs at step boundaries and random instants of real applies: no file torn, status, restore and the next apply right', {
    timeout: 180_000,
  }, async () => {
    const run = await harness(['--trials', '30', '--seed', '5', '--jobs', '2', '--copy-sandboxes', '--json']);
    const figures = JSON.parse(run.stdout) as CrashFigures;
    expect(run.code, run.stderr).toBe(0);
    expect(figures.trials).toBe(30);
    expect(figures.stepTrials).toBe(15);
    // Every kind of step boundary was hit: before and after the backup, between renames, after the commit.
    expect(figures.stepsCovered).toEqual(
      expect.arrayContaining(['lock', 'check', 'backup', 'stage', 'verify', 'commit:0', 'commit:1', 'commit:2', 'commit', 'unlock']),
    );
    expect(figures.filesTorn).toBe(0);
    expect(figures.filesChecked).toBeGreaterThan(60);
    expect(figures.filesNew, 'some kills landed after renames').toBeGreaterThan(0);
    expect(figures.interrupted, 'some kills left an interrupted transaction').toBeGreaterThan(0);
    expect(figures.statusOk).toBe(30);
    expect(figures.restoresOk).toBe(figures.restoresNeeded);
    expect(figures.nextApplyOk).toBe(30);
    expect(figures.failedTrials).toBe(0);
    expect(run.stderr).toMatch(/files torn or missing: 0/);
  });
});
