import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { runCliCaptured } from '../support/run-cli.js';
import { tempDir } from '../support/tmp.js';

// `status --prometheus`: node_exporter textfile-collector metrics. Debian's prometheus package (which has
// promtool) is ~96 MB installed with a daemon, too big for CI to install for one check, so the output is held to
// the text exposition format (0.0.4) by the strict parser below, and by promtool too wherever it is installed.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses the text exposition format strictly: HELP and TYPE once per family and before its samples, a family's
 * samples together, valid metric and label names, only the three escapes in label values, numeric values, no
 * series twice, a final line feed. Throws naming the line that breaks a rule.
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const finished = new Set<string>();
  const seen = new Set<string>();
  const samples: Sample[] = [];
  let current = '';
  const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const fail = (why: string) => {
        throw new Error(`line ${index + 1}: ${why}: ${line}`);
      };
      const enter = (name: string) => {
        if (name !== current) {
          if (finished.has(name)) fail(`the samples of ${name} are not together`);
          if (current) finished.add(current);
          current = name;
        }
      };
      if (line.startsWith('#')) {
        const comment = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
        if (!comment) return; // other comments are allowed
        const [, kind, name, rest] = comment;
        if (!METRIC.test(name!)) fail('not a metric name');
        enter(name!);
        if (kind === 'HELP') {
          if (helps.has(name!)) fail('a second HELP');
          if (samples.some((sample) => sample.name === name)) fail('HELP after samples');
          helps.add(name!);
        } else {
          if (types.has(name!)) fail('a second TYPE');
          if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest!)) fail('not a type');
          if (samples.some((sample) => sample.name === name)) fail('TYPE after samples');
          types.set(name!, rest!);
        }
        return;
      }
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: (-?\d+))?$/.exec(line);
      if (!match) fail('not a sample');
      const [, name, labelText = '', valueText] = match!;
      enter(name!);
      const labels: Record<string, string> = {};
      let rest = labelText;
      while (rest.length > 0) {
        const label = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
        if (!label) fail(`bad label list at ${JSON.stringify(rest)}`);
        if (label![1]! in labels) fail(`label ${label![1]} twice`);
        labels[label![1]!] = label![2]!.replace(/\\([\\"n])/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped));
        rest = rest.slice(label![0].length);
      }
      const value = /^(?:[+-]?Inf|NaN)$/.test(valueText!) ? Number(valueText!.replace('Inf', 'Infinity')) : Number(valueText);
      if (!/^(?:[+-]?Inf|NaN|[+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/i.test(valueText!)) fail('not a number');
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) fail('the same series twice');
      seen.add(key);
      samples.push({ name: name!, labels, value });
    });
  return { samples, types };
}

function promtoolAgrees(text: string): void {
  const promtool = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (promtool.error) return; // not installed: the parser above is the check
  expect(promtool.status, promtool.stdout + promtool.stderr).toBe(0);
}

const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))
    .map((sample) => sample.value);

describe('the exposition parser of this test', () => {
  it('refuses what the format forbids', () => {
    expect(() => parseExposition('a 1')).toThrow(/line feed/);
    expect(() => parseExposition('a{x="1"} 1\nb 2\na{x="2"} 3\n')).toThrow(/not together/);
    expect(() => parseExposition('a{x="\\t"} 1\n')).toThrow(/bad label/);
    expect(() => parseExposition('a{x="1",x="2"} 1\n')).toThrow(/twice/);
    expect(() => parseExposition('a 1\na 2\n')).toThrow(/same series/);
    expect(() => parseExposition('a one\n')).toThrow(/not a number/);
    expect(() => parseExposition('a 1\n# TYPE a gauge\n')).toThrow(/TYPE after samples/);
    expect(parseExposition('# TYPE a gauge\na{x="q\\"\\\\\\n"} 1.5\n').samples).toEqual([
      { name: 'a', labels: { x: 'q"\\\n' }, value: 1.5 },
    ]);
  });
});

