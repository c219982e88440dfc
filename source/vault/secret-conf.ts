/**
 * conf/security/secret-conf.properties: written by the cipher tool (never by the product's templates), it tells the
 * server's secure vault which keystore decrypts `[secrets]` (keystore.identity.location, .type, .alias).
 */
export const SECRET_CONF = 'conf/security/secret-conf.properties';

/** Java .properties, as far as these files use them: `key=value` lines, `#`/`!` comments, `\` continuations. */
export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index]!.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (line.endsWith('\\') && index + 1 < lines.length) line = line.slice(0, -1) + lines[++index]!.trimStart();
    const match = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (match) properties.set(match[1]!, match[2]!.replace(/\\(.)/g, '$1'));
  }
  return properties;
}

/** The lines of the file with the keystore.identity.* values set to `values`; every other line as it was. */
export function withIdentity(text: string, values: { location: string; type: string; alias: string }): string {
  const wanted: Record<string, string> = {
    'keystore.identity.location': values.location,
    'keystore.identity.type': values.type,
    'keystore.identity.alias': values.alias,
  };
  const seen = new Set<string>();
  const lines = text.split('\n').map((line) => {
    const match = /^(\s*)([^=:\s#!]+)(\s*[=:]\s*)(.*?)(\r?)$/.exec(line);
    const key = match?.[2];
    if (!match || key === undefined || !(key in wanted)) return line;
    seen.add(key);
    return `${match[1]}${key}${match[3]}${wanted[key]}${match[5]}`;
  });
  const missing = Object.keys(wanted).filter((key) => !seen.has(key));
  if (missing.length === 0) return lines.join('\n');
  const tail = lines.at(-1) === '' ? lines.slice(0, -1) : lines;
  return [...tail, ...missing.map((key) => `${key}=${wanted[key]}`), ''].join('\n');
}
