import { runKeytool } from '../../source/keytool/run.js';

/** Runs keytool for a test; passwords through the environment, failure is an exception with keytool's words. */
export async function keytool(args: string[], secrets: Record<string, string> = {}): Promise<string> {
  const result = await runKeytool(args, secrets);
  if (result.exitCode !== 0) throw new Error(`keytool ${args[0]} failed: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

export interface GenKeyOptions {
  file: string;
  alias: string;
  storePassword: string;
  keyPassword?: string;
  storeType?: 'JKS' | 'PKCS12' | 'JCEKS';
  keyAlgorithm?: 'RSA' | 'EC';
  keySize?: number;
  validityDays?: number;
  dname?: string;
}

/** keytool -genkeypair with every password through the environment. */
export async function genKeyPair(options: GenKeyOptions): Promise<void> {
  const args = [
    '-genkeypair',
    '-keystore',
    options.file,
    '-storetype',
    options.storeType ?? 'JKS',
    '-alias',
    options.alias,
    '-keyalg',
    options.keyAlgorithm ?? 'RSA',
    '-keysize',
    String(options.keySize ?? 2048),
    '-validity',
    String(options.validityDays ?? 365),
    '-dname',
    options.dname ?? `CN=${options.alias}.example.com, O=Test`,
    '-storepass:env',
    'T_STOREPASS',
    '-keypass:env',
    'T_KEYPASS',
  ];
  await keytool(args, { T_STOREPASS: options.storePassword, T_KEYPASS: options.keyPassword ?? options.storePassword });
}
