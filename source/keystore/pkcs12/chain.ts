import type { X509Certificate } from 'node:crypto';

/**
 * Orders a key entry's chain as Java does: from the leaf, follow each certificate's issuer to a certificate in
 * the file whose subject matches, until a self-issued one or no issuer is found. Where several certificates
 * share the issuer's name (a renewed or cross-signed CA), the one whose key verifies the signature wins.
 * Returns indexes into `pool`, leaf first.
 */
export function orderChain(leafIndex: number, pool: readonly X509Certificate[]): number[] {
  const chain = [leafIndex];
  const used = new Set(chain);
  let current = pool[leafIndex];
  while (current && current.issuer !== current.subject && chain.length < pool.length) {
    const issuer = current.issuer;
    const candidates = pool.flatMap((certificate, index) => (!used.has(index) && certificate.subject === issuer ? [index] : []));
    const signer = current;
    const next = candidates.find((index) => verifies(signer, pool[index]!)) ?? candidates[0];
    if (next === undefined) break;
    chain.push(next);
    used.add(next);
    current = pool[next];
  }
  return chain;
}

function verifies(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
