import path from 'node:path';
import type { Answers, KeystoreAnswers, SecretRef, TruststoreSettings } from './types.js';

/**
 * Makes every path in the answers absolute, relative ones against `baseDir` (the answers file's folder), so that
 * the file means the same thing whatever the current directory is when automation runs it.
 */
export function resolveAnswerPaths<A extends Answers>(answers: A, baseDir: string): A {
  const file = (value: string): string => path.resolve(baseDir, value);
  const secret = (ref: SecretRef): SecretRef => ('file' in ref ? { file: file(ref.file) } : ref);
  if (answers.procedure === 'truststore') {
    return { ...answers, truststore: truststorePaths(answers.truststore, file, secret) };
  }
  return { ...answers, keystore: keystorePaths(answers.keystore, file, secret) };
}

function keystorePaths(keystore: KeystoreAnswers, file: (value: string) => string, secret: (ref: SecretRef) => SecretRef): KeystoreAnswers {
  const common = { ...keystore, password: secret(keystore.password), keyPassword: secret(keystore.keyPassword) };
  if (keystore.source === 'generate') return { ...common, source: 'generate', generate: keystore.generate };
  if (keystore.source === 'csr') return { ...common, source: 'csr', csrFile: file(keystore.csrFile), csr: keystore.csr };
  if (keystore.source === 'ca-reply') return { ...common, source: 'ca-reply', reply: file(keystore.reply) };
  const { existing } = keystore;
  return {
    ...common,
    source: 'existing',
    existing: { ...existing, path: file(existing.path), password: secret(existing.password), keyPassword: secret(existing.keyPassword) },
  };
}

function truststorePaths(
  truststore: TruststoreSettings,
  file: (value: string) => string,
  secret: (ref: SecretRef) => SecretRef,
): TruststoreSettings {
  const common = {
    ...truststore,
    password: secret(truststore.password),
    imports: truststore.imports.map((entry) => (entry.file === undefined ? entry : { ...entry, file: file(entry.file) })),
  };
  if (truststore.source === 'copy-current') return { ...common, source: 'copy-current' };
  const { existing } = truststore;
  return { ...common, source: 'existing', existing: { path: file(existing.path), password: secret(existing.password) } };
}
