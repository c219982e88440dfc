import { READ_LIMITS, readFileChecked, readFileIfPresent } from '../files/read-file.js';
import type { StagedFile } from '../apply/changes.js';
import { parseConfigText } from '../config/read.js';
import { resolveDocument, secretsOf, type ResolvedConfig } from '../config/resolve.js';
import { newlyBroken, opensAtStartup } from './opens-at-startup.js';
import { UserError } from '../errors.js';
import { keyMatchesCertificate } from '../keystore/x509/chain.js';
import { detectFormat, readKeystore } from '../keystore/open.js';
import { sha256Hex } from './current-keystore.js';
import type { HomeSnapshot } from './home-snapshot.js';
import type { KeystoreExpectation, PreparedChange } from './prepared.js';
import { EXIT } from '../exit-codes.js';

/**
 * Before anything is renamed into place: re-open every staged keystore from its bytes on disk with the passwords the
 * configuration will give, and re-read the staged configuration to check each role points where intended.
 * Any surprise throws, and the transaction puts every file back.
 */
export async function verifyStaged(prepared: PreparedChange, facts: HomeSnapshot, staged: StagedFile[]): Promise<void> {
  const tempOf = new Map(staged.map((file) => [file.path, file.tempPath]));
  // Every staged file is read back from the disk once, all at once, and each check below uses those bytes (the
  // primary keystore is also the internal one, say): a second read of our own fsynced temporary file in the same
  // moment would check nothing more.
  const home = facts.located.home;
  const readBack = new Map(
    staged.map((file) => {
      const what = file.path === prepared.config.path ? 'configuration file' : 'keystore';
      const bytes = readStaged(file.tempPath, what, home);
      bytes.catch(() => undefined);
      return [file.tempPath, bytes] as const;
    }),
  );
  const stagedBytes = (tempPath: string) => readBack.get(tempPath) ?? readStaged(tempPath, 'keystore', home);
  for (const expectation of prepared.keystores) {
    const tempPath = tempOf.get(expectation.path);
    if (!tempPath) throw new Error(`verify: ${expectation.path} was not staged`);
    await verifyKeystore(expectation, await stagedBytes(tempPath));
  }
  const configTemp = tempOf.get(prepared.config.path);
  if (configTemp) {
    const text = (await stagedBytes(configTemp)).toString('utf8').replace(/^\uFEFF/, '');
    const data = parseConfigText(text, prepared.config.path);
    const env = { ...facts.env, ...prepared.startup?.envOverlay };
    const resolved = resolveDocument(facts.document, env, { data, text }, prepared.startup?.vault);
    await verifyServerOpens(prepared, resolved, data, tempOf, stagedBytes, env, home);
    if (prepared.procedure === 'secrets') {
      // Only the vault changed: the server-opens check above decrypted every value with the internal key.
    } else if (prepared.procedure !== 'truststore') {
      const role = resolved.roles[prepared.procedure];
      const intended = prepared.keystores[0]!;
      if (role.file !== intended.path) {
        throw new UserError(
          `verification: the patched configuration points the ${prepared.procedure} keystore at ${role.file}, not ${intended.path}.`,
          'verify-failed',
          EXIT.failed,
        );
      }
      if ((role.alias ?? '').toLowerCase() !== intended.keyEntries[0]!.alias) {
        throw new UserError(
          `verification: the patched configuration names alias ${role.alias}, not ${intended.keyEntries[0]!.alias}.`,
          'verify-failed',
          EXIT.failed,
        );
      }
    } else {
      const role = resolved.roles.truststore;
      const intended = prepared.keystores.find((keystore) => keystore.path === role.file);
      if (!intended)
        throw new UserError(
          `verification: the patched configuration points the truststore at ${role.file}, which this change did not write.`,
          'verify-failed',
          EXIT.failed,
        );
    }
  }
}

/** A staged file is read back as the server will read it: through the checked reader, no link followed. */
async function readStaged(file: string, what: string, home: string): Promise<Buffer> {
  return (await readFileChecked(file, { what: `staged ${what}`, limit: READ_LIMITS.keystore, home })).bytes;
}

async function verifyKeystore(expectation: KeystoreExpectation, bytes: Buffer): Promise<void> {
  const fail = (what: string) => new UserError(`verification of ${expectation.path} failed: ${what}`, 'verify-failed', EXIT.failed);
  if (detectFormat(bytes) !== expectation.format) throw fail(`it is not a ${expectation.format} file`);
  const keystore = await readKeystore(bytes, expectation.storePassword).catch((error: unknown) => {
    throw fail(error instanceof Error ? error.message : String(error));
  });
  for (const wanted of expectation.keyEntries) {
    const entry = keystore.entries.find((candidate) => candidate.alias.toLowerCase() === wanted.alias.toLowerCase());
    if (entry?.kind !== 'private-key') throw fail(`no key entry "${wanted.alias}"`);
    const leaf = entry.chain[0];
    if (!leaf || sha256Hex(leaf) !== wanted.leafSha256) throw fail(`the certificate of "${wanted.alias}" is not the intended one`);
    if (!keyMatchesCertificate(entry.key.recover(wanted.keyPassword), leaf))
      throw fail(`the key of "${wanted.alias}" does not match its certificate`);
  }
  const trusted = new Set(
    keystore.entries.flatMap((entry) => (entry.kind === 'trusted-certificate' ? [sha256Hex(entry.certificate)] : [])),
  );
  for (const print of expectation.trustedSha256)
    if (!trusted.has(print)) throw fail(`a certificate to trust (${print.slice(0, 16)}...) is missing`);
}

/**
 * Opens every role, reference and encrypted secret from the staged configuration as the server will at start-up
 * (staged files where this change writes them, the disk elsewhere): whatever opened before the change must open.
 */
async function verifyServerOpens(
  prepared: PreparedChange,
  resolved: ResolvedConfig,
  data: Readonly<Record<string, unknown>>,
  tempOf: ReadonlyMap<string, string>,
  stagedBytes: (tempPath: string) => Promise<Buffer>,
  env: NodeJS.ProcessEnv,
  home: string,
): Promise<void> {
  if (!prepared.startup) return;
  const read = async (file: string) => {
    const staged = tempOf.get(file);
    // A file the change does not write is read as it is now: the verification runs under the lock, after planning.
    return staged ? await stagedBytes(staged) : (await readFileIfPresent(file, { what: 'file', limit: READ_LIMITS.keystore, home }))?.bytes;
  };
  const after = await opensAtStartup(resolved, secretsOf(data), read, env, home);
  const broken = newlyBroken(prepared.startup.before, after);
  if (broken.length > 0) {
    throw new UserError(
      `verification: after this change the server could not open ${broken.map(({ after: now }) => `${now.label}: ${now.reason}`).join('; ')}.`,
      'verify-failed',
      1,
    );
  }
}
