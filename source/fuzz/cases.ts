import { parseConfigText } from '../config/read.js';
import { patchToml, type TomlChange } from '../config/patch.js';
import { UserError } from '../errors.js';
import { readJceks } from '../keystore/jceks/jceks.js';
import { readJks } from '../keystore/jks/jks.js';
import type { KeystoreFormat } from '../keystore/model.js';
import { readKeystore } from '../keystore/open.js';

/** How one case ended: a correct read, a clear error a user can act on, or a crash (a bug). */
export type Outcome = { kind: 'read' } | { kind: 'clear-error'; code: string } | { kind: 'crash'; error: string };

/**
 * Engine and library failures that a reader may have wrapped in a KeystoreError: the wrapper keeps the process
 * alive but tells the user nothing, so the fuzzer counts them as crashes.
 */
const INTERNAL_WORDING =
  /Cannot read propert|is not a function|is not iterable|Maximum call stack|Invalid array length|Invalid typed array length|of undefined|of null|ERR_OUT_OF_RANGE|ERR_BUFFER_OUT_OF_BOUNDS|ERR_INVALID_ARG|Array buffer allocation failed/;

/** A UserError whose message is one line of advice, no stack, no leaked engine error; anything else is a crash. */
export function classify(error: unknown): Outcome {
  if (!(error instanceof UserError)) {
    return { kind: 'crash', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
  const message = error.message;
  if (message.length === 0 || /\n\s+at /.test(message) || INTERNAL_WORDING.test(message) || message.length > 2000) {
    return { kind: 'crash', error: `${error.name} with an unclear message: ${message.slice(0, 300)}` };
  }
  return { kind: 'clear-error', code: error.code };
}

/**
 * Reads the bytes as the tool would (format detected from the bytes), then recovers every private key. A JKS or
 * JCEKS that fails is also parsed without the store password, which skips the digest check and so reaches
 * every damaged entry.
 */
export async function runKeystoreCase(bytes: Buffer, format: KeystoreFormat, password: string): Promise<Outcome> {
  let outcome: Outcome = { kind: 'read' };
  try {
    const store = await readKeystore(bytes, password);
    for (const entry of store.entries) {
      if (entry.kind === 'private-key') entry.key.recover(password);
    }
  } catch (error) {
    outcome = classify(error);
  }
  // Only a failed read is worth a second look; key recovery is reached through the cases whose digest was fixed.
  if (outcome.kind !== 'clear-error' || format === 'PKCS12') return outcome;
  try {
    if (format === 'JKS') readJks(bytes, null);
    else readJceks(bytes, null);
  } catch (error) {
    const unchecked = classify(error);
    if (unchecked.kind === 'crash') return unchecked;
  }
  return outcome;
}

/** What the patcher is asked to set on every config: the keys the primary and truststore procedures write. */
export const PATCH_CHANGES: readonly TomlChange[] = [
  { table: ['keystore', 'primary'], key: 'file_name', value: 'repository/resources/security/ei-primary.jks' },
  { table: ['keystore', 'primary'], key: 'password', value: 'p@ss "w\\ord" ü' },
  { table: ['keystore', 'tls'], key: 'alias', value: 'ei-primary' },
  { table: ['truststore'], key: 'password', value: 'trust' },
];

/**
 * Parses the text as the tool reads a config; when it parses, patches it and checks the patched text parses
 * to the intended values. `accepted` tells whether the parser took the text.
 */
export function runConfigCase(bytes: Buffer, file: string): Outcome & { accepted: boolean } {
  let text: string;
  try {
    // As readConfig decodes a file: strict UTF-8 (toml-test's encoding cases are invalid byte sequences).
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { kind: 'clear-error', code: 'config-invalid', accepted: false };
  }
  try {
    parseConfigText(text, file);
  } catch (error) {
    return { ...classify(error), accepted: false };
  }
  try {
    const patched = patchToml(text, PATCH_CHANGES, { file });
    const data = parseConfigText(patched, file) as { keystore?: { primary?: { password?: unknown } } };
    if (data.keystore?.primary?.password !== PATCH_CHANGES[1]!.value) {
      return { kind: 'crash', error: 'the patched config does not hold the value set', accepted: true };
    }
    return { kind: 'read', accepted: true };
  } catch (error) {
    return { ...classify(error), accepted: true };
  }
}
