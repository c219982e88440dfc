/**
 * Hand-written homes, each read twice: by `status` and by the Java start-up check, which resolves the configuration
 * on its own. For every role (and every explicit reference), whether it opens must be the same verdict.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProfileId } from '../../source/core/profiles.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SECURITY } from '../support/homes.js';
import { genKeyPair } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
import { runStartupCheck, startupRole, type StartupCheckResult } from '../support/startup-check.js';
import { tempDir } from '../support/tmp.js';

interface StatusRole {
  role: 'primary' | 'internal' | 'truststore';
  opened: boolean;
  keyRecovered: boolean | null;
  keyMatchesCertificate: boolean | null;
}

interface HomeCase {
  name: string;
  profile: ProfileId;
  /** Keystores to make: file name, alias, store and key password. */
  keystores: Array<[string, string, string, string]>;
  /** Replaces the role tables of the sandbox configuration. */
  tables: string;
  env?: Record<string, string>;
  /** What the server does with each role; the test checks both readers agree with it, so neither can drift alone. */
  expected: { primary: boolean; internal: boolean; truststore: boolean; references?: Record<string, boolean> };
}

const MI4 = SECURITY;
const TRUSTSTORE = `[truststore]\nfile_name = "${MI4}/client-truststore.jks"\npassword = "wso2carbon"\n`;

