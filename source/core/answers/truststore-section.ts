import { readFileName, readPath } from './common-fields.js';
import { NO_SECRET, type TableReader } from './fields.js';
import { DEFAULTS, DEFAULT_SECRET_ENV_NAMES, STORE_TYPES } from './schema.js';
import type { TruststoreImport, TruststoreSettings } from './types.js';
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

function readImports(reader: TableReader): TruststoreImport[] {
  const imports: TruststoreImport[] = [];
  // Aliases are compared without case: JKS stores them in lower case, so "CA" and "ca" would collide.
  const seen = new Map<string, number>();
  reader.tableArray('import').forEach((entry, index) => {
    reportUnknownKeys(entry, 'truststore');
    const alias = entry.requiredString('alias', '"partner-ca"');
    const file = readPath(entry, 'file', '"/path/to/partner-ca.pem"');
    const first = seen.get(alias.toLowerCase());
    if (alias !== '' && first !== undefined) {
      entry.problem('alias', `"${alias}" is already used by [[truststore.import]] #${first + 1}; aliases are compared without case`);
    } else if (alias !== '') {
      seen.set(alias.toLowerCase(), index);
    }
    imports.push({ alias, file });
  });
  return imports;
}
