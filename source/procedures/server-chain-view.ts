import type { ServerChainView } from '../core/fields/types.js';
import { summarizeCertificate } from '../keystore/x509/certificate.js';
import { parseServerAddress } from '../network/address.js';
import { ConnectError, fetchPresentedChain } from '../network/fetch-chain.js';

/** The wizard's "Import from a server": the presented chain, summarised for the screen, or what went wrong in words. */
export async function fetchServerChainView(
  address: string,
  env: NodeJS.ProcessEnv,
): Promise<{ chain: ServerChainView } | { problem: string }> {
  const parsed = parseServerAddress(address);
  if (!parsed) return { problem: `${address}: not a server address; write https://host:port.` };
  try {
    const { chain } = await fetchPresentedChain(parsed, env);
    return {
      chain: {
        host: parsed.host,
        port: parsed.port,
        certificates: chain.map((der) => {
          const summary = summarizeCertificate(der);
          return {
            subject: summary.subject,
            issuer: summary.issuer,
            notBefore: summary.notBefore.toISOString(),
            notAfter: summary.notAfter.toISOString(),
            sha256: summary.sha256,
            isCA: summary.isCA,
          };
        }),
      },
    };
  } catch (error) {
    if (error instanceof ConnectError) return { problem: `could not connect: ${error.message}.` };
    throw error;
  }
}
