import { isIP } from 'node:net';

/** "host:port", with brackets around an IPv6 address. */
export function showAddress(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Parses HOST, HOST:PORT, [IPv6]:PORT or https://HOST[:PORT][/...]; the port defaults to 443. Returns undefined
 * for text that is none of these.
 */
export function parseServerAddress(text: string, defaultPort = 443): { host: string; port: number } | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return undefined;
    }
    if (url.protocol !== 'https:') return undefined;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return host ? { host, port: url.port ? Number(url.port) : 443 } : undefined;
  }
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/i.exec(trimmed);
  if (bracketed) return withPort(bracketed[1]!, bracketed[2], defaultPort);
  if (isIP(trimmed) === 6) return { host: trimmed, port: defaultPort };
  const plain = /^([^:/\s[\]]+)(?::(\d+))?$/.exec(trimmed);
  return plain ? withPort(plain[1]!, plain[2], defaultPort) : undefined;
}

function withPort(host: string, port: string | undefined, defaultPort: number): { host: string; port: number } | undefined {
  const number = port === undefined ? defaultPort : Number(port);
  return Number.isInteger(number) && number >= 1 && number <= 65535 ? { host, port: number } : undefined;
}
