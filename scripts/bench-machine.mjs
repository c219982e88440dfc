// The machine a bench ran on, in one line: figures mean little without it.
import { spawnSync } from 'node:child_process';
import os from 'node:os';

function javaVersion() {
  // `java -version` writes to stderr: openjdk version "17.0.15" 2025-04-15
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) return 'java not found';
  const line = (result.stderr || result.stdout).split('\n')[0] ?? '';
  const match = /version "([^"]+)"/.exec(line);
  const vendor = /^(\S+)/.exec(line)?.[1] ?? 'java';
  return match ? `${vendor} ${match[1]}` : line.trim();
}

export function describeMachine() {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const memory = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
  const load = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  return {
    cpu: model,
    cores: cpus.length,
    memory,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    java: javaVersion(),
    load,
  };
}

/** @param {ReturnType<typeof describeMachine>} machine */
export function machineLine(machine) {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memory}, ${machine.os}; node ${machine.node}; java ${machine.java} (keytool); load ${machine.load}`;
}
