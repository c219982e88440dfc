import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/**
 * A small Java TLS client (test/support/tls-client/TlsClient.java): SSLSocket, TrustManagerFactory over one
 * truststore, "HTTPS" endpoint identification. It is Java's own verdict on a server, to hold check-tls against.
 * Compiled once per machine like the start-up check (see compileStartupCheckInto): into a directory named by the
 * source's hash, built elsewhere and renamed into place, so racing workers never see half a directory.
 */
const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tls-client', 'TlsClient.java');
const MAIN_CLASS = 'TlsClient';

function javaCommand(tool: 'java' | 'javac'): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', tool) : tool;
}

let compiled: Promise<string> | undefined;

export function compileTlsClient(): Promise<string> {
  compiled ??= compileInto(os.tmpdir());
  compiled.catch(() => {
    compiled = undefined;
  });
  return compiled;
}

async function compileInto(root: string): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 16);
  const target = path.join(root, `ei-keystore-tls-client-${hash}`);
  if (existsSync(path.join(target, `${MAIN_CLASS}.class`))) return target;
  const staging = mkdtempSync(path.join(root, `ei-keystore-tls-client-${hash}-building-`));
  try {
    const result = await execa(javaCommand('javac'), ['--release', '17', '-encoding', 'UTF-8', '-d', staging, SOURCE], { reject: false, stdin: 'ignore' });
    if (result.exitCode !== 0) throw new Error(`javac failed on ${SOURCE}:\n${result.stdout}${result.stderr}`);
    try {
      renameSync(staging, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!(code === 'EEXIST' || code === 'ENOTEMPTY') || !existsSync(path.join(target, `${MAIN_CLASS}.class`))) throw error;
    }
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

export interface JavaTlsVerdict {
  trusted: boolean;
  connected: boolean;
  error: string | null;
}

/** Java's verdict on host:port (SNI `servername` when given) with the truststore file. */
export async function javaTrusts(truststore: { file: string; password: string; type?: string }, host: string, port: number, servername?: string): Promise<JavaTlsVerdict> {
  const classes = await compileTlsClient();
  const args = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', classes, MAIN_CLASS, truststore.file, truststore.type ?? 'JKS', host, String(port), ...(servername ? [servername] : [])];
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', TLS_CLIENT_PASSWORD: truststore.password };
  if (process.env.JAVA_HOME) env.JAVA_HOME = process.env.JAVA_HOME;
  const run = await execa(javaCommand('java'), args, { env, extendEnv: false, reject: false, stdin: 'ignore' });
  if (run.exitCode !== 0 && run.exitCode !== 1 && run.exitCode !== 2) throw new Error(`the TLS client failed to run (exit ${run.exitCode}):\n${run.stdout}${run.stderr}`);
  try {
    return JSON.parse(run.stdout) as JavaTlsVerdict;
  } catch {
    throw new Error(`the TLS client printed no JSON:\n${run.stdout}${run.stderr}`);
  }
}
