import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProfile, parseConfigText, readConfig } from '../../source/config/read.js';
import type { UserError } from '../../source/errors.js';
import { describeWithFixtures } from '../support/fixtures.js';
import { shippedConfigHome, type ShippedConfig } from '../support/homes.js';
import { tempDir } from '../support/tmp.js';
import { thrownError } from '../support/user-error.js';

type Shipped = ShippedConfig;
const shippedHome = (version: Shipped, withDefaults: boolean): string => shippedConfigHome(tempDir(), version, withDefaults);

function homeWith(files: Record<string, string | Buffer>): string {
  const home = tempDir();
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(home, file)), { recursive: true });
    writeFileSync(path.join(home, file), content);
  }
  return home;
}

const thrown = (action: () => unknown): UserError => thrownError(action);

describeWithFixtures('profile detection on shipped configurations', () => {
  it.each([
    ['mi-1.1.0', 'mi-1.1', /default\.json has keystore\.tls\.\* keys/],
    ['mi-1.2.0', 'mi-1.2', /default\.json has keystore\.primary\.\* keys with a bare file name/],
    ['mi-4.0.0', 'mi-4', /default\.json has keystore\.internal\.\* keys/],
  ] as const)('%s with default.json is %s', (version, profile, evidence) => {
    const doc = readConfig(shippedHome(version, true));
    expect(doc.profile).toBe(profile);
    expect(doc.profileEvidence).toMatch(evidence);
    expect(doc.defaults?.['truststore.password']).toBe('wso2carbon');
    expect(doc.config.relative).toBe('conf/deployment.toml');
  });

  it.each([
    ['mi-1.1.0', 'mi-1.1'],
    // Without default.json, 1.2's shipped [keystore.tls] looks like 1.1: the evidence must say so.
    ['mi-1.2.0', 'mi-1.1'],
    ['mi-4.0.0', 'mi-4'],
  ] as const)('%s without default.json is told from its tables as %s', (version, profile) => {
    const doc = readConfig(shippedHome(version, false));
    expect(doc.profile).toBe(profile);
    expect(doc.defaults).toBeUndefined();
    expect(doc.profileEvidence).toContain('default.json is absent');
  });

  it('warns that 1.1 and 1.2 cannot be told apart by [keystore.tls] alone', () => {
    expect(readConfig(shippedHome('mi-1.2.0', false)).profileEvidence).toMatch(/1\.2 ships the same table/);
  });

  it('lets the user choose the profile', () => {
    const doc = readConfig(shippedHome('mi-1.2.0', false), { profile: 'mi-1.2' });
    expect(doc.profile).toBe('mi-1.2');
    expect(doc.profileEvidence).toMatch(/chosen by the user/);
  });
});

describe('detectProfile from tables', () => {
  it('tells mi-1.2 from mi-4 by the form of file_name', () => {
    const bare = parseConfigText('[keystore.primary]\nfile_name = "a.jks"\n', 'x');
    const relative = parseConfigText('[keystore.primary]\nfile_name = "repository/resources/security/a.jks"\n', 'x');
    const absolute = parseConfigText('[keystore.primary]\nfile_name = "/etc/keys/a.jks"\n', 'x');
    expect(detectProfile({ kind: 'mi', data: bare }).profile).toBe('mi-1.2');
    expect(detectProfile({ kind: 'mi', data: relative }).profile).toBe('mi-4');
    expect(detectProfile({ kind: 'mi', data: absolute }).profile).toBe('mi-4');
  });

  it('assumes the current product when there are no keystore tables, and says so', () => {
    const detection = detectProfile({ kind: 'mi', data: parseConfigText('[server]\n', 'x') });
    expect(detection.profile).toBe('mi-4');
    expect(detection.evidence).toMatch(/no keystore tables/);
  });

  it('uses the tables when default.json names no keystore keys', () => {
    const data = parseConfigText('[keystore.tls]\nfile_name = "a.jks"\n', 'x');
    const detection = detectProfile({ kind: 'mi', data, defaults: { 'server.hostname': 'localhost' } });
    expect(detection.profile).toBe('mi-1.1');
    expect(detection.evidence).toMatch(/names no keystore keys/);
  });

  it('always reads conf/ei.toml as the document layout', () => {
    const data = parseConfigText('[keystore.primary]\nfile_name = "repository/x.jks"\n', 'x');
    expect(detectProfile({ kind: 'ei', data }).profile).toBe('ei-7');
  });
});

describe('readConfig', () => {
  it('reads an ei.toml home as ei-7', () => {
    const home = homeWith({ 'conf/ei.toml': '[keystore.tls]\nfile_name = "wso2carbon.jks"\n' });
    const doc = readConfig(home);
    expect(doc.profile).toBe('ei-7');
    expect(doc.profileEvidence).toMatch(/conf\/ei\.toml/);
    expect(doc.data).toEqual({ keystore: { tls: { file_name: 'wso2carbon.jks' } } });
  });

  it('strips a UTF-8 BOM and remembers it', () => {
    const text = '[keystore.primary]\nfile_name = "a.jks"\n';
    const home = homeWith({ 'conf/deployment.toml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]) });
    const doc = readConfig(home);
    expect(doc.bom).toBe(true);
    expect(doc.text).toBe(text);
    expect(doc.profile).toBe('mi-1.2');
  });

  it('names file, line and column of a syntax error, without the offending text', () => {
    const home = homeWith({ 'conf/deployment.toml': '[server]\nhostname = "localhost"\n\n[keystore.primary\npassword = "hunter2"\n' });
    const error = thrown(() => readConfig(home));
    expect(error.code).toBe('config-invalid');
    expect(error.exitCode).toBe(2);
    const file = path.join(home, 'conf', 'deployment.toml');
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:\\d+: `));
    expect(error.message).toMatch(/line 4, column \d+/);
    expect(error.message).toMatch(/Fix that line/);
    expect(error.message).not.toContain('hunter2');
  });

  it('refuses a file that is not UTF-8', () => {
    const home = homeWith({ 'conf/deployment.toml': Buffer.from([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]) });
    expect(thrown(() => readConfig(home)).message).toMatch(/not valid UTF-8/);
  });

  it('refuses a broken default.json with its path', () => {
    const home = homeWith({ 'conf/deployment.toml': '', 'repository/resources/conf/default.json': '{ "a": ' });
    const error = thrown(() => readConfig(home));
    expect(error.code).toBe('defaults-invalid');
    expect(error.message).toContain(path.join(home, 'repository/resources/conf/default.json'));
  });

  it('keeps only the flat scalar keys of default.json', () => {
    const home = homeWith({
      'conf/deployment.toml': '',
      'repository/resources/conf/default.json': JSON.stringify({
        'keystore.primary.file_name': 'repository/resources/security/a.jks',
        realm_manager: { data_source: 'x' },
        'transport.http.preserve_http_headers': ['Content-Type'],
        'server.enableMTOM': false,
      }),
    });
    const doc = readConfig(home);
    expect(doc.defaults).toEqual({ 'keystore.primary.file_name': 'repository/resources/security/a.jks', 'server.enableMTOM': false });
    expect(doc.profile).toBe('mi-4');
  });

  it('fails clearly on a home without a configuration', () => {
    const home = tempDir();
    const error = thrown(() => readConfig(home));
    expect(error.code).toBe('config-missing');
    expect(error.message).toContain(home);
  });
});
