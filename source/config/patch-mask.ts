/**
 * Masks secret values in a TOML text for display (the diff preview): every value assigned to a secret key, and
 * every value under `[secrets]`, becomes `********`. The line count is kept, so masked lines stay aligned with
 * the real ones.
 */
import { parse } from 'smol-toml';
import { scanToml } from './patch-scan.js';
import type { KeyValue } from './patch-scan.js';

export const MASK = '********';
export const DEFAULT_SECRET_KEYS: readonly string[] = ['password', 'key_password'];

/** The lines of `text` (split at "\n", each without its "\r") with every secret value masked. */
export function maskedLines(text: string, secretKeys: readonly string[]): string[] {
  const secret = new Set(secretKeys);
  let masked: string;
  try {
    masked = maskByStructure(text, secret);
  } catch {
    // Not valid TOML: mask by lines, more bluntly (the rest of each secret line).
    return text.split('\n').map(stripCr).map(lineMasker(secret));
  }
  return masked.split('\n').map(stripCr).map(commentMasker(secret));
}

/**
 * A commented-out assignment (`# password = "old"`) assigns nothing, but its value may still be a real
 * password that an administrator disabled: masked as well.
 */
function commentMasker(secret: ReadonlySet<string>): (line: string) => string {
  const mask = lineMasker(secret);
  return (line) => {
    const hash = /^[ \t]*#[# \t]*/.exec(line);
    if (!hash) return line;
    return hash[0] + mask(line.slice(hash[0].length));
  };
}

function maskByStructure(text: string, secret: ReadonlySet<string>): string {
  const offset = text.startsWith('\uFEFF') ? 1 : 0;
  const body = text.slice(offset);
  parse(body); // the scanner expects valid TOML; anything else goes to the line masker
  const spans: [number, number][] = [];
  const visit = (entry: KeyValue): void => {
    const name = entry.key.at(-1)?.name ?? '';
    if (secret.has(name) || entry.path[0] === 'secrets') spans.push([entry.valueStart, entry.valueEnd]);
    else entry.inline?.entries.forEach(visit);
  };
  for (const section of scanToml(body)) section.entries.forEach(visit);
  const chunks: string[] = [];
  let cursor = 0;
  for (const [start, end] of spans) {
    chunks.push(body.slice(cursor, start));
    // One mask per line of the value, so that a multi-line string keeps its line count.
    chunks.push(body.slice(start, end).split('\n').map(() => MASK).join('\n'));
    cursor = end;
  }
  chunks.push(body.slice(cursor));
  return text.slice(0, offset) + chunks.join('');
}

/** For text that does not parse: after `secret_key =` the rest of the line is masked. */
function lineMasker(secret: ReadonlySet<string>): (line: string) => string {
  let inSecrets = false;
  return (line) => {
    const header = /^[ \t]*\[\[?[ \t]*["']?([^\]"'.\s]*)/.exec(line);
    if (header) {
      inSecrets = header[1] === 'secrets';
      return line;
    }
    const equals = line.indexOf('=');
    const comment = line.indexOf('#');
    if (equals < 0 || (comment >= 0 && comment < equals)) return line;
    const segments = line
      .slice(0, equals)
      .split('.')
      .map((s) => s.trim().replace(/^["']/, '').replace(/["']$/, ''));
    const underSecrets = inSecrets || (segments.length > 1 && segments[0] === 'secrets');
    return underSecrets || secret.has(segments.at(-1) ?? '') ? `${line.slice(0, equals + 1)} ${MASK}` : line;
  };
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
