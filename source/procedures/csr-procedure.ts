import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import path from 'node:path';
import type { ExpectedFile, FileWrite } from '../apply/changes.js';
import { stateDir } from '../apply/layout.js';
import { CSR_ROLE } from '../apply/manifest-trust.js';
import type { KeystoreSecrets } from '../answers/secret-fields.js';
import type { CsrAnswers, InternalAnswers, KeystoreAnswers, PrimaryAnswers } from '../answers/types.js';
import { UserError } from '../errors.js';
import { summarizeCertificate } from '../keystore/x509/certificate.js';
import { certificateRequestPem, createCertificateRequest, readCertificateRequest } from '../keystore/x509/csr.js';
import { derChildren, derWhole, readDerNode } from '../keystore/der.js';
import { describeKeyPairSpec, generateKeyPair } from '../keystore/generate.js';
import { encodeDname, type DnAttribute } from '../keystore/x509/dname.js';
import { formatSubjectAltName, parseSubjectAltName, uniqueSubjectAltNames, type SanEntry } from '../keystore/x509/san.js';
import { encodeKeystore } from '../keystore/write.js';
import { createSelfSignedCertificate } from '../keystore/x509/build.js';
import { currentKeyPair, sha256Hex } from './current-keystore.js';
import { pendingRequest, type HomeSnapshot } from './home-snapshot.js';
import { pendingDir, pendingPaths, resumeHint, type PendingMeta } from '../apply/pending.js';
import { unchangedChange, type PlanAction, type PreparedChange } from './prepared.js';

/**
 * The first half of a CA-signed certificate: a key pair (new, or the current one for a renewal) kept in a pending
 * keystore under `<home>/.ei-keystore/pending/`, and a PKCS#10 request written where the user said. The
 * configuration does not change until the CA's reply is imported (source = "ca-reply").
 */
export async function prepareCsrRequest(
  facts: HomeSnapshot,
  answers: PrimaryAnswers | InternalAnswers,
  secrets: KeystoreSecrets,
): Promise<PreparedChange> {
  const keystore = answers.keystore as Extract<KeystoreAnswers, { source: 'csr' }>;
  const role = answers.procedure;
  const home = facts.located.home;
  const { keystorePath, metaPath } = pendingPaths(home, role);
  const request = await requestKey(facts, role, keystore.csr);
  const sans = request.subjectAltNames.map(formatSubjectAltName);
  const publicKey = createPublicKey(request.privateKey);
  const csr = createCertificateRequest({
    privateKey: request.privateKey,
    publicKey,
    subject: request.subject,
    subjectAltNames: request.subjectAltNames,
  });
  const pem = certificateRequestPem(csr);
  const publicKeySha256 = sha256Hex(publicKey.export({ type: 'spki', format: 'der' }));
  const subjectText = request.subjectText;
  const meta: PendingMeta = {
    version: 1,
    role,
    alias: keystore.alias.toLowerCase(),
    subject: subjectText,
    subjectAltNames: sans,
    csrFile: keystore.csrFile,
    createdAt: facts.now.toISOString(),
    publicKeySha256,
    ...(request.renewal ? { renewal: request.renewal } : {}),
  };
  const summary = {
    csrFile: keystore.csrFile,
    subject: subjectText,
    subjectAltNames: sans,
    pendingKeystore: keystorePath,
    renewal: Boolean(request.renewal),
    resume: resumeHint(meta),
  };
  const config = {
    path: facts.located.config.path,
    relative: facts.profile.configFile,
    before: facts.configText,
    after: facts.configText,
    changes: [],
  };

  const existing = pendingRequest(facts, role);
  const csrBytes = facts.files.present(keystore.csrFile);
  if (existing && !keystore.csr.replacePending) {
    if (await samePendingRequest(existing.meta, meta, csrBytes, request.renewal !== undefined)) {
      const why = `A request for ${subjectText} is already pending since ${existing.meta.createdAt.slice(0, 10)}, written to ${keystore.csrFile}. Nothing to change. Send that file to your CA. ${resumeHint(existing.meta)}`;
      return unchangedChange(facts, role, facts.profile.configFile, why, [], { ...summary, subject: existing.meta.subject });
    }
    throw new UserError(
      `A request for the ${role} keystore is already pending (${existing.meta.subject}, made ${existing.meta.createdAt.slice(0, 10)}, written to ${existing.meta.csrFile}). ` +
        `Import its reply first (source = "ca-reply"), or set replace_pending = true under [keystore.csr] to make a new one (the pending key is backed up, and a reply to the old request can no longer be imported).`,
      'request-pending',
    );
  }
  if (csrBytes && !looksLikeRequest(csrBytes)) {
    throw new UserError(
      `${keystore.csrFile} exists and is not a certificate signing request; choose another csr_file. Nothing was written.`,
      'file-exists',
    );
  }

  // A JKS key entry needs a certificate: the current chain for a renewal, else a self-signed stand-in, as keytool does.
  const chain = request.chain ?? [
    createSelfSignedCertificate({
      privateKey: request.privateKey,
      publicKey,
      subject: keystore.csr.dname?.attributes ?? PENDING_SUBJECT,
      subjectAltNames: request.subjectAltNames,
      validityDays: 365,
      now: facts.now,
    }),
  ];
  const pendingBytes = await encodeKeystore(
    'JKS',
    [{ kind: 'private-key', alias: meta.alias, key: request.privateKey, keyPassword: secrets.keyPassword, chain }],
    secrets.password,
    facts.now,
  );
  const writes: FileWrite[] = [
    { path: keystorePath, content: pendingBytes, mode: 0o600, role: 'pending request key' },
    { path: metaPath, content: Buffer.from(`${JSON.stringify(meta, null, 2)}\n`), mode: 0o600, role: 'pending request' },
    // A request holds no secret: readable like any certificate file.
    // The one file a change may write outside the home: where the user asked for the request. Restore leaves it alone.
    { path: keystore.csrFile, content: Buffer.from(pem), mode: 0o644, role: CSR_ROLE, mayBeOutsideHome: true },
  ];
  const actions: PlanAction[] = [
    request.renewal
      ? { kind: 'take', what: `the key "${request.renewal.alias}" of ${request.renewal.keystore} (a renewal: same key, new certificate)` }
      : { kind: 'generate', what: request.origin },
    {
      kind: 'write-keystore',
      path: keystorePath,
      role: 'pending request key',
      format: 'JKS',
      created: !existing,
      entries: `key "${meta.alias}", waiting for the CA's reply`,
    },
    { kind: 'write-request', path: keystore.csrFile, subject: subjectText, subjectAltNames: sans },
  ];
  const expected: ExpectedFile[] = [];
  for (const write of writes) {
    const current = write.path === keystore.csrFile ? csrBytes : facts.files.present(write.path);
    expected.push({ path: write.path, sha256: current ? sha256Hex(current) : null });
  }
  if (expected.some((file) => file.sha256 !== null)) actions.push({ kind: 'backup', paths: writes.map((write) => write.path) });
  return {
    procedure: role,
    home,
    actions,
    writes,
    expected,
    keystores: [
      {
        path: keystorePath,
        storePassword: secrets.password,
        format: 'JKS',
        keyEntries: [{ alias: meta.alias, keyPassword: secrets.keyPassword, leafSha256: sha256Hex(chain[0]!) }],
        trustedSha256: [],
      },
    ],
    config,
    notes: [
      `The configuration does not change until the CA's reply is imported; the server keeps its current ${role} keystore meanwhile.`,
      `The pending key is kept in ${path.relative(home, keystorePath)} with the keystore password of these answers: keep using the same password for the reply.`,
    ],
    privateDirs: [stateDir(home), pendingDir(home)],
    request: summary,
  };
}

