/**
 * The secure vault's own password: the internal keystore's store (and key) password, which the server cannot read
 * from the configuration because every other secret is encrypted with that keystore's key. At start-up the server
 * (carbon-kernel's DefaultSecretCallbackHandler) reads `<home>/password`, then `<home>/password-tmp`, then
 * `<home>/password-persist`, else prompts; line 1 is the store password, and also the key password unless the
 * server runs with -Dkey.password=true (docs/wso2-rules.md, section 5).
 *
 * The tool looks in this order: a variable named by --vault-password-env (or `[vault] password` in an answers
 * file), the same files as the server in the server's order (read only: never renamed, deleted or changed), then a
 * masked prompt when someone is at a terminal.
 */
import path from 'node:path';
import { UserError } from '../errors.js';
import { FileRefused } from '../files/file-errors.js';
import { READ_LIMITS, readFileIfPresent } from '../files/read-file.js';

export const PASSWORD_FILES = ['password', 'password-tmp', 'password-persist'] as const;

export interface VaultPassword {
  store: string;
  key: string;
  /** Where it came from, for messages: `$EI_VAULT_PASSWORD`, `password-persist`, `the prompt`. */
  from: string;
}

export interface VaultPasswordOptions {
  env: NodeJS.ProcessEnv;
  /** --vault-password-env NAME. */
  envName?: string;
  /** `[vault] password` of an answers file, already read. */
  fromAnswers?: string;
  /** Asks on a terminal; undefined when nobody can be asked. */
  ask?: (question: string) => Promise<string | undefined>;
}

export async function findVaultPassword(home: string, options: VaultPasswordOptions): Promise<VaultPassword | undefined> {
  if (options.envName !== undefined) {
    const value = options.env[options.envName];
    if (value === undefined || value === '') {
      throw new UserError(
        `--vault-password-env ${options.envName}: the variable is not set (or empty). Export it with the internal keystore's password and run again.`,
        'vault-password-missing',
      );
    }
    return { store: value, key: value, from: `$${options.envName}` };
  }
  if (options.fromAnswers !== undefined)
    return { store: options.fromAnswers, key: options.fromAnswers, from: "the answers file's [vault] password" };
  for (const name of PASSWORD_FILES) {
    const file = path.join(home, name);
    let content;
    try {
      content = await readFileIfPresent(file, { what: 'vault password file', limit: READ_LIMITS.secret, home });
    } catch (error) {
      if (error instanceof FileRefused)
        throw new UserError(
          `${error.message} The server reads this file for the internal keystore's password.`,
          'vault-password-unreadable',
        );
      throw error;
    }
    if (!content) continue;
    const lines = content.bytes.toString('utf8').split(/\r?\n/);
    const store = lines[0] ?? '';
    if (store === '')
      throw new UserError(`${file} is empty; its first line must be the internal keystore's password.`, 'vault-password-missing');
    // Line 2 is the key password only for a server started with -Dkey.password=true; by default the vault uses
    // line 1 for both, and so does the tool, so that it never opens what the server would not.
    return { store, key: store, from: name };
  }
  if (options.ask) {
    const value = await options.ask('the internal keystore (the secure vault), to read the $secret{} values');
    if (value !== undefined && value !== '') return { store: value, key: value, from: 'the prompt' };
  }
  return undefined;
}
