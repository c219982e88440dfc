import { UserError } from '../errors.js';
import type { KeyPairSpec } from '../keystore/generate.js';
import { parseDname } from '../keystore/x509/dname.js';
import { parseSubjectAltName } from '../keystore/x509/san.js';
import { readFileName, readPath } from './common-fields.js';
import { NO_SECRET, type TableReader } from './fields.js';
import { DEFAULTS, DEFAULT_SECRET_ENV_NAMES, KEY_SIZES, STORE_TYPES, VALIDITY_DAYS } from './schema.js';
import type {
  CsrAnswers,
  DnameAnswer,
  ExistingKeystoreAnswers,
  GenerateAnswers,
  KeystoreAnswers,
  KeystoreSource,
  KeystoreRole,
  SanAnswer,
} from './types.js';

const KEYSTORE_SOURCES: readonly KeystoreSource[] = ['generate', 'existing', 'csr', 'ca-reply'];
import { reportUnknownKeys } from './unknown-keys.js';

const EXAMPLE_NAMES: Readonly<Record<KeystoreRole, string>> = {
  primary: 'ei-primary',
  internal: 'ei-internal',
  truststore: 'ei-truststore',
};

/** `[keystore]` of the primary and internal procedures, with `[keystore.generate]`, `[keystore.existing]` or `[keystore.csr]`. */
export function readKeystore(root: TableReader, procedure: KeystoreRole): KeystoreAnswers {
  const reader = root.table('keystore');
  reportUnknownKeys(reader, procedure);
  const name = EXAMPLE_NAMES[procedure];
  const rawSource = reader.data.source;
  const source = reader.choice('source', KEYSTORE_SOURCES);
  const fileName = readFileName(reader, `"${name}.jks"`, 'keystore.existing');
  const type = reader.choice('type', STORE_TYPES, DEFAULTS.type);
  const alias = reader.requiredString('alias', `"${name}"`);
  const password = reader.secret('password', `{ env = "${DEFAULT_SECRET_ENV_NAMES.keystorePassword}" }`) ?? NO_SECRET;
  const common = {
    fileName,
    type,
    alias,
    password,
    keyPassword: reader.secret('key_password') ?? password,
    overwrite: reader.boolean('overwrite', DEFAULTS.overwrite),
  };
  // Without a valid source, still check whichever sub-table is there, but require neither.
  const known = (KEYSTORE_SOURCES as readonly unknown[]).includes(rawSource);
  if (!known) {
    const generate = reader.has('generate') ? readGenerate(reader.table('generate'), procedure) : undefined;
    if (reader.has('existing')) readExisting(reader.table('existing'), procedure);
    if (reader.has('csr')) readCsr(reader.table('csr'), procedure);
    // A placeholder: the missing or wrong source is a problem, so validation throws before this is used.
    return {
      ...common,
      source: 'generate',
      generate: generate ?? {
        dname: { text: '', attributes: [] },
        subjectAltNames: [],
        keyPair: { algorithm: 'RSA', size: 2048 },
        validityDays: 0,
      },
    };
  }
  refuseUnused(reader, source);
  switch (source) {
    case 'generate':
      return { ...common, source, generate: readGenerate(reader.table('generate'), procedure) };
    case 'existing':
      return { ...common, source, existing: readExisting(reader.table('existing'), procedure) };
    case 'csr':
      return { ...common, source, csrFile: readPath(reader, 'csr_file', `"${name}.csr"`), csr: readCsr(reader.table('csr'), procedure) };
    case 'ca-reply':
      return { ...common, source, reply: readPath(reader, 'reply', `"${name}-reply.p7b"`) };
  }
}

/** What each source reads besides the common keys: anything of another source is most likely a mistake. */
const SOURCE_PARTS: Readonly<Record<KeystoreSource, readonly string[]>> = {
  generate: ['generate'],
  existing: ['existing'],
  csr: ['csr', 'csr_file'],
  'ca-reply': ['reply'],
};

/** A sub-table or key the chosen source ignores is most likely a mistake: say so rather than silently drop it. */
function refuseUnused(reader: TableReader, source: KeystoreSource): void {
  for (const [other, parts] of Object.entries(SOURCE_PARTS)) {
    if (other === source) continue;
    for (const part of parts) {
      if (!reader.has(part)) continue;
      const shown = part === 'csr_file' || part === 'reply' ? `[keystore] ${part}` : `[keystore.${part}]`;
      reader.problemAt(shown, `is given, but source = "${source}" does not read it; remove it, or set source = "${other}"`);
    }
  }
}

