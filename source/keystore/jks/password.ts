/**
 * A password as Java's JKS code feeds it to a digest: each UTF-16 code unit as two big-endian bytes. Both the
 * store's integrity digest and Sun's KeyProtector use this form (so non-ASCII passwords work, unlike JCEKS keys).
 */
export function javaCharsBigEndian(password: string): Buffer {
  return Buffer.from(password, 'utf16le').swap16();
}
