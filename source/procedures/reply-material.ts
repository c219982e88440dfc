import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import type { KeystoreSecrets } from '../answers/secret-fields.js';
import { KeystoreError, UserError } from '../errors.js';
import { parseCaReply } from '../keystore/x509/ca-reply-file.js';
import { summarizeCertificate } from '../keystore/x509/certificate.js';
import type { PrivateKeyEntry } from '../keystore/model.js';
import { openKeystoreBytes } from '../keystore/open.js';
import { buildReplyChain } from '../keystore/x509/reply-chain.js';
import type { EntryToWrite } from '../keystore/write.js';
import { knownSecret, openConfiguredKeystore, sha256Hex } from './current-keystore.js';
import { pendingRequest, type FileStore, type HomeSnapshot } from './home-snapshot.js';
import type { PendingRequest } from '../apply/pending.js';
import { calendarDay } from '../calendar-day.js';

/** The pending key with the chain the CA's reply completes, ready to be placed like an existing keystore. */
export interface ReplyMaterial {
  privateKey: KeyObject;
  chain: Buffer[];
  origin: string;
  /** The root CA of the chain: trusted by the truststore so the server and its peers accept the chain. */
  root: Buffer;
  pending: PendingRequest;
  /** A renewal: the other entries of the keystore whose key was renewed, carried into its copy. */
  carried: EntryToWrite[];
  notes: string[];
}

/**
 * Opens the pending request of the role with the answers' passwords, reads the reply, and builds and checks the
 * chain (see buildReplyChain). Every refusal is a UserError, before anything is written.
 */
export async function keyFromCaReply(
  facts: HomeSnapshot,
  role: 'primary' | 'internal',
  replyFile: string,
  secrets: KeystoreSecrets,
): Promise<ReplyMaterial> {
  const pending = pendingRequest(facts, role);
  if (!pending) {
    throw new UserError(
      `There is no pending certificate signing request for the ${role} keystore in ${facts.located.home}/.ei-keystore/pending/. Make one first with [keystore] source = "csr" (ei-keystore apply ${role}), send it to the CA, then import the reply.`,
      'no-pending-request',
    );
  }
  const entry = await pendingEntry(pending, secrets, facts.files);
  let privateKey: KeyObject;
  try {
    privateKey = entry.key.recover(secrets.keyPassword);
  } catch (error) {
    if (error instanceof KeystoreError) {
      throw new UserError(
        `[keystore] key_password does not open the pending key in ${pending.keystorePath}: use the key password given with the request.`,
        'wrong-key-password',
      );
    }
    throw error;
  }
  const reply = parseCaReply(facts.files.required('ca-reply', replyFile), replyFile);
  const trusted = await truststoreCertificates(facts);
  const built = buildReplyChain({ reply, publicKey: createPublicKey(privateKey), trusted, now: facts.now, file: replyFile });
  const leaf = summarizeCertificate(built.chain[0]!);
  const notes: string[] = [];
  if (built.fromTruststore > 0)
    notes.push(
      `${built.fromTruststore} CA certificate${built.fromTruststore === 1 ? '' : 's'} of the chain came from the current truststore, not from the reply.`,
    );
  if (built.unused > 0)
    notes.push(
      `${built.unused} certificate${built.unused === 1 ? '' : 's'} of the reply ${built.unused === 1 ? 'is' : 'are'} not part of the chain and ${built.unused === 1 ? 'was' : 'were'} left out.`,
    );
  const carried = pending.meta.renewal ? await renewalEntries(facts, role, pending) : [];
  return {
    privateKey,
    chain: built.chain,
    root: built.chain[built.chain.length - 1]!,
    origin: `the pending key with the CA's reply ${replyFile}: ${leaf.subject}, issued by ${leaf.issuer}, valid to ${calendarDay(leaf.notAfter)}, a chain of ${built.chain.length} from leaf to root`,
    pending,
    carried,
    notes,
  };
}

