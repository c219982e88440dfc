import { DER, derChildren, derContent, derOid, readDerNode } from '../der.js';
import { OID } from '../oids.js';

/**
 * The usage extensions of a certificate, read from its DER: what it may be used for. Absent extensions mean
 * "no restriction" (RFC 5280), so each field is undefined when its extension is missing.
 */
export interface CertificateUsage {
  /** keyUsage bit numbers set (0 digitalSignature, 2 keyEncipherment, 4 keyAgreement, 5 keyCertSign). */
  keyUsage?: number[];
  /** extendedKeyUsage OIDs. */
  extendedKeyUsage?: string[];
}

export const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyAgreement: 4, keyCertSign: 5 } as const;
export const EKU = { serverAuth: OID.serverAuth, any: OID.anyExtendedKeyUsage } as const;

export function certificateUsage(der: Buffer): CertificateUsage {
  const tbs = derChildren(readDerNode(der, 0))[0];
  if (!tbs) return {};
  const wrapper = derChildren(tbs).find((node) => node.tag === 0xa3);
  if (!wrapper) return {};
  const usage: CertificateUsage = {};
  const [extensions] = derChildren(wrapper);
  for (const extension of extensions ? derChildren(extensions) : []) {
    const parts = derChildren(extension);
    const oid = parts[0] ? derOid(parts[0]) : '';
    const value = parts[parts.length - 1];
    if (!value || value.tag !== DER.OCTET_STRING) continue;
    const inner = readDerNode(value.buffer, value.contentStart, value.end);
    if (oid === OID.keyUsage && inner.tag === DER.BIT_STRING) usage.keyUsage = namedBits(derContent(inner));
    if (oid === OID.extKeyUsage && inner.tag === DER.SEQUENCE) usage.extendedKeyUsage = derChildren(inner).map(derOid);
  }
  return usage;
}

function namedBits(content: Buffer): number[] {
  const bits: number[] = [];
  const bytes = content.subarray(1);
  bytes.forEach((byte, index) => {
    for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) bits.push(index * 8 + bit);
  });
  return bits;
}
