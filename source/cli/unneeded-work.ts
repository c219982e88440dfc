/**
 * Work a command started ahead and then did not use: apply's key pair, generated while the home is read, for a plan
 * that refused or failed. Node cannot cancel a job on its thread pool and would wait for it (seconds, for an RSA
 * 4096 key) before the process ends; main() ends it at once instead while any is still running. Its output is
 * written by then: writes to a pipe, a file or a terminal are synchronous on Linux and macOS.
 */
const running = new Set<Promise<unknown>>();

export function noLongerNeeded(work: Promise<unknown>): void {
  running.add(work);
  const done = () => running.delete(work);
  work.then(done, done);
}

export function unneededWorkRunning(): boolean {
  return running.size > 0;
}
