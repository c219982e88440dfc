import { KeystoreError } from '../../errors.js';

/**
 * How much key derivation one PKCS#12 file may ask for. Every password check of a PKCS#12 file (its MAC, each
 * encrypted SafeContents, each shrouded key) derives a key with an iteration count the file itself states, so a
 * 2 KB file can ask for minutes of work. Java caps each operation at 5,000,000 iterations, but a file may hold
 * any number of operations: the tool also caps the sum for one opened file, and checks the sum it can see
 * (the MAC, the encrypted contents, the shrouded keys outside them) before it derives anything.
 *
 * What the files that servers use ask for: Java 17 10,000 per operation (legacy keytool 50,000 and a 100,000
 * MAC), OpenSSL 2,048. The per-file budget leaves room for two operations at Java's cap.
 */
export const MAX_ITERATIONS_PER_OPERATION = 5_000_000;
export const MAX_ITERATIONS_PER_FILE = 10_000_000;

/** One key derivation the file asks for, named for messages ("the integrity check (MAC)"). */
export interface KdfWork {
  readonly what: string;
  readonly iterations: number;
}

const ADVICE = 'Re-export it with the defaults of keytool or openssl (thousands of iterations, not millions).';

function tooCostly(detail: string, limit: number): KeystoreError {
  return new KeystoreError(
    'unsupported',
    `the PKCS#12 file ${detail}; this tool spends at most ${limit} on one file, since a file that costly is made to stall whoever opens it. ${ADVICE}`,
  );
}

/** The per-operation cap, applied where an iteration count is read (before any work is done with it). */
export function checkOperationIterations(iterations: number, what: string): void {
  if (iterations > MAX_ITERATIONS_PER_OPERATION) {
    throw new KeystoreError(
      'unsupported',
      `the PKCS#12 file asks for ${iterations} iterations for ${what}, more than Java accepts for one operation (${MAX_ITERATIONS_PER_OPERATION}). ${ADVICE}`,
    );
  }
}

/** The key-derivation work spent on one opened file, key recoveries after the opening included. */
export class KdfBudget {
  private spent = 0;

  constructor(private readonly limit = MAX_ITERATIONS_PER_FILE) {}

  /** Refuses, before any work, a file whose visible operations alone pass the budget. */
  plan(work: readonly KdfWork[]): void {
    const total = work.reduce((sum, item) => sum + item.iterations, 0);
    if (total <= this.limit) return;
    const parts = work.map((item) => `${item.what} ${item.iterations}`);
    throw tooCostly(`asks for ${total} key-derivation iterations to be opened (${parts.join(', ')})`, this.limit);
  }

  /** Called just before each derivation; refuses the one that would pass the budget. */
  charge(iterations: number, what: string): void {
    if (this.spent + iterations > this.limit) {
      throw tooCostly(
        `asks for ${iterations} more key-derivation iterations for ${what}, after ${this.spent} already spent on it`,
        this.limit,
      );
    }
    this.spent += iterations;
  }
}
