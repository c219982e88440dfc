import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText, readConfig } from '../../source/config/read.js';
import { reportSecrets, resolveConfig, type ResolveInput } from '../../source/config/resolve.js';
import type { ProfileId } from '../../source/core/profiles.js';
import { describeWithFixtures } from '../support/fixtures.js';
import { shippedConfigHome, type ShippedConfig } from '../support/homes.js';
import { tempDir } from '../support/tmp.js';

type Shipped = ShippedConfig;
const shippedHome = (version: Shipped, withDefaults: boolean): string => shippedConfigHome(tempDir(), version, withDefaults);

const HOME = '/opt/wso2/mi';
const SECURITY = `${HOME}/repository/resources/security`;

/** Resolution from text alone: resolve is pure, so most cases need no files. */
function resolveText(profile: ProfileId, toml: string, extra: Partial<ResolveInput> = {}) {
  return resolveConfig({ home: HOME, profile, data: parseConfigText(toml, 'test.toml'), env: {}, ...extra });
}

describeWithFixtures('resolution of the shipped configurations', () => {
  it.each([
    ['mi-1.1.0', true, 'keystore.tls', 'wso2carbon.jks'],
    ['mi-1.2.0', true, 'keystore.primary', 'wso2carbon.jks'],
    ['mi-4.0.0', true, 'keystore.primary', 'repository/resources/security/wso2carbon.jks'],
    ['mi-4.0.0', false, 'keystore.primary', 'repository/resources/security/wso2carbon.jks'],
  ] as const)('%s (default.json: %s) points every role at the shipped files', (version, withDefaults, table, written) => {
    const home = shippedHome(version, withDefaults);
    const resolved = resolveConfig({ ...readConfig(home), env: {} });
    const { primary, internal, truststore } = resolved.roles;
    const security = path.join(home, 'repository', 'resources', 'security');
    expect(primary).toMatchObject({
      table,
      file: path.join(security, 'wso2carbon.jks'),
      fileNameAsWritten: written,
      type: 'JKS',
      alias: 'wso2carbon',
      password: { kind: 'literal', value: 'wso2carbon' },
      keyPassword: { kind: 'literal', value: 'wso2carbon' },
    });
    expect(internal).toMatchObject({ role: 'internal', table, file: primary.file, alias: 'wso2carbon', sameAsPrimary: true });
    expect(internal.configured).toBe(false);
    expect(truststore).toMatchObject({ table: 'truststore', configured: true, file: path.join(security, 'client-truststore.jks') });
    expect(truststore.alias).toBeUndefined();
    expect([primary, internal, truststore].flatMap((role) => role.problems)).toEqual([]);
  });

  it('says that mi-1.2 ignores its shipped [keystore.tls] and uses the defaults', () => {
    const resolved = resolveConfig({ ...readConfig(shippedHome('mi-1.2.0', true)), env: {} });
    expect(resolved.profile).toBe('mi-1.2');
    expect(resolved.ignoredTables.map((t) => t.table)).toEqual(['keystore.tls']);
    expect(resolved.ignoredTables[0]?.reason).toMatch(/edits there have no effect/);
    expect(resolved.roles.primary.configured).toBe(false);
    expect(resolved.roles.primary.settings.file_name?.origin?.kind).toBe('default.json');
    expect(resolved.roles.internal.configurable).toBe(false);
  });

  it('takes defaults from default.json over the built-in ones', () => {
    const home = shippedHome('mi-4.0.0', true);
    writeFileSync(
      path.join(home, 'conf', 'deployment.toml'),
      '[keystore.internal]\nfile_name = "repository/resources/security/internal.jks"\n',
    );
    const defaults = path.join(home, 'repository', 'resources', 'conf', 'default.json');
    writeFileSync(
      defaults,
      JSON.stringify({ 'keystore.primary.file_name': 'repository/resources/security/site.jks', 'keystore.primary.password': 'sitepass' }),
    );
    const { primary, internal, truststore } = resolveConfig({ ...readConfig(home), env: {} }).roles;
    expect(primary.file).toBe(path.join(home, 'repository/resources/security/site.jks'));
    expect(primary.password).toEqual({ kind: 'literal', value: 'sitepass' });
    expect(primary.settings.password?.origin).toEqual({ kind: 'default.json', file: defaults });
    // Keys default.json does not name come from the shipped table built into the tool.
    expect(primary.alias).toBe('wso2carbon');
    expect(primary.settings.alias?.origin).toEqual({ kind: 'built-in', profile: 'mi-4' });
    expect(truststore.fileNameAsWritten).toBe('repository/resources/security/client-truststore.jks');
    // The internal keystore falls back to the primary key by key.
    expect(internal).toMatchObject({ configured: true, table: 'keystore.internal', sameAsPrimary: false });
    expect(internal.password).toEqual({ kind: 'literal', value: 'sitepass' });
  });
});

