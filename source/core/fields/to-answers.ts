import type { KeystoreSecrets, TruststoreSecrets } from '../../answers/secret-fields.js';
import type { KeyPairSpec } from '../../keystore/generate.js';
import { DEFAULT_SECRET_ENV_NAMES } from '../../answers/schema.js';
import type {
  DnameAnswer,
  InternalAnswers,
  KeystoreAnswers,
  PrimaryAnswers,
  SanAnswer,
  SecretRef,
  TruststoreAnswers,
  TruststoreImport,
} from '../../answers/types.js';
import { parseDname } from '../../keystore/x509/dname.js';
import { parseSubjectAltName } from '../../keystore/x509/san.js';
import { escapeDnValue, splitList, text } from './common-validators.js';
import type { CertificateImportValue, FieldValues } from './types.js';

/**
 * The wizard's values as the `apply` answers schema, with the secrets held apart. Secret references name the
 * default environment variables, so "save the answers" writes `{ env = "..." }` and never a password.
 */
const env = (name: string): SecretRef => ({ env: name });

export function keystoreAnswersFrom(
  procedure: 'primary' | 'internal',
  values: FieldValues,
): { answers: PrimaryAnswers | InternalAnswers; secrets: KeystoreSecrets } {
  const password = env(DEFAULT_SECRET_ENV_NAMES.keystorePassword);
  const type = values['type'] === 'PKCS12' ? 'PKCS12' : 'JKS';
  const ownKeyPassword = type === 'JKS' && text(values['key_password']) !== '';
  const common = {
    fileName: text(values['file_name']).trim(),
    type,
    alias: text(values['alias']).trim(),
    password,
    keyPassword: ownKeyPassword ? env(DEFAULT_SECRET_ENV_NAMES.keyPassword) : password,
    overwrite: values['overwrite'] === true,
  } as const;
  const secrets: KeystoreSecrets = {
    password: text(values['password']),
    keyPassword: ownKeyPassword ? text(values['key_password']) : text(values['password']),
  };
  let keystore: KeystoreAnswers;
  if (values['source'] === 'existing') {
    const existingPassword = env(DEFAULT_SECRET_ENV_NAMES.existingPassword);
    const ownExistingKey = text(values['existing.key_password']) !== '';
    keystore = {
      ...common,
      source: 'existing',
      existing: {
        path: text(values['existing.path']).trim(),
        password: existingPassword,
        keyPassword: ownExistingKey ? env(DEFAULT_SECRET_ENV_NAMES.existingKeyPassword) : existingPassword,
        ...(text(values['existing.alias']).trim() ? { alias: text(values['existing.alias']).trim() } : {}),
      },
    };
    secrets.existingPassword = text(values['existing.password']);
    secrets.existingKeyPassword = ownExistingKey ? text(values['existing.key_password']) : secrets.existingPassword;
  } else if (values['source'] === 'ca-reply') {
    keystore = { ...common, source: 'ca-reply', reply: text(values['reply']).trim() };
  } else if (values['source'] === 'csr') {
    const replacePending = values['replace_pending'] === true;
    keystore = {
      ...common,
      source: 'csr',
      csrFile: text(values['csr_file']).trim(),
      csr:
        values['csr.key'] === 'current'
          ? { key: 'current', replacePending }
          : {
              key: 'new',
              dname: dnameAnswerFrom(values),
              subjectAltNames: sanAnswersFrom(values),
              keyPair: keyPairFrom(values),
              replacePending,
            },
    };
  } else {
    keystore = {
      ...common,
      source: 'generate',
      generate: {
        dname: dnameAnswerFrom(values),
        subjectAltNames: sanAnswersFrom(values),
        keyPair: keyPairFrom(values),
        validityDays: Number(values['validity_days'] ?? 365),
      },
    };
  }
  const strategy = values['secrets_strategy'];
  if (procedure === 'primary') {
    const answers: PrimaryAnswers = {
      procedure,
      keystore,
      truststore: { importCertificate: values['import_certificate'] !== false },
      ...(strategy === 're-encrypt' || strategy === 'keep-old-key-as-internal' ? { secrets: { strategy } } : {}),
    };
    return { answers, secrets };
  }
  const answers: InternalAnswers = { procedure, keystore, ...(strategy === 're-encrypt' ? { secrets: { strategy } } : {}) };
  return { answers, secrets };
}

/**
 * The wizard's one parse of the subject and names: its field steps have validated them already (with the same
 * parsers), so these cannot fail on values the wizard accepted.
 */
function dnameAnswerFrom(values: FieldValues): DnameAnswer {
  const text = dnameFrom(values);
  return { text, attributes: parseDname(text) };
}

function sanAnswersFrom(values: FieldValues): SanAnswer[] {
  return splitList(values['subject_alt_names']).map((text) => ({ text, entry: parseSubjectAltName(text) }));
}

function keyPairFrom(values: FieldValues): KeyPairSpec {
  const algorithm = values['key_algorithm'] === 'EC' ? 'EC' : 'RSA';
  const size = Number(values['key_size'] ?? (algorithm === 'EC' ? 256 : 2048));
  return algorithm === 'EC' ? { algorithm, size: size as 256 | 384 } : { algorithm, size: size as 2048 | 3072 | 4096 };
}

export function dnameFrom(values: FieldValues): string {
  const parts: Array<[string, string]> = [
    ['CN', 'dname.cn'],
    ['OU', 'dname.ou'],
    ['O', 'dname.o'],
    ['L', 'dname.l'],
    ['ST', 'dname.st'],
    ['C', 'dname.c'],
  ];
  return parts
    .map(([attribute, id]) => [attribute, text(values[id]).trim()] as const)
    .filter(([, value]) => value !== '')
    .map(([attribute, value]) => `${attribute}=${escapeDnValue(attribute === 'C' ? value.toUpperCase() : value)}`)
    .join(', ');
}

export function truststoreAnswersFrom(values: FieldValues): { answers: TruststoreAnswers; secrets: TruststoreSecrets } {
  const password = env(DEFAULT_SECRET_ENV_NAMES.truststorePassword);
  const imports = ((values['imports'] as CertificateImportValue[] | undefined) ?? []).map(
    ({ alias, file, server, trust, sha256 }): TruststoreImport =>
      server ? { alias, server, ...(trust ? { trust } : {}), ...(sha256 ? { sha256 } : {}) } : { alias, file },
  );
  const common = {
    fileName: text(values['file_name']).trim(),
    type: values['type'] === 'PKCS12' ? ('PKCS12' as const) : ('JKS' as const),
    password,
    removeDefaultCertificate: values['remove_default_certificate'] === true,
    overwrite: values['overwrite'] === true,
    imports,
    remove: Array.isArray(values['remove'])
      ? (values['remove'] as unknown[]).filter((alias): alias is string => typeof alias === 'string')
      : [],
    removeExpired: false,
  };
  const secrets: TruststoreSecrets = { password: text(values['password']) };
  if (values['source'] === 'existing') {
    secrets.existingPassword = text(values['existing.password']);
    return {
      answers: {
        procedure: 'truststore',
        truststore: {
          ...common,
          source: 'existing',
          existing: { path: text(values['existing.path']).trim(), password: env(DEFAULT_SECRET_ENV_NAMES.existingTruststorePassword) },
        },
      },
      secrets,
    };
  }
  return { answers: { procedure: 'truststore', truststore: { ...common, source: 'copy-current' } }, secrets };
}
