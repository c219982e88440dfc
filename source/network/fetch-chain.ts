import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { showAddress } from './address.js';
import { proxyFor, ProxySettingError, type ProxySetting } from './proxy.js';

export { parseServerAddress, showAddress } from './address.js';

/** How long a connection (through the proxy included) and its TLS handshake may take in all. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface ServerAddress {
  host: string;
  port: number;
  /** The name sent as SNI and checked against the certificate; the host when not given. */
  servername?: string;
}

export interface PresentedChain {
  /** DER certificates as the server presented them, leaf first. */
  chain: Buffer[];
  protocol: string | null;
  cipher: string | null;
  /** The proxy used, without credentials, or null for a direct connection. */
  proxy: string | null;
}

/** The connection could not be made or the handshake did not finish: `check-tls` exits 2 with this message. */
export class ConnectError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/**
 * Connects (directly, or through HTTPS_PROXY with CONNECT unless NO_PROXY names the host), completes a TLS
 * handshake without judging the certificates, and returns the chain the server presented. Nothing is sent after
 * the handshake. OpenSSL's own verification is off on purpose: the chain is judged by Java's rules afterwards.
 */
export async function fetchPresentedChain(
  address: ServerAddress,
  env: NodeJS.ProcessEnv,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<PresentedChain> {
  let proxy: ProxySetting | undefined;
  try {
    proxy = proxyFor(address.host, address.port, env);
  } catch (error) {
    if (error instanceof ProxySettingError) throw new ConnectError(error.message, 'proxy-setting');
    throw error;
  }
  const target = showAddress(address.host, address.port);
  const deadline = Date.now() + timeoutMs;
  const sockets: Socket[] = [];
  let timerHandle: NodeJS.Timeout | undefined;
  const timer = new Promise<never>((_, reject) => {
    const handle = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
      reject(
        new ConnectError(
          `no answer from ${proxy ? `${target} through the proxy ${proxy.shown}` : target} within ${timeoutMs / 1000} s (a firewall dropping the connection, or the wrong port)`,
          'timeout',
        ),
      );
    }, timeoutMs);
    handle.unref();
    timerHandle = handle;
  });
  try {
    const work = (async () => {
      const tunnel = proxy ? await connectThroughProxy(proxy, address, sockets) : undefined;
      return handshake(address, tunnel, sockets, proxy, deadline);
    })();
    return await Promise.race([work, timer]);
  } finally {
    if (timerHandle) clearTimeout(timerHandle);
    for (const socket of sockets) socket.destroy();
  }
}

function describeSocketError(error: NodeJS.ErrnoException, what: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `${what} refused the connection (nothing listens on that port)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${what}: the name does not resolve (DNS): check the host name${error.code === 'EAI_AGAIN' ? " and this machine's DNS" : ''}`;
    case 'ECONNRESET':
      return `${what} closed the connection during the TLS handshake (it may not speak TLS on that port, or refuses this client)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${what} cannot be reached from this machine (no route: a proxy may be needed; set HTTPS_PROXY)`;
    case 'ETIMEDOUT':
      return `${what} did not answer (timed out)`;
    default:
      return `${what}: ${error.message}`;
  }
}

async function connectThroughProxy(proxy: ProxySetting, address: ServerAddress, sockets: Socket[]): Promise<Socket> {
  const target = showAddress(address.host, address.port);
  const socket = netConnect({ host: proxy.host, port: proxy.port });
  sockets.push(socket);
  return new Promise<Socket>((resolve, reject) => {
    let received = Buffer.alloc(0);
    const fail = (message: string, reason: string) => {
      socket.destroy();
      reject(new ConnectError(message, reason));
    };
    socket.once('error', (error: NodeJS.ErrnoException) =>
      fail(describeSocketError(error, `the proxy ${proxy.shown} (from ${proxy.from})`), error.code ?? 'proxy-error'),
    );
    socket.once('connect', () => {
      const authorization = proxy.credentials ? `Proxy-Authorization: Basic ${Buffer.from(proxy.credentials).toString('base64')}\r\n` : '';
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${authorization}\r\n`);
    });
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > 16_384) fail(`the proxy ${proxy.shown} sent an answer that is not HTTP`, 'proxy-error');
        return;
      }
      socket.off('data', onData);
      socket.off('end', onEnd);
      const statusLine = received.subarray(0, received.indexOf('\r\n')).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
      if (!status) return fail(`the proxy ${proxy.shown} sent an answer that is not HTTP`, 'proxy-error');
      if (status[1] !== '200') {
        const why = status[1] === '407' ? ' (the proxy wants credentials: put them in the URL, http://user:password@host:port)' : '';
        return fail(
          `the proxy ${proxy.shown} (from ${proxy.from}) refused to connect to ${target}: ${statusLine.replace(/[^\x20-\x7e]/g, '?')}${why}`,
          'proxy-refused',
        );
      }
      const rest = received.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      socket.removeAllListeners('error');
      resolve(socket);
    };
    const onEnd = () => fail(`the proxy ${proxy.shown} closed the connection before answering CONNECT`, 'proxy-error');
    socket.on('data', onData);
    socket.once('end', onEnd);
  });
}

function handshake(
  address: ServerAddress,
  tunnel: Socket | undefined,
  sockets: Socket[],
  proxy: ProxySetting | undefined,
  deadline: number,
): Promise<PresentedChain> {
  const servername = address.servername ?? address.host;
  const target = showAddress(address.host, address.port);
  return new Promise<PresentedChain>((resolve, reject) => {
    let settled = false;
    const socket: TLSSocket = tlsConnect({
      ...(tunnel ? { socket: tunnel } : { host: address.host, port: address.port }),
      // SNI is never an IP address (RFC 6066), as Java leaves it out for one too.
      ...(isIP(servername) === 0 ? { servername } : {}),
      rejectUnauthorized: false,
      // An empty CA list: the chain reported is what the server sent, never completed from this machine's CAs.
      ca: [],
      timeout: Math.max(1, deadline - Date.now()),
    });
    sockets.push(socket);
    socket.once('secureConnect', () => {
      settled = true;
      const chain = peerChain(socket.getPeerCertificate(true));
      const cipher = socket.getCipher();
      const protocol = socket.getProtocol();
      socket.destroy();
      if (chain.length === 0) {
        reject(new ConnectError(`${target} completed the handshake without presenting a certificate`, 'no-certificate'));
        return;
      }
      resolve({ chain, protocol: protocol ?? null, cipher: cipher?.name ?? null, proxy: proxy ? proxy.shown : null });
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      const via = proxy ? ` (through the proxy ${proxy.shown})` : '';
      const tlsProblem = /SSL|TLS|alert|handshake|wrong version/i.test(error.message) && !error.code?.startsWith('E');
      reject(
        new ConnectError(
          tlsProblem
            ? `${target}${via}: the TLS handshake failed (${error.message}); the port may not speak TLS, or the server refuses this client's protocol versions`
            : describeSocketError(error, `${target}${via}`),
          error.code ?? 'tls-error',
        ),
      );
    });
  });
}

function peerChain(leaf: DetailedPeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  let current: DetailedPeerCertificate | undefined = leaf;
  while (current?.raw && !chain.some((der) => der.equals(current!.raw))) {
    chain.push(Buffer.from(current.raw));
    const next: DetailedPeerCertificate | undefined = current.issuerCertificate;
    if (!next || next === current) break;
    current = next;
  }
  return chain;
}
