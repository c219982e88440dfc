// `npm start`: build the bundle when it is missing or older than the sources, then open the wizard on a sandbox
// home (.sandbox/home, created at first use) unless EI_HOME is set. Arguments after `--` go to the tool instead.
// @ts-check
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const bundle = 'dist/ei-keystore.mjs';

/** The newest modification time (ms) of any file under `dir`. @param {string} dir */
function newest(dir) {
  let time = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    time = Math.max(time, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return time;
}

if (!existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(newest('source'), newest('templates'))) {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const args = process.argv.slice(2);
// Options for the wizard alone (`npm start -- --dry-run`, `--plain`) keep the sandbox; a command, --home or
// --sandbox says where to work itself.
const wizardOptionsOnly =
  args.every((arg) => arg.startsWith('-')) &&
  !args.some((arg) => ['--home', '--sandbox', '--help', '-h', '--version'].includes(arg) || arg.startsWith('--home='));
const argv = wizardOptionsOnly && !process.env.EI_HOME ? ['--sandbox', path.resolve('.sandbox', 'home'), ...args] : args;
process.exit(spawnSync(process.execPath, [bundle, ...argv], { stdio: 'inherit' }).status ?? 1);
