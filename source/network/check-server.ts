import { judgeTlsChain, type TlsJudgement, type TrustAnchor } from '../keystore/x509/tls-trust.js';
import { fetchPresentedChain, type PresentedChain, type ServerAddress } from './fetch-chain.js';

export interface ServerCheck {
  address: ServerAddress;
  /** The name checked against the certificate (and sent as SNI). */
  name: string;
  connection: Omit<PresentedChain, 'chain'>;
  chain: Buffer[];
  judgement: TlsJudgement;
}

/** Connects, takes the presented chain, and judges it against the anchors. Throws ConnectError when it cannot connect. */
export async function checkServer(
  address: ServerAddress,
  anchors: TrustAnchor[],
  options: { env: NodeJS.ProcessEnv; now: Date },
): Promise<ServerCheck> {
  const presented = await fetchPresentedChain(address, options.env);
  const name = address.servername ?? address.host;
  const { chain, ...connection } = presented;
  return {
    address,
    name,
    connection,
    chain,
    judgement: judgeTlsChain({ presented: chain, anchors, host: name, port: address.port, now: options.now }),
  };
}
