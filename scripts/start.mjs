// `npm start`: build the bundle when it is missing or older than the sources, then run the tool on a sandbox
// home (.sandbox/home, created at first use) unless EI_HOME is set. Until the wizard exists, that means `status`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const bundle = 'dist/ei-keystore.mjs';

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

const run = (argv) => spawnSync(process.execPath, [bundle, ...argv], { stdio: 'inherit' }).status ?? 1;
const args = process.argv.slice(2);
if (args.length > 0) process.exit(run(args));

let home = process.env.EI_HOME;
if (!home) {
  home = path.resolve('.sandbox', 'home');
  const made = run(['sandbox', home]);
  if (made !== 0) process.exit(made);
}
process.stdout.write(`\nThe interactive wizard is not built yet; this is \`ei-keystore status\` on ${home}.\n`);
process.stdout.write('Try: npm start -- apply primary --answers templates/answers/primary.toml --home ' + home + ' --dry-run\n\n');
process.exit(run(['status', '--home', home]));
