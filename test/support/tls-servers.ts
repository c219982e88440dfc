import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { execa } from 'execa';
import forge from 'node-forge';
import { pem } from './test-ca.js';

/**
 * Certificate chains and TLS servers for check-tls and import tests, all on 127.0.0.1. RSA chains are made with
 * node-forge (any dates, so expired ones too), the EC chain with the openssl command line (forge has no EC).
 */
const DAY = 86_400_000;

export interface ServerChain {
  /** Leaf first, as the server sends it (the root is not sent unless `sendRoot`). */
  sent: Buffer[];
  leaf: Buffer;
  intermediate?: Buffer;
  root: Buffer;
  keyPem: string;
}

interface ForgeKeys {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.PublicKey;
  pem: string;
}

function rsaKeys(): ForgeKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    privateKey: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    pem: keyPem,
  };
}

function der(certificate: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
}

function serial(): string {
  const bytes = randomBytes(12);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function certificate(options: {
  subject: string;
  keys: ForgeKeys;
  issuer?: forge.pki.Certificate;
  signer: ForgeKeys;
  ca: boolean;
  names?: string[];
  notBefore: Date;
  notAfter: Date;
  digest?: 'md5' | 'sha256';
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = options.keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  const attrs = [
    { name: 'commonName', value: options.subject },
    { name: 'organizationName', value: 'Check TLS Test' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(options.issuer ? options.issuer.subject.attributes : attrs);
  cert.setExtensions(
    options.ca
      ? [
          { name: 'basicConstraints', cA: true, critical: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
          { name: 'extKeyUsage', serverAuth: true },
          ...(options.names && options.names.length > 0
            ? [
                {
                  name: 'subjectAltName',
                  altNames: options.names.map((value) => (net.isIP(value) ? { type: 7, ip: value } : { type: 2, value })),
                },
              ]
            : []),
        ],
  );
  cert.sign(options.signer.privateKey, options.digest === 'md5' ? forge.md.md5.create() : forge.md.sha256.create());
  return cert;
}

/** Root -> intermediate -> leaf (RSA 2048), the server sending leaf and intermediate unless told otherwise. */
export function rsaChain(options: {
  names: string[];
  label?: string;
  now?: Date;
  leafExpired?: boolean;
  intermediateExpired?: boolean;
  leafOnly?: boolean;
  sendRoot?: boolean;
  leafDigest?: 'md5' | 'sha256';
}): ServerChain {
  const now = options.now ?? new Date();
  const label = options.label ?? 'Test';
  const rootKeys = rsaKeys();
  const root = certificate({
    subject: `${label} Root CA`,
    keys: rootKeys,
    signer: rootKeys,
    ca: true,
    notBefore: new Date(now.getTime() - 30 * DAY),
    notAfter: new Date(now.getTime() + 3650 * DAY),
  });
  const interKeys = rsaKeys();
  const intermediate = certificate({
    subject: `${label} Intermediate CA`,
    keys: interKeys,
    issuer: root,
    signer: rootKeys,
    ca: true,
    notBefore: new Date(now.getTime() - 30 * DAY),
    notAfter: options.intermediateExpired ? new Date(now.getTime() - 2 * DAY) : new Date(now.getTime() + 1825 * DAY),
  });
  const leafKeys = rsaKeys();
  const leaf = certificate({
    subject: options.names[0] ?? 'server',
    keys: leafKeys,
    issuer: intermediate,
    signer: interKeys,
    ca: false,
    names: options.names,
    notBefore: new Date(now.getTime() - 10 * DAY),
    notAfter: options.leafExpired ? new Date(now.getTime() - DAY) : new Date(now.getTime() + 365 * DAY),
    digest: options.leafDigest,
  });
  const leafDer = der(leaf);
  const interDer = der(intermediate);
  const rootDer = der(root);
  const sent = options.leafOnly ? [leafDer] : options.sendRoot ? [leafDer, interDer, rootDer] : [leafDer, interDer];
  return { sent, leaf: leafDer, intermediate: interDer, root: rootDer, keyPem: leafKeys.pem };
}

/** A self-signed server certificate (RSA 2048). */
export function selfSigned(options: { names: string[]; now?: Date; expired?: boolean }): ServerChain {
  const now = options.now ?? new Date();
  const keys = rsaKeys();
  const notAfter = options.expired ? new Date(now.getTime() - DAY) : new Date(now.getTime() + 365 * DAY);
  const cert = certificate({
    subject: options.names[0] ?? 'server',
    keys,
    signer: keys,
    ca: false,
    names: options.names,
    notBefore: new Date(now.getTime() - 30 * DAY),
    notAfter,
  });
  const leaf = der(cert);
  return { sent: [leaf], leaf, root: leaf, keyPem: keys.pem };
}

/** Root -> intermediate -> leaf on P-256, made by the openssl command line in `dir`. */
export async function ecChain(
  dir: string,
  names: string[],
): Promise<ServerChain & { files: { key: string; leaf: string; intermediate: string } }> {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const openssl = (args: string[]) => execa('openssl', args, { cwd: dir, stdin: 'ignore' });
  for (const name of ['root', 'inter', 'leaf'])
    await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(`${name}.key`)]);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    file('root.key'),
    '-subj',
    '/CN=EC Test Root CA/O=Check TLS Test',
    '-days',
    '3650',
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:true',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    file('root.pem'),
  ]);
  await openssl([
    'req',
    '-new',
    '-key',
    file('inter.key'),
    '-subj',
    '/CN=EC Test Intermediate CA/O=Check TLS Test',
    '-out',
    file('inter.csr'),
  ]);
  writeFileSync(file('inter.ext'), 'basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  await openssl([
    'x509',
    '-req',
    '-in',
    file('inter.csr'),
    '-CA',
    file('root.pem'),
    '-CAkey',
    file('root.key'),
    '-CAcreateserial',
    '-days',
    '1825',
    '-sha256',
    '-extfile',
    file('inter.ext'),
    '-out',
    file('inter.pem'),
  ]);
  await openssl(['req', '-new', '-key', file('leaf.key'), '-subj', `/CN=${names[0]}`, '-out', file('leaf.csr')]);
  writeFileSync(
    file('leaf.ext'),
    `basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${names.map((n) => (net.isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}\n`,
  );
  await openssl([
    'x509',
    '-req',
    '-in',
    file('leaf.csr'),
    '-CA',
    file('inter.pem'),
    '-CAkey',
    file('inter.key'),
    '-CAcreateserial',
    '-days',
    '365',
    '-sha256',
    '-extfile',
    file('leaf.ext'),
    '-out',
    file('leaf.pem'),
  ]);
  const { X509Certificate } = await import('node:crypto');
  const { readFileSync } = await import('node:fs');
  const read = (name: string) => Buffer.from(new X509Certificate(readFileSync(file(name))).raw);
  const leaf = read('leaf.pem');
  const intermediate = read('inter.pem');
  return {
    sent: [leaf, intermediate],
    leaf,
    intermediate,
    root: read('root.pem'),
    keyPem: readFileSync(file('leaf.key'), 'utf8'),
    files: { key: file('leaf.key'), leaf: file('leaf.pem'), intermediate: file('inter.pem') },
  };
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** A Node TLS server on 127.0.0.1 presenting `chain`; with `byName`, SNI picks the chain (the default for no SNI). */
export async function startTlsServer(chain: ServerChain, byName: Record<string, ServerChain> = {}): Promise<RunningServer> {
  const contextOf = (c: ServerChain) => tls.createSecureContext({ key: c.keyPem, cert: c.sent.map(pem).join('') });
  const contexts = new Map(Object.entries(byName).map(([name, c]) => [name.toLowerCase(), contextOf(c)]));
  const server = tls.createServer({
    key: chain.keyPem,
    cert: chain.sent.map(pem).join(''),
    SNICallback: (name, callback) => callback(null, contexts.get(name.toLowerCase()) ?? contextOf(chain)),
  });
  server.on('tlsClientError', () => undefined);
  server.on('secureConnection', (socket) => {
    socket.on('error', () => undefined);
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** openssl s_server on 127.0.0.1 with the leaf and its chain file. */
export async function startOpensslServer(files: { key: string; leaf: string; intermediate: string }): Promise<RunningServer> {
  const port = await freePort();
  const child = execa(
    'openssl',
    [
      's_server',
      '-accept',
      `127.0.0.1:${port}`,
      '-key',
      files.key,
      '-cert',
      files.leaf,
      '-cert_chain',
      files.intermediate,
      '-naccept',
      '1000',
      '-quiet',
    ],
    { stdin: 'pipe', reject: false },
  );
  // Wait until it accepts connections.
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    close: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** An HTTP CONNECT proxy on 127.0.0.1 that records each CONNECT target. */
export async function startConnectProxy(): Promise<RunningServer & { targets: string[] }> {
  const targets: string[] = [];
  const server = net.createServer((client) => {
    client.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const match = /^CONNECT (\S+):(\d+) HTTP\/1\.[01]\r\n/.exec(buffered.toString('latin1'));
      if (!match) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
        return;
      }
      targets.push(`${match[1]}:${match[2]}`);
      const upstream = net.connect(Number(match[2]), match[1]!.replace(/^\[(.*)\]$/, '$1'));
      upstream.on('error', () => client.destroy());
      upstream.once('connect', () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        const rest = buffered.subarray(end + 4);
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, targets, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