describe('resolution rules', () => {
  it('ei-7: bare file names in the security directory, internal is the primary until configured', () => {
    const resolved = resolveText('ei-7', '[keystore.tls]\nfile_name = "tls.jks"\npassword = "p1"\nalias = "tls"\n');
    expect(resolved.roles.primary).toMatchObject({ file: `${SECURITY}/tls.jks`, table: 'keystore.tls', configured: true });
    expect(resolved.roles.internal).toMatchObject({
      file: `${SECURITY}/tls.jks`,
      alias: 'tls',
      table: 'keystore.tls',
      configured: false,
      configurable: true,
      sameAsPrimary: true,
    });
    expect(resolved.roles.truststore.file).toBe(`${SECURITY}/client-truststore.jks`);
  });

  it('ei-7: a configured [keystore.internal] is its own keystore', () => {
    const resolved = resolveText(
      'ei-7',
      '[keystore.tls]\nfile_name = "tls.jks"\n[keystore.internal]\nfile_name = "internal.jks"\ntype = "PKCS12"\npassword = "p2"\nalias = "int"\n',
    );
    expect(resolved.roles.internal).toMatchObject({
      file: `${SECURITY}/internal.jks`,
      type: 'PKCS12',
      alias: 'int',
      table: 'keystore.internal',
      configured: true,
      sameAsPrimary: false,
      // Not this table's password: the document's default for a missing key is the primary's key password.
      keyPassword: { kind: 'literal', value: 'wso2carbon' },
    });
  });

  it("a missing key_password is the shipped default (wso2carbon), never the table's own password", () => {
    const { primary } = resolveText(
      'mi-4',
      '[keystore.primary]\nfile_name = "repository/resources/security/a.jks"\npassword = "$env{P}"\n',
      {
        env: { P: 'from-env' },
      },
    ).roles;
    expect(primary.type).toBe('JKS');
    expect(primary.password).toEqual({ kind: 'env', name: 'P', value: 'from-env' });
    expect(primary.keyPassword).toEqual({ kind: 'literal', value: 'wso2carbon' });
    expect(primary.settings.key_password?.origin).toEqual({ kind: 'built-in', profile: 'mi-4' });
  });

  it("mi-4: a configured [keystore.internal] without key_password uses the primary's key password through $ref", () => {
    const toml = [
      '[keystore.primary]',
      'file_name = "repository/resources/security/p.jks"',
      'password = "p-store"',
      'key_password = "p-key"',
      '[keystore.internal]',
      'file_name = "repository/resources/security/i.jks"',
      'password = "intern-Pw-9"',
      'alias = "int"',
      '',
    ].join('\n');
    const { internal } = resolveConfig({
      home: HOME,
      profile: 'mi-4',
      data: parseConfigText(toml, 'x'),
      text: toml,
      configPath: `${HOME}/conf/deployment.toml`,
      env: {},
    }).roles;
    expect(internal.password).toEqual({ kind: 'literal', value: 'intern-Pw-9' });
    expect(internal.keyPassword).toEqual({ kind: 'literal', value: 'p-key' });
    expect(internal.settings.key_password).toEqual({
      key: 'keystore.internal.key_password',
      origin: { kind: 'built-in', profile: 'mi-4' },
      via: [{ key: 'keystore.primary.key_password', origin: { kind: 'config', file: `${HOME}/conf/deployment.toml`, line: 4 } }],
      text: 'p-key',
    });
  });

  it('mi-4: internal left out follows the primary through $ref, key by key', () => {
    const { primary, internal } = resolveText(
      'mi-4',
      '[keystore.primary]\nfile_name = "/etc/keys/site.p12"\ntype = "PKCS12"\npassword = "pw"\nalias = "site"\n',
    ).roles;
    expect(primary.file).toBe('/etc/keys/site.p12');
    expect(internal).toMatchObject({ file: '/etc/keys/site.p12', type: 'PKCS12', alias: 'site', sameAsPrimary: true, configured: false });
    expect(internal.keyPassword).toEqual({ kind: 'literal', value: 'wso2carbon' });
    expect(internal.password).toEqual({ kind: 'literal', value: 'pw' });
  });

  it('mi-1.1 and mi-1.2: [keystore.internal] is ignored; the internal keystore is the hard-coded wso2carbon.jks, not the primary', () => {
    const toml = '[keystore.primary]\nfile_name = "p.jks"\n[keystore.tls]\nfile_name = "t.jks"\n[keystore.internal]\nfile_name = "i.jks"\n';
    const v12 = resolveText('mi-1.2', toml);
    expect(v12.roles.primary.file).toBe(`${SECURITY}/p.jks`);
    expect(v12.roles.internal).toMatchObject({
      file: `${SECURITY}/wso2carbon.jks`,
      alias: 'wso2carbon',
      password: { kind: 'literal', value: 'wso2carbon' },
      keyPassword: { kind: 'literal', value: 'wso2carbon' },
      configured: false,
      configurable: false,
      sameAsPrimary: false,
      followsPrimary: false,
    });
    expect(v12.roles.internal.settings.file_name?.origin).toEqual({ kind: 'hard-coded', profile: 'mi-1.2' });
    expect(v12.ignoredTables.map((t) => t.table)).toEqual(['keystore.tls', 'keystore.internal']);
    const v11 = resolveText('mi-1.1', toml);
    expect(v11.roles.primary.file).toBe(`${SECURITY}/t.jks`);
    expect(v11.roles.internal.file).toBe(`${SECURITY}/wso2carbon.jks`);
    // While the primary is the shipped file, the two are the same keystore.
    expect(resolveText('mi-1.2', '[server]\n').roles.internal.sameAsPrimary).toBe(true);
    expect(v11.ignoredTables.map((t) => t.table)).toEqual(['keystore.primary', 'keystore.internal']);
  });

  it('mi-4 ignores [keystore.tls] but reads [keystore.internal]', () => {
    const resolved = resolveText(
      'mi-4',
      '[keystore.tls]\nfile_name = "t.jks"\n[keystore.internal]\nfile_name = "repository/resources/security/i.jks"\n',
    );
    expect(resolved.ignoredTables.map((t) => t.table)).toEqual(['keystore.tls']);
    expect(resolved.roles.primary.file).toBe(`${SECURITY}/wso2carbon.jks`);
    expect(resolved.roles.internal.file).toBe(`${SECURITY}/i.jks`);
  });

  it('resolves $ref against the file, then the defaults, and reports cycles', () => {
    const resolved = resolveText(
      'mi-4',
      [
        '[custom]',
        'dir = "repository/resources/security"',
        '[keystore.primary]',
        'file_name = "$ref{custom.dir}/site.jks"',
        'password = "$ref{keystore.internal.password}"',
        '[keystore.internal]',
        'password = "$ref{keystore.primary.password}"',
        '[truststore]',
        'password = "$ref{nothing.here}"',
      ].join('\n'),
    );
    expect(resolved.roles.primary.file).toBe(`${SECURITY}/site.jks`);
    expect(resolved.roles.primary.fileNameAsWritten).toBe('$ref{custom.dir}/site.jks');
    expect(resolved.roles.primary.password).toEqual({ kind: 'missing' });
    expect(resolved.roles.primary.problems.join('\n')).toMatch(/circular \$ref/);
    expect(resolved.roles.truststore.password).toEqual({ kind: 'missing' });
    expect(resolved.roles.truststore.problems.join('\n')).toContain('$ref{nothing.here}');
  });

  it('resolves a $ref the file lacks from default.json', () => {
    const { primary } = resolveText('mi-4', '[keystore.primary]\npassword = "$ref{vault.keystore_password}"\n', {
      defaults: { 'vault.keystore_password': 'from-defaults' },
    }).roles;
    expect(primary.password).toEqual({ kind: 'literal', value: 'from-defaults' });
  });

  it('reports $env (unset), $secret and $sys passwords without failing', () => {
    const { primary, truststore } = resolveText(
      'mi-1.2',
      '[keystore.primary]\npassword = "$secret{keystore_password}"\nkey_password = "$sys{key.pass}"\n[truststore]\npassword = "$env{TRUST_PASS}"\n',
    ).roles;
    expect(primary.password).toEqual({ kind: 'secret', alias: 'keystore_password' });
    expect(primary.keyPassword).toEqual({ kind: 'sys', name: 'key.pass' });
    expect(truststore.password).toEqual({ kind: 'env', name: 'TRUST_PASS' });
  });

  it('expands $sys{carbon.home} and $env in file names', () => {
    const { primary } = resolveText('mi-4', '[keystore.primary]\nfile_name = "$sys{carbon.home}/$env{KDIR}/a.jks"\n', {
      env: { KDIR: 'keys' },
    }).roles;
    expect(primary.file).toBe(`${HOME}/keys/a.jks`);
    expect(primary.problems).toEqual([]);
  });

  it('flags a file_name in the wrong form for the product', () => {
    const bareOnMi4 = resolveText('mi-4', '[keystore.primary]\nfile_name = "site.jks"\n').roles.primary;
    expect(bareOnMi4.file).toBe(`${HOME}/site.jks`);
    expect(bareOnMi4.problems[0]).toContain('write "repository/resources/security/site.jks"');
    const pathOn12 = resolveText('mi-1.2', '[keystore.primary]\nfile_name = "repository/resources/security/site.jks"\n').roles.primary;
    expect(pathOn12.file).toBe(`${SECURITY}/repository/resources/security/site.jks`);
    expect(pathOn12.problems[0]).toMatch(/write the bare file name/);
  });

  it('reports a value of the wrong type instead of failing, and an array where one value belongs as unusable', () => {
    const { primary } = resolveText('mi-4', '[keystore.primary]\npassword = [1, 2]\nalias = 42\n').roles;
    expect(primary.password).toEqual({ kind: 'missing' });
    expect(primary.alias).toBe('42');
    expect(primary.problems).toEqual(['[keystore.primary] password is not a single value (a string, or a number)']);
    expect(primary.invalid).toBe(true);
    // A number is a value the product's templates print as it is.
    expect(resolveText('mi-4', '[keystore.primary]\nalias = 42\n').roles.primary.invalid).toBeUndefined();
  });
});

describe('reportSecrets', () => {
  it('tells plaintext from encrypted values and never returns them', () => {
    const cipher = Buffer.alloc(256, 7).toString('base64');
    const data = parseConfigText(`[secrets]\nadmin_password = "[admin]"\nkeystore_password = "${cipher}"\nodd = "short"\nnum = 3\n`, 'x');
    const report = reportSecrets(data);
    expect(report).toEqual([
      { alias: 'admin_password', state: 'plaintext' },
      { alias: 'keystore_password', state: 'encrypted' },
      { alias: 'odd', state: 'unrecognised' },
      { alias: 'num', state: 'unrecognised' },
    ]);
    expect(JSON.stringify(report)).not.toContain('admin]');
    expect(reportSecrets({})).toEqual([]);
  });
});
