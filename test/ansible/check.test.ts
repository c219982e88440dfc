import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { describeWithAnsible, runPlaybook, writeLocalInventory } from '../support/ansible.js';
import { buildInto } from '../support/build.js';
import { runCliCaptured } from '../support/run-cli.js';
import { snapshotTree } from '../support/tree.js';

// templates/ansible/check.yml (the fleet check) on two sandbox homes on localhost, as the roll-out test does.
// site.yml installs them first: node1 gets the one executable (and a node binary that does not exist, so only
// the executable can run there), node2 the .mjs. Then: one internal key -> the check passes; a certificate
// that expires in 10 days -> listed; node2's internal keystore replaced -> the check fails naming both nodes
// and their fingerprints; a keystore that does not open -> listed among the errors. The check changes nothing.

const INTERNAL_PASSWORD = 'fleet-internal-Pa55';

describeWithAnsible('check.yml on two sandbox homes on localhost', () => {
  let work = '';
  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'eik-fleet-'));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('passes on one internal key, lists a certificate expiring in 10 days and errors, fails naming the nodes when one internal key differs, changes nothing', async () => {
    const { executable } = buildInto(work, { executable: true });
    const homes = { node1: path.join(work, 'node1-home'), node2: path.join(work, 'node2-home') };
    await createSandbox(homes.node1, 'mi-4');
    await createSandbox(homes.node2, 'mi-4');
    // node1 can only run the executable: its node does not exist.
    const inventory = writeLocalInventory(work, homes, { node1: `ei_keystore_executable=${executable!.file} ei_node=/nonexistent/node` });
    const play = (playbook: string, extra: string[] = []) =>
      runPlaybook(work, inventory, playbook, extra, { EI_INTERNAL_KEYSTORE_PASSWORD: INTERNAL_PASSWORD });
    const internalSha256 = async (home: string) => {
      const status = JSON.parse((await runCliCaptured(['status', '--home', home, '--json'])).stdout) as {
        roles: Array<{ role: string; certificate: { sha256: string } | null }>;
      };
      return status.roles.find((role) => role.role === 'internal')!.certificate!.sha256;
    };

    // site.yml: one internal keystore for both nodes, the executable on node1, the .mjs on node2.
    const rollout = play('site.yml', [
      '-e',
      `ei_keystore_bundle=${path.join(work, 'ei-keystore.mjs')}`,
      '-e',
      `ei_internal_keystore=${path.join(work, 'controller', 'ei-internal.jks')}`,
    ]);
    expect(rollout.code, rollout.output).toBe(0);
    expect(readdirSync(path.join(work, 'node1-tool'))).toContain('ei-keystore');
    expect(existsSync(path.join(work, 'node1-tool', 'ei-keystore.mjs'))).toBe(false);
    expect(existsSync(path.join(work, 'node2-tool', 'ei-keystore.mjs'))).toBe(true);
    expect(await internalSha256(homes.node1)).toBe(await internalSha256(homes.node2));

    // One internal key: passes, nothing expiring (the sandboxes' certificates last a year), no errors.
    const before = { node1: snapshotTree(homes.node1), node2: snapshotTree(homes.node2) };
    const same = play('check.yml');
    expect(same.code, same.output).toBe(0);
    expect(same.output).toMatch(/one internal keystore per configuration/);
    expect(same.output).toMatch(/Certificates that expire within 30 days[^\n]*\n[^\n]*\n\s*"msg": "none"/);
    expect(same.output).toMatch(/Errors on the nodes[^\n]*\n[^\n]*\n\s*"msg": "none"/);
    expect({ node1: snapshotTree(homes.node1), node2: snapshotTree(homes.node2) }).toEqual(before);

    // node2's TLS certificate expires in 10 days: listed, and the check still passes.
    const answers = path.join(work, 'answers');
    rmSync(answers, { recursive: true, force: true });
    mkdirSync(answers);
    writeFileSync(
      path.join(answers, 'primary.toml'),
      `[keystore]
source = "generate"
file_name = "ei-tls.jks"
alias = "ei-tls"
password = { env = "EI_KEYSTORE_PASSWORD" }
[keystore.generate]
dname = "CN=node2"
validity_days = 10
`,
    );
    const env = { EI_KEYSTORE_PASSWORD: 'node2-tls-Pa55' };
    const expiring = await runCliCaptured(
      ['apply', 'primary', '--answers', path.join(answers, 'primary.toml'), '--home', homes.node2, '--json'],
      { env },
    );
    expect(expiring.code, expiring.stderr).toBe(0);
    const soon = play('check.yml', ['-e', 'ei_expiry_days=30']);
    expect(soon.code, soon.output).toBe(0);
    expect(soon.output).toMatch(/"node2: primary keystore, alias ei-tls \(CN=node2\), expires on \d{4}-\d{2}-\d{2} \(10 days\)"/);
    expect(soon.output).not.toMatch(/"node1: primary keystore/);
    // A window shorter than 10 days leaves it out.
    expect(play('check.yml', ['-e', 'ei_expiry_days=5']).output).toMatch(
      /Certificates that expire within 5 days[^\n]*\n[^\n]*\n\s*"msg": "none"/,
    );

    // node2's internal keystore replaced by another key, node1's truststore password wrong: fails, naming both.
    writeFileSync(
      path.join(answers, 'internal.toml'),
      `[keystore]
source = "generate"
file_name = "ei-internal-2.jks"
alias = "ei-internal"
password = { env = "EI_KEYSTORE_PASSWORD" }
[keystore.generate]
dname = "CN=another internal key"
`,
    );
    const replaced = await runCliCaptured(
      ['apply', 'internal', '--answers', path.join(answers, 'internal.toml'), '--home', homes.node2, '--json'],
      { env },
    );
    expect(replaced.code, replaced.stderr).toBe(0);
    const config = path.join(homes.node1, 'conf/deployment.toml');
    const text = readFileSync(config, 'utf8');
    writeFileSync(config, text.replace(/(\[truststore\]\nfile_name = "[^"]+"\npassword = )"wso2carbon"/, '$1"not-the-password"'));
    expect(readFileSync(config, 'utf8')).not.toBe(text);
    const [sha1, sha2] = [await internalSha256(homes.node1), await internalSha256(homes.node2)];
    expect(sha1).not.toBe(sha2);
    const split = play('check.yml');
    expect(split.code, split.output).not.toBe(0);
    expect(split.output).toContain(`node1 has ${sha1}; node2 has ${sha2}`);
    expect(split.output).toMatch(/Different internal keys/);
    expect(split.output).toMatch(/"node1: [^"]*truststore[^"]*password/i);
  }, 360_000);
});
