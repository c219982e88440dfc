import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runJavaProgram, type JavaProgram } from './java-program.js';

/**
 * A small Java TLS client (test/support/tls-client/TlsClient.java): SSLSocket, TrustManagerFactory over one
 * truststore, "HTTPS" endpoint identification. It is Java's own verdict on a server, to hold check-tls against.
 * Compiled once per run like the start-up check (test/support/java-program.ts).
 */
const TLS_CLIENT: JavaProgram = {
  source: path.join(path.dirname(fileURLToPath(import.meta.url)), 'tls-client', 'TlsClient.java'),
  mainClass: 'TlsClient',
  directoryPrefix: 'ei-keystore-tls-client',
};

export interface JavaTlsVerdict {
  trusted: boolean;
  connected: boolean;
  error: string | null;
}

/** Java's verdict on host:port (SNI `servername` when given) with the truststore file. */
export async function javaTrusts(
  truststore: { file: string; password: string; type?: string },
  host: string,
  port: number,
  servername?: string,
): Promise<JavaTlsVerdict> {
  const args = [truststore.file, truststore.type ?? 'JKS', host, String(port), ...(servername ? [servername] : [])];
  const run = await runJavaProgram(TLS_CLIENT, args, {
    env: { TLS_CLIENT_PASSWORD: truststore.password },
    okExitCodes: [0, 1, 2],
    what: 'the TLS client',
  });
  try {
    return JSON.parse(run.stdout) as JavaTlsVerdict;
  } catch {
    throw new Error(`the TLS client printed no JSON:\n${run.stdout}${run.stderr}`);
  }
}
