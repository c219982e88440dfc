import { readFileName, readPath } from './common-fields.js';
import { NO_SECRET, type TableReader } from './fields.js';
import { DEFAULTS, DEFAULT_SECRET_ENV_NAMES, STORE_TYPES } from './schema.js';
import { parseServerAddress } from '../network/address.js';
import type { TrustChoice, TruststoreImport, TruststoreSettings } from './types.js';
import { reportUnknownKeys } from './unknown-keys.js';

/** `[truststore]` of the truststore procedure, with `[truststore.existing]` and `[[truststore.import]]`. */
export function readTruststore(root: TableReader): TruststoreSettings {
  const reader = root.table('truststore');
  reportUnknownKeys(reader, 'truststore');
  const source = reader.choice('source', ['copy-current', 'existing'] as const, DEFAULTS.truststoreSource);
  const fileName = readFileName(reader, '"ei-truststore.jks"', 'truststore.existing');
  const type = reader.choice('type', STORE_TYPES, DEFAULTS.type);
  const password = reader.secret('password', `{ env = "${DEFAULT_SECRET_ENV_NAMES.truststorePassword}" }`) ?? NO_SECRET;
  const common = {
    fileName,
    type,
    password,
    removeDefaultCertificate: reader.boolean('remove_default_certificate', DEFAULTS.removeDefaultCertificate),
    remove: readRemovals(reader),
    removeExpired: reader.boolean('remove_expired', false),
    overwrite: reader.boolean('overwrite', DEFAULTS.overwrite),
    imports: readImports(reader),
  };
  if (source === 'copy-current') {
    const raw = reader.data.source;
    if (reader.has('existing') && (raw === undefined || raw === 'copy-current')) {
      const why = raw === undefined ? 'source is not set (it defaults to "copy-current")' : 'source = "copy-current" does not read it';
      reader.problemAt('[truststore.existing]', `is given, but ${why}; remove it, or set source = "existing"`);
    }
    return { ...common, source };
  }
  const existingReader = reader.table('existing');
  reportUnknownKeys(existingReader, 'truststore');
  const path = readPath(existingReader, 'path', '"/path/to/truststore.jks"');
  return { ...common, source, existing: { path, password: existingReader.secret('password') ?? password } };
}

function readRemovals(reader: TableReader): string[] {
  const aliases = reader.stringArray('remove');
  const seen = new Set<string>();
  for (const alias of aliases) {
    if (alias.trim() === '') reader.problem('remove', 'holds an empty alias');
    else if (seen.has(alias.toLowerCase())) reader.problem('remove', `names "${alias}" twice`);
    seen.add(alias.toLowerCase());
  }
  return aliases;
}

const TRUST_CHOICES: readonly TrustChoice[] = ['root', 'issuer', 'leaf'];

/** A SHA-256 fingerprint as people paste it (colons, spaces, either case): upper-case hex, or undefined. */
export function normalizeSha256(text: string): string | undefined {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  return /^[0-9A-F]{64}$/.test(hex) ? hex : undefined;
}

function readImports(reader: TableReader): TruststoreImport[] {
  const imports: TruststoreImport[] = [];
  // Aliases are compared without case: JKS stores them in lower case, so "CA" and "ca" would collide.
  const seen = new Map<string, number>();
  reader.tableArray('import').forEach((entry, index) => {
    reportUnknownKeys(entry, 'truststore');
    const fromServer = entry.has('url') || entry.has('host');
    // Without an alias, one is made from the certificate's CN (and shown in the plan).
    const alias = entry.has('alias') ? entry.requiredString('alias', '"partner-ca"') : '';
    const checkAlias = () => {
      const first = seen.get(alias.toLowerCase());
      if (alias !== '' && first !== undefined) {
        entry.problem('alias', `"${alias}" is already used by [[truststore.import]] #${first + 1}; aliases are compared without case`);
      } else if (alias !== '') {
        seen.set(alias.toLowerCase(), index);
      }
    };
    if (!fromServer) {
      for (const key of ['port', 'servername', 'trust', 'sha256']) {
        if (entry.has(key)) entry.problem(key, 'belongs to an import from a server; add url = "https://host:port", or remove it');
      }
      const file = readPath(entry, 'file', '"/path/to/partner-ca.pem" (or url = "https://host:port" to take it from a server)');
      checkAlias();
      imports.push({ alias, file });
      return;
    }
    if (entry.has('file')) entry.problem('file', 'and url/host are both given; an import is either a file or a server');
    if (entry.has('url') && entry.has('host')) entry.problem('host', 'and url are both given; use one');
    let server = { host: '', port: 443 };
    if (entry.has('url')) {
      const url = entry.requiredString('url', '"https://backend.example.com:8243"');
      const parsed = url === '' ? undefined : parseServerAddress(url);
      if (url !== '' && (!parsed || !/^https:\/\//i.test(url)))
        entry.problem('url', `"${url}" is not an https:// URL; write it as "https://host:port"`);
      else if (parsed) server = parsed;
      if (entry.has('port')) entry.problem('port', 'is given with url; put the port in the URL');
    } else {
      const host = entry.requiredString('host', '"backend.example.com"');
      const port = entry.integer('port') ?? 443;
      if (port < 1 || port > 65535) entry.problem('port', `${port} is not a TCP port (1-65535)`);
      const parsed = host === '' ? undefined : parseServerAddress(host, port);
      if (host !== '' && (!parsed || parsed.port !== port))
        entry.problem('host', `"${host}" is not a host name or address; put the port in port = ...`);
      else if (parsed) server = parsed;
    }
    const servername = entry.optionalString('servername');
    const trust = entry.has('trust') ? entry.choice('trust', TRUST_CHOICES) : undefined;
    const pin = entry.optionalString('sha256');
    const sha256 = pin === undefined ? undefined : normalizeSha256(pin);
    if (pin !== undefined && sha256 === undefined)
      entry.problem('sha256', 'must be a SHA-256 fingerprint: 64 hex digits, with or without colons');
    checkAlias();
    imports.push({
      alias,
      server: { ...server, ...(servername ? { servername } : {}) },
      ...(trust ? { trust } : {}),
      ...(sha256 ? { sha256 } : {}),
    });
  });
  return imports;
}
