import { X509Certificate } from 'node:crypto';
import type { KeystoreSecrets } from '../answers/secret-fields.js';
import type { KeystoreAnswers } from '../answers/types.js';
import { patchToml, type TomlChange } from '../config/patch.js';
import { derChildren, derWhole, readDerNode } from '../keystore/der.js';
import { encodeDname } from '../keystore/x509/dname.js';
import { expiryState } from '../keystore/x509/certificate.js';
import { readKeystore } from '../keystore/open.js';
import { formatSubjectAltName, uniqueSubjectAltNames } from '../keystore/x509/san.js';
import { knownSecret, sha256Hex } from './current-keystore.js';
import type { HomeSnapshot } from './home-snapshot.js';
import { keyFromKeystoreBytes } from './key-material.js';
import { parseCaReply } from '../keystore/x509/ca-reply-file.js';
import { entryJavaFinds, javaTrustOf, keyEntriesForTls } from '../keystore/java-lookup.js';

/**
 * Running the same answers twice must change nothing the second time. The home is "already in place" when the
 * configuration already holds every intended value, and the keystore there opens with the intended passwords and
 * holds the intended key: for a generated key, one with the same subject, names and key type that is still valid;
 * for an existing keystore, the same certificate.
 */
export async function alreadyInPlace(options: {
  facts: HomeSnapshot;
  role: 'primary' | 'internal';
  answers: KeystoreAnswers;
  secrets: KeystoreSecrets;
  target: string;
  targetBytes: Buffer | undefined;
  changes: TomlChange[];
  /** Primary only: whether the answers want the certificate in the truststore. */
  importCertificate?: boolean;
}): Promise<string | undefined> {
  const { facts, answers, secrets, target, targetBytes } = options;
  if (!targetBytes) return undefined;
  let patched: string;
  try {
    patched = patchToml(facts.configText, options.changes, { file: facts.located.config.path });
  } catch {
    return undefined;
  }
  if (patched !== facts.configText) return undefined;

  let leaf: Buffer | undefined;
  let entryChain: Buffer[] = [];
  try {
    const keystore = await readKeystore(targetBytes, secrets.password);
    const entry = entryJavaFinds(keystore, answers.alias);
    if (entry?.kind !== 'private-key') return undefined;
    // The HTTPS transports serve every key of the primary keystore (keyEntriesForTls): the answers describe one.
    if (options.role === 'primary' && keyEntriesForTls(keystore).length !== 1) return undefined;
    const key = entry.key.recover(secrets.keyPassword);
    leaf = entry.chain[0];
    entryChain = entry.chain;
    if (!leaf || !new X509Certificate(leaf).checkPrivateKey(key)) return undefined;
  } catch {
    return undefined;
  }
  const certificate = new X509Certificate(leaf);
  const state = expiryState({ notBefore: new Date(certificate.validFrom), notAfter: new Date(certificate.validTo) }, facts.now);
  if (state !== 'valid') return undefined;

  if (answers.source === 'generate') {
    if (!sameSubject(leaf, encodeDname(answers.generate.dname.attributes))) return undefined;
    const wanted = uniqueSubjectAltNames(answers.generate.subjectAltNames.map((name) => name.entry))
      .map(formatSubjectAltName)
      .sort();
    const have = (certificate.subjectAltName ?? '')
      .split(', ')
      .filter(Boolean)
      .map((name) => name.replace(/^IP Address:/, 'IP:'))
      .sort();
    if (wanted.join('\n').toLowerCase() !== have.join('\n').toLowerCase()) return undefined;
    const details = certificate.publicKey.asymmetricKeyDetails ?? {};
    const spec = answers.generate.keyPair;
    const bits =
      spec.algorithm === 'RSA'
        ? details.modulusLength
        : details.namedCurve === 'prime256v1'
          ? 256
          : details.namedCurve === 'secp384r1'
            ? 384
            : undefined;
    if (certificate.publicKey.asymmetricKeyType !== spec.algorithm.toLowerCase() || bits !== spec.size) return undefined;
  } else if (answers.source === 'ca-reply') {
    // The reply was installed already when the keystore's leaf is one of its certificates.
    try {
      const reply = parseCaReply(facts.files.required('ca-reply', answers.reply), answers.reply);
      if (!reply.some((certificate) => sha256Hex(certificate) === sha256Hex(leaf!))) return undefined;
    } catch {
      return undefined;
    }
  } else if (answers.source === 'existing') {
    try {
      const file = answers.existing.path;
      const source = await keyFromKeystoreBytes(
        facts.files.required('keystore', file),
        file,
        answers.existing.alias,
        secrets.existingPassword ?? secrets.password,
        secrets.existingKeyPassword ?? secrets.password,
        facts.now,
      );
      if (sha256Hex(source.chain[0]!) !== sha256Hex(leaf)) return undefined;
    } catch {
      return undefined;
    }
  } else {
    return undefined;
  }

  const truststore = facts.resolved.roles.truststore;
  const trustPassword = knownSecret(truststore.password);
  if (options.role === 'primary' && options.importCertificate !== false && trustPassword !== undefined) {
    const bytes = facts.files.present(truststore.file);
    if (bytes) {
      try {
        const trusted = await readKeystore(bytes, trustPassword);
        // A CA-signed chain is trusted through its root (see prepareKeystoreProcedure).
        const print = sha256Hex(answers.source === 'ca-reply' ? entryChain[entryChain.length - 1]! : leaf);
        const present = trusted.entries.some(
          (entry) =>
            entry.kind === 'trusted-certificate' &&
            javaTrustOf(trusted.format, entry) === 'trusted' &&
            sha256Hex(entry.certificate) === print,
        );
        if (!present) return undefined;
      } catch {
        return undefined;
      }
    }
  }
  return `${facts.profile.configFile} already points [${facts.profile.tables[options.role]}] at ${target}, which holds the key "${answers.alias.toLowerCase()}" these answers describe. Nothing to change.`;
}

/** Compares the certificate's subject Name, as DER, with the intended one. */
function sameSubject(certificateDer: Buffer, subjectDer: Buffer): boolean {
  try {
    const certificate = readDerNode(certificateDer, 0);
    const tbs = derChildren(certificate)[0]!;
    const fields = derChildren(tbs);
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const subject = fields[offset + 4];
    return subject !== undefined && derWhole(subject).equals(subjectDer);
  } catch {
    return false;
  }
}
