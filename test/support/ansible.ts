import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';
import { repositoryRoot } from './build.js';

export const ansibleDir = path.join(repositoryRoot, 'templates/ansible');

export function ansiblePlaybookFound(): boolean {
  return !spawnSync('ansible-playbook', ['--version'], { stdio: 'ignore' }).error;
}

/**
 * A describe block that runs the playbooks on localhost. Without ansible-playbook it is skipped with a message,
 * except under CI=true, where it runs (and fails: CI installs ansible-core with .ci/ansible-setup.sh).
 */
export function describeWithAnsible(name: string, body: () => void): void {
  if (ansiblePlaybookFound() || process.env.CI === 'true') {
    describe(name, body);
    return;
  }
  console.warn(`skipped "${name}": ansible-playbook not found (apt-get install ansible-core; CI runs .ci/ansible-setup.sh)`);
  describe.skip(name, body);
}

/**
 * An inventory of two nodes on localhost (connection local), each with its home and its own tool folder under
 * `work`; `nodeVars` adds host variables per node. Returns its path.
 */
export function writeLocalInventory(
  work: string,
  homes: { node1: string; node2: string },
  nodeVars: Partial<Record<'node1' | 'node2', string>> = {},
): string {
  const inventory = path.join(work, 'inventory.ini');
  const node = (name: 'node1' | 'node2') =>
    `${name} ansible_connection=local ei_home=${homes[name]} ei_keystore_dir=${work}/${name}-tool${nodeVars[name] ? ` ${nodeVars[name]}` : ''}`;
  writeFileSync(
    inventory,
    `[ei_nodes]
${node('node1')}
${node('node2')}

[all:vars]
ansible_python_interpreter=auto_silent
ei_node=${process.execPath}
`,
  );
  return inventory;
}

/**
 * Runs a playbook of templates/ansible on the inventory, in `work` (also HOME and Ansible's temporary folders),
 * with PATH and `env` (the passwords) as its only environment.
 */
export function runPlaybook(
  work: string,
  inventory: string,
  playbook: string,
  args: string[],
  env: Record<string, string>,
): { code: number | null; stdout: string; output: string } {
  const result = spawnSync('ansible-playbook', ['-i', inventory, path.join(ansibleDir, playbook), ...args], {
    encoding: 'utf8',
    cwd: work,
    timeout: 150_000,
    env: {
      PATH: process.env.PATH,
      HOME: work,
      LANG: 'C.UTF-8',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: 'false',
      ANSIBLE_LOCAL_TEMP: path.join(work, 'ansible-local'),
      ANSIBLE_REMOTE_TMP: path.join(work, 'ansible-remote'),
      ...env,
    },
  });
  return { code: result.status, stdout: result.stdout, output: `${result.stdout}\n${result.stderr}` };
}
