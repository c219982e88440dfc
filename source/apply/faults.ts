import { UserError } from '../errors.js';
import type { ProgressStep } from '../progress-steps.js';

/** The steps of a transaction, in order. Fault points and progress messages use these names. */
export const TRANSACTION_STEPS = [
  'lock',
  'check',
  'backup',
  'stage',
  'verify',
  'commit',
  'unlock',
] as const satisfies readonly ProgressStep[];
export type StepName = (typeof TRANSACTION_STEPS)[number];

/** The end of a step, or (within commit) the moment after the first N renames. */
export type FaultPoint = StepName | { step: 'commit'; afterRenames: number };

/**
 * For tests only: `failAt` throws an InjectedFault at that point, `crashAt` kills the process there with SIGKILL
 * (no cleanup, no finally blocks) to prove a crash leaves every file old or new.
 */
export interface FaultPlan {
  failAt?: FaultPoint;
  crashAt?: FaultPoint;
}

export class InjectedFault extends Error {
  override name = 'InjectedFault';
}

export const CRASH_ENV = 'EIK_CRASH_AT';
/** Like EIK_CRASH_AT, but the step fails with an error instead (the rollback path, testable in-process). */
export const FAIL_ENV = 'EIK_FAIL_AT';

export function isStepName(value: string): value is StepName {
  return (TRANSACTION_STEPS as readonly string[]).includes(value);
}

export function describeFaultPoint(point: FaultPoint): string {
  return typeof point === 'string' ? point : `${point.step} after ${point.afterRenames} rename(s)`;
}

/**
 * The crash plan of the SIGKILL harness, from `EIK_CRASH_AT=<step>` or `EIK_CRASH_AT=commit:<renames>`.
 * Called by the command layer with its environment; the transaction itself never reads the environment.
 */
export function faultPlanFromEnv(env: NodeJS.ProcessEnv): FaultPlan | undefined {
  const crashAt = faultPointFromEnv(env, CRASH_ENV);
  const failAt = faultPointFromEnv(env, FAIL_ENV);
  if (crashAt === undefined && failAt === undefined) return undefined;
  return { ...(crashAt === undefined ? {} : { crashAt }), ...(failAt === undefined ? {} : { failAt }) };
}

function faultPointFromEnv(env: NodeJS.ProcessEnv, name: string): FaultPoint | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  if (isStepName(value)) return value;
  const renames = /^commit:(\d+)$/.exec(value);
  if (renames) return { step: 'commit', afterRenames: Number(renames[1]) };
  throw new UserError(`${name}=${value} is not a step: use one of ${TRANSACTION_STEPS.join(', ')} or commit:N.`, 'usage');
}

function matches(point: FaultPoint | undefined, step: StepName, renames: number | undefined): boolean {
  if (point === undefined) return false;
  if (typeof point === 'string') return renames === undefined && point === step;
  return point.step === step && renames === point.afterRenames;
}

/** The transaction calls this at the end of each step, and within commit before and after each rename. */
export function reachPoint(plan: FaultPlan | undefined, step: StepName, renames?: number): void {
  if (!plan) return;
  if (matches(plan.crashAt, step, renames)) {
    process.kill(process.pid, 'SIGKILL');
  }
  if (matches(plan.failAt, step, renames)) {
    const where = renames === undefined ? step : `${step} after ${renames} rename(s)`;
    throw new InjectedFault(`injected failure at ${where}`);
  }
}
