import { integrityDigest, INTEGRITY_DIGEST_LENGTH } from '../keystore/jks/integrity.js';
import type { KeystoreFormat } from '../keystore/model.js';
import { derLengthFields, javaKeystoreLengthFields, type LengthField } from './length-fields.js';
import type { Random } from './random.js';

export type Mutation = 'bit-flip' | 'truncate' | 'insert' | 'delete' | 'huge-length' | 'huge-word' | 'duplicate';
export const MUTATIONS: readonly Mutation[] = ['bit-flip', 'truncate', 'insert', 'delete', 'huge-length', 'huge-word', 'duplicate'];

export interface Mutated {
  bytes: Buffer;
  /** What was done, to reproduce and report a case. */
  steps: string[];
}

const HUGE_WORDS = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000000, 0x00ffffff];

function hugeLength(bytes: Buffer, field: LengthField, random: Random): Buffer {
  const out = Buffer.from(bytes);
  if (!field.der) {
    if (field.width === 2) out.writeUInt16BE(random.pick([0xffff, 0x8000, 0x7fff]), field.offset);
    else out.writeUInt32BE(random.pick(HUGE_WORDS), field.offset);
    return out;
  }
  // A DER length: same width all ones, or a long form of four octets claiming up to 4 GiB.
  if (field.width > 1 && random.next() < 0.5) {
    out.fill(0xff, field.offset + 1, field.offset + field.width);
    return out;
  }
  const claim = Buffer.alloc(5);
  claim[0] = 0x84;
  claim.writeUInt32BE(random.pick(HUGE_WORDS), 1);
  return Buffer.concat([bytes.subarray(0, field.offset), claim, bytes.subarray(field.offset + field.width)]);
}

function lengthFields(bytes: Buffer, format: KeystoreFormat): LengthField[] {
  return format === 'PKCS12' ? derLengthFields(bytes) : javaKeystoreLengthFields(bytes);
}

function mutateOnce(bytes: Buffer, format: KeystoreFormat, random: Random, fields: LengthField[]): { bytes: Buffer; step: string } {
  const kind = random.pick(MUTATIONS);
  const at = random.below(bytes.length + 1);
  switch (kind) {
    case 'bit-flip': {
      const out = Buffer.from(bytes);
      const flips = 1 + random.below(8);
      for (let i = 0; i < flips && out.length > 0; i++) {
        const offset = random.below(out.length);
        out[offset]! ^= 1 << random.below(8);
      }
      return { bytes: out, step: `bit-flip x${flips}` };
    }
    case 'truncate':
      return { bytes: bytes.subarray(0, at), step: `truncate to ${at}` };
    case 'insert': {
      const inserted = random.bytes(1 + random.below(16));
      return { bytes: Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]), step: `insert ${inserted.length} at ${at}` };
    }
    case 'delete': {
      const length = 1 + random.below(64);
      return { bytes: Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + length)]), step: `delete ${length} at ${at}` };
    }
    case 'huge-length': {
      if (fields.length === 0) return mutateOnce(bytes, format, random, fields);
      const field = random.pick(fields);
      return { bytes: hugeLength(bytes, field, random), step: `huge length at ${field.offset}` };
    }
    case 'huge-word': {
      if (bytes.length < 4) return { bytes, step: 'huge word (too short)' };
      const offset = random.below(bytes.length - 3);
      const out = Buffer.from(bytes);
      out.writeUInt32BE(random.pick(HUGE_WORDS), offset);
      return { bytes: out, step: `huge word at ${offset}` };
    }
    case 'duplicate': {
      const length = 1 + random.below(256);
      return {
        bytes: Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + length), bytes.subarray(at)]),
        step: `duplicate ${length} at ${at}`,
      };
    }
  }
}

/**
 * One to three mutations. For JKS and JCEKS the trailing integrity digest is recomputed half of the time, so the
 * damage reaches the entry decoders and key recovery instead of always stopping at the digest check.
 */
export function mutateKeystore(seed: Buffer, format: KeystoreFormat, password: string, random: Random): Mutated {
  let bytes = seed;
  const steps: string[] = [];
  const fields = lengthFields(seed, format);
  const count = 1 + random.below(3);
  for (let i = 0; i < count; i++) {
    const result = mutateOnce(bytes, format, random, i === 0 ? fields : lengthFields(bytes, format));
    bytes = result.bytes;
    steps.push(result.step);
  }
  if (format !== 'PKCS12' && bytes.length > INTEGRITY_DIGEST_LENGTH && random.next() < 0.5) {
    const body = bytes.subarray(0, bytes.length - INTEGRITY_DIGEST_LENGTH);
    bytes = Buffer.concat([body, integrityDigest(password, body)]);
    steps.push('digest fixed');
  }
  return { bytes, steps };
}

const TOML_SYNTAX = [
  '[',
  ']',
  '[[',
  ']]',
  '"',
  "'",
  '"""',
  '=',
  '\n',
  '#',
  '{',
  '}',
  ',',
  '.',
  '\\',
  '\\u',
  'inf',
  '1979-05-27',
  '0x',
  ' = ',
  '\r',
  '\t',
  '\u0000',
  '\uFEFF',
];

/** Text mutations of a TOML file: syntax characters in random places, lines lost or doubled, truncation. */
export function mutateToml(original: Buffer, random: Random): Mutated {
  let out = original.toString('utf8');
  const steps: string[] = [];
  const count = 1 + random.below(3);
  for (let i = 0; i < count; i++) {
    const at = random.below(out.length + 1);
    const lines = out.split('\n');
    const line = random.below(lines.length);
    switch (random.below(6)) {
      case 0: {
        const token = random.pick(TOML_SYNTAX);
        out = out.slice(0, at) + token + out.slice(at);
        steps.push(`insert ${JSON.stringify(token)} at ${at}`);
        break;
      }
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + random.below(8));
        steps.push(`delete at ${at}`);
        break;
      case 2:
        lines.splice(line, 1);
        out = lines.join('\n');
        steps.push(`drop line ${line + 1}`);
        break;
      case 3:
        lines.splice(line, 0, lines[line] ?? '');
        out = lines.join('\n');
        steps.push(`double line ${line + 1}`);
        break;
      case 4:
        out = out.slice(0, at);
        steps.push(`truncate to ${at}`);
        break;
      default: {
        const bytes = Buffer.from(out, 'utf8');
        if (bytes.length > 0) bytes[random.below(bytes.length)]! ^= 1 << random.below(8);
        out = bytes.toString('utf8');
        steps.push('bit-flip');
      }
    }
  }
  return { bytes: Buffer.from(out, 'utf8'), steps };
}
