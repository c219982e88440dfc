import { sha256 } from '../apply/targets.js';
import { readFileSync } from 'node:fs';
import { locateHome, type LocatedHome } from '../config/locate.js';
import { readConfig, type ConfigDocument } from '../config/read.js';
import { resolveDocument, type ResolvedConfig } from '../config/resolve.js';
import { PROFILES, type Profile, type ProfileId } from '../core/profiles.js';
import { UserError } from '../errors.js';

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
}

export function loadHomeFacts(options: { home?: string; env: NodeJS.ProcessEnv; cwd: string; now: Date; profile?: ProfileId }): HomeFacts {
  const located = locateHome({ home: options.home, env: options.env, cwd: options.cwd });
  const raw = readFileSync(located.config.path);
  const document = readConfig(located.home, { config: located.config, profile: options.profile });
  const configText = raw.toString('utf8');
  if ((configText.startsWith('\uFEFF') ? configText.slice(1) : configText) !== document.text) {
    throw new UserError(`${located.config.path} changed while it was being read; nothing was written. Run again.`, 'config-changed');
  }
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
