import { KeystoreError } from '../../errors.js';
import { decodeModifiedUtf8 } from '../jks/java-utf.js';
import { keystoreDamaged, type KeystoreCursor } from '../jks/cursor.js';

/**
 * Just enough of the Java object serialization grammar (java.io.ObjectInputStream) to step over one serialized
 * object: JCEKS stores each secret key as a serialized SealedObject whose length is written nowhere, so the only
 * way to find the next entry is to walk the stream. Nothing is instantiated; class descriptors are kept only to
 * know the shape of the data that follows them.
 */
const STREAM_MAGIC = 0xaced;
const STREAM_VERSION = 5;
const BASE_HANDLE = 0x7e0000;
const MAX_DEPTH = 64;

const TC = {
  NULL: 0x70,
  REFERENCE: 0x71,
  CLASSDESC: 0x72,
  OBJECT: 0x73,
  STRING: 0x74,
  ARRAY: 0x75,
  CLASS: 0x76,
  BLOCKDATA: 0x77,
  ENDBLOCKDATA: 0x78,
  RESET: 0x79,
  BLOCKDATALONG: 0x7a,
  LONGSTRING: 0x7c,
  PROXYCLASSDESC: 0x7d,
  ENUM: 0x7e,
} as const;

const SC_WRITE_METHOD = 0x01;
const SC_SERIALIZABLE = 0x02;
const SC_EXTERNALIZABLE = 0x04;
const SC_BLOCK_DATA = 0x08;

/** Bytes per value of each primitive field type code. */
const PRIMITIVE_SIZES: Record<string, number> = { B: 1, Z: 1, C: 2, S: 2, I: 4, F: 4, J: 8, D: 8 };

interface ClassDescription {
  kind: 'class';
  name: string;
  flags: number;
  fieldTypes: string[];
  superclass: ClassDescription | null;
}

const END_BLOCK = Symbol('end of block data');
type Value = ClassDescription | string | null | { kind: 'object'; className: string } | typeof END_BLOCK;

class SerialWalker {
  private handles: Value[] = [];
  private depth = 0;

  constructor(
    private readonly cursor: KeystoreCursor,
    private readonly where: string,
  ) {}

  private damaged(what: string): KeystoreError {
    return keystoreDamaged(`the serialized ${this.where} ${what}`);
  }

  private newHandle(value: Value): number {
    this.handles.push(value);
    return this.handles.length - 1;
  }

  content(): Value {
    if (++this.depth > MAX_DEPTH) throw this.damaged('nests too deeply');
    try {
      return this.contentAfterDepthCheck();
    } finally {
      this.depth--;
    }
  }

  private contentAfterDepthCheck(): Value {
    const code = this.cursor.u8(`the serialized ${this.where}`);
    switch (code) {
      case TC.NULL:
        return null;
      case TC.REFERENCE: {
        const handle = this.cursor.int32(`a reference in the serialized ${this.where}`) - BASE_HANDLE;
        if (handle < 0 || handle >= this.handles.length) throw this.damaged('refers to an object it never defined');
        return this.handles[handle]!;
      }
      case TC.CLASSDESC:
        return this.classDescription();
      case TC.PROXYCLASSDESC:
        return this.proxyClassDescription();
      case TC.OBJECT:
        return this.object();
      case TC.STRING: {
        const handle = this.newHandle(null);
        const text = this.cursor.utf(`a string in the serialized ${this.where}`);
        this.handles[handle] = text;
        return text;
      }
      case TC.LONGSTRING: {
        const handle = this.newHandle(null);
        const length = this.cursor.int64(`a string length in the serialized ${this.where}`);
        if (length < 0 || length > this.cursor.remaining) throw this.damaged('has a string longer than the file');
        const text = decodeModifiedUtf8(this.cursor.bytes(length, `a string in the serialized ${this.where}`));
        if (text === undefined) throw this.damaged('has a string that is not modified UTF-8');
        this.handles[handle] = text;
        return text;
      }
      case TC.ARRAY:
        return this.array();
      case TC.CLASS: {
        const description = this.classDescriptionReference();
        this.newHandle(description);
        return description;
      }
      case TC.ENUM: {
        const description = this.classDescriptionReference();
        this.newHandle({ kind: 'object', className: description?.name ?? 'enum' });
        this.content();
        return { kind: 'object', className: description?.name ?? 'enum' };
      }
      case TC.BLOCKDATA:
        this.cursor.bytes(this.cursor.u8(`a block length in the serialized ${this.where}`), `block data in the serialized ${this.where}`);
        return null;
      case TC.BLOCKDATALONG:
        this.cursor.lengthPrefixed(`block data in the serialized ${this.where}`);
        return null;
      case TC.ENDBLOCKDATA:
        return END_BLOCK;
      case TC.RESET:
        this.handles = [];
        return this.contentAfterDepthCheck();
      default:
        throw this.damaged(`has an unknown type code 0x${code.toString(16)} at offset ${this.cursor.offset - 1}`);
    }
  }

