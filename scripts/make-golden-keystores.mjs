#!/usr/bin/env node
// @ts-check
// `npm run golden`: makes the golden keystore corpus under test/golden/ with keytool and openssl, and beside each
// file the JSON `ei-keystore inspect --json` prints for it (the bundle is built first), so that the codec tests
// (test/golden/golden.test.ts) read real keytool/openssl output without a JVM, and the keytool tier
// (test/golden/golden-keytool.test.ts) holds that JSON against `keytool -list -v`.
//
// Run it only to change the corpus: keys are random, so every run makes new files and new JSON. Review the JSON
// (the keytool tier does it for you: `npx vitest run test/golden`), then commit the folder. No test runs this.
//
// Dates: keytool's certificates start at 2026-01-01 00:00:00 UTC (-startdate), so their validity is fixed; the
// time-dependent fields of inspect (expiry, daysLeft) are left out of the JSON and computed by the test.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'test', 'golden');
const expectedDir = path.join(out, 'expected');
const bundle = path.join(root, 'dist', 'ei-keystore.mjs');
const START = '2026/01/01 00:00:00';
const VALIDITY = '7300';
/** The variable every password goes through (never argv). */
const PASSWORD_ENV = 'GOLDEN_PASSWORD';

/**
 * The corpus: file, format, store password (fixed, test-only), what it holds. Written to test/golden/corpus.json
 * for the tests.
 */
const CORPUS = [
  {
    file: 'jks-key-and-trusted.jks',
    format: 'JKS',
    password: 'golden-jks-pass',
    holds: 'an RSA-2048 key pair with DNS and IP SANs, and a trusted CA certificate (partner-ca)',
  },
  {
    file: 'pkcs12-rsa-and-ec.p12',
    format: 'PKCS12',
    password: 'golden-p12-pass',
    holds: 'an RSA-3072 key pair and an EC P-384 key pair (keytool, PBES2/AES and HMAC-SHA256)',
  },
  {
    file: 'jceks-key-secret-expired.jceks',
    format: 'JCEKS',
    password: 'golden-jceks-pass',
    holds: 'an RSA-2048 key pair, an AES-128 secret key, and a trusted certificate that expired on 2026-01-02',
  },
  {
    file: 'chain.jks',
    format: 'JKS',
    password: 'golden-chain-pass',
    holds: 'a key pair whose certificate is signed by an intermediate CA signed by a root CA: a chain of three',
  },
  {
    file: 'openssl-rsa.p12',
    format: 'PKCS12',
    password: 'golden-openssl-pass',
    holds: 'an RSA-2048 key and self-signed certificate made by openssl req and openssl pkcs12 -export (OpenSSL 3 defaults)',
  },
  {
    file: 'partner-ca.pem',
    format: 'PEM',
    password: null,
    holds: 'the partner-ca certificate of jks-key-and-trusted.jks, as keytool -exportcert -rfc writes it',
  },
];

/**
 * @param {string} command
 * @param {readonly string[]} args
 * @param {Record<string, string>} [env]
 */
function run(command, args, env = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.slice(0, 2).join(' ')} failed: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/**
 * keytool with the store and key password of `password` through the environment.
 * @param {string} password
 * @param {readonly string[]} args
 */
function keytool(password, args) {
  return run('keytool', [...args, '-storepass:env', PASSWORD_ENV, ...(needsKeyPassword(args[0]) ? ['-keypass:env', PASSWORD_ENV] : [])], {
    [PASSWORD_ENV]: password,
  });
}

/**
 * The commands that make a key, which takes its own password (the store's, here).
 * @param {string | undefined} command
 */
function needsKeyPassword(command) {
  return command === '-genkeypair' || command === '-genseckey';
}

/**
 * @param {string} file
 * @param {string} type
 * @param {string} password
 * @param {string} alias
 * @param {string} dname
 * @param {readonly string[]} [extra]
 */
function genKeyPair(file, type, password, alias, dname, extra = []) {
  keytool(password, [
    '-genkeypair',
    '-keystore',
    file,
    '-storetype',
    type,
    '-alias',
    alias,
    '-dname',
    dname,
    '-startdate',
    START,
    '-validity',
    VALIDITY,
    ...extra,
  ]);
}

