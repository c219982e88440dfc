// Buffer#latin1Slice is what buffer.toString('latin1', start, end) calls after looking the encoding up: the DER
// readers call it for every name, OID and time of ~150 certificates, and skip that lookup. Node has had it since
// v0.x (lib/buffer.js); @types/node does not declare it.
declare global {
  interface Buffer<TArrayBuffer extends ArrayBufferLike = ArrayBufferLike> {
    latin1Slice(start?: number, end?: number): string;
  }
}
export {};
