/**
 * The answers of `apply secrets` (the wizard's "Encrypt passwords"): what to move into the secure vault, and how the
 * server will get the vault's own password at start-up. Small enough to read on its own; every problem names the
 * field, and exit 2 writes nothing.
 */
import { parse, TomlError } from 'smol-toml';
import { UserError } from '../errors.js';
import { READ_LIMITS, readFileChecked } from '../files/read-file.js';
import { describeOffset, firstInvalidUtf8Offset } from '../files/utf8.js';

export interface HardenAnswers {
  /** Encrypt every `[secrets]` value still in `[plaintext]` brackets (what `ciphertool.sh -Dconfigure` does). */
  encryptPlaintext: boolean;
  /** Move the plain-text passwords of the keystore tables and `[truststore]` into `[secrets]`. */
  moveKeystorePasswords: boolean;
  /** Other keys of the configuration (flat, e.g. `transport.jms.sender.parameter.password`) to move. */
  move: string[];
  /** How the server gets the internal keystore's password at start-up: write password-persist, or prompt. */
  passwordFile: 'persist' | 'none';
}

const KEYS: Record<string, readonly string[]> = {
  '': ['secrets', 'vault'],
  secrets: ['encrypt_plaintext', 'move_keystore_passwords', 'move'],
  vault: ['password', 'password_file'],
};

export async function readHardenAnswers(file: string): Promise<{ answers: HardenAnswers; data: Record<string, unknown> }> {
  const bytes = (await readFileChecked(file, { what: 'answers file', limit: READ_LIMITS.answers })).bytes;
  const invalid = firstInvalidUtf8Offset(bytes);
  if (invalid !== undefined)
    throw new UserError(
      `The answers file ${file} is not valid UTF-8 at ${describeOffset(bytes, invalid)}. Save it as UTF-8 and run again.`,
      'answers-invalid',
    );
  let data: Record<string, unknown>;
  try {
    data = parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    throw new UserError(
      `The answers file ${file} is not valid TOML: ${(error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '')} at line ${error.line}, column ${error.column}.`,
      'answers-invalid',
    );
  }
  const problems: string[] = [];
  const table = (name: string): Record<string, unknown> => {
    const value = data[name];
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push(`[${name}] must be a table`);
      return {};
    }
    return value as Record<string, unknown>;
  };
  const tables: Record<string, Record<string, unknown>> = { '': data, secrets: table('secrets'), vault: table('vault') };
  for (const [name, allowed] of Object.entries(KEYS)) {
    for (const key of Object.keys(tables[name]!))
      if (!allowed.includes(key))
        problems.push(`${name ? `[${name}] ` : ''}${key} is not a key of apply secrets (known: ${allowed.join(', ')})`);
  }
  const flag = (name: string, key: string, fallback: boolean): boolean => {
    const value = tables[name]![key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') problems.push(`[${name}] ${key} must be true or false`);
    return value === true;
  };
  const moveValue = tables.secrets!.move ?? [];
  const move = Array.isArray(moveValue) && moveValue.every((item) => typeof item === 'string') ? (moveValue as string[]) : [];
  if (!Array.isArray(moveValue) || move.length !== moveValue.length)
    problems.push('[secrets] move must be a list of configuration keys, e.g. ["transport.jms.sender.parameter.password"]');
  const passwordFile = tables.vault!.password_file ?? 'persist';
  if (passwordFile !== 'persist' && passwordFile !== 'none')
    problems.push('[vault] password_file must be "persist" (write <home>/password-persist, 0600) or "none" (the server asks at start-up)');
  if (problems.length > 0)
    throw new UserError(
      `The answers file ${file} has problems:\n${problems.map((problem) => `  ${problem}`).join('\n')}\nNothing was written.`,
      'answers-invalid',
    );
  return {
    answers: {
      encryptPlaintext: flag('secrets', 'encrypt_plaintext', true),
      moveKeystorePasswords: flag('secrets', 'move_keystore_passwords', true),
      move,
      passwordFile: passwordFile as HardenAnswers['passwordFile'],
    },
    data,
  };
}

/** The answers as the text of an answers file for `apply secrets` (what the wizard's "save the answers" writes). */
export function serializeHardenAnswers(answers: HardenAnswers): string {
  const quoted = (text: string) => JSON.stringify(text);
  return [
    '# ei-keystore apply secrets --answers FILE --home <server home>',
    '# Written by the wizard ("Encrypt passwords"). No password is kept here: when the configuration already keeps',
    "# passwords in the vault, give the internal keystore's password with --vault-password-env NAME or",
    '# [vault] password = { env = "NAME" }.',
    '',
    '[secrets]',
    `encrypt_plaintext = ${answers.encryptPlaintext}`,
    `move_keystore_passwords = ${answers.moveKeystorePasswords}`,
    `move = [${answers.move.map(quoted).join(', ')}]`,
    '',
    '[vault]',
    `password_file = ${quoted(answers.passwordFile)}`,
    '',
  ].join('\n');
}
