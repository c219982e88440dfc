import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILE_IDS } from '../../source/core/profiles.js';
import { keytoolList } from '../../source/keytool/run.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { SECURITY } from '../support/homes.js';
import { genKeyPair, keytool } from '../support/keytool.js';
import { runCliCaptured } from '../support/run-cli.js';
import { tempDir } from '../support/tmp.js';

const env = { NEW_PASS: 'fresh-password' };

interface StatusJson {
  profile: string;
  roles: Array<{ role: string; file: string; opened: boolean; keyMatchesCertificate: boolean | null; table: string }>;
  findings: Array<{ level: string; code: string; role?: string }>;
}

async function status(home: string): Promise<StatusJson> {
  return JSON.parse((await runCliCaptured(['status', '--home', home, '--json'])).stdout) as StatusJson;
}

function keystoreAnswers(dir: string, name: string): string {
  const file = path.join(dir, `${name}.toml`);
  writeFileSync(
    file,
    `[keystore]
source = "generate"
file_name = "${name}.jks"
alias = "${name}"
password = { env = "NEW_PASS" }
[keystore.generate]
dname = "CN=${name}.example.com, O=Example"
`,
  );
  return file;
}

describe('apply each procedure on a sandbox home of every profile', () => {
  for (const profile of PROFILE_IDS) {
    it(`${profile}: primary, internal (where the product reads it) and truststore, checked by status and keytool`, async () => {
      const { home } = await createSandbox(path.join(tempDir(), 'home'), profile);
      const dir = tempDir();
      const before = await status(home);
      expect(before.profile).toBe(profile);

      const primary = await runCliCaptured(
        ['apply', 'primary', '--answers', keystoreAnswers(dir, 'ei-primary'), '--home', home, '--keytool'],
        { env },
      );
      expect(primary.code, primary.stderr).toBe(0);
      const [listed] = await keytoolList(path.join(home, SECURITY, 'ei-primary.jks'), env.NEW_PASS);
      expect(listed).toMatchObject({ alias: 'ei-primary', kind: 'private-key' });
      const afterPrimary = await status(home);
      expect(afterPrimary.roles[0]).toMatchObject({
        file: path.join(home, SECURITY, 'ei-primary.jks'),
        opened: true,
        keyMatchesCertificate: true,
      });
      expect(afterPrimary.findings.filter((f) => f.level === 'error')).toEqual([]);
      expect(afterPrimary.findings.map((f) => `${f.code}:${f.role}`)).not.toContain('default-keystore:primary');

      const internal = await runCliCaptured(['apply', 'internal', '--answers', keystoreAnswers(dir, 'ei-internal'), '--home', home], {
        env,
      });
      if (profile === 'mi-1.1' || profile === 'mi-1.2') {
        expect(internal.code).toBe(2);
        expect(internal.stderr).toMatch(/does not read \[keystore\.internal\]/);
      } else {
        expect(internal.code, internal.stderr).toBe(0);
        const afterInternal = await status(home);
        expect(afterInternal.roles[1]).toMatchObject({
          table: 'keystore.internal',
          file: path.join(home, SECURITY, 'ei-internal.jks'),
          keyMatchesCertificate: true,
        });
        expect(afterInternal.findings.map((f) => f.code)).not.toContain('internal-not-separated');
      }

      await genKeyPair({ file: path.join(dir, 'partner.p12'), alias: 'partner', storePassword: 'whatever', storeType: 'PKCS12' });
      await keytool(
        [
          '-exportcert',
          '-keystore',
          path.join(dir, 'partner.p12'),
          '-alias',
          'partner',
          '-file',
          path.join(dir, 'partner.der'),
          '-storepass:env',
          'P',
        ],
        { P: 'whatever' },
      );
      writeFileSync(
        path.join(dir, 'truststore.toml'),
        `[truststore]
file_name = "ei-truststore.jks"
password = { env = "NEW_PASS" }
[[truststore.import]]
alias = "partner"
file = "partner.der"
`,
      );
      const truststore = await runCliCaptured(
        ['apply', 'truststore', '--answers', path.join(dir, 'truststore.toml'), '--home', home, '--keytool'],
        { env },
      );
      expect(truststore.code, truststore.stderr).toBe(0);
      const trusted = await keytoolList(path.join(home, SECURITY, 'ei-truststore.jks'), env.NEW_PASS);
      // The sandbox truststore held wso2carbon; apply primary added ei-primary; this added partner.
      expect(trusted.map((entry) => entry.alias).sort()).toEqual(['ei-primary', 'partner', 'wso2carbon']);
      const final = await status(home);
      expect(final.roles[2]).toMatchObject({ file: path.join(home, SECURITY, 'ei-truststore.jks'), opened: true });
      expect(final.findings.filter((f) => f.level === 'error')).toEqual([]);
      expect(final.findings.map((f) => f.code)).not.toContain('primary-not-trusted');
      const config = readFileSync(path.join(home, profile === 'ei-7' ? 'conf/ei.toml' : 'conf/deployment.toml'), 'utf8');
      expect(config).toContain('ei-keystore sandbox');
    });
  }
});
