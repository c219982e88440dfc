import { sha256 } from '../apply/targets.js';
import { locateHome, type LocatedHome } from '../config/locate.js';
import { readConfig, type ConfigDocument } from '../config/read.js';
import { resolveDocument, type ResolvedConfig } from '../config/resolve.js';
import { PROFILES, type Profile, type ProfileId } from '../core/profiles.js';

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
