import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * A test certificate authority made with node-forge: a root and an intermediate (RSA), which sign requests the
 * way a real CA does (subject and SANs from the request, TLS server extensions). Certificates come back as DER.
 */
export interface TestCa {
  root: Buffer;
  intermediate: Buffer;
  /** Signs a PEM request; `expired`/`serverAuth` shape the leaf for the error cases. */
  sign(requestPem: string, options?: { serverAuth?: boolean; validDays?: number }): Buffer;
}

const DAY = 86_400_000;

function forgeKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

function toDer(certificate: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
}

function serial(): string {
  const bytes = randomBytes(12);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function caCertificate(
  subject: string,
  publicKey: forge.pki.PublicKey,
  issuer: forge.pki.Certificate | undefined,
  signer: forge.pki.rsa.PrivateKey,
  options: { notAfter?: Date; pathLen?: number; now: Date },
): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  certificate.serialNumber = serial();
  certificate.validity.notBefore = new Date(options.now.getTime() - 2 * DAY);
  certificate.validity.notAfter = options.notAfter ?? new Date(options.now.getTime() + 3650 * DAY);
  const attrs = [
    { name: 'commonName', value: subject },
    { name: 'organizationName', value: 'Test CA Org' },
  ];
  certificate.setSubject(attrs);
  certificate.setIssuer(issuer ? issuer.subject.attributes : attrs);
  certificate.setExtensions([
    {
      name: 'basicConstraints',
      cA: true,
      critical: true,
      ...(options.pathLen === undefined ? {} : { pathLenConstraint: options.pathLen }),
    },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  certificate.sign(signer, forge.md.sha256.create());
  return certificate;
}

export function makeTestCa(options: { now?: Date; intermediateExpiresAt?: Date } = {}): TestCa {
  const now = options.now ?? new Date();
  const rootKeys = forgeKeys();
  const root = caCertificate('Test Root CA', rootKeys.publicKey, undefined, rootKeys.privateKey, { now });
  const interKeys = forgeKeys();
  const intermediate = caCertificate('Test Intermediate CA', interKeys.publicKey, root, rootKeys.privateKey, {
    now,
    pathLen: 0,
    notAfter: options.intermediateExpiresAt,
  });
  return {
    root: toDer(root),
    intermediate: toDer(intermediate),
    sign(requestPem, signOptions = {}) {
      const request = forge.pki.certificationRequestFromPem(requestPem);
      if (!request.verify()) throw new Error('the request signature does not verify');
      const certificate = forge.pki.createCertificate();
      certificate.publicKey = request.publicKey!;
      certificate.serialNumber = serial();
      certificate.validity.notBefore = new Date(now.getTime() - DAY);
      certificate.validity.notAfter = new Date(now.getTime() + (signOptions.validDays ?? 365) * DAY);
      certificate.setSubject(request.subject.attributes);
      certificate.setIssuer(intermediate.subject.attributes);
      const requested =
        (request.getAttribute({ name: 'extensionRequest' }) as { extensions?: Array<{ name: string }> } | null)?.extensions ?? [];
      certificate.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        signOptions.serverAuth === false
          ? { name: 'extKeyUsage', clientAuth: true }
          : { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        ...requested.filter((extension) => extension.name === 'subjectAltName'),
      ]);
      certificate.sign(interKeys.privateKey, forge.md.sha256.create());
      return toDer(certificate);
    },
  };
}

export function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** A PKCS#7 certificate bag (.p7b) in DER, as CAs send chains. */
export function p7b(certificates: Buffer[]): Buffer {
  const message = forge.pkcs7.createSignedData();
  for (const der of certificates) message.addCertificate(forge.pki.certificateFromAsn1(forge.asn1.fromDer(der.toString('binary'))));
  return Buffer.from(forge.asn1.toDer(message.toAsn1()).getBytes(), 'binary');
}
