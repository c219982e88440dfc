import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { UserError } from '../errors.js';
import { explainErrno, FileRefused } from '../files/file-errors.js';
import { READ_LIMITS, readFileChecked } from '../files/read-file.js';
import { describeOffset, firstInvalidUtf8Offset } from '../files/utf8.js';
import { resolveAnswerPaths } from './paths.js';
import { AnswersError, type AnswerProblem } from './problems.js';
import { secretFields, type KeystoreSecrets, type ResolvedSecrets, type SecretsFor, type TruststoreSecrets } from './secret-fields.js';
import type { Answers, AnswersFor, KeystoreRole, SecretRef } from './types.js';
import { validateAnswers } from './validate.js';

export { serializeAnswers } from './serialize.js';

export interface LoadedAnswers<P extends KeystoreRole> {
  /** Validated, defaults filled in, every path absolute. */
  answers: AnswersFor<P>;
  secrets: SecretsFor<AnswersFor<P>>;
  /** `[vault] password`, read: the internal keystore's password for a home whose passwords are $secret{} values. */
  vaultPassword?: string;
}

/**
 * Reads the answers file of `apply <procedure> --answers FILE`: parse, validate, make paths absolute (relative
 * ones are relative to the file's folder), then read every secret it names. Any problem is a UserError (exit 2)
 * that names the file and the field; secret values never appear in a message.
 */
export async function readAnswersFile<P extends KeystoreRole>(
  file: string,
  procedure: P,
  env: NodeJS.ProcessEnv,
): Promise<LoadedAnswers<P>> {
  const absolute = path.resolve(file);
  const data = parseAnswers(file, await readAnswersText(file, absolute));
  let answers: AnswersFor<P>;
  try {
    answers = validateAnswers(procedure, data);
  } catch (error) {
    throw error instanceof AnswersError ? error.withFile(file) : error;
  }
  answers = resolveAnswerPaths(answers, path.dirname(absolute));
  // The secrets' shape follows the procedure; resolveSecrets builds it from the same answers.
  const secrets = (await resolveSecrets(file, answers, env)) as SecretsFor<AnswersFor<P>>;
  if (!answers.vault) return { answers, secrets };
  const vault = await resolveSecret(answers.vault.password, env);
  if ('problem' in vault) {
    throw new AnswersError(
      answers.procedure,
      [{ field: '[vault] password', message: vault.problem }],
      file,
      'answers-secret',
      `The secrets named by the answers file ${file} cannot be read:`,
    );
  }
  return { answers, secrets, vaultPassword: vault.value };
}

/**
 * The answers file's text: a regular file (a FIFO or `<(...)` is refused, not waited on) of at most 1 MB, and
 * valid UTF-8. A Latin-1 `ä` would otherwise become U+FFFD inside a DN or a password without a word.
 */
async function readAnswersText(file: string, absolute: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = (await readFileChecked(absolute, { what: 'answers file', limit: READ_LIMITS.answers })).bytes;
  } catch (error) {
    if (error instanceof FileRefused) {
      const message = error.message.replace(absolute, file);
      throw new UserError(message.charAt(0).toUpperCase() + message.slice(1), 'answers-unreadable');
    }
    throw error;
  }
  const invalid = firstInvalidUtf8Offset(bytes);
  if (invalid !== undefined) {
    throw new UserError(
      `The answers file ${file} is not valid UTF-8 at ${describeOffset(bytes, invalid)}. Save it as UTF-8 (iconv -f LATIN1 -t UTF-8, or your editor's encoding setting) and run again.`,
      'answers-invalid',
    );
  }
  const text = bytes.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function parseAnswers(file: string, text: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // Only the first line of smol-toml's message: the rest quotes the file, which may hold a literal password.
    const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new UserError(
      `The answers file ${file} is not valid TOML: ${reason} at line ${error.line}, column ${error.column}.`,
      'answers-invalid',
    );
  }
}

async function resolveSecrets(file: string, answers: Answers, env: NodeJS.ProcessEnv): Promise<ResolvedSecrets> {
  const problems: AnswerProblem[] = [];
  const values: Partial<Record<string, string>> = {};
  // key_password defaults to password: the same reference is read, and reported, once.
  const seen = new Map<string, string | undefined>();
  for (const { field, key, ref } of secretFields(answers)) {
    const id = JSON.stringify(ref);
    if (!seen.has(id)) {
      const result = await resolveSecret(ref, env);
      if ('problem' in result) problems.push({ field, message: result.problem });
      seen.set(id, 'value' in result ? result.value : undefined);
    }
    values[key] = seen.get(id);
  }
  if (
    problems.length === 0 &&
    answers.procedure !== 'truststore' &&
    answers.keystore.type === 'PKCS12' &&
    values.keyPassword !== values.password
  ) {
    problems.push({
      field: '[keystore] key_password',
      message: 'differs from password, but a PKCS12 keystore has one password for the store and its keys; leave key_password out',
    });
  }
  if (problems.length > 0) {
    throw new AnswersError(
      answers.procedure,
      problems,
      file,
      'answers-secret',
      `The secrets named by the answers file ${file} cannot be read:`,
    );
  }
  if (answers.procedure === 'truststore') {
    const secrets: TruststoreSecrets = { password: values.password! };
    if (values.existingPassword !== undefined) secrets.existingPassword = values.existingPassword;
    return secrets;
  }
  const secrets: KeystoreSecrets = { password: values.password!, keyPassword: values.keyPassword! };
  if (values.existingPassword !== undefined) secrets.existingPassword = values.existingPassword;
  if (values.existingKeyPassword !== undefined) secrets.existingKeyPassword = values.existingKeyPassword;
  return secrets;
}

type SecretResult = { value: string } | { problem: string };

async function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv): Promise<SecretResult> {
  if ('literal' in ref) return { value: ref.literal };
  if ('env' in ref) {
    const value = env[ref.env];
    if (value === undefined)
      return { problem: `the environment variable ${ref.env} is not set; export it (export ${ref.env}=...) and run again` };
    if (value === '') return { problem: `the environment variable ${ref.env} is empty; a keystore password cannot be empty` };
    return { value };
  }
  return readSecretFile(ref.file);
}

/**
 * A password file: a regular file of at most 64 KB counted while reading (procfs files such as /proc/self/environ
 * report size 0, and a FIFO or /dev/zero has no size at all).
 */
async function readSecretFile(file: string): Promise<SecretResult> {
  let bytes: Buffer;
  try {
    bytes = (await readFileChecked(file, { what: 'secret file', limit: READ_LIMITS.secret })).bytes;
  } catch (error) {
    if (error instanceof FileRefused) return { problem: error.message.replace(/\.$/, '') };
    return { problem: `the secret file ${file} cannot be read: ${describeFsError(error)}` };
  }
  const invalid = firstInvalidUtf8Offset(bytes);
  // The offset only: the bytes around it are part of a password.
  if (invalid !== undefined)
    return { problem: `the secret file ${file} is not UTF-8 text (a bad byte at offset ${invalid}); save it as UTF-8` };
  const text = bytes.toString('utf8');
  // `echo secret > file` adds one newline; only that one is dropped, so a password may still end in spaces.
  const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  if (value === '') return { problem: `the secret file ${file} is empty; a keystore password cannot be empty` };
  return { value };
}

function describeFsError(error: unknown): string {
  return explainErrno(error);
}
