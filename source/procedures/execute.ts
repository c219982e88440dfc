import path from 'node:path';
import { runChanges, type TransactionResult } from '../apply/transaction.js';
import type { FaultPlan } from '../apply/faults.js';
import type { ProgressStep } from '../progress-steps.js';
import { crossCheckWithKeytool } from '../keytool/cross-check.js';
import type { HomeSnapshot } from './home-snapshot.js';
import type { PreparedChange } from './prepared.js';
import { verifyStaged } from './verify.js';

export interface ExecuteOptions {
  keytool: boolean;
  faults?: FaultPlan;
  onStep?: (step: ProgressStep) => void;
  onWarning?: (message: string) => void;
}

/**
 * Writes a prepared change in one transaction: backup, stage, verify (our own re-read, then keytool when asked),
 * rename. The only path from a plan to the disk, shared by `apply` and the wizard.
 */
export async function executePrepared(prepared: PreparedChange, facts: HomeSnapshot, options: ExecuteOptions): Promise<TransactionResult> {
  return runChanges({
    // Parents first (the state directory, then pending/): each is created under the lock, or checked and tightened
    // to 0700, and removed again if the run writes nothing.
    privateDirs: prepared.privateDirs ?? [],
    home: facts.located.home,
    label: `apply ${prepared.procedure}${prepared.request ? ' (certificate signing request)' : ''}`,
    changes: [
      ...prepared.writes,
      ...(prepared.removals ?? []).map((file) => ({ path: file, delete: true as const, role: 'pending request' })),
    ],
    expected: prepared.expected,
    faults: options.faults,
    onStep: options.onStep,
    onWarning: options.onWarning,
    verify: async (staged) => {
      options.onStep?.('verify-own');
      await verifyStaged(prepared, facts, staged);
      if (options.keytool) {
        options.onStep?.('verify-keytool');
        const tempOf = new Map(staged.map((file) => [file.path, file.tempPath]));
        await crossCheckWithKeytool(
          prepared.keystores.map((keystore) => ({
            label: path.relative(facts.located.home, keystore.path),
            tempPath: tempOf.get(keystore.path)!,
            storePassword: keystore.storePassword,
          })),
        );
      }
    },
  });
}