/** `[keystore.csr]`: a new key (dname required) or the current one (subject and names default to its certificate). */
function readCsr(reader: TableReader, procedure: KeystoreRole): CsrAnswers {
  reportUnknownKeys(reader, procedure);
  const key = reader.choice('key', ['new', 'current'] as const, 'new');
  const replacePending = reader.boolean('replace_pending', false);
  if (key === 'current') {
    for (const unused of ['key_algorithm', 'key_size']) {
      if (reader.has(unused))
        reader.problem(unused, 'key = "current" renews with the key the keystore holds now; remove it, or set key = "new"');
    }
    const dnameText = reader.optionalString('dname');
    const dname = dnameText === undefined ? undefined : readDname(reader, dnameText);
    const sans = reader.has('subject_alt_names') ? readSubjectAltNames(reader) : undefined;
    return { key, replacePending, ...(dname === undefined ? {} : { dname }), ...(sans === undefined ? {} : { subjectAltNames: sans }) };
  }
  const dname = readDname(reader, reader.requiredString('dname', '"CN=ei.example.com, OU=Integration, O=Example, C=LK"'));
  const subjectAltNames = readSubjectAltNames(reader);
  return { key, dname, subjectAltNames, keyPair: readKeyPair(reader), replacePending };
}

function readGenerate(reader: TableReader, procedure: KeystoreRole): GenerateAnswers {
  reportUnknownKeys(reader, procedure);
  const dname = readDname(reader, reader.requiredString('dname', '"CN=ei.example.com, OU=Integration, O=Example, C=LK"'));
  const subjectAltNames = readSubjectAltNames(reader);
  const validityDays = reader.integer('validity_days') ?? DEFAULTS.validityDays;
  if (validityDays < VALIDITY_DAYS.min || validityDays > VALIDITY_DAYS.max) {
    reader.problem('validity_days', `${validityDays} is out of range; use ${VALIDITY_DAYS.min} to ${VALIDITY_DAYS.max} days (100 years)`);
  }
  return { dname, subjectAltNames, keyPair: readKeyPair(reader), validityDays };
}

function readKeyPair(reader: TableReader): KeyPairSpec {
  const algorithm = reader.choice('key_algorithm', ['RSA', 'EC'] as const, DEFAULTS.keyAlgorithm);
  const size = reader.integer('key_size');
  const sizes: readonly number[] = KEY_SIZES[algorithm];
  if (size !== undefined && !sizes.includes(size)) {
    const hint = algorithm === 'EC' ? ' (P-256 or P-384)' : '';
    reader.problem('key_size', `${size} is not offered for ${algorithm} keys; use ${sizes.join(' or ')}${hint}`);
  }
  if (algorithm === 'EC') return { algorithm, size: size === 384 ? 384 : DEFAULTS.keySize.EC };
  return { algorithm, size: size === 3072 || size === 4096 ? size : DEFAULTS.keySize.RSA };
}

function readExisting(reader: TableReader, procedure: KeystoreRole): ExistingKeystoreAnswers {
  reportUnknownKeys(reader, procedure);
  const path = readPath(reader, 'path', '"/path/to/server.p12"');
  const password = reader.secret('password', `{ env = "${DEFAULT_SECRET_ENV_NAMES.existingPassword}" }`) ?? NO_SECRET;
  const keyPassword = reader.secret('key_password') ?? password;
  const alias = reader.optionalString('alias');
  return alias === undefined ? { path, password, keyPassword } : { path, password, keyPassword, alias };
}

/**
 * The one place an answers file's `dname` is parsed: the text is kept for saving, the attributes for every later
 * use. An empty text is already reported by requiredString; a bad one becomes a problem of this field.
 */
function readDname(reader: TableReader, text: string): DnameAnswer {
  if (text === '') return { text, attributes: [] };
  return { text, attributes: parseWith(reader, 'dname', () => parseDname(text)) ?? [] };
}

/** The one place an answers file's `subject_alt_names` are parsed (see readDname); bad entries become problems. */
function readSubjectAltNames(reader: TableReader): SanAnswer[] {
  const answers: SanAnswer[] = [];
  for (const text of reader.stringArray('subject_alt_names')) {
    const entry = parseWith(reader, 'subject_alt_names', () => parseSubjectAltName(text));
    if (entry !== undefined) answers.push({ text, entry });
  }
  return answers;
}

/** Runs another module's parser and records its UserError as a problem of this field (then nothing is returned). */
function parseWith<T>(reader: TableReader, key: string, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    reader.problem(key, error.message);
    return undefined;
  }
}
