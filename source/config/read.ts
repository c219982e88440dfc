import path from 'node:path';
import { parse, TomlError } from 'smol-toml';
import type { TomlTable } from 'smol-toml';
import { PROFILES, type ProfileId } from '../core/profiles.js';
import { UserError } from '../errors.js';
import { FileRefused } from '../files/file-errors.js';
import { READ_LIMITS, readFileCheckedSync, readFileIfPresentSync } from '../files/read-file.js';
import { describeOffset, firstInvalidUtf8Offset } from '../files/utf8.js';
import { findConfig, type ConfigLocation } from './locate.js';
import { hasTable, lookupDotted, scalarText } from './placeholders.js';

/** Where a Micro Integrator keeps the defaults behind every TOML key. */
export const DEFAULTS_FILE = 'repository/resources/conf/default.json';

/** default.json's flat keys that hold scalar values (the nested ones are not keystore settings). */
export type DefaultsMap = Record<string, string | number | boolean>;

export interface ConfigDocument {
  home: string;
  config: ConfigLocation;
  /** Set when the configuration file is a symbolic link (to a file inside the home): the file really read. */
  configRealPath?: string;
  /** The file's bytes exactly as read (BOM included): what the patch edits and the transaction expects. */
  bytes: Buffer;
  /** The file's text without a leading BOM. */
  text: string;
  bom: boolean;
  data: TomlTable;
  /** Present when the home has default.json. */
  defaults?: DefaultsMap;
  defaultsPath?: string;
  profile: ProfileId;
  /** One sentence: which layout applies and why, for the UI. */
  profileEvidence: string;
}

export interface ReadOptions {
  /** Skip the search when the caller already located the file. */
  config?: ConfigLocation;
  /** The user's choice (e.g. --profile) beats detection. */
  profile?: ProfileId;
}

export function readConfig(home: string, options: ReadOptions = {}): ConfigDocument {
  const config = options.config ?? findConfig(home);
  if (!config) {
    throw new UserError(
      `${home} has no conf/ei.toml or conf/deployment.toml. Point --home (or EI_HOME / MI_HOME) at the server home.`,
      'config-missing',
    );
  }
  const { bytes, linkTarget } = readConfigBytes(config.path, home);
  const { text, bom } = decodeText(bytes, config.path);
  const data = parseConfigText(text, config.path);
  const defaultsPath = path.join(home, DEFAULTS_FILE);
  const defaults = readDefaults(defaultsPath, home);
  const detected = options.profile
    ? { profile: options.profile, evidence: `${PROFILES[options.profile].label}: chosen by the user.` }
    : detectProfile({ kind: config.kind, data, defaults });
  return {
    home,
    config,
    ...(linkTarget ? { configRealPath: linkTarget } : {}),
    bytes,
    text,
    bom,
    data,
    ...(defaults ? { defaults, defaultsPath } : {}),
    profile: detected.profile,
    profileEvidence: detected.evidence,
  };
}

/**
 * The configuration's bytes through the one checked reader: at most 16 MB, a regular file, and a link (the one
 * documented) followed only to a file inside the home; its real path is returned to be shown.
 */
function readConfigBytes(file: string, home: string): { bytes: Buffer; linkTarget?: string } {
  try {
    const read = readFileCheckedSync(file, { what: 'configuration file', limit: READ_LIMITS.configuration, home, followLink: true });
    return { bytes: read.bytes, ...(read.linkTarget ? { linkTarget: read.linkTarget } : {}) };
  } catch (error) {
    if (error instanceof FileRefused) throw new FileRefused(error.message, error.problem, error.file, 'config-unreadable');
    throw error;
  }
}

function decodeText(bytes: Buffer, file: string): { text: string; bom: boolean } {
  const invalid = firstInvalidUtf8Offset(bytes);
  if (invalid !== undefined) {
    throw new UserError(
      `${file} is not valid UTF-8 at ${describeOffset(bytes, invalid)}. Save it as UTF-8 and run again.`,
      'config-invalid',
    );
  }
  const text = bytes.toString('utf8');
  // TextDecoder drops a BOM by default; look at the bytes so the patcher can keep it.
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bom };
}

/**
 * Parses TOML text. A syntax error names the file, line and column; the library's excerpt of the file is left
 * out because the offending line may hold a password.
 */
export function parseConfigText(text: string, file: string): TomlTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return parse(body);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
    throw new UserError(
      `${file}:${error.line}:${error.column}: the configuration is not valid TOML (${reason}) at line ` +
        `${error.line}, column ${error.column}. Fix that line (an unclosed quote or bracket is the usual cause) ` +
        `and run again; nothing was changed.`,
      'config-invalid',
    );
  }
}

