import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeAnswers } from '../../source/answers/serialize.js';
import type { InternalAnswers, SecretRef } from '../../source/answers/types.js';
import { validateAnswers } from '../../source/answers/validate.js';
import { openKeystoreFile } from '../../source/keystore/open.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { ansibleDir, ansiblePlaybookFound, describeWithAnsible, runPlaybook, writeLocalInventory } from '../support/ansible.js';
import { buildInto } from '../support/build.js';

// templates/ansible/site.yml against two sandbox homes on localhost (two inventory hosts, connection: local),
// with the internal answers in the exact form the wizard saves (serializeAnswers): the first run changes both
// nodes, the second changes nothing, and both nodes end with the same internal keystore, byte for byte.

const INTERNAL_PASSWORD = 'cluster-internal-Pa55';
const TLS_PASSWORD = 'node-tls-Pa55';
const SECURITY = 'repository/resources/security';

/** Hosts' counts from the PLAY RECAP: `node1 : ok=12 changed=3 unreachable=0 failed=0 ...`. */
function recap(output: string): Map<string, Record<string, number>> {
  const hosts = new Map<string, Record<string, number>>();
  const at = output.lastIndexOf('PLAY RECAP');
  for (const line of output.slice(at).split('\n').slice(1)) {
    const match = /^(\S+)\s+:\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const counts: Record<string, number> = {};
    for (const [, key, value] of match[2]!.matchAll(/(\w+)=(\d+)/g)) counts[key!] = Number(value);
    hosts.set(match[1]!, counts);
  }
  return hosts;
}

function leafSubject(file: string, password: string): Promise<string> {
  return openKeystoreFile(file, password).then(({ keystore }) => {
    const entry = keystore.entries.find((candidate) => candidate.kind === 'private-key');
    if (entry?.kind !== 'private-key') throw new Error(`${file}: no key entry`);
    return new X509Certificate(entry.chain[0]!).subject;
  });
}

describe('templates/ansible answers files', () => {
  it('are valid answers; the primary one once rendered for a node', () => {
    const read = (name: string) => readFileSync(path.join(ansibleDir, 'answers', name), 'utf8');
    const internal = validateAnswers('internal', parse(read('internal.toml')));
    expect(internal.keystore).toMatchObject({
      source: 'existing',
      fileName: 'ei-internal.jks',
      alias: 'ei-internal',
      existing: { path: 'ei-internal.jks' },
    });
    const made = validateAnswers('internal', parse(read('make-internal.toml')));
    // The generated keystore is the one internal.toml takes: same file name, alias, type and password variable.
    expect(made.keystore).toMatchObject({
      source: 'generate',
      fileName: 'ei-internal.jks',
      alias: 'ei-internal',
      type: 'JKS',
      password: { env: 'EI_KEYSTORE_PASSWORD' },
    });
    const rendered = read('primary.toml').replaceAll('{{ ei_tls_hostname | default(inventory_hostname) }}', 'node1.example.com');
    const primary = validateAnswers('primary', parse(rendered));
    expect(primary.keystore).toMatchObject({
      source: 'generate',
      generate: {
        dname: {
          text: 'CN=node1.example.com, OU=Integration, O=Example, C=LK',
          attributes: [
            { type: 'CN', value: 'node1.example.com' },
            { type: 'OU', value: 'Integration' },
            { type: 'O', value: 'Example' },
            { type: 'C', value: 'LK' },
          ],
        },
        subjectAltNames: [{ text: 'DNS:node1.example.com', entry: { kind: 'dns', value: 'node1.example.com' } }],
      },
    });
  });
});