/** The stand-in certificate's subject when the answers give none (only a renewal has none, and it keeps its chain). */
const PENDING_SUBJECT: DnAttribute[] = [{ type: 'CN', value: 'pending' }];

interface RequestKey {
  privateKey: KeyObject;
  /** The subject Name in DER. */
  subject: Buffer;
  subjectText: string;
  subjectAltNames: SanEntry[];
  origin: string;
  chain?: Buffer[];
  renewal?: { keystore: string; alias: string };
}

async function requestKey(facts: HomeSnapshot, role: 'primary' | 'internal', csr: CsrAnswers): Promise<RequestKey> {
  if (csr.key === 'new') {
    const subject = encodeDname(csr.dname.attributes);
    const pair = await generateKeyPair(csr.keyPair);
    const subjectAltNames = uniqueSubjectAltNames(csr.subjectAltNames.map((name) => name.entry));
    return {
      privateKey: pair.privateKey,
      subject,
      subjectText: csr.dname.text,
      subjectAltNames,
      origin: `a new ${describeKeyPairSpec(csr.keyPair)} key pair for the request`,
    };
  }
  const target = facts.resolved.roles[role];
  const current = await currentKeyPair(target, `renew the certificate of the ${role} keystore with its own key`, facts.files, 'to-carry');
  const leaf = current.entry.chain[0];
  if (!leaf) throw new UserError(`The key "${current.entry.alias}" of ${target.file} has no certificate to renew.`, 'alias-missing');
  const certificate = new X509Certificate(leaf);
  let subject: Buffer;
  let subjectText: string;
  if (csr.dname !== undefined) {
    subject = encodeDname(csr.dname.attributes);
    subjectText = csr.dname.text;
  } else {
    subject = certificateSubject(leaf);
    subjectText = summarizeCertificate(leaf).subject;
  }
  // The certificate's own names are parsed here: they come from the keystore, not from the answers.
  const sans = uniqueSubjectAltNames(csr.subjectAltNames?.map((name) => name.entry) ?? currentSans(certificate).map(parseSubjectAltName));
  return {
    privateKey: current.privateKey,
    subject,
    subjectText,
    subjectAltNames: sans,
    origin: `the current key "${current.entry.alias}"`,
    chain: current.entry.chain,
    renewal: { keystore: target.file, alias: current.entry.alias.toLowerCase() },
  };
}

/** The names a renewal keeps: DNS and IP entries of the current certificate (other kinds cannot be requested here). */
function currentSans(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .map((name) => name.replace(/^IP Address:/, 'IP:'))
    .filter((name) => name.startsWith('DNS:') || name.startsWith('IP:'));
}

function certificateSubject(der: Buffer): Buffer {
  const tbs = derChildren(readDerNode(der, 0))[0]!;
  const fields = derChildren(tbs);
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  return Buffer.from(derWhole(fields[offset + 4]!));
}

function looksLikeRequest(bytes: Buffer): boolean {
  try {
    readCertificateRequest(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Running the same request answers again: the same subject, names, file and kind of key, and the request still there. */
async function samePendingRequest(have: PendingMeta, want: PendingMeta, csrBytes: Buffer | undefined, renewal: boolean): Promise<boolean> {
  if (!csrBytes || have.csrFile !== want.csrFile || have.alias !== want.alias || have.subject !== want.subject) return false;
  if ([...have.subjectAltNames].sort().join('\n').toLowerCase() !== [...want.subjectAltNames].sort().join('\n').toLowerCase()) return false;
  if (Boolean(have.renewal) !== renewal) return false;
  if (renewal && have.publicKeySha256 !== want.publicKeySha256) return false;
  try {
    return sha256Hex(readCertificateRequest(csrBytes).publicKey) === have.publicKeySha256;
  } catch {
    return false;
  }
}
