import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { detectFormat } from '../keystore/open.js';
import type { KeystoreFormat } from '../keystore/model.js';
import { runKeytool } from '../keytool/run.js';

export interface KeystoreSeed {
  name: string;
  format: KeystoreFormat;
  bytes: Buffer;
  password: string;
}

export interface ConfigSeed {
  name: string;
  bytes: Buffer;
}

const PASSWORD = 'fuzz-store-pass';

async function keytool(args: string[]): Promise<void> {
  const result = await runKeytool([...args, '-storepass:env', 'FUZZ_PASS'], { FUZZ_PASS: PASSWORD });
  if (result.exitCode !== 0) throw new Error(`keytool ${args[0]} failed: ${result.stdout}${result.stderr}`);
}

/**
 * A small keystore of each format made by keytool: a key pair (RSA for JKS, EC for PKCS12, RSA for JCEKS) and a
 * trusted certificate, and a JCEKS holding an AES secret key. Small seeds make mutations dense in structure.
 */
export async function keytoolSeeds(dir: string): Promise<KeystoreSeed[]> {
  const seeds: KeystoreSeed[] = [];
  const cert = path.join(dir, 'peer.der');
  await keytool([
    '-genkeypair',
    '-keystore',
    path.join(dir, 'peer.p12'),
    '-storetype',
    'PKCS12',
    '-alias',
    'peer',
    '-keyalg',
    'EC',
    '-groupname',
    'secp256r1',
    '-dname',
    'CN=peer',
    '-validity',
    '30',
  ]);
  await keytool(['-exportcert', '-keystore', path.join(dir, 'peer.p12'), '-alias', 'peer', '-file', cert]);
  for (const [type, keyalg] of [
    ['JKS', 'RSA'],
    ['JCEKS', 'RSA'],
    ['PKCS12', 'EC'],
  ] as const) {
    const file = path.join(dir, `seed.${type.toLowerCase()}`);
    const keyArgs = keyalg === 'EC' ? ['-keyalg', 'EC', '-groupname', 'secp256r1'] : ['-keyalg', 'RSA', '-keysize', '1024'];
    await keytool([
      '-genkeypair',
      '-keystore',
      file,
      '-storetype',
      type,
      '-alias',
      'key',
      ...keyArgs,
      '-dname',
      'CN=fuzz',
      '-validity',
      '30',
      '-keypass:env',
      'FUZZ_PASS',
    ]);
    await keytool(['-importcert', '-noprompt', '-keystore', file, '-storetype', type, '-alias', 'trusted', '-file', cert]);
    seeds.push({ name: `keytool ${type}`, format: type, bytes: readFileSync(file), password: PASSWORD });
  }
  // A sealed secret key (a Java serialized object) in a JCEKS of its own: the walker of length fields stops there.
  const secret = path.join(dir, 'secret.jceks');
  await keytool([
    '-genseckey',
    '-keystore',
    secret,
    '-storetype',
    'JCEKS',
    '-alias',
    'secret',
    '-keyalg',
    'AES',
    '-keysize',
    '128',
    '-keypass:env',
    'FUZZ_PASS',
  ]);
  seeds.push({ name: 'keytool JCEKS secret key', format: 'JCEKS', bytes: readFileSync(secret), password: PASSWORD });
  return seeds;
}

/** The keystores WSO2 ships (store password wso2carbon), when the shared fixtures are present. */
export function shippedSeeds(fixtures: string): KeystoreSeed[] {
  const root = path.join(fixtures, 'wso2', 'keystores');
  if (!existsSync(root)) return [];
  const seeds: KeystoreSeed[] = [];
  for (const kernel of readdirSync(root).sort()) {
    for (const name of readdirSync(path.join(root, kernel)).sort()) {
      const bytes = readFileSync(path.join(root, kernel, name));
      const format = detectFormat(bytes);
      if (format) seeds.push({ name: `${kernel}/${name}`, format, bytes, password: 'wso2carbon' });
    }
  }
  return seeds;
}

/** The shipped deployment.toml of each product version. */
export function wso2ConfigSeeds(fixtures: string): ConfigSeed[] {
  const root = path.join(fixtures, 'wso2', 'configs');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((version) => path.join(root, version, 'deployment.toml'))
    .filter((file) => existsSync(file))
    .map((file) => ({ name: path.relative(fixtures, file), bytes: readFileSync(file) }));
}

/** Every file of toml-test's invalid/ folder: TOML every parser must refuse. */
export function tomlInvalidFiles(fixtures: string): ConfigSeed[] {
  const root = path.join(fixtures, 'toml-test', 'invalid');
  if (!existsSync(root)) return [];
  const out: ConfigSeed[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.toml')) out.push({ name: path.relative(fixtures, full), bytes: readFileSync(full) });
    }
  };
  walk(root);
  return out;
}
