import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { PROFILE_IDS } from '../../source/core/profiles.js';
import { sandboxDefaults } from '../../source/sandbox/default-json.js';
import { SANDBOX_CONFIG_TEMPLATES } from '../../source/sandbox/templates.js';
import { describeWithFixtures, fixturePath } from '../support/fixtures.js';

const SHIPPED = { 'mi-1.1': 'mi-1.1.0', 'mi-1.2': 'mi-1.2.0', 'mi-4': 'mi-4.0.0' } as const;

describe('sandbox config templates', () => {
  it.each(PROFILE_IDS.map((profile) => [profile]))('%s: says it is a sandbox, keeps the product comment style', (profile) => {
    const text = SANDBOX_CONFIG_TEMPLATES[profile];
    expect(text).toMatch(/^# ei-keystore sandbox: /);
    expect(text).toMatch(/^# \[secrets\]\n# \w+ = "\[[^\]]+\]"$/m);
    expect(text.endsWith('\n')).toBe(true);
    expect(() => parse(text)).not.toThrow();
  });

  it('has no default.json for the ei-7 layout, which has none', () => {
    expect(sandboxDefaults('ei-7')).toBeUndefined();
  });
});

describeWithFixtures('sandbox templates against the shipped files', () => {
  it.each(Object.entries(SHIPPED))('%s: the same tables, keys and values as the shipped deployment.toml (%s)', (profile, folder) => {
    const shipped = readFileSync(fixturePath('wso2', 'configs', folder, 'deployment.toml'), 'utf8');
    const ours = SANDBOX_CONFIG_TEMPLATES[profile as keyof typeof SHIPPED];
    expect(parse(ours)).toEqual(parse(shipped));
    // Written anew, not copied: the shipped file's own prose is not in ours.
    expect(ours).not.toContain('Following are set of example configs');
  });

  it.each(Object.entries(SHIPPED))(
    '%s: default.json has exactly the shipped keystore keys and values, references included (%s)',
    (profile, folder) => {
      const shipped = JSON.parse(readFileSync(fixturePath('wso2', 'configs', folder, 'default.json'), 'utf8')) as Record<string, unknown>;
      const refersToRole = (value: unknown) => typeof value === 'string' && /\$ref\{(keystore|truststore)\./.test(value);
      const keystoreKeys = Object.fromEntries(
        Object.entries(shipped).filter(([key, value]) => /^(keystore|truststore)\./.test(key) || refersToRole(value)),
      );
      expect(sandboxDefaults(profile as keyof typeof SHIPPED)).toEqual(keystoreKeys);
    },
  );
});
