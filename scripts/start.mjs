// `npm start`: build the bundle when it is missing or older than the sources, then run the tool.
// Until the wizard exists, it shows what the tool can do today (see README).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const bundle = 'dist/ei-keystore.mjs';

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource('source')) {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const args = process.argv.slice(2);
const run = (argv) => spawnSync(process.execPath, [bundle, ...argv], { stdio: 'inherit' }).status ?? 1;
if (args.length > 0) process.exit(run(args));

process.stdout.write('The interactive wizard is not built yet; here is what ei-keystore does today.\n\n');
process.exit(run(['--help']));
