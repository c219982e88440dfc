/**
 * Dynamic SSL profiles: XML files (conf/sslprofiles/*.xml, named by `...ssl_profile.file_path`) whose
 * `<KeyStore>` and `<TrustStore>` elements each hold a `<Location>` of a keystore file. They are read only to say
 * which of them name a file a change replaces; the tool does not edit them.
 */
import path from 'node:path';

export interface SslProfileLocation {
  element: 'KeyStore' | 'TrustStore';
  /** As written, with `${carbon.home}` substituted. */
  location: string;
  /** Absolute path the server opens (relative locations are relative to the home). */
  file: string;
  /** 1-based line of the `<Location>` element. */
  line: number;
}

const STORE = /<(KeyStore|TrustStore)\b[^>]*>([\s\S]*?)<\/\1\s*>/g;
const LOCATION = /<Location\b[^>]*>([\s\S]*?)<\/Location\s*>/;

export function sslProfileLocations(xml: string, home: string): SslProfileLocation[] {
  const found: SslProfileLocation[] = [];
  for (const store of xml.matchAll(STORE)) {
    const body = store[2] ?? '';
    const location = LOCATION.exec(body);
    if (!location) continue;
    const text = (location[1] ?? '').trim().replaceAll('${carbon.home}', home);
    if (text === '') continue;
    const at = (store.index ?? 0) + store[0].indexOf('>') + 1 + location.index;
    found.push({
      element: store[1] as SslProfileLocation['element'],
      location: text,
      file: path.resolve(home, text),
      line: xml.slice(0, Math.max(0, at)).split('\n').length,
    });
  }
  return found;
}