  /** A value that must be a class descriptor (new or referenced) or null. */
  private classDescriptionReference(): ClassDescription | null {
    const value = this.content();
    if (value === null) return null;
    if (typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'class') return value;
    throw this.damaged('has something other than a class description where one belongs');
  }

  private classDescription(): ClassDescription {
    const name = this.cursor.utf(`a class name in the serialized ${this.where}`);
    this.cursor.int64(`a serialVersionUID in the serialized ${this.where}`);
    const description: ClassDescription = { kind: 'class', name, flags: 0, fieldTypes: [], superclass: null };
    this.newHandle(description);
    description.flags = this.cursor.u8(`class flags in the serialized ${this.where}`);
    const fieldCount = this.cursor.u16(`a field count in the serialized ${this.where}`);
    if (fieldCount * 3 > this.cursor.remaining) throw this.damaged('claims more fields than the file holds');
    for (let i = 0; i < fieldCount; i++) {
      const type = String.fromCharCode(this.cursor.u8(`a field type in the serialized ${this.where}`));
      this.cursor.utf(`a field name in the serialized ${this.where}`);
      if (type === '[' || type === 'L') {
        if (typeof this.content() !== 'string') throw this.damaged('has a field whose class name is not a string');
      } else if (PRIMITIVE_SIZES[type] === undefined) {
        throw this.damaged(`has a field of unknown type "${type}"`);
      }
      description.fieldTypes.push(type);
    }
    this.annotation();
    description.superclass = this.classDescriptionReference();
    return description;
  }

  private proxyClassDescription(): ClassDescription {
    const description: ClassDescription = { kind: 'class', name: 'proxy', flags: SC_SERIALIZABLE, fieldTypes: [], superclass: null };
    this.newHandle(description);
    const interfaces = this.cursor.count(`an interface count in the serialized ${this.where}`, 2);
    for (let i = 0; i < interfaces; i++) this.cursor.utf(`an interface name in the serialized ${this.where}`);
    this.annotation();
    description.superclass = this.classDescriptionReference();
    return description;
  }

  /** Class and object annotations: anything, up to TC_ENDBLOCKDATA. */
  private annotation(): void {
    while (this.content() !== END_BLOCK) {
      // keep reading
    }
  }

  private object(): Value {
    const description = this.classDescriptionReference();
    if (!description) throw this.damaged('has an object without a class');
    const value: Value = { kind: 'object', className: description.name };
    this.newHandle(value);
    const hierarchy: ClassDescription[] = [];
    for (let c: ClassDescription | null = description; c; c = c.superclass) {
      if (hierarchy.includes(c) || hierarchy.length > MAX_DEPTH) throw this.damaged('has a class that is its own superclass');
      hierarchy.unshift(c);
    }
    for (const c of hierarchy) this.classData(c);
    return value;
  }

  private classData(description: ClassDescription): void {
    if (description.flags & SC_EXTERNALIZABLE) {
      if (!(description.flags & SC_BLOCK_DATA)) {
        throw new KeystoreError(
          'unsupported',
          `the serialized ${this.where} uses an old externalizable form (${description.name}) that cannot be skipped`,
        );
      }
      this.annotation();
      return;
    }
    if (!(description.flags & SC_SERIALIZABLE)) return;
    for (const type of description.fieldTypes) {
      const size = PRIMITIVE_SIZES[type];
      if (size !== undefined) this.cursor.bytes(size, `a field in the serialized ${this.where}`);
      else if (this.content() === END_BLOCK) throw this.damaged('ends a block where a field value belongs');
    }
    if (description.flags & SC_WRITE_METHOD) this.annotation();
  }

  private array(): Value {
    const description = this.classDescriptionReference();
    if (!description?.name.startsWith('[')) throw this.damaged('has an array without an array class');
    const value: Value = { kind: 'object', className: description.name };
    this.newHandle(value);
    const elementSize = PRIMITIVE_SIZES[description.name.charAt(1)];
    const length = this.cursor.count(`an array length in the serialized ${this.where}`, elementSize ?? 1);
    if (elementSize !== undefined) this.cursor.bytes(length * elementSize, `an array in the serialized ${this.where}`);
    else for (let i = 0; i < length; i++) this.content();
    return value;
  }
}

/**
 * Steps the cursor over one serialized object (stream header included, as each ObjectOutputStream writes it)
 * and returns the object's class name.
 */
export function skipSerializedObject(cursor: KeystoreCursor, where: string): string {
  const at = cursor.offset;
  if (cursor.u16(`the serialized ${where}`) !== STREAM_MAGIC || cursor.u16(`the serialized ${where}`) !== STREAM_VERSION) {
    throw keystoreDamaged(`the serialized ${where} at offset ${at} does not start with a Java serialization header`);
  }
  const walker = new SerialWalker(cursor, where);
  const value = walker.content();
  if (typeof value !== 'object' || value === null || value.kind !== 'object') {
    throw keystoreDamaged(`the serialized ${where} at offset ${at} is not an object`);
  }
  return value.className;
}
