import { describe, expect, it } from 'vitest';
import { fileNameFor, isProfileId, PROFILE_IDS, PROFILES, SECURITY_DIR } from '../../source/core/profiles.js';

describe('profiles', () => {
  it('names the config file and primary table of each product', () => {
    const summary = PROFILE_IDS.map((id) => [id, PROFILES[id].configFile, PROFILES[id].tables.primary]);
    expect(summary).toEqual([
      ['ei-7', 'conf/ei.toml', 'keystore.tls'],
      ['mi-1.1', 'conf/deployment.toml', 'keystore.tls'],
      ['mi-1.2', 'conf/deployment.toml', 'keystore.primary'],
      ['mi-4', 'conf/deployment.toml', 'keystore.primary'],
    ]);
  });

  it('reads [keystore.internal] only on ei-7 and mi-4', () => {
    expect(PROFILE_IDS.filter((id) => PROFILES[id].internalConfigurable)).toEqual(['ei-7', 'mi-4']);
  });

  it("keeps keystores in repository/resources/security everywhere (not the document's repository/security)", () => {
    for (const id of PROFILE_IDS) expect(PROFILES[id].securityDir).toBe('repository/resources/security');
  });

  it('writes file_name bare before MI 4 and relative to the home on MI 4', () => {
    expect(fileNameFor('ei-7', 'new.jks')).toBe('new.jks');
    expect(fileNameFor('mi-1.1', 'new.jks')).toBe('new.jks');
    expect(fileNameFor('mi-1.2', 'new.jks')).toBe('new.jks');
    expect(fileNameFor('mi-4', 'new.jks')).toBe(`${SECURITY_DIR}/new.jks`);
    expect(fileNameFor(PROFILES['mi-4'], 'x.p12')).toBe('repository/resources/security/x.p12');
  });

  it('ships wso2carbon defaults in the configuration form of each product', () => {
    expect(PROFILES['mi-1.2'].defaults.primary).toEqual({
      fileName: 'wso2carbon.jks',
      type: 'JKS',
      password: 'wso2carbon',
      alias: 'wso2carbon',
      keyPassword: 'wso2carbon',
    });
    expect(PROFILES['mi-4'].defaults.truststore).toEqual({
      fileName: 'repository/resources/security/client-truststore.jks',
      type: 'JKS',
      password: 'wso2carbon',
    });
    expect(PROFILES['mi-4'].defaults.internal.fileName).toBe('repository/resources/security/wso2carbon.jks');
  });

  it('lists the tables each product ignores', () => {
    const ignored = (id: keyof typeof PROFILES): string[] => PROFILES[id].tablesIgnored.map((t) => t.table);
    expect(ignored('mi-1.2')).toEqual(['keystore.tls', 'keystore.internal']);
    expect(ignored('mi-1.1')).toContain('keystore.internal');
    expect(ignored('mi-4')).toEqual(['keystore.tls']);
    expect(ignored('mi-4')).not.toContain('keystore.internal');
  });

  it('labels the profiles for the UI', () => {
    expect(PROFILES['ei-7'].label).toBe('EI 7 layout of the source document (conf/ei.toml)');
    expect(PROFILES['mi-1.1'].label).toBe('Micro Integrator 1.1 (= EI 7.0.0)');
    expect(PROFILES['mi-1.2'].label).toBe('Micro Integrator 1.2 (= EI 7.1.0)');
  });

  it('recognises profile ids', () => {
    expect(isProfileId('mi-4')).toBe(true);
    expect(isProfileId('mi-4.0')).toBe(false);
  });
});
