import { DEFAULT_SECRET_ENV_NAMES, type SecretEnvNames } from './schema.js';
import { tomlString, tomlStringArray } from './toml-text.js';
import type { Answers, CsrAnswers, KeystoreAnswers, KeystoreRole, SecretRef, TruststoreSettings } from './types.js';

/**
 * Writes answers as a commented TOML file (the wizard's "save answers") that validateAnswers reads back.
 * A secret is never written as a literal: a literal becomes `{ env = "NAME" }` under the name the caller gives
 * (or the default), an env reference keeps its name unless the caller gives another, and a file reference
 * stays a file reference (it names where the secret is, not the secret).
 */
export function serializeAnswers(procedure: KeystoreRole, answers: Answers, envNames: Partial<SecretEnvNames> = {}): string {
  if (answers.procedure !== procedure) {
    throw new Error(`serializeAnswers: answers for ${answers.procedure} passed as ${procedure}`);
  }
  const names: SecretEnvNames = { ...DEFAULT_SECRET_ENV_NAMES, ...envNames };
  const secret = (ref: SecretRef, field: keyof SecretEnvNames): string =>
    secretText(ref, envNames[field] ?? ('env' in ref ? ref.env : names[field]));
  const lines = [
    `# Answers for \`ei-keystore apply ${procedure} --answers FILE\`.`,
    '# Secrets: { env = "NAME" } reads an environment variable (export it first), { file = "PATH" } reads a file',
    "# (one trailing newline is dropped). Relative paths are relative to this file's folder.",
  ];
  if (answers.procedure === 'truststore') {
    lines.push(...truststoreLines(answers.truststore, secret));
  } else {
    lines.push(...keystoreLines(answers.keystore, secret));
    if (answers.procedure === 'primary') {
      lines.push(
        '',
        '[truststore]',
        '# Add the new certificate to the truststore (needed when the server or its peers call its own HTTPS ports).',
        `import_certificate = ${answers.truststore.importCertificate}`,
      );
    }
    if (answers.secrets) {
      lines.push(
        '',
        '[secrets]',
        answers.procedure === 'primary'
          ? '# Secrets encrypted with the old key: "re-encrypt" them with the new certificate, or "keep-old-key-as-internal".'
          : '# Secrets encrypted with the old internal key are re-encrypted with the new certificate.',
        `strategy = ${tomlString(answers.secrets.strategy)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

type SecretWriter = (ref: SecretRef, field: keyof SecretEnvNames) => string;

function secretText(ref: SecretRef, name: string): string {
  if ('file' in ref) return `{ file = ${tomlString(ref.file)} }`;
  return `{ env = ${tomlString(name)} }`;
}

function sameSecret(a: SecretRef, b: SecretRef): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function keystoreLines(keystore: KeystoreAnswers, secret: SecretWriter): string[] {
  const lines = [
    '',
    '[keystore]',
    '# "generate" a new key pair and self-signed certificate, bring in an "existing" keystore, make a',
    '# certificate signing request ("csr"), or import the CA\'s reply to the pending request ("ca-reply").',
    `source = ${tomlString(keystore.source)}`,
    "# File name of the new keystore, placed in the product's security directory (repository/resources/security).",
    `file_name = ${tomlString(keystore.fileName)}`,
    '# "JKS" (recommended) or "PKCS12" (accepted, but WSO2 marks it not tested for the Micro Integrator).',
    `type = ${tomlString(keystore.type)}`,
    '# Alias of the key entry in the new keystore.',
    `alias = ${tomlString(keystore.alias)}`,
    '# Password of the new keystore.',
    `password = ${secret(keystore.password, 'keystorePassword')}`,
  ];
  if (!sameSecret(keystore.keyPassword, keystore.password)) {
    lines.push(
      '# Password of the private key (a PKCS12 store has one password: keep it equal).',
      `key_password = ${secret(keystore.keyPassword, 'keyPassword')}`,
    );
  }
  lines.push('# Replace a file of the same name in the security directory.', `overwrite = ${keystore.overwrite}`);
  if (keystore.source === 'generate') {
    const { generate } = keystore;
    lines.push(
      '',
      '[keystore.generate]',
      '# Subject of the self-signed certificate.',
      `dname = ${tomlString(generate.dname.text)}`,
      '# Host names and addresses clients use to reach the server: "DNS:name" or "IP:address".',
      `subject_alt_names = ${tomlStringArray(generate.subjectAltNames.map((name) => name.text))}`,
      '# "RSA" (2048, 3072 or 4096 bits) or "EC" (256 or 384). Encrypted [secrets] need an RSA key.',
      `key_algorithm = ${tomlString(generate.keyPair.algorithm)}`,
      `key_size = ${generate.keyPair.size}`,
      '# How long the certificate is valid, in days (1 to 36500).',
      `validity_days = ${generate.validityDays}`,
    );
  } else if (keystore.source === 'csr') {
    lines.splice(
      lines.indexOf(`source = ${tomlString(keystore.source)}`) + 1,
      0,
      '# Where the request is written (PEM); send this file to your CA.',
      `csr_file = ${tomlString(keystore.csrFile)}`,
    );
    lines.push(...csrLines(keystore.csr));
  } else if (keystore.source === 'ca-reply') {
    lines.splice(
      lines.indexOf(`source = ${tomlString(keystore.source)}`) + 1,
      0,
      "# The CA's reply: its certificate (PEM or DER), a PKCS#7 .p7b chain, or a PEM bundle.",
      `reply = ${tomlString(keystore.reply)}`,
    );
  } else {
    const { existing } = keystore;
    lines.push(
      '',
      '[keystore.existing]',
      '# The keystore to copy in (JKS, JCEKS or PKCS12).',
      `path = ${tomlString(existing.path)}`,
      `password = ${secret(existing.password, 'existingPassword')}`,
    );
    if (!sameSecret(existing.keyPassword, existing.password)) {
      lines.push(
        '# Password of its private key, when it differs from the store password.',
        `key_password = ${secret(existing.keyPassword, 'existingKeyPassword')}`,
      );
    }
    if (existing.alias !== undefined) {
      lines.push('# The key entry to use (may be left out when the file holds exactly one).', `alias = ${tomlString(existing.alias)}`);
    }
  }
  return lines;
}

function csrLines(csr: CsrAnswers): string[] {
  const lines = [
    '',
    '[keystore.csr]',
    '# "new": a new key pair; "current": renew with the key the keystore holds now (same key, new certificate).',
    `key = ${tomlString(csr.key)}`,
  ];
  if (csr.dname !== undefined) lines.push('# Subject of the request.', `dname = ${tomlString(csr.dname.text)}`);
  if (csr.subjectAltNames !== undefined) {
    lines.push(
      '# Host names and addresses clients use to reach the server: "DNS:name" or "IP:address".',
      `subject_alt_names = ${tomlStringArray(csr.subjectAltNames.map((name) => name.text))}`,
    );
  }
  if (csr.key === 'new') {
    lines.push(
      '# "RSA" (2048, 3072 or 4096 bits) or "EC" (256 or 384).',
      `key_algorithm = ${tomlString(csr.keyPair.algorithm)}`,
      `key_size = ${csr.keyPair.size}`,
    );
  }
  if (csr.replacePending) lines.push('# Replace a request that is still pending (its key is backed up).', 'replace_pending = true');
  return lines;
}

function truststoreLines(truststore: TruststoreSettings, secret: SecretWriter): string[] {
  const lines = [
    '',
    '[truststore]',
    '# "copy-current" starts from the truststore the configuration names now (it holds the public CAs);',
    '# "existing" starts from the file in [truststore.existing].',
    `source = ${tomlString(truststore.source)}`,
    "# File name of the new truststore, placed in the product's security directory.",
    `file_name = ${tomlString(truststore.fileName)}`,
    '# "JKS" (recommended) or "PKCS12".',
    `type = ${tomlString(truststore.type)}`,
    '# Password of the new truststore.',
    `password = ${secret(truststore.password, 'truststorePassword')}`,
    '# Remove WSO2\'s shipped "wso2carbon" certificate (production guidance once it is replaced).',
    `remove_default_certificate = ${truststore.removeDefaultCertificate}`,
    ...(truststore.remove.length > 0
      ? ['# Aliases removed from the new truststore.', `remove = ${tomlStringArray(truststore.remove)}`]
      : []),
    ...(truststore.removeExpired
      ? ['# Remove every expired certificate (never silently the one certifying our own key).', 'remove_expired = true']
      : []),
    '# Replace a file of the same name in the security directory.',
    `overwrite = ${truststore.overwrite}`,
  ];
  if (truststore.source === 'existing') {
    const { existing } = truststore;
    lines.push('', '[truststore.existing]', '# The truststore to start from.', `path = ${tomlString(existing.path)}`);
    if (!sameSecret(existing.password, truststore.password)) {
      lines.push(
        '# Its password, when it differs from the new one.',
        `password = ${secret(existing.password, 'existingTruststorePassword')}`,
      );
    }
  }
  for (const entry of truststore.imports) {
    if (entry.file !== undefined) {
      lines.push('', '# A certificate to trust (PEM or DER), stored under its alias.', '[[truststore.import]]');
      if (entry.alias !== '') lines.push(`alias = ${tomlString(entry.alias)}`);
      lines.push(`file = ${tomlString(entry.file)}`);
      continue;
    }
    const { host, port, servername } = entry.server;
    lines.push('', '# A certificate taken from the chain a server presents, pinned by its SHA-256 fingerprint.', '[[truststore.import]]');
    if (entry.alias !== '') lines.push(`alias = ${tomlString(entry.alias)}`);
    lines.push(`url = ${tomlString(`https://${host.includes(':') ? `[${host}]` : host}:${port}`)}`);
    if (servername) lines.push(`servername = ${tomlString(servername)}`);
    if (entry.trust) lines.push(`trust = ${tomlString(entry.trust)}`);
    if (entry.sha256) lines.push(`sha256 = ${tomlString(entry.sha256)}`);
  }
  return lines;
}