/**
 * `signer`'s key (in signerFile) signs the request of `alias` in `file`; the certificate in PEM.
 * @param {string} work
 * @param {{ file: string; type: string; password: string; alias: string }} subject
 * @param {{ signerFile: string; signerAlias: string; signerPassword: string }} signer
 * @param {readonly string[]} extra
 */
function signRequest(work, { file, type, password, alias }, { signerFile, signerAlias, signerPassword }, extra) {
  const request = path.join(work, `${alias}.csr`);
  const certificate = path.join(work, `${alias}.pem`);
  keytool(password, ['-certreq', '-keystore', file, '-storetype', type, '-alias', alias, '-file', request]);
  keytool(signerPassword, [
    '-gencert',
    '-keystore',
    signerFile,
    '-storetype',
    'PKCS12',
    '-alias',
    signerAlias,
    '-infile',
    request,
    '-outfile',
    certificate,
    '-rfc',
    '-startdate',
    START,
    '-validity',
    VALIDITY,
    ...extra,
  ]);
  return readFileSync(certificate, 'utf8');
}

/** @param {string} work */
function makeCorpus(work) {
  const at = (/** @type {string} */ name) => path.join(out, name);
  const password = (/** @type {string} */ name) =>
    /** @type {{ password: string }} */ (CORPUS.find((entry) => entry.file === name)).password;

  // A CA of a partner, kept in a work keystore: its certificate is the PEM file and the JKS's trusted entry.
  const partner = path.join(work, 'partner-ca.p12');
  genKeyPair(partner, 'PKCS12', 'work-pass', 'partner-ca', 'CN=Golden Partner CA, O=Partner, C=NL', [
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-ext',
    'bc:c',
  ]);
  keytool('work-pass', [
    '-exportcert',
    '-keystore',
    partner,
    '-storetype',
    'PKCS12',
    '-alias',
    'partner-ca',
    '-rfc',
    '-file',
    at('partner-ca.pem'),
  ]);

  const jks = at('jks-key-and-trusted.jks');
  genKeyPair(
    jks,
    'JKS',
    password('jks-key-and-trusted.jks'),
    'server',
    'CN=golden.example.com, OU=Integration, O=Example, L=Colombo, C=LK',
    ['-keyalg', 'RSA', '-keysize', '2048', '-ext', 'SAN=dns:golden.example.com,dns:localhost,ip:127.0.0.1'],
  );
  keytool(password('jks-key-and-trusted.jks'), [
    '-importcert',
    '-noprompt',
    '-keystore',
    jks,
    '-storetype',
    'JKS',
    '-alias',
    'partner-ca',
    '-file',
    at('partner-ca.pem'),
  ]);

  const p12 = at('pkcs12-rsa-and-ec.p12');
  genKeyPair(p12, 'PKCS12', password('pkcs12-rsa-and-ec.p12'), 'rsa-key', 'CN=rsa.golden.example.com, O=Example', [
    '-keyalg',
    'RSA',
    '-keysize',
    '3072',
  ]);
  genKeyPair(p12, 'PKCS12', password('pkcs12-rsa-and-ec.p12'), 'ec-key', 'CN=ec.golden.example.com, O=Example', [
    '-keyalg',
    'EC',
    '-groupname',
    'secp384r1',
    '-ext',
    'SAN=dns:ec.golden.example.com',
  ]);

  const jceks = at('jceks-key-secret-expired.jceks');
  const jceksPassword = password('jceks-key-secret-expired.jceks');
  genKeyPair(jceks, 'JCEKS', jceksPassword, 'jceks-key', 'CN=jceks.golden.example.com, O=Example', ['-keyalg', 'RSA', '-keysize', '2048']);
  keytool(jceksPassword, [
    '-genseckey',
    '-keystore',
    jceks,
    '-storetype',
    'JCEKS',
    '-alias',
    'aes-key',
    '-keyalg',
    'AES',
    '-keysize',
    '128',
  ]);
  const expired = path.join(work, 'expired.p12');
  keytool('work-pass', [
    '-genkeypair',
    '-keystore',
    expired,
    '-storetype',
    'PKCS12',
    '-alias',
    'expired-ca',
    '-dname',
    'CN=Golden Expired CA, O=Example',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-ext',
    'bc:c',
    '-startdate',
    START,
    '-validity',
    '1',
  ]);
  keytool('work-pass', [
    '-exportcert',
    '-keystore',
    expired,
    '-storetype',
    'PKCS12',
    '-alias',
    'expired-ca',
    '-rfc',
    '-file',
    path.join(work, 'expired-ca.pem'),
  ]);
  keytool(jceksPassword, [
    '-importcert',
    '-noprompt',
    '-keystore',
    jceks,
    '-storetype',
    'JCEKS',
    '-alias',
    'expired-ca',
    '-file',
    path.join(work, 'expired-ca.pem'),
  ]);

  // Root CA -> intermediate CA -> leaf, the leaf's key in chain.jks with the whole chain installed as a CA reply.
  const rootCa = path.join(work, 'root.p12');
  genKeyPair(rootCa, 'PKCS12', 'work-pass', 'root', 'CN=Golden Root CA, O=Example', ['-keyalg', 'RSA', '-keysize', '2048', '-ext', 'bc:c']);
  const intermediate = path.join(work, 'intermediate.p12');
  genKeyPair(intermediate, 'PKCS12', 'work-pass', 'intermediate', 'CN=Golden Intermediate CA, O=Example', [
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
  ]);
  keytool('work-pass', [
    '-exportcert',
    '-keystore',
    rootCa,
    '-storetype',
    'PKCS12',
    '-alias',
    'root',
    '-rfc',
    '-file',
    path.join(work, 'root.pem'),
  ]);
  const rootPem = readFileSync(path.join(work, 'root.pem'), 'utf8');
  const intermediatePem = signRequest(
    work,
    { file: intermediate, type: 'PKCS12', password: 'work-pass', alias: 'intermediate' },
    { signerFile: rootCa, signerAlias: 'root', signerPassword: 'work-pass' },
    ['-ext', 'bc:c=ca:true,pathlen:0', '-ext', 'ku:c=keyCertSign,cRLSign'],
  );
  writeFileSync(path.join(work, 'intermediate-chain.pem'), intermediatePem + rootPem);
  keytool('work-pass', [
    '-importcert',
    '-noprompt',
    '-keystore',
    intermediate,
    '-storetype',
    'PKCS12',
    '-alias',
    'intermediate',
    '-file',
    path.join(work, 'intermediate-chain.pem'),
  ]);
  const chain = at('chain.jks');
  const chainPassword = password('chain.jks');
  genKeyPair(chain, 'JKS', chainPassword, 'leaf', 'CN=leaf.golden.example.com, O=Example', ['-keyalg', 'RSA', '-keysize', '2048']);
  const leafPem = signRequest(
    work,
    { file: chain, type: 'JKS', password: chainPassword, alias: 'leaf' },
    { signerFile: intermediate, signerAlias: 'intermediate', signerPassword: 'work-pass' },
    ['-ext', 'SAN=dns:leaf.golden.example.com', '-ext', 'eku=serverAuth,clientAuth'],
  );
  writeFileSync(path.join(work, 'leaf-reply.pem'), leafPem + intermediatePem + rootPem);
  keytool(chainPassword, [
    '-importcert',
    '-noprompt',
    '-trustcacerts',
    '-keystore',
    chain,
    '-storetype',
    'JKS',
    '-alias',
    'leaf',
    '-file',
    path.join(work, 'leaf-reply.pem'),
  ]);

  // openssl's own PKCS#12 (what a CA portal or an administrator hands over), with OpenSSL 3's defaults.
  const key = path.join(work, 'openssl.key');
  const certificate = path.join(work, 'openssl.pem');
  run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    certificate,
    '-days',
    VALIDITY,
    '-subj',
    '/CN=openssl.golden.example.com/O=Example',
    '-addext',
    'subjectAltName=DNS:openssl.golden.example.com',
  ]);
  run(
    'openssl',
    [
      'pkcs12',
      '-export',
      '-in',
      certificate,
      '-inkey',
      key,
      '-name',
      'openssl-key',
      '-out',
      at('openssl-rsa.p12'),
      '-passout',
      `env:${PASSWORD_ENV}`,
    ],
    { [PASSWORD_ENV]: password('openssl-rsa.p12') },
  );
}