describeWithAnsible('site.yml on two sandbox homes on localhost', () => {
  let work = '';
  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'eik-ansible-'));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('first run changes both nodes, the second none; one internal keystore byte for byte, TLS keys per node', async () => {
    expect(ansiblePlaybookFound(), 'ansible-playbook is not installed: CI must run .ci/ansible-setup.sh').toBe(true);

    const { bundle } = buildInto(work);
    const homes = { node1: path.join(work, 'node1-home'), node2: path.join(work, 'node2-home') };
    await createSandbox(homes.node1, 'mi-4');
    await createSandbox(homes.node2, 'mi-4');

    // The wizard's "save the answers": literals become { env = "..." } under the default names.
    const secret: SecretRef = { literal: INTERNAL_PASSWORD };
    const answers: InternalAnswers = {
      procedure: 'internal',
      keystore: {
        source: 'existing',
        fileName: 'ei-internal.jks',
        type: 'JKS',
        alias: 'ei-internal',
        password: secret,
        keyPassword: secret,
        overwrite: false,
        existing: { path: 'ei-internal.jks', password: secret, keyPassword: secret, alias: 'ei-internal' },
      },
    };
    const saved = serializeAnswers('internal', answers);
    expect(saved).not.toContain(INTERNAL_PASSWORD);
    writeFileSync(path.join(work, 'internal.toml'), saved);

    const inventory = writeLocalInventory(work, homes);
    const sharedKeystore = path.join(work, 'controller', 'ei-internal.jks');
    const play = () => {
      const run = runPlaybook(
        work,
        inventory,
        'site.yml',
        [
          '-e',
          `ei_keystore_bundle=${bundle}`,
          '-e',
          `ei_internal_keystore=${sharedKeystore}`,
          '-e',
          `ei_internal_answers=${path.join(work, 'internal.toml')}`,
          '-e',
          `ei_primary_answers=${path.join(ansibleDir, 'answers/primary.toml')}`,
        ],
        { EI_INTERNAL_KEYSTORE_PASSWORD: INTERNAL_PASSWORD, EI_TLS_KEYSTORE_PASSWORD: TLS_PASSWORD },
      );
      return { status: run.code, stdout: run.stdout, output: run.output };
    };

    const first = play();
    const firstOutput = first.output;
    expect(first.status, firstOutput).toBe(0);
    const firstRecap = recap(first.stdout);
    for (const host of ['node1', 'node2', 'localhost']) {
      expect(firstRecap.get(host), firstOutput).toMatchObject({ failed: 0, unreachable: 0 });
      expect(firstRecap.get(host)!.changed, `${host} changed on the first run`).toBeGreaterThan(0);
    }
    expect(firstOutput).not.toContain(INTERNAL_PASSWORD);
    expect(firstOutput).not.toContain(TLS_PASSWORD);

    const second = play();
    const secondOutput = second.output;
    expect(second.status, secondOutput).toBe(0);
    const secondRecap = recap(second.stdout);
    for (const host of ['node1', 'node2', 'localhost']) {
      expect(secondRecap.get(host), secondOutput).toMatchObject({ changed: 0, failed: 0 });
    }

    // One internal key pair, byte for byte the controller's file, named by each node's configuration.
    const shared = readFileSync(sharedKeystore);
    for (const home of Object.values(homes)) {
      expect(readFileSync(path.join(home, SECURITY, 'ei-internal.jks')).equals(shared), `${home}: internal keystore`).toBe(true);
      const config = readFileSync(path.join(home, 'conf/deployment.toml'), 'utf8');
      expect(config).toMatch(/\[keystore\.internal\][^[]*file_name = "repository\/resources\/security\/ei-internal\.jks"/);
    }
    // TLS keys of their own, for each node's name.
    expect(await leafSubject(path.join(homes.node1, SECURITY, 'ei-tls.jks'), TLS_PASSWORD)).toMatch(/^CN=node1$/m);
    expect(await leafSubject(path.join(homes.node2, SECURITY, 'ei-tls.jks'), TLS_PASSWORD)).toMatch(/^CN=node2$/m);
    expect(
      readFileSync(path.join(homes.node1, SECURITY, 'ei-tls.jks')).equals(readFileSync(path.join(homes.node2, SECURITY, 'ei-tls.jks'))),
    ).toBe(false);
  }, 360_000);
});
