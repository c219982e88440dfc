import { createHash, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { UserError } from '../../errors.js';
import { type Asn1, Asn1Type, build, buildExplicit, buildInteger, buildOctets, buildOid, parseBer, toDerBuffer } from './asn1.js';
import { OID } from '../oids.js';
import { buildMacData } from './mac.js';

/**
 * Writes a PKCS#12 keystore that Java 17 reads as it reads its own: keys in PBES2 (PBKDF2-HMAC-SHA256,
 * AES-256-CBC) shrouded key bags made by node-forge, each with friendlyName and localKeyId; trusted
 * certificates carrying Oracle's trusted-key-usage attribute, without which Java ignores them; an
 * HMAC-SHA256 MAC over the result. forge's toPkcs12Asn1 is not used: it takes one RSA key only, cannot add
 * the trusted attribute, and always MACs with SHA-1.
 */
export type Pkcs12EntryToWrite =
  | { kind: 'private-key'; alias: string; key: KeyObject; chain: Buffer[] /* DER, leaf first */ }
  | { kind: 'trusted-certificate'; alias: string; certificate: Buffer };

/** Java 17's defaults for key protection. */
const KEY_ITERATIONS = 10_000;
const KEY_SALT_BYTES = 16;

function badInput(message: string): UserError {
  return new UserError(message, 'bad-input');
}

function readCertificate(der: Buffer, alias: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch {
    throw badInput(`the certificate for "${alias}" is not a readable X.509 certificate`);
  }
}

function validate(entries: readonly Pkcs12EntryToWrite[], storePassword: string): void {
  // Java derives PKCS#12 keys through PBEKey, which throws "Password is not ASCII": it could not open the file.
  if (!/^[\x20-\x7e]*$/.test(storePassword)) {
    throw badInput(
      'a PKCS#12 keystore password must be printable ASCII: Java cannot open a PKCS#12 file whose password has other characters',
    );
  }
  const seen = new Set<string>();
  for (const entry of entries) {
    if (entry.alias.length === 0) throw badInput('every keystore entry needs a non-empty alias');
    // Java treats PKCS#12 aliases case-insensitively: two that differ in case would collapse into one.
    const folded = entry.alias.toLowerCase();
    if (seen.has(folded)) throw badInput(`the alias "${entry.alias}" is used twice (Java ignores case in PKCS#12 aliases)`);
    seen.add(folded);
    if (entry.kind === 'trusted-certificate') {
      readCertificate(entry.certificate, entry.alias);
      continue;
    }
    if (entry.key.type !== 'private') throw badInput(`the key for "${entry.alias}" is not a private key`);
    const [leafDer] = entry.chain;
    if (!leafDer) throw badInput(`the key entry "${entry.alias}" needs at least its own certificate`);
    entry.chain.forEach((der) => readCertificate(der, entry.alias));
    const leaf = readCertificate(leafDer, entry.alias);
    let matches = false;
    try {
      matches = leaf.publicKey.asymmetricKeyType === entry.key.asymmetricKeyType && leaf.checkPrivateKey(entry.key);
    } catch {
      matches = false;
    }
    if (!matches)
      throw badInput(`the private key of "${entry.alias}" does not belong to its certificate (${leaf.subject.replaceAll('\n', ', ')})`);
  }
}

function attribute(id: string, value: Asn1): Asn1 {
  return build(Asn1Type.SEQUENCE, [buildOid(id), build(Asn1Type.SET, [value])]);
}

function friendlyName(alias: string): Asn1 {
  // forge writes a BMPString's JavaScript string as UTF-16 code units, which is what PKCS#12 wants.
  return attribute(OID.friendlyName, build(Asn1Type.BMPSTRING, alias));
}

function safeBag(bagId: string, value: Asn1, attributes: Asn1[]): Asn1 {
  const fields = [buildOid(bagId), buildExplicit(0, value)];
  if (attributes.length > 0) fields.push(build(Asn1Type.SET, attributes));
  return build(Asn1Type.SEQUENCE, fields);
}

function certificateBag(der: Buffer, attributes: Asn1[]): Asn1 {
  const certBag = build(Asn1Type.SEQUENCE, [buildOid(OID.x509Certificate), buildExplicit(0, buildOctets(der))]);
  return safeBag(OID.certBag, certBag, attributes);
}

function shroudedKeyBag(key: KeyObject, password: string, attributes: Asn1[]): Asn1 {
  const pkcs8 = parseBer(key.export({ format: 'der', type: 'pkcs8' }), 'a private key');
  // PBKDF2 takes the password as UTF-8 bytes in Java; forge takes a byte string, so encode it first.
  const encrypted = forge.pki.encryptPrivateKeyInfo(pkcs8, forge.util.encodeUtf8(password), {
    algorithm: 'aes256',
    count: KEY_ITERATIONS,
    saltSize: KEY_SALT_BYTES,
    prfAlgorithm: 'sha256',
  });
  return safeBag(OID.shroudedKeyBag, encrypted, attributes);
}

function dataContentInfo(content: Buffer): Asn1 {
  return build(Asn1Type.SEQUENCE, [buildOid(OID.data), buildExplicit(0, buildOctets(content))]);
}

/** A localKeyId per key: SHA-1 of its certificate (forge's convention), random where a certificate repeats. */
function localKeyIds(entries: readonly Pkcs12EntryToWrite[]): Map<Pkcs12EntryToWrite, Buffer> {
  const ids = new Map<Pkcs12EntryToWrite, Buffer>();
  const used = new Set<string>();
  for (const entry of entries) {
    if (entry.kind !== 'private-key') continue;
    let id = createHash('sha1').update(entry.chain[0]!).digest();
    if (used.has(id.toString('hex'))) id = randomBytes(20);
    used.add(id.toString('hex'));
    ids.set(entry, id);
  }
  return ids;
}

export function writePkcs12(entries: readonly Pkcs12EntryToWrite[], storePassword: string): Buffer {
  validate(entries, storePassword);
  const ids = localKeyIds(entries);
  const certificateBags: Asn1[] = [];
  const keyBags: Asn1[] = [];
  // Java finds issuers by name among all certificates of the file: one copy serves every chain.
  const written = new Set(
    entries.map((entry) => (entry.kind === 'trusted-certificate' ? entry.certificate : entry.chain[0]!).toString('base64')),
  );
  for (const entry of entries) {
    const name = friendlyName(entry.alias);
    if (entry.kind === 'trusted-certificate') {
      const trusted = attribute(OID.oracleTrustedKeyUsage, buildOid(OID.anyExtendedKeyUsage));
      certificateBags.push(certificateBag(entry.certificate, [name, trusted]));
      continue;
    }
    const localKeyId = attribute(OID.localKeyId, buildOctets(ids.get(entry)!));
    const [leaf, ...issuers] = entry.chain;
    certificateBags.push(certificateBag(leaf!, [name, localKeyId]));
    for (const issuer of issuers) {
      const key = issuer.toString('base64');
      if (written.has(key)) continue;
      written.add(key);
      certificateBags.push(certificateBag(issuer, []));
    }
    keyBags.push(shroudedKeyBag(entry.key, storePassword, [name, localKeyId]));
  }
  const contents: Asn1[] = [];
  if (certificateBags.length > 0) contents.push(dataContentInfo(toDerBuffer(build(Asn1Type.SEQUENCE, certificateBags))));
  if (keyBags.length > 0) contents.push(dataContentInfo(toDerBuffer(build(Asn1Type.SEQUENCE, keyBags))));
  const authSafe = toDerBuffer(build(Asn1Type.SEQUENCE, contents));
  const pfx = build(Asn1Type.SEQUENCE, [buildInteger(3), dataContentInfo(authSafe), buildMacData(storePassword, authSafe)]);
  return toDerBuffer(pfx);
}