const CASES: HomeCase[] = [
  {
    name: 'primary with an explicit, right key_password',
    profile: 'mi-4',
    keystores: [['p.jks', 'p', 'p-Store-1', 'p-Key-1']],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "p-Store-1"\nalias = "p"\nkey_password = "p-Key-1"\n${TRUSTSTORE}`,
    expected: { primary: true, internal: true, truststore: true },
  },
  {
    name: 'primary without key_password whose key password is wso2carbon (the default)',
    profile: 'mi-4',
    keystores: [['p.jks', 'p', 'p-Store-1', 'wso2carbon']],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "p-Store-1"\nalias = "p"\n${TRUSTSTORE}`,
    expected: { primary: true, internal: true, truststore: true },
  },
  {
    name: 'primary without key_password whose key password is its store password',
    profile: 'mi-4',
    keystores: [['p.jks', 'p', 'p-Store-1', 'p-Store-1']],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "p-Store-1"\nalias = "p"\n${TRUSTSTORE}`,
    expected: { primary: false, internal: false, truststore: true },
  },
  {
    name: "internal without key_password inherits the primary's, which opens it",
    profile: 'mi-4',
    keystores: [
      ['p.jks', 'p', 'p-Store-1', 'shared-Key-1'],
      ['i.jks', 'i', 'i-Store-1', 'shared-Key-1'],
    ],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "p-Store-1"\nalias = "p"\nkey_password = "shared-Key-1"\n[keystore.internal]\nfile_name = "${MI4}/i.jks"\npassword = "i-Store-1"\nalias = "i"\n${TRUSTSTORE}`,
    expected: { primary: true, internal: true, truststore: true },
  },
  {
    name: "internal without key_password inherits the primary's, which does not open it",
    profile: 'mi-4',
    keystores: [
      ['p.jks', 'p', 'p-Store-1', 'p-Key-1'],
      ['i.jks', 'i', 'i-Store-1', 'i-Store-1'],
    ],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "p-Store-1"\nalias = "p"\nkey_password = "p-Key-1"\n[keystore.internal]\nfile_name = "${MI4}/i.jks"\npassword = "i-Store-1"\nalias = "i"\n${TRUSTSTORE}`,
    expected: { primary: true, internal: false, truststore: true },
  },
  {
    name: 'internal passwords given as $ref to other keys',
    profile: 'mi-4',
    keystores: [
      ['p.jks', 'p', 'same-Pw-1', 'same-Pw-1'],
      ['i.jks', 'i', 'same-Pw-1', 'same-Pw-1'],
    ],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "same-Pw-1"\nalias = "p"\nkey_password = "$ref{keystore.primary.password}"\n[keystore.internal]\nfile_name = "${MI4}/i.jks"\npassword = "$ref{keystore.primary.password}"\nalias = "i"\nkey_password = "$ref{keystore.internal.password}"\n${TRUSTSTORE}`,
    expected: { primary: true, internal: true, truststore: true },
  },
  {
    name: '$env{} passwords, set',
    profile: 'mi-4',
    keystores: [['p.jks', 'p', 'env-Store-1', 'env-Store-1']],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "$env{KS_PW}"\nalias = "p"\nkey_password = "$env{KS_PW}"\n${TRUSTSTORE}`,
    env: { KS_PW: 'env-Store-1' },
    expected: { primary: true, internal: true, truststore: true },
  },
  {
    name: '$env{} passwords, set to something else',
    profile: 'mi-4',
    keystores: [['p.jks', 'p', 'env-Store-1', 'env-Store-1']],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "$env{KS_PW}"\nalias = "p"\nkey_password = "$env{KS_PW}"\n${TRUSTSTORE}`,
    env: { KS_PW: 'not-the-Password' },
    expected: { primary: false, internal: false, truststore: true },
  },
  {
    name: 'a listener keystore set explicitly to another file, with the wrong password',
    profile: 'mi-4',
    keystores: [
      ['p.jks', 'p', 'p-Store-1', 'p-Store-1'],
      ['l.jks', 'l', 'l-Store-1', 'l-Store-1'],
    ],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "p-Store-1"\nalias = "p"\nkey_password = "p-Store-1"\n${TRUSTSTORE}[transport.http]\nlistener.keystore.location = "${MI4}/l.jks"\nlistener.keystore.password = "wrong-Pw-1"\n`,
    expected: { primary: true, internal: true, truststore: true, references: { 'transport.http.listener.keystore': false } },
  },
  {
    name: 'a listener keystore set explicitly to the primary file, opening it',
    profile: 'mi-4',
    keystores: [['p.jks', 'p', 'p-Store-1', 'p-Store-1']],
    tables: `[keystore.primary]\nfile_name = "${MI4}/p.jks"\npassword = "p-Store-1"\nalias = "p"\nkey_password = "p-Store-1"\n${TRUSTSTORE}[transport.http]\nlistener.keystore.location = "${MI4}/p.jks"\nlistener.keystore.password = "p-Store-1"\n`,
    expected: { primary: true, internal: true, truststore: true, references: { 'transport.http.listener.keystore': true } },
  },
  {
    name: 'MI 1.2: [keystore.primary] without key_password, and the internal keystore hard-coded to the shipped file',
    profile: 'mi-1.2',
    keystores: [['p.jks', 'p', 'p-Store-1', 'p-Key-1']],
    tables: `[keystore.primary]\nfile_name = "p.jks"\npassword = "p-Store-1"\nalias = "p"\n[truststore]\nfile_name = "client-truststore.jks"\npassword = "wso2carbon"\n`,
    expected: { primary: false, internal: true, truststore: true },
  },
  {
    name: 'EI 7 document layout: [keystore.internal] without key_password follows [keystore.tls]',
    profile: 'ei-7',
    keystores: [
      ['t.jks', 't', 't-Store-1', 'tls-Key-1'],
      ['i.jks', 'i', 'i-Store-1', 'tls-Key-1'],
    ],
    tables: `[keystore.tls]\nfile_name = "t.jks"\npassword = "t-Store-1"\nalias = "t"\nkey_password = "tls-Key-1"\n[keystore.internal]\nfile_name = "i.jks"\npassword = "i-Store-1"\nalias = "i"\n[truststore]\nfile_name = "client-truststore.jks"\npassword = "wso2carbon"\n`,
    expected: { primary: true, internal: true, truststore: true },
  },
  {
    name: 'a truststore password that does not open it',
    profile: 'mi-4',
    keystores: [],
    tables: `[keystore.primary]\nfile_name = "${MI4}/wso2carbon.jks"\npassword = "wso2carbon"\nalias = "wso2carbon"\nkey_password = "wso2carbon"\n[truststore]\nfile_name = "${MI4}/client-truststore.jks"\npassword = "not-the-Password"\n`,
    expected: { primary: true, internal: true, truststore: false },
  },
];

async function buildHome(entry: HomeCase): Promise<string> {
  const { home } = await createSandbox(path.join(tempDir(), 'home'), entry.profile);
  for (const [file, alias, storePassword, keyPassword] of entry.keystores) {
    await genKeyPair({ file: path.join(home, SECURITY, file), alias, storePassword, keyPassword, dname: 'CN=localhost, O=Agree' });
  }
  const config = path.join(home, 'conf', entry.profile === 'ei-7' ? 'ei.toml' : 'deployment.toml');
  // Keep the sandbox's comments and [server]; drop its role tables (everything from the first role table on).
  const text = readFileSync(config, 'utf8');
  const cut = text.search(/^\[(keystore|truststore)/m);
  writeFileSync(config, `${text.slice(0, cut)}${entry.tables}`);
  return home;
}

function javaVerdict(result: StartupCheckResult, role: 'primary' | 'internal' | 'truststore'): boolean {
  if (role === 'truststore') return startupRole(result, 'truststore').storeOpens;
  const found = startupRole(result, role);
  return found.storeOpens && found.keyOpens && found.chainMatchesKey;
}

function statusVerdict(role: StatusRole): boolean {
  if (role.role === 'truststore') return role.opened;
  return role.opened && role.keyRecovered === true && role.keyMatchesCertificate === true;
}

describe('status and the server agree, role by role', () => {
  it.each(CASES.map((entry) => [entry.name, entry] as const))('%s', async (_name, entry) => {
    const home = await buildHome(entry);
    const env = entry.env ?? {};
    const run = await runCliCaptured(['status', '--home', home, '--json'], { env });
    const report = JSON.parse(run.stdout) as { roles: StatusRole[]; references: Array<{ prefix: string; opens: boolean }> };
    const java = await runStartupCheck(home, { env });
    for (const role of ['primary', 'internal', 'truststore'] as const) {
      const ours = statusVerdict(report.roles.find((candidate) => candidate.role === role)!);
      const server = javaVerdict(java, role);
      expect({ role, ours, server }).toEqual({ role, ours: entry.expected[role], server: entry.expected[role] });
    }
    for (const [prefix, opens] of Object.entries(entry.expected.references ?? {})) {
      const ours = report.references.find((reference) => reference.prefix === prefix)?.opens;
      const server = java.references.find((reference) => reference.family === prefix);
      expect({ prefix, ours, server: server ? server.storeOpens && server.keyOpens !== false : undefined }).toEqual({
        prefix,
        ours: opens,
        server: opens,
      });
    }
  });
});
