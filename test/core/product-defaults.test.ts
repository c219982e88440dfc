import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import {
  FIXED_KEYSTORE_DEFAULTS,
  HARD_CODED_INTERNAL_KEYSTORE,
  MI4_REFERENCE_KEYS_SINCE_4_1,
  PRODUCT_DEFAULTS,
} from '../../source/core/product-defaults.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';

const SHIPPED = [
  ['mi-1.1', 'mi-1.1.0'],
  ['mi-1.2', 'mi-1.2.0'],
  ['mi-4', 'mi-4.0.0'],
] as const;
const REFERS_TO_ROLE = /\$ref\{(keystore|truststore)\./;
/** A setting of a keystore the product opens: `<anything>.keystore.location`, `….trust_store.password`, ... */
const KEYSTORE_SETTING = /\.(keystore|truststore|key_store|trust_store)\.(file_name|location|type|password|key_password|alias)$/;

function shippedDefaults(version: string): Record<string, unknown> {
  return JSON.parse(readFileSync(fixturePath('wso2', 'configs', version, 'default.json'), 'utf8')) as Record<string, unknown>;
}

/** The keystore-related part of a shipped default.json: role tables and every key whose default refs one. */
function keystoreKeys(all: Record<string, unknown>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) {
    const refsRole = typeof value === 'string' && REFERS_TO_ROLE.test(value);
    if (/^(keystore|truststore)\./.test(key) || refsRole) picked[key] = String(value);
  }
  return picked;
}

/** Settings of other keystores whose default names a file itself rather than following a role. */
function fixedKeystoreSettings(all: Record<string, unknown>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) {
    if (/^(keystore|truststore)\./.test(key) || !KEYSTORE_SETTING.test(key)) continue;
    if (typeof value === 'string' && !REFERS_TO_ROLE.test(value)) picked[key] = value;
  }
  return picked;
}

describeWithFixtures('embedded product defaults', () => {
  for (const [profile, version] of SHIPPED) {
    it(`${profile} equals the keystore keys of the shipped ${version} default.json`, () => {
      expect(PRODUCT_DEFAULTS[profile]).toEqual(keystoreKeys(shippedDefaults(version)));
    });

    it(`${profile}: every keystore setting with a literal default outside the role tables is listed (${version})`, () => {
      expect(FIXED_KEYSTORE_DEFAULTS[profile] ?? {}).toEqual(fixedKeystoreSettings(shippedDefaults(version)));
    });
  }

  it('the 4.1+ reference keys are not in v4.0.0, and each refs a key the mi-4 table resolves', () => {
    const v400 = shippedDefaults('mi-4.0.0');
    const later = Object.entries(MI4_REFERENCE_KEYS_SINCE_4_1);
    expect(later.length).toBeGreaterThan(0);
    for (const [key, value] of later) {
      expect(v400, key).not.toHaveProperty([key]);
      expect(PRODUCT_DEFAULTS['mi-4'], key).not.toHaveProperty([key]);
      const target = /^\$ref\{([^}]+)\}$/.exec(value)?.[1];
      expect(target, `${key} = ${value}`).toBeDefined();
      expect(PRODUCT_DEFAULTS['mi-4'], `${key} refs ${target}`).toHaveProperty([target as string]);
    }
  });

  it('the hard-coded internal keystore of MI 1.x is the shipped primary keystore, at the path the product opens', () => {
    for (const [profile, version, table] of [
      ['mi-1.1', 'mi-1.1.0', 'keystore.tls'],
      ['mi-1.2', 'mi-1.2.0', 'keystore.primary'],
    ] as const) {
      const shipped = shippedDefaults(version);
      const internal = HARD_CODED_INTERNAL_KEYSTORE[profile];
      expect(internal, profile).toEqual({
        path: `repository/resources/security/${String(shipped[`${table}.file_name`])}`,
        type: shipped[`${table}.type`],
        password: shipped[`${table}.password`],
        alias: shipped[`${table}.alias`],
        keyPassword: shipped[`${table}.key_password`],
      });
    }
    // MI 4 reads [keystore.internal]; the source document's layout configures it too.
    expect(HARD_CODED_INTERNAL_KEYSTORE['mi-4']).toBeUndefined();
    expect(HARD_CODED_INTERNAL_KEYSTORE['ei-7']).toBeUndefined();
  });
});
