import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixturePath } from './fixtures.js';

export const SECURITY = 'repository/resources/security';

export type ShippedConfig = 'mi-1.1.0' | 'mi-1.2.0' | 'mi-4.0.0';

/** A home in `dir` holding a shipped deployment.toml and, unless told otherwise, its default.json. */
export function shippedConfigHome(dir: string, config: ShippedConfig, withDefaults = true): string {
  mkdirSync(path.join(dir, 'conf'), { recursive: true });
  copyFileSync(fixturePath('wso2', 'configs', config, 'deployment.toml'), path.join(dir, 'conf', 'deployment.toml'));
  if (withDefaults) {
    mkdirSync(path.join(dir, 'repository/resources/conf'), { recursive: true });
    copyFileSync(fixturePath('wso2', 'configs', config, 'default.json'), path.join(dir, 'repository/resources/conf/default.json'));
  }
  return dir;
}

/** A WSO2 home in `dir` built from a shipped config (and default.json) plus a shipped kernel's keystores. */
export function homeFromFixtures(dir: string, options: { config: ShippedConfig; kernel: string; withDefaults?: boolean }): string {
  shippedConfigHome(dir, options.config, options.withDefaults !== false);
  mkdirSync(path.join(dir, SECURITY), { recursive: true });
  for (const name of ['wso2carbon.jks', 'client-truststore.jks']) {
    copyFileSync(fixturePath('wso2', 'keystores', options.kernel, name), path.join(dir, SECURITY, name));
  }
  return dir;
}

/** The source document's layout: conf/ei.toml with the given text. */
export function eiHome(dir: string, toml: string): string {
  mkdirSync(path.join(dir, 'conf'), { recursive: true });
  mkdirSync(path.join(dir, SECURITY), { recursive: true });
  writeFileSync(path.join(dir, 'conf', 'ei.toml'), toml);
  return dir;
}
