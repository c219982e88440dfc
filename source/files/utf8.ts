/**
 * The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), or undefined when all of it is. TextDecoder's fatal mode says only "invalid"; a user
 * fixing a file saved as Latin-1 needs to know where.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number | undefined {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index++;
      continue;
    }
    let length: number;
    let min: number;
    let max = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
      min = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      min = lead === 0xe0 ? 0xa0 : 0x80;
      if (lead === 0xed) max = 0x9f; // no UTF-16 surrogates
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      min = lead === 0xf0 ? 0x90 : 0x80;
      if (lead === 0xf4) max = 0x8f; // nothing above U+10FFFF
    } else {
      return index;
    }
    if (index + length > bytes.length) return index;
    const second = bytes[index + 1]!;
    if (second < min || second > max) return index;
    for (let next = 2; next < length; next++) {
      const byte = bytes[index + next]!;
      if (byte < 0x80 || byte > 0xbf) return index;
    }
    index += length;
  }
  return undefined;
}

/** Where the bad byte is, for a message: "byte 41 (0xE4, line 3, column 9)". Lines and columns count from 1. */
export function describeOffset(bytes: Uint8Array, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset; index++) {
    if (bytes[index] === 0x0a) {
      line++;
      lineStart = index + 1;
    }
  }
  const hex = bytes[offset]!.toString(16).toUpperCase().padStart(2, '0');
  return `byte ${offset} (0x${hex}, line ${line}, column ${offset - lineStart + 1})`;
}
