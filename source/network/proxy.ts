/**
 * HTTPS_PROXY / NO_PROXY as curl and most tools read them: the proxy is an http:// URL (a bare host:port is taken
 * as one), NO_PROXY a comma-separated list of host names, domain suffixes (".example.com" or "example.com" both
 * match sub.example.com), IP addresses, optional ":port", or "*" for everything.
 */
export interface ProxySetting {
  host: string;
  port: number;
  /** "user:password" for Proxy-Authorization: Basic, when the URL carries it. */
  credentials?: string;
  /** The variable it came from, for messages. */
  from: string;
  /** The URL without credentials, for messages. */
  shown: string;
}

function variable(env: NodeJS.ProcessEnv, name: string): { name: string; value: string } | undefined {
  for (const key of [name.toLowerCase(), name.toUpperCase()]) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') return { name: key, value: value.trim() };
  }
  return undefined;
}

/** The proxy to reach host:port through, or undefined for a direct connection. Throws on a proxy URL it cannot use. */
export function proxyFor(host: string, port: number, env: NodeJS.ProcessEnv): ProxySetting | undefined {
  const setting = variable(env, 'HTTPS_PROXY') ?? variable(env, 'ALL_PROXY');
  if (!setting) return undefined;
  if (bypassed(host, port, variable(env, 'NO_PROXY')?.value ?? '')) return undefined;
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(setting.value) ? setting.value : `http://${setting.value}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProxySettingError(`${setting.name} = "${setting.value}" is not a proxy URL; write it as http://HOST:PORT`);
  }
  if (url.protocol !== 'http:') {
    throw new ProxySettingError(
      `${setting.name} = "${setting.value}": only http:// proxies (HTTP CONNECT) are supported, not ${url.protocol.replace(/:$/, '')}://`,
    );
  }
  const credentials = url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined;
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const proxyPort = url.port ? Number(url.port) : 80;
  return { host: hostname, port: proxyPort, credentials, from: setting.name, shown: `http://${url.host}` };
}

export class ProxySettingError extends Error {}

function bypassed(host: string, port: number, noProxy: string): boolean {
  const target = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  for (const raw of noProxy.split(/[,\s]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    let entryPort: number | undefined;
    const portMatch = /^(.*[^:]):(\d+)$/.exec(entry);
    if (portMatch && !entry.includes('::')) {
      entry = portMatch[1]!;
      entryPort = Number(portMatch[2]);
    }
    if (entryPort !== undefined && entryPort !== port) continue;
    entry = entry.replace(/^\[(.*)\]$/, '$1').replace(/^\*?\./, '.');
    if (entry.startsWith('.')) {
      if (target.endsWith(entry) || target === entry.slice(1)) return true;
    } else if (target === entry || target.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}