describe('status --prometheus', () => {
  it("prints valid metrics: each role's keystore opens, its certificate's expiry, findings per level equal to --json's", async () => {
    const home = path.join(tempDir(), 'home');
    await createSandbox(home, 'mi-4');
    const run = await runCliCaptured(['status', '--home', home, '--prometheus']);
    expect(run.code, run.stderr).toBe(0);
    const { samples, types } = parseExposition(run.stdout);
    promtoolAgrees(run.stdout);
    expect([...types.values()].every((type) => type === 'gauge')).toBe(true);
    const json = JSON.parse((await runCliCaptured(['status', '--home', home, '--json'])).stdout) as {
      roles: Array<{ role: string; alias: string | null; opened: boolean; certificate: { notAfter: string } | null }>;
      findings: Array<{ level: string }>;
    };
    expect(value(samples, 'ei_keystore_status_success', { home })).toEqual([1]);
    for (const role of json.roles) {
      expect(value(samples, 'ei_keystore_opens', { home, role: role.role })).toEqual([role.opened ? 1 : 0]);
      const expiry = value(samples, 'ei_keystore_certificate_expiry_timestamp_seconds', { home, role: role.role });
      expect(expiry).toEqual(role.certificate ? [Math.floor(Date.parse(role.certificate.notAfter) / 1000)] : []);
      if (role.certificate)
        expect(samples.find((sample) => sample.labels.role === role.role && sample.labels.alias)?.labels.alias).toBe(role.alias);
    }
    for (const level of ['error', 'warning', 'info']) {
      expect(value(samples, 'ei_keystore_findings', { home, level })).toEqual([
        json.findings.filter((finding) => finding.level === level).length,
      ]);
    }
    expect(value(samples, 'ei_keystore_findings', { home, level: 'warning' })[0]).toBeGreaterThan(0);
  });

  it('says a keystore that does not open is 0, counts the error, and still exits 0 (the metrics carry it)', async () => {
    const home = path.join(tempDir(), 'home');
    await createSandbox(home, 'mi-4');
    const config = path.join(home, 'conf/deployment.toml');
    const text = readFileSync(config, 'utf8');
    writeFileSync(config, text.replace(/(\[truststore\]\nfile_name = "[^"]+"\npassword = )"wso2carbon"/, '$1"not-the-password"'));
    expect(readFileSync(config, 'utf8')).not.toBe(text);
    const run = await runCliCaptured(['status', '--home', home, '--prometheus']);
    expect(run.code).toBe(0);
    const { samples } = parseExposition(run.stdout);
    promtoolAgrees(run.stdout);
    expect(value(samples, 'ei_keystore_opens', { role: 'truststore' })).toEqual([0]);
    expect(value(samples, 'ei_keystore_opens', { role: 'primary' })).toEqual([1]);
    expect(value(samples, 'ei_keystore_findings', { level: 'error' })[0]).toBeGreaterThan(0);
  });

  it('escapes a home whose path holds a quote, a backslash and a line feed', async () => {
    const home = path.join(tempDir(), 'odd "home" \\ with\nnewline');
    mkdirSync(home);
    await createSandbox(home, 'mi-4');
    const run = await runCliCaptured(['status', '--home', home, '--prometheus']);
    expect(run.code, run.stderr).toBe(0);
    const { samples } = parseExposition(run.stdout);
    promtoolAgrees(run.stdout);
    expect(samples.every((sample) => sample.labels.home === home)).toBe(true);
  });

  it('when the configuration cannot be read: exit 2, and metrics saying so', async () => {
    const home = path.join(tempDir(), 'missing-home');
    const run = await runCliCaptured(['status', '--home', home, '--prometheus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/does not exist/);
    const { samples } = parseExposition(run.stdout);
    expect(value(samples, 'ei_keystore_status_success', { home })).toEqual([0]);
    expect(value(samples, 'ei_keystore_findings', { home, level: 'error' })).toEqual([1]);
  });

  it('refuses --json with --prometheus as a usage error', async () => {
    const run = await runCliCaptured(['status', '--json', '--prometheus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--json or --prometheus/);
  });
});
