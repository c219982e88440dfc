/**
 * Every procedure on every profile, in JKS and PKCS12, each change followed by the Java start-up check: the server's
 * own reading of the configuration must open every role, decrypt every secret and complete a TLS handshake.
 * The procedures run one after the other on one home, as an admin would: primary, internal, truststore, then a
 * certificate request and the CA's reply.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProfileId } from '../../source/core/profiles.js';
import { encryptSecret } from '../../source/keystore/cipher-tool.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { runCliCaptured } from '../support/run-cli.js';
import { expectServerStarts } from '../support/startup-check.js';
import { makeTestCa, pem } from '../support/test-ca.js';
import { tempDir } from '../support/tmp.js';
import { SECURITY } from '../support/homes.js';
import { keytool } from '../support/keytool.js';

const PASSWORDS = { STORE_PW: 'matrix-Store-1', KEY_PW: 'matrix-Key-2', INTERNAL_PW: 'matrix-Int-3', TRUST_PW: 'matrix-Trust-4' };

function answersFile(body: string): string {
  const file = path.join(tempDir(), 'answers.toml');
  writeFileSync(file, body);
  return file;
}

function keystoreAnswers(
  name: string,
  type: 'JKS' | 'PKCS12',
  passwordEnv: string,
  keyPasswordEnv: string,
  source: string,
  extra = '',
): string {
  const extension = type === 'JKS' ? 'jks' : 'p12';
  return answersFile(`[keystore]
source = "${source}"
file_name = "${name}.${extension}"
type = "${type}"
alias = "${name}"
password = { env = "${passwordEnv}" }
key_password = { env = "${type === 'PKCS12' ? passwordEnv : keyPasswordEnv}" }
${extra}`);
}

async function apply(home: string, procedure: string, file: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
  const run = await runCliCaptured(['apply', procedure, '--answers', file, '--home', home], { env: { ...PASSWORDS, ...extraEnv } });
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
}

/** One encrypted [secrets] value for the home's current internal key, so the check also decrypts something. */
async function addSecret(home: string, profile: ProfileId): Promise<void> {
  const file = path.join(home, SECURITY, 'wso2carbon.jks');
  const certificate = Buffer.from(
    new X509Certificate(
      await keytool(['-exportcert', '-rfc', '-keystore', file, '-alias', 'wso2carbon', '-storepass:env', 'P'], { P: 'wso2carbon' }),
    ).raw,
  );
  const config = path.join(home, 'conf', profile === 'ei-7' ? 'ei.toml' : 'deployment.toml');
  writeFileSync(config, `${readFileSync(config, 'utf8')}\n[secrets]\nadmin_password = "${encryptSecret(certificate, 'admin-Secret-9')}"\n`);
}

const PROFILES: ProfileId[] = ['ei-7', 'mi-1.1', 'mi-1.2', 'mi-4'];

describe.each(PROFILES)('%s', (profile) => {
  it.each(['JKS', 'PKCS12'] as const)(
    '%s: primary, internal, truststore, request and CA reply each leave a home the server starts',
    async (type) => {
      const { home } = await createSandbox(path.join(tempDir(), 'home'), profile);
      await addSecret(home, profile);
      await expectServerStarts(home);

      // The primary moves to a new file. Where the primary is also the internal keystore, the secret is re-encrypted.
      const internalFollows = profile === 'ei-7' || profile === 'mi-4';
      const primaryExtra = `[keystore.generate]\ndname = "CN=localhost, O=Matrix"\nsubject_alt_names = ["DNS:localhost", "IP:127.0.0.1"]\n${internalFollows ? '[secrets]\nstrategy = "re-encrypt"\n' : ''}`;
      if (internalFollows && type === 'JKS') {
        // The vault opens the internal keystore and its key with one password (no -Dkey.password=true at a default
        // start): a key password other than the store's would lock the secrets, so the change is refused.
        const config = readFileSync(path.join(home, 'conf', profile === 'ei-7' ? 'ei.toml' : 'deployment.toml'));
        const refused = await runCliCaptured(
          ['apply', 'primary', '--answers', keystoreAnswers('site', type, 'STORE_PW', 'KEY_PW', 'generate', primaryExtra), '--home', home],
          { env: PASSWORDS },
        );
        expect(refused.code, refused.stderr).toBe(2);
        expect(refused.stderr).toMatch(/secure vault.*one password for the store and the key/s);
        expect(readFileSync(path.join(home, 'conf', profile === 'ei-7' ? 'ei.toml' : 'deployment.toml'))).toEqual(config);
      }
      await apply(
        home,
        'primary',
        keystoreAnswers('site', type, 'STORE_PW', internalFollows ? 'STORE_PW' : 'KEY_PW', 'generate', primaryExtra),
      );
      await expectServerStarts(home);

      if (internalFollows) {
        await apply(
          home,
          'internal',
          keystoreAnswers(
            'internal',
            type,
            'INTERNAL_PW',
            'INTERNAL_PW',
            'generate',
            '[keystore.generate]\ndname = "CN=internal, O=Matrix"\n[secrets]\nstrategy = "re-encrypt"\n',
          ),
        );
        await expectServerStarts(home);
      } else {
        const refused = await runCliCaptured(
          [
            'apply',
            'internal',
            '--answers',
            keystoreAnswers('internal', type, 'INTERNAL_PW', 'INTERNAL_PW', 'generate', '[keystore.generate]\ndname = "CN=internal"\n'),
            '--home',
            home,
          ],
          { env: PASSWORDS },
        );
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/hard-codes repository\/resources\/security\/wso2carbon\.jks/);
      }

      await apply(
        home,
        'truststore',
        answersFile(
          `[truststore]\nsource = "copy-current"\nfile_name = "trust.${type === 'JKS' ? 'jks' : 'p12'}"\ntype = "${type}"\npassword = { env = "TRUST_PW" }\n`,
        ),
      );
      await expectServerStarts(home);

      const dir = tempDir();
      const request = keystoreAnswers(
        'signed',
        type,
        'STORE_PW',
        'KEY_PW',
        'csr',
        `csr_file = "${path.join(dir, 'signed.csr')}"\n[keystore.csr]\ndname = "CN=localhost, O=Matrix"\nsubject_alt_names = ["DNS:localhost", "IP:127.0.0.1"]\n`,
      );
      await apply(home, 'primary', request);
      const ca = makeTestCa();
      const leaf = ca.sign(readFileSync(path.join(dir, 'signed.csr'), 'utf8'));
      writeFileSync(path.join(dir, 'reply.pem'), [leaf, ca.intermediate, ca.root].map(pem).join(''));
      await apply(
        home,
        'primary',
        keystoreAnswers('signed', type, 'STORE_PW', 'KEY_PW', 'ca-reply', `reply = "${path.join(dir, 'reply.pem')}"\n`),
      );
      await expectServerStarts(home);
    },
  );
});
