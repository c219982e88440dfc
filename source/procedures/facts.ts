import { sha256 } from '../apply/targets.js';
import { locateHome, type LocatedHome } from '../config/locate.js';
import { readConfig, type ConfigDocument } from '../config/read.js';
import { resolveDocument, secretsOf, type ResolvedConfig } from '../config/resolve.js';
import { PROFILES, type Profile, type ProfileId } from '../core/profiles.js';
import { UserError } from '../errors.js';
import { needsVault, secretAliasesInUse, unlockVault, type UnlockedVault } from '../vault/unlock.js';
import { findVaultPassword, type VaultPasswordOptions } from '../vault/vault-password.js';

/** What a procedure plans from: the home, its configuration as text and as data, and what each role resolves to. */
export interface HomeFacts {
  located: LocatedHome;
  document: ConfigDocument;
  resolved: ResolvedConfig;
  profile: Profile;
  /** The configuration file exactly as read (BOM included): the patch edits this text. */
  configText: string;
  configSha256: string;
  env: NodeJS.ProcessEnv;
  now: Date;
  /** Set once the secure vault is unlocked: `resolved` then knows every `$secret{}` password. */
  vault?: UnlockedVault;
}

export function loadHomeFacts(options: { home?: string; env: NodeJS.ProcessEnv; cwd: string; now: Date; profile?: ProfileId }): HomeFacts {
  const located = locateHome({ home: options.home, env: options.env, cwd: options.cwd });
  // One read: the text that is parsed is the text the patch edits and the transaction expects unchanged.
  const document = readConfig(located.home, { config: located.config, profile: options.profile });
  const raw = document.bytes;
  const configText = raw.toString('utf8');
  const resolved = resolveDocument(document, options.env);
  return {
    located,
    document,
    resolved,
    profile: PROFILES[document.profile],
    configText,
    configSha256: sha256(raw),
    env: options.env,
    now: options.now,
  };
}

/**
 * Unlocks the secure vault when the configuration's passwords need it (a `$secret{}` password anywhere), or when the
 * user gave a vault password anyway; afterwards `facts.resolved` knows every `$secret{}` password. A home that
 * needs the vault and gives no way to open it is refused when `required` (apply), and left locked otherwise.
 */
export async function unlockHomeVault(facts: HomeFacts, options: VaultPasswordOptions & { required: boolean }): Promise<void> {
  const needed = needsVault(facts.resolved);
  if (!needed && options.envName === undefined && options.fromAnswers === undefined) return;
  const password = await findVaultPassword(facts.located.home, options);
  if (!password) {
    if (!options.required) return;
    const aliases = [...secretAliasesInUse(facts.resolved).entries()].map(([alias, users]) => `$secret{${alias}} (${users.join(', ')})`);
    throw new UserError(
      `The configuration keeps passwords in the secure vault: ${aliases.join('; ')}. To read them, the internal keystore's password is needed: ` +
        `--vault-password-env NAME, [vault] password = { env = "NAME" } in the answers file, ${facts.located.home}/password-persist, or run on a terminal to type it. Nothing was written.`,
      'vault-locked',
    );
  }
  let vault: UnlockedVault;
  try {
    vault = await unlockVault(facts.located.home, facts.resolved, secretsOf(facts.document.data), password);
  } catch (error) {
    // The wizard and status go on with the vault locked (and say so); apply refuses.
    if (!options.required && error instanceof UserError) return;
    throw error;
  }
  const broken = [...secretAliasesInUse(facts.resolved).entries()].filter(
    ([alias]) => vault.undecryptable.includes(alias) || (!vault.values.has(alias) && options.required),
  );
  if (broken.length > 0 && options.required) {
    throw new UserError(
      `${broken.map(([alias, users]) => `$secret{${alias}} (${users.join(', ')})`).join('; ')}: ${broken.length === 1 ? 'its [secrets] value is' : 'their [secrets] values are'} missing or not decryptable with the internal key, so the server cannot start either. Fix [secrets] first; nothing was written.`,
      'secret-undecryptable',
    );
  }
  facts.vault = vault;
  facts.resolved = resolveDocument(facts.document, facts.env, undefined, vault.values);
}
