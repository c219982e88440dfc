import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { PRODUCT_DEFAULTS } from '../../source/core/product-defaults.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';

/** The keystore-related part of a shipped default.json: role tables and every key whose default refs one. */
function keystoreKeys(file: string): Record<string, string> {
  const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const picked: Record<string, string> = {};
  for (const [key, value] of Object.entries(all)) {
    const refsRole = typeof value === 'string' && /\$ref\{(keystore|truststore)\./.test(value);
    if (/^(keystore|truststore)\./.test(key) || refsRole) picked[key] = String(value);
  }
  return picked;
}

describeWithFixtures('embedded product defaults', () => {
  for (const [profile, version] of [['mi-1.1', 'mi-1.1.0'], ['mi-1.2', 'mi-1.2.0'], ['mi-4', 'mi-4.0.0']] as const) {
    it(`${profile} equals the keystore keys of the shipped ${version} default.json`, () => {
      expect(PRODUCT_DEFAULTS[profile]).toEqual(keystoreKeys(fixturePath('wso2', 'configs', version, 'default.json')));
    });
  }
});
