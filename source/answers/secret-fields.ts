import type { Answers, SecretRef } from './types.js';

/** The passwords an answers file names, once resolved. Keys follow the answers' fields. */
export interface KeystoreSecrets {
  password: string;
  keyPassword: string;
  /** With source = "existing": the source keystore's store and key passwords. */
  existingPassword?: string;
  existingKeyPassword?: string;
}

export interface TruststoreSecrets {
  password: string;
  /** With source = "existing": the source truststore's password. */
  existingPassword?: string;
}

export type ResolvedSecrets = KeystoreSecrets | TruststoreSecrets;
export type SecretsFor<A extends Answers> = A extends { procedure: 'truststore' } ? TruststoreSecrets : KeystoreSecrets;

export interface SecretField {
  /** As the answers file writes it: "[keystore] password". */
  field: string;
  key: 'password' | 'keyPassword' | 'existingPassword' | 'existingKeyPassword';
  ref: SecretRef;
}

/** Every secret reference of the answers, with the field it came from. */
export function secretFields(answers: Answers): SecretField[] {
  if (answers.procedure === 'truststore') {
    const { truststore } = answers;
    const fields: SecretField[] = [{ field: '[truststore] password', key: 'password', ref: truststore.password }];
    if (truststore.source === 'existing') {
      fields.push({ field: '[truststore.existing] password', key: 'existingPassword', ref: truststore.existing.password });
    }
    return fields;
  }
  const { keystore } = answers;
  const fields: SecretField[] = [
    { field: '[keystore] password', key: 'password', ref: keystore.password },
    { field: '[keystore] key_password', key: 'keyPassword', ref: keystore.keyPassword },
  ];
  if (keystore.source === 'existing') {
    fields.push(
      { field: '[keystore.existing] password', key: 'existingPassword', ref: keystore.existing.password },
      { field: '[keystore.existing] key_password', key: 'existingKeyPassword', ref: keystore.existing.keyPassword },
    );
  }
  return fields;
}
