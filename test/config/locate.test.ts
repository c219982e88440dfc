import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfig, locateHome } from '../../source/config/locate.js';
import type { UserError } from '../../source/errors.js';
import { tempDir } from '../support/tmp.js';
import { thrownError } from '../support/user-error.js';

function makeHome(root: string, name: string, files: string[] = ['conf/deployment.toml']): string {
  const home = path.join(root, name);
  for (const file of files) {
    mkdirSync(path.dirname(path.join(home, file)), { recursive: true });
    writeFileSync(path.join(home, file), '[server]\nhostname = "localhost"\n');
  }
  mkdirSync(home, { recursive: true });
  return home;
}

const thrown = (action: () => unknown): UserError => thrownError(action);

describe('locateHome', () => {
  it('takes --home over EI_HOME over MI_HOME over the current directory', () => {
    const root = tempDir();
    const flag = makeHome(root, 'flag');
    const ei = makeHome(root, 'ei', ['conf/ei.toml']);
    const mi = makeHome(root, 'mi');
    const cwd = makeHome(root, 'cwd');
    const env = { EI_HOME: ei, MI_HOME: mi };
    expect(locateHome({ home: flag, env, cwd })).toMatchObject({ home: flag, from: '--home' });
    expect(locateHome({ env, cwd })).toMatchObject({ home: ei, from: 'EI_HOME' });
    expect(locateHome({ env: { MI_HOME: mi }, cwd })).toMatchObject({ home: mi, from: 'MI_HOME' });
    expect(locateHome({ env: {}, cwd })).toMatchObject({ home: cwd, from: 'cwd' });
  });

  it('resolves a relative --home against the current directory and treats empty variables as unset', () => {
    const root = tempDir();
    const home = makeHome(root, 'server');
    expect(locateHome({ home: 'server', env: {}, cwd: root }).home).toBe(home);
    expect(locateHome({ env: { EI_HOME: '', MI_HOME: home }, cwd: root }).from).toBe('MI_HOME');
  });

  it('reports which config file it found', () => {
    const root = tempDir();
    const home = makeHome(root, 'ei', ['conf/ei.toml']);
    const located = locateHome({ home, env: {}, cwd: root });
    expect(located.config).toMatchObject({ relative: 'conf/ei.toml', kind: 'ei', path: path.join(home, 'conf/ei.toml') });
  });

  it('fails with the options and the path checked when nothing is found', () => {
    const cwd = tempDir();
    const error = thrown(() => locateHome({ env: {}, cwd }));
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('home-not-found');
    for (const word of ['--home', 'EI_HOME', 'MI_HOME', cwd]) expect(error.message).toContain(word);
  });

  it('does not fall through when a named home has no configuration', () => {
    const root = tempDir();
    const empty = makeHome(root, 'empty', []);
    const good = makeHome(root, 'good');
    const error = thrown(() => locateHome({ env: { EI_HOME: empty, MI_HOME: good }, cwd: good }));
    expect(error.code).toBe('config-missing');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('$EI_HOME');
    expect(error.message).toContain(empty);
    expect(error.message).toContain('MI_HOME');
    const missing = path.join(root, 'nowhere');
    expect(thrown(() => locateHome({ home: missing, env: {}, cwd: root })).message).toMatch(/nowhere\) does not exist/);
  });
});

describe('findConfig', () => {
  it('prefers deployment.toml when both exist and says so', () => {
    const home = makeHome(tempDir(), 'both', ['conf/ei.toml', 'conf/deployment.toml']);
    const config = findConfig(home);
    expect(config?.relative).toBe('conf/deployment.toml');
    expect(config?.kind).toBe('mi');
    expect(config?.note).toMatch(/Both conf\/ei\.toml and conf\/deployment\.toml/);
  });

  it('ignores a directory named like the config file', () => {
    const home = tempDir();
    mkdirSync(path.join(home, 'conf', 'deployment.toml'), { recursive: true });
    expect(findConfig(home)).toBeUndefined();
  });
});
