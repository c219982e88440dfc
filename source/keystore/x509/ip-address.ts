/**
 * IP address syntax as node:net's isIP accepts it, without node:net. Why: net's isIP is one very large regular
 * expression that V8 compiles on its first use, 15-20 ms of every `apply` that checks a subject alternative name
 * (measured with --cpu-prof); a hand parser answers in microseconds. test/keystore/ip-address.test.ts holds it
 * equal to net.isIP on generated and edge-case input.
 */

/** 4 for a dotted quad, 6 for an IPv6 address (with an optional %zone), 0 otherwise: net.isIP's answer. */
export function ipVersion(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4;
  if (isIPv6(text)) return 6;
  return 0;
}

/** Four decimal octets, 0-255, no leading zeros, no sign, no spaces. */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every(isOctet);
}

function isOctet(part: string): boolean {
  if (part.length === 0 || part.length > 3) return false;
  for (let index = 0; index < part.length; index++) {
    const code = part.charCodeAt(index);
    if (code < 0x30 || code > 0x39) return false;
  }
  if (part.length > 1 && part[0] === '0') return false;
  return Number(part) <= 255;
}

const ZONE = /^[0-9a-zA-Z.:-]+$/;

/** Eight groups of 1-4 hex digits, "::" once for a run of zero groups, a dotted IPv4 tail in place of the last two. */
export function isIPv6(text: string): boolean {
  let address = text;
  const percent = address.indexOf('%');
  if (percent >= 0) {
    if (!ZONE.test(address.slice(percent + 1))) return false;
    address = address.slice(0, percent);
  }
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const compressed = halves.length === 2;
  const groupsOf = (half: string): string[] | undefined => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]!);
  const tail = compressed ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return false;
  const groups = [...head, ...tail];
  // A dotted IPv4 tail ends the address: never before the "::".
  const dottedAllowed = !compressed || tail.length > 0;
  let count = 0;
  for (let index = 0; index < groups.length; index++) {
    const group = groups[index]!;
    const last = index === groups.length - 1 && dottedAllowed;
    if (last && group.includes('.')) {
      if (!isIPv4(group)) return false;
      count += 2;
    } else if (isHexGroup(group)) {
      count += 1;
    } else {
      return false;
    }
  }
  // "::" stands for at least one zero group.
  return compressed ? count <= 7 : count === 8;
}

function isHexGroup(group: string): boolean {
  if (group.length === 0 || group.length > 4) return false;
  for (let index = 0; index < group.length; index++) {
    const code = group.charCodeAt(index);
    const hex = (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x66) || (code >= 0x41 && code <= 0x46);
    if (!hex) return false;
  }
  return true;
}
