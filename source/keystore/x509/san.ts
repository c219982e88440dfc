import { ipVersion } from './ip-address.js';
import { domainToASCII } from 'node:url';
import { UserError } from '../../errors.js';
import { DER, derEncode } from '../der.js';

/** Subject alternative names as users write them for keytool's -ext SAN=...: "DNS:host", "IP:10.0.0.1", "IP:::1". */
export type SanEntry = { kind: 'dns'; value: string } | { kind: 'ip'; value: string; bytes: Buffer };

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function sanError(entry: string, problem: string): UserError {
  return new UserError(`The subject alternative name "${entry}" is not valid: ${problem}.`, 'bad-san');
}

/** Parses and validates each entry; repeats (DNS names compared case-insensitively) are kept once. */
export function parseSubjectAltNames(entries: readonly string[]): SanEntry[] {
  return uniqueSubjectAltNames(entries.map(parseSubjectAltName));
}

/** Parsed entries with repeats (DNS names compared case-insensitively) kept once, in their first order. */
export function uniqueSubjectAltNames(entries: readonly SanEntry[]): SanEntry[] {
  const result: SanEntry[] = [];
  const seen = new Set<string>();
  for (const parsed of entries) {
    const key = `${parsed.kind}:${parsed.kind === 'dns' ? parsed.value.toLowerCase() : parsed.bytes.toString('hex')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(parsed);
  }
  return result;
}

export function parseSubjectAltName(entry: string): SanEntry {
  const trimmed = entry.trim();
  const colon = trimmed.indexOf(':');
  const prefix = colon < 0 ? '' : trimmed.slice(0, colon).toUpperCase();
  const value = colon < 0 ? '' : trimmed.slice(colon + 1).trim();
  if (prefix !== 'DNS' && prefix !== 'IP') {
    throw sanError(entry, 'write it as DNS:host.example.com or IP:192.0.2.10 (or IP:2001:db8::1)');
  }
  if (value === '') throw sanError(entry, `nothing follows "${prefix}:"`);
  return prefix === 'DNS' ? { kind: 'dns', value: checkHostName(entry, value) } : parseIp(entry, value);
}

function checkHostName(entry: string, name: string): string {
  if (ipVersion(name) !== 0) throw sanError(entry, `${name} is an IP address; write IP:${name}`);
  if (name.endsWith('.')) throw sanError(entry, 'a host name in a certificate has no trailing dot');
  if (/[^\x00-\x7f]/.test(name)) {
    const ascii = domainToASCII(name);
    const hint = ascii ? `; write its ASCII (punycode) form, DNS:${ascii}` : '';
    throw sanError(entry, `certificates hold host names in ASCII${hint}`);
  }
  if (name.length > 253) throw sanError(entry, `the host name is ${name.length} characters long; at most 253 are allowed`);
  const labels = name.split('.');
  labels.forEach((label, index) => {
    if (index === 0 && label === '*') {
      if (labels.length < 2) throw sanError(entry, 'a wildcard must be followed by a domain, as in *.example.com');
      return;
    }
    if (label.includes('*')) {
      throw sanError(entry, 'a wildcard may only stand alone as the first label, as in *.example.com');
    }
    if (label === '') throw sanError(entry, 'the host name has an empty label (two dots in a row?)');
    if (label.length > 63) throw sanError(entry, `the label "${label}" is longer than 63 characters`);
    if (!LABEL.test(label)) {
      throw sanError(entry, `the label "${label}" may hold only letters, digits and inner hyphens`);
    }
  });
  return name;
}

function parseIp(entry: string, address: string): SanEntry {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (bare.includes('%')) throw sanError(entry, 'an IPv6 zone (the part after %) cannot go in a certificate');
  const version = ipVersion(bare);
  if (version === 4) return { kind: 'ip', value: bare, bytes: Buffer.from(bare.split('.').map(Number)) };
  if (version === 6) return { kind: 'ip', value: bare, bytes: ipv6Bytes(bare) };
  throw sanError(entry, `${address} is not an IPv4 or IPv6 address; for a host name write DNS:${address}`);
}

/** The 16 bytes of an address that ipVersion has already accepted as IPv6 (with "::" and a dotted IPv4 tail). */
function ipv6Bytes(address: string): Buffer {
  let text = address;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, -dotted[1]!.length);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const [head = '', rest] = text.split('::') as [string, string | undefined];
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const front = parse(head);
  const back = [...(rest === undefined ? [] : parse(rest)), ...tail];
  const groups =
    rest === undefined ? [...front, ...back] : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(group, index * 2));
  return bytes;
}

export function formatSubjectAltName(entry: SanEntry): string {
  return `${entry.kind === 'dns' ? 'DNS' : 'IP'}:${entry.value}`;
}

/** GeneralNames for the subjectAltName extension: dNSName [2] IA5String, iPAddress [7] OCTET STRING. */
export function encodeSubjectAltNames(entries: readonly SanEntry[]): Buffer {
  const names = entries.map((entry) =>
    entry.kind === 'dns' ? derEncode(0x82, Buffer.from(entry.value, 'ascii')) : derEncode(0x87, entry.bytes),
  );
  return derEncode(DER.SEQUENCE, ...names);
}