async function pendingEntry(pending: PendingRequest, secrets: KeystoreSecrets, files: FileStore): Promise<PrivateKeyEntry> {
  const bytes = files.required('home-keystore', pending.keystorePath);
  try {
    const keystore = await openKeystoreBytes(bytes, secrets.password, pending.keystorePath);
    const entry = keystore.entries.find((candidate): candidate is PrivateKeyEntry => candidate.kind === 'private-key');
    if (!entry)
      throw new UserError(
        `${pending.keystorePath} holds no key; make the request again (source = "csr", replace_pending = true).`,
        'no-pending-request',
      );
    return entry;
  } catch (error) {
    if (error instanceof KeystoreError && error.keystoreCode === 'wrong-password') {
      throw new UserError(
        `[keystore] password does not open the pending request's keystore ${pending.keystorePath}: it was stored with the password given with the request (source = "csr"); give the same one.`,
        'wrong-password',
      );
    }
    throw error;
  }
}

/** The trusted certificates of the configured truststore, when it opens; none otherwise (the reply must then be whole). */
async function truststoreCertificates(facts: HomeSnapshot): Promise<Buffer[]> {
  const role = facts.resolved.roles.truststore;
  if (knownSecret(role.password) === undefined) return [];
  try {
    const { keystore } = await openConfiguredKeystore(role, 'complete the chain', facts.files);
    return keystore.entries.flatMap((entry) => (entry.kind === 'trusted-certificate' ? [entry.certificate] : []));
  } catch {
    return [];
  }
}

/**
 * A renewal goes into a copy of the keystore whose key was renewed: its other entries come along. That keystore
 * must still be the one the role uses and still hold the same key, or the renewal no longer applies.
 */
async function renewalEntries(facts: HomeSnapshot, role: 'primary' | 'internal', pending: PendingRequest): Promise<EntryToWrite[]> {
  const renewal = pending.meta.renewal!;
  const target = facts.resolved.roles[role];
  if (target.file !== renewal.keystore) {
    throw new UserError(
      `The request renews the key of ${renewal.keystore}, but the ${role} keystore is now ${target.file}. Make a new request (source = "csr", replace_pending = true).`,
      'renewal-stale',
    );
  }
  const { keystore, password } = await openConfiguredKeystore(target, 'copy the keystore whose certificate is renewed', facts.files);
  const keyPassword = knownSecret(target.keyPassword) ?? password;
  const carried: EntryToWrite[] = [];
  for (const entry of keystore.entries) {
    if (entry.alias.toLowerCase() === renewal.alias) continue;
    if (entry.kind === 'trusted-certificate')
      carried.push({ kind: 'trusted-certificate', alias: entry.alias, certificate: entry.certificate });
    else if (entry.kind === 'private-key') {
      const key = [keyPassword, password].flatMap((candidate) => {
        try {
          return [{ key: entry.key.recover(candidate), password: candidate }];
        } catch {
          return [];
        }
      })[0];
      if (!key)
        throw new UserError(
          `${target.file} holds another key, "${entry.alias}", whose password is not the configured one; it cannot be carried into the renewed copy.`,
          'renewal-entries',
        );
      carried.push({ kind: 'private-key', alias: entry.alias, key: key.key, keyPassword: key.password, chain: entry.chain });
    } else {
      throw new UserError(
        `${target.file} holds the secret key "${entry.alias}", which this tool cannot carry into the renewed copy.`,
        'renewal-entries',
      );
    }
  }
  if (
    !keystore.entries.some(
      (entry) =>
        entry.alias.toLowerCase() === renewal.alias && entry.kind === 'private-key' && sha256Hex(entry.chain[0] ?? Buffer.alloc(0)) !== '',
    )
  ) {
    throw new UserError(
      `${target.file} no longer holds the key "${renewal.alias}" that the request renews. Make a new request.`,
      'renewal-stale',
    );
  }
  return carried;
}
