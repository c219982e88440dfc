import { createHash } from 'node:crypto';
import { READ_LIMITS, readFileChecked } from '../files/read-file.js';
import { UserError } from '../errors.js';
import { readKeystore } from '../keystore/open.js';
import { keytoolList, runKeytool } from './run.js';

/** keytool must be there before a transaction starts, or `--keytool` cannot keep its promise. */
export async function requireKeytool(): Promise<void> {
  const result = await runKeytool(['-help']);
  if (result.exitCode !== 0 && !/Key and Certificate Management Tool/i.test(result.stdout + result.stderr)) {
    throw new UserError(
      'keytool did not run. Install a JDK or JRE, then set JAVA_HOME to it or put its bin directory on PATH.',
      'keytool-missing',
    );
  }
}

/**
 * After our own verification: keytool lists each staged keystore (password through the environment), and its
 * aliases, entry kinds and SHA-256 fingerprints must equal what we read back ourselves.
 */
export async function crossCheckWithKeytool(files: Array<{ label: string; tempPath: string; storePassword: string }>): Promise<void> {
  for (const file of files) {
    const ours = await readKeystore(
      (await readFileChecked(file.tempPath, { what: 'staged keystore', limit: READ_LIMITS.keystore })).bytes,
      file.storePassword,
    );
    const expected = ours.entries
      .map((entry) => {
        const der = entry.kind === 'private-key' ? entry.chain[0] : entry.kind === 'trusted-certificate' ? entry.certificate : undefined;
        return `${entry.alias.toLowerCase()} ${entry.kind} ${der ? createHash('sha256').update(der).digest('hex').toUpperCase() : '-'}`;
      })
      .sort();
    const listed = (await keytoolList(file.tempPath, file.storePassword))
      .map((entry) => `${entry.alias.toLowerCase()} ${entry.kind} ${entry.sha256 ?? '-'}`)
      .sort();
    if (expected.join('\n') !== listed.join('\n')) {
      const missing = expected.filter((line) => !listed.includes(line)).slice(0, 3);
      const extra = listed.filter((line) => !expected.includes(line)).slice(0, 3);
      throw new UserError(
        `keytool sees the ${file.label} differently from what was written (ours only: ${missing.join('; ') || 'none'}; keytool only: ${extra.join('; ') || 'none'}).`,
        'keytool-mismatch',
        1,
      );
    }
  }
}