/**
 * What `ei-keystore inspect --json` prints, with the file as its name and without the fields that age.
 * @param {string} file
 * @param {string} password
 */
function inspectJson(file, password) {
  const printed = run(process.execPath, [bundle, 'inspect', file, '--password-env', PASSWORD_ENV, '--json'], {
    [PASSWORD_ENV]: password,
    NO_COLOR: '1',
  });
  const document = JSON.parse(printed);
  return withoutAgeingFields({ ...document, file: path.basename(file) });
}

/**
 * expiry and daysLeft depend on the day the test runs: the tests compute them from notBefore and notAfter.
 * @param {{ entries: Array<{ certificates: Array<{ expiry?: unknown; daysLeft?: unknown }> }> }} document
 */
function withoutAgeingFields(document) {
  return {
    ...document,
    entries: document.entries.map((entry) => ({
      ...entry,
      certificates: entry.certificates.map(({ expiry: _expiry, daysLeft: _daysLeft, ...certificate }) => certificate),
    })),
  };
}

function main() {
  for (const tool of /** @type {const} */ ([
    ['keytool', '-help'],
    ['openssl', 'version'],
  ])) {
    if (spawnSync(tool[0], [tool[1]], { stdio: 'ignore' }).error) {
      process.stderr.write(`golden: ${tool[0]} is not on PATH; the corpus is made with keytool (a JDK) and openssl.\n`);
      process.exit(2);
    }
  }
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  const work = mkdtempSync(path.join(os.tmpdir(), 'eik-golden-'));
  try {
    // Only what this script makes goes: the tests beside the corpus stay.
    mkdirSync(out, { recursive: true });
    rmSync(expectedDir, { recursive: true, force: true });
    for (const name of readdirSync(out, { withFileTypes: true })) {
      if (name.isFile() && !name.name.endsWith('.ts')) rmSync(path.join(out, name.name));
    }
    mkdirSync(expectedDir, { recursive: true });
    makeCorpus(work);
    for (const entry of CORPUS) {
      const file = path.join(out, entry.file);
      let expected;
      if (entry.format === 'PEM') {
        // inspect reads keystores: the certificate as inspect describes it once it is a truststore's entry.
        const truststore = path.join(work, 'pem-holder.p12');
        keytool('work-pass', ['-importcert', '-noprompt', '-keystore', truststore, '-storetype', 'PKCS12', '-alias', 'pem', '-file', file]);
        const held = inspectJson(truststore, 'work-pass');
        expected = { file: entry.file, certificates: /** @type {{ certificates: unknown[] }} */ (held.entries[0]).certificates };
      } else {
        expected = inspectJson(file, /** @type {string} */ (entry.password)); // every keystore of the corpus has one
      }
      writeFileSync(path.join(expectedDir, `${entry.file}.json`), JSON.stringify(expected, null, 2) + '\n');
    }
    writeFileSync(path.join(out, 'corpus.json'), JSON.stringify(CORPUS, null, 2) + '\n');
    writeFileSync(path.join(out, 'README.md'), README);
    process.stdout.write(
      `golden: ${CORPUS.length} files and their JSON in ${path.relative(root, out)}; review expected/*.json (npx vitest run test/golden), then commit\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const README = `# Golden keystores

Made by \`npm run golden\` (scripts/make-golden-keystores.mjs) with keytool and openssl; never edited by hand, never
copied from a server or from ../shared/fixtures. The passwords are in corpus.json: these files are test data.

- corpus.json: each file, its format, its store password and what it holds.
- expected/FILE.json: what \`ei-keystore inspect --json\` printed for FILE when it was made (for the PEM file: its
  certificate as inspect describes it in a truststore), with \`file\` as the file's name and without \`expiry\` and
  \`daysLeft\`, which depend on the day: the tests compute them from notBefore and notAfter.

Tests:

- test/golden/golden.test.ts (no JVM, no ../shared): inspect on each file prints exactly the expected JSON; every
  key opens; a wrong password is refused. It runs with PATH emptied, so a call to keytool would fail it.
- test/golden/golden-keytool.test.ts (the keytool tier): \`keytool -list -v\` says what the expected JSON says
  (aliases, kinds, chains, subjects, issuers, dates, fingerprints, key sizes, signature algorithms, SANs).

To change the corpus: edit CORPUS and makeCorpus in the script, run \`npm run golden\` (every file and JSON is made
anew: keys are random), run \`npx vitest run test/golden\`, review the JSON diff, commit.
`;

main();
