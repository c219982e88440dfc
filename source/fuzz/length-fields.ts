/**
 * Where the length fields of a keystore are, found by a walker of our own (not the readers under test), so the
 * fuzzer can set exactly those to huge values: the lie a reader must catch before it allocates or slices.
 */
export interface LengthField {
  offset: number;
  /** Bytes of the field: 2 or 4 for JKS/JCEKS, 1 to 4 for a DER length. */
  width: number;
  /** DER: the field is a length octet (short or long form), not a plain big-endian integer. */
  der: boolean;
}

/** JKS and JCEKS: entry count, UTF string lengths, key and certificate lengths, chain lengths. */
export function javaKeystoreLengthFields(bytes: Buffer): LengthField[] {
  const fields: LengthField[] = [];
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new RangeError('end');
  };
  const u32 = () => {
    need(4);
    fields.push({ offset: at, width: 4, der: false });
    const value = bytes.readUInt32BE(at);
    at += 4;
    return value;
  };
  const utf = () => {
    need(2);
    fields.push({ offset: at, width: 2, der: false });
    at += 2 + bytes.readUInt16BE(at);
  };
  const blob = () => {
    const length = u32();
    need(length);
    at += length;
  };
  try {
    need(8);
    const version = bytes.readUInt32BE(4);
    at = 8;
    const count = u32();
    for (let i = 0; i < count; i++) {
      need(4);
      const tag = bytes.readUInt32BE(at);
      at += 4;
      utf(); // alias
      at += 8; // date
      if (tag === 1) {
        blob(); // protected key
        const chain = u32();
        for (let c = 0; c < chain; c++) {
          if (version === 2) utf();
          blob();
        }
      } else if (tag === 2) {
        if (version === 2) utf();
        blob();
      } else {
        break; // a JCEKS sealed secret key is a Java serialized object: not walked
      }
    }
  } catch {
    // a walk cut short still yields the fields found so far
  }
  return fields;
}

/** Every DER length octet group, descending into constructed values and into OCTET STRINGs that hold DER. */
export function derLengthFields(bytes: Buffer): LengthField[] {
  const fields: LengthField[] = [];
  const walk = (start: number, end: number, depth: number) => {
    let at = start;
    while (at < end && depth < 40) {
      const tag = bytes[at]!;
      if ((tag & 0x1f) === 0x1f) return; // high tag numbers do not occur in keystores
      const lengthAt = at + 1;
      if (lengthAt >= end) return;
      const first = bytes[lengthAt]!;
      let length: number;
      let width: number;
      if (first < 0x80) {
        length = first;
        width = 1;
      } else {
        const octets = first & 0x7f;
        if (octets === 0 || octets > 4 || lengthAt + 1 + octets > end) return;
        length = bytes.readUIntBE(lengthAt + 1, octets);
        width = 1 + octets;
      }
      const contentAt = lengthAt + width;
      if (contentAt + length > end) return;
      fields.push({ offset: lengthAt, width, der: true });
      if (tag & 0x20) walk(contentAt, contentAt + length, depth + 1);
      else if (tag === 0x04 && length > 2 && bytes[contentAt] === 0x30) walk(contentAt, contentAt + length, depth + 1);
      at = contentAt + length;
    }
  };
  walk(0, bytes.length, 0);
  return fields;
}