function readDefaults(file: string, home: string): DefaultsMap | undefined {
  let bytes: Buffer;
  try {
    const read = readFileIfPresentSync(file, { what: 'defaults file', limit: READ_LIMITS.configuration, home });
    if (!read) return undefined;
    bytes = read.bytes;
  } catch (error) {
    if (error instanceof FileRefused) throw new FileRefused(error.message, error.problem, error.file, 'defaults-unreadable');
    throw error;
  }
  return parseDefaults(decodeText(bytes, file).text, file);
}

/** default.json as flat scalar defaults. The product would not start with a broken one, so neither do we. */
export function parseDefaults(text: string, file: string): DefaultsMap {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'parse error';
    throw new UserError(`${file} is not valid JSON (${detail}). Restore it from the product distribution.`, 'defaults-invalid');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UserError(`${file} is not a JSON object. Restore it from the product distribution.`, 'defaults-invalid');
  }
  const flat: DefaultsMap = {};
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') flat[key] = value;
  }
  return flat;
}

export interface DetectInput {
  kind: ConfigLocation['kind'];
  data: TomlTable;
  defaults?: DefaultsMap;
}

export interface Detection {
  profile: ProfileId;
  evidence: string;
}

const DEFAULTS_LABEL = 'repository/resources/conf/default.json';

function isPathLike(fileName: string): boolean {
  return fileName.includes('/') || fileName.includes('\\') || path.isAbsolute(fileName);
}

function hasKeyWithPrefix(defaults: DefaultsMap, prefix: string): boolean {
  return Object.keys(defaults).some((key) => key.startsWith(prefix));
}

/** Which product layout a home has. Pure: works on the parsed files. */
export function detectProfile(input: DetectInput): Detection {
  if (input.kind === 'ei') {
    return { profile: 'ei-7', evidence: `${PROFILES['ei-7'].label}: the home has conf/ei.toml.` };
  }
  if (input.defaults) {
    const fromDefaults = detectFromDefaults(input.defaults);
    if (fromDefaults) return fromDefaults;
  }
  return detectFromTables(input.data, input.defaults !== undefined);
}

function detectFromDefaults(defaults: DefaultsMap): Detection | undefined {
  const primaryFile = defaults['keystore.primary.file_name'];
  const says = (profile: ProfileId, why: string): Detection => ({
    profile,
    evidence: `${PROFILES[profile].label}: ${DEFAULTS_LABEL} ${why}.`,
  });
  if (hasKeyWithPrefix(defaults, 'keystore.internal.')) {
    return says('mi-4', 'has keystore.internal.* keys');
  }
  if (typeof primaryFile === 'string' && primaryFile.startsWith('repository/')) {
    return says('mi-4', `gives keystore.primary.file_name as a path ("${primaryFile}")`);
  }
  if (hasKeyWithPrefix(defaults, 'keystore.primary.')) {
    return says('mi-1.2', 'has keystore.primary.* keys with a bare file name');
  }
  if (hasKeyWithPrefix(defaults, 'keystore.tls.')) {
    return says('mi-1.1', 'has keystore.tls.* keys');
  }
  return undefined;
}

function detectFromTables(data: TomlTable, hadDefaults: boolean): Detection {
  const source = hadDefaults
    ? `${DEFAULTS_LABEL} names no keystore keys, so the tables of conf/deployment.toml decide`
    : `${DEFAULTS_LABEL} is absent, so the tables of conf/deployment.toml decide`;
  if (hasTable(data, 'keystore.primary')) {
    const fileName = scalarText(lookupDotted(data, 'keystore.primary.file_name'));
    if (fileName !== undefined && !isPathLike(fileName)) {
      return {
        profile: 'mi-1.2',
        evidence: `${PROFILES['mi-1.2'].label}: ${source}: [keystore.primary] has a bare file_name ("${fileName}").`,
      };
    }
    const why = fileName === undefined ? 'has no file_name' : `has a path as file_name ("${fileName}")`;
    return { profile: 'mi-4', evidence: `${PROFILES['mi-4'].label}: ${source}: [keystore.primary] ${why}.` };
  }
  if (hasTable(data, 'keystore.tls')) {
    return {
      profile: 'mi-1.1',
      evidence:
        `${PROFILES['mi-1.1'].label}: ${source}: only [keystore.tls] is present. Micro Integrator 1.2 ships the ` +
        `same table but reads [keystore.primary] instead.`,
    };
  }
  if (hasTable(data, 'keystore.internal')) {
    return { profile: 'mi-4', evidence: `${PROFILES['mi-4'].label}: ${source}: only [keystore.internal] is present.` };
  }
  return {
    profile: 'mi-4',
    evidence: `${PROFILES['mi-4'].label}: ${source}, and it has no keystore tables; assuming the current version.`,
  };
}
