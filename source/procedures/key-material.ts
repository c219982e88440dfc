import type { KeyObject } from 'node:crypto';
import type { KeystoreAnswers } from '../answers/types.js';
import type { KeystoreSecrets } from '../answers/secret-fields.js';
import { KeystoreError, UserError } from '../errors.js';
import { keyMatchesCertificate, verifyChainOrder } from '../keystore/x509/chain.js';
import { describeCertificate } from '../keystore/describe.js';
import { describeKeyPairSpec, generateKeyPair, type KeyPairInAdvance } from '../keystore/generate.js';
import type { PrivateKeyEntry } from '../keystore/model.js';
import { openKeystoreBytes, readKeystoreBytes } from '../keystore/open.js';
import type { FileStore } from './home-snapshot.js';
import { uniqueSubjectAltNames } from '../keystore/x509/san.js';
import { createSelfSignedCertificate } from '../keystore/x509/build.js';
import { calendarDay } from '../calendar-day.js';

/** A private key with its certificate chain (leaf first), checked and ready to be written under a new alias. */
export interface KeyMaterial {
  privateKey: KeyObject;
  chain: Buffer[];
  /** One line for the plan: where the key comes from. */
  origin: string;
  generated: boolean;
  /** From an existing keystore: the file as it is, so an identical target can be copied byte for byte. */
  source?: { bytes: Buffer; format: string; alias: string; entryCount: number; storePassword: string; keyPassword: string };
}

export async function obtainKeyMaterial(
  answers: KeystoreAnswers,
  secrets: KeystoreSecrets,
  now: Date,
  files: FileStore,
  inAdvance?: KeyPairInAdvance,
): Promise<KeyMaterial> {
  if (answers.source === 'generate') {
    const spec = answers.generate;
    const pair = await (inAdvance?.take(spec.keyPair) ?? generateKeyPair(spec.keyPair));
    const certificate = createSelfSignedCertificate({
      privateKey: pair.privateKey,
      publicKey: pair.publicKey,
      subject: spec.dname.attributes,
      subjectAltNames: uniqueSubjectAltNames(spec.subjectAltNames.map((name) => name.entry)),
      validityDays: spec.validityDays,
      now,
    });
    return {
      privateKey: pair.privateKey,
      chain: [certificate],
      origin: `a new ${describeKeyPairSpec(spec.keyPair)} key pair, self-signed for ${spec.dname.text}, valid ${spec.validityDays} days`,
      generated: true,
    };
  }
  if (answers.source !== 'existing') throw new Error(`obtainKeyMaterial: source "${answers.source}" is prepared elsewhere`);
  const file = answers.existing.path;
  return keyFromKeystoreBytes(
    files.required('keystore', file),
    file,
    answers.existing.alias,
    secrets.existingPassword ?? secrets.password,
    secrets.existingKeyPassword ?? secrets.existingPassword ?? secrets.password,
    now,
  );
}

/**
 * A key pair from a keystore the user brings: it must open, hold the alias as a key entry, give up its key,
 * match key to certificate, have its chain in order and not be expired. Each failure says which check and what to do.
 */
export async function keyFromExistingKeystore(
  file: string,
  alias: string | undefined,
  storePassword: string,
  keyPassword: string,
  now: Date,
): Promise<KeyMaterial> {
  return keyFromKeystoreBytes(await readKeystoreBytes(file), file, alias, storePassword, keyPassword, now);
}

/** The same checks on a keystore's bytes already read (planning reads nothing: see gatherPlanInputs). */
export async function keyFromKeystoreBytes(
  bytes: Buffer,
  file: string,
  alias: string | undefined,
  storePassword: string,
  keyPassword: string,
  now: Date,
): Promise<KeyMaterial> {
  const refuse = (message: string) => new UserError(`[keystore.existing] ${file}: ${message}`, 'existing-keystore-invalid');
  let keystore;
  try {
    keystore = await openKeystoreBytes(bytes, storePassword, file);
  } catch (error) {
    if (error instanceof KeystoreError && error.keystoreCode === 'wrong-password') {
      throw refuse('the password does not open it (or the file is damaged); check [keystore.existing] password.');
    }
    throw error;
  }
  const keyEntries = keystore.entries.filter((entry): entry is PrivateKeyEntry => entry.kind === 'private-key');
  let entry: PrivateKeyEntry | undefined;
  if (alias === undefined) {
    if (keyEntries.length !== 1) {
      throw refuse(
        keyEntries.length === 0
          ? 'it holds no private key entry; a keystore with a key pair is needed.'
          : `it holds ${keyEntries.length} key entries (${keyEntries.map((e) => e.alias).join(', ')}); set [keystore.existing] alias to one of them.`,
      );
    }
    entry = keyEntries[0];
  } else {
    const found = keystore.entries.find((candidate) => candidate.alias.toLowerCase() === alias.toLowerCase());
    if (!found) throw refuse(`it has no entry "${alias}"; its key entries are: ${keyEntries.map((e) => e.alias).join(', ') || 'none'}.`);
    if (found.kind !== 'private-key')
      throw refuse(`"${alias}" is a ${found.kind.replace('-', ' ')}, not a key pair; name a private key entry.`);
    entry = found;
  }
  const chosen = entry!;
  let privateKey: KeyObject;
  try {
    privateKey = chosen.key.recover(keyPassword);
  } catch (error) {
    if (error instanceof KeystoreError)
      throw refuse(`the key password does not open "${chosen.alias}"; set [keystore.existing] key_password.`);
    throw error;
  }
  const leaf = chosen.chain[0];
  if (!leaf || !keyMatchesCertificate(privateKey, leaf))
    throw refuse(`the private key of "${chosen.alias}" does not match its certificate.`);
  const order = verifyChainOrder(chosen.chain);
  if (!order.ok) throw refuse(`the certificate chain of "${chosen.alias}" is not in order from leaf to root: ${order.reason}`);
  const described = describeCertificate(leaf, now);
  if (described.expiry === 'expired') {
    throw refuse(`the certificate of "${chosen.alias}" expired on ${calendarDay(described.notAfter)}; get a new one.`);
  }
  return {
    privateKey,
    chain: chosen.chain,
    origin: `key "${chosen.alias}" from ${file} (${described.subject}, valid to ${calendarDay(described.notAfter)})`,
    generated: false,
    source: { bytes, format: keystore.format, alias: chosen.alias, entryCount: keystore.entries.length, storePassword, keyPassword },
  };
}
