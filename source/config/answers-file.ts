import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { UserError } from '../errors.js';
import { resolveAnswerPaths } from '../core/answers/paths.js';
import { AnswersError, type AnswerProblem } from '../core/answers/problems.js';
import {
  secretFields,
  type KeystoreSecrets,
  type ResolvedSecrets,
  type SecretsFor,
  type TruststoreSecrets,
} from '../core/answers/secret-fields.js';
import type { Answers, AnswersFor, Procedure, SecretRef } from '../core/answers/types.js';
import { validateAnswers } from '../core/answers/validate.js';

export { serializeAnswers } from '../core/answers/serialize.js';
export type { KeystoreSecrets, ResolvedSecrets, TruststoreSecrets } from '../core/answers/secret-fields.js';

/** An answers file is a page of settings; anything this large is the wrong file. */
const MAX_ANSWERS_BYTES = 1024 * 1024;
/** A password file holds one password. */
const MAX_SECRET_FILE_BYTES = 64 * 1024;

export interface LoadedAnswers<P extends Procedure> {
  /** Validated, defaults filled in, every path absolute. */
  answers: AnswersFor<P>;
  secrets: SecretsFor<AnswersFor<P>>;
}

/**
 * Reads the answers file of `apply <procedure> --answers FILE`: parse, validate, make paths absolute (relative
 * ones are relative to the file's folder), then read every secret it names. Any problem is a UserError (exit 2)
 * that names the file and the field; secret values never appear in a message.
 */
export async function readAnswersFile<P extends Procedure>(file: string, procedure: P, env: NodeJS.ProcessEnv): Promise<LoadedAnswers<P>> {
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
  return { answers, secrets };
}

async function readAnswersText(file: string, absolute: string): Promise<string> {
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new UserError(`The answers file ${file} is not a file.`, 'answers-unreadable');
    if (info.size > MAX_ANSWERS_BYTES) {
      throw new UserError(`The answers file ${file} is ${info.size} bytes; an answers file is a short TOML file. Is it the right file?`, 'answers-unreadable');
    }
    const text = await readFile(absolute, 'utf8');
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`The answers file ${file} cannot be read: ${describeFsError(error)}.`, 'answers-unreadable');
  }
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
  if (problems.length === 0 && answers.procedure !== 'truststore' && answers.keystore.type === 'PKCS12' && values.keyPassword !== values.password) {
    problems.push({
      field: '[keystore] key_password',
      message: 'differs from password, but a PKCS12 keystore has one password for the store and its keys; leave key_password out',
    });
  }
  if (problems.length > 0) {
    throw new AnswersError(answers.procedure, problems, file, 'answers-secret', `The secrets named by the answers file ${file} cannot be read:`);
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
    if (value === undefined) return { problem: `the environment variable ${ref.env} is not set; export it (export ${ref.env}=...) and run again` };
    if (value === '') return { problem: `the environment variable ${ref.env} is empty; a keystore password cannot be empty` };
    return { value };
  }
  return readSecretFile(ref.file);
}

async function readSecretFile(file: string): Promise<SecretResult> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) return { problem: `the secret file ${file} is not a file` };
    if (info.size > MAX_SECRET_FILE_BYTES) return { problem: `the secret file ${file} is ${info.size} bytes; it should hold one password` };
    bytes = await readFile(file);
  } catch (error) {
    return { problem: `the secret file ${file} cannot be read: ${describeFsError(error)}` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: `the secret file ${file} is not UTF-8 text` };
  }
  // `echo secret > file` adds one newline; only that one is dropped, so a password may still end in spaces.
  const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  if (value === '') return { problem: `the secret file ${file} is empty; a keystore password cannot be empty` };
  return { value };
}

function describeFsError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return error instanceof Error ? error.message : String(error);
}
