// `npm run bench [-- --runs N]`: ei-keystore side by side with what it replaces, in one run, on this machine.
// Medians of N runs (default 7, at least 5), cases interleaved round by round; printed as a Markdown table of
// ratios (ready for README) with the machine described, and PASS/MISS for each target (issues 7 and 16).
// The one executable (`npm run build:exe`, built here too) is measured beside the .mjs in the same rounds.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, machineLine } from './bench-machine.mjs';
import { measureInterleaved, median, timeCommand } from './bench-measure.mjs';
import { generateConfig, loadPatchToml, measurePatch, PATCH_SIZES_KB } from './bench-patch.mjs';
import { checkTlsBench } from './bench-check-tls.mjs';
import { fuzzBench } from './bench-fuzz.mjs';
import { bytesPerKeystroke, firstFrames, keysToTextField, wizardStatus } from './bench-wizard.mjs';
import { buildExecutable, executableName } from './build-exe.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = runsFromArgv(process.argv.slice(2));
const bundle = path.join(root, 'dist', 'ei-keystore.mjs');
const bin = path.join(root, 'bin', 'ei-keystore.cjs');
const executable = path.join(root, 'dist', executableName());
// Issue 16's targets.
const START_UP_LIMIT = 1.3;
const FIRST_FRAME_LIMIT = 1.5;
const WORK_LIMIT = 0.3;
const truststoreFixture = path.join(
  process.env.EI_FIXTURES ?? path.resolve(root, '..', 'shared', 'fixtures'),
  'wso2/keystores/carbon-kernel-v4.9.26/client-truststore.jks',
);
const PASSWORD_ENV = 'EIK_BENCH_PASSWORD';
const TRUST_ENV = 'EIK_BENCH_TRUSTSTORE_PASSWORD';
const env = { ...process.env, [PASSWORD_ENV]: 'bench-password', [TRUST_ENV]: 'wso2carbon', NO_COLOR: '1' };
const DNAME = 'CN=ei.example.com, OU=Integration, O=Example, C=LK';

/** @param {readonly string[]} argv */
function runsFromArgv(argv) {
  const at = argv.indexOf('--runs');
  const value = at >= 0 ? Number(argv[at + 1]) : 7;
  if (!Number.isInteger(value) || value < 5) {
    process.stderr.write('bench: --runs N takes a whole number of at least 5 (medians of fewer runs mean little).\n');
    process.exit(2);
  }
  return value;
}

/** @type {import('./bench-measure.mjs').BenchRow[]} */
const rows = [];
/** @type {import('./bench-measure.mjs').BenchVerdict[]} */
const verdicts = [];
const ms = (/** @type {number} */ value) => (value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`);
const ratio = (/** @type {number} */ value, /** @type {number} */ base) => `${(value / base).toFixed(2)}x`;

/**
 * One table row; `target` is { limit, base, baseLabel } for a ratio that must stay at or under limit.
 * @type {import('./bench-measure.mjs').AddRow}
 */
function row(measure, median, comparisons = [], target) {
  const against = comparisons.map(([label, base]) => `${ratio(median, base)} ${label}`).join('; ');
  let verdict = '';
  if (target) {
    const pass = median / target.base <= target.limit;
    verdict = `≤ ${target.limit}x ${target.baseLabel}: **${pass ? 'PASS' : 'MISS'}**`;
    verdicts.push({ measure, pass, figure: ratio(median, target.base), limit: target.limit, baseLabel: target.baseLabel });
  }
  rows.push([measure, typeof median === 'number' ? ms(median) : median, against, verdict]);
}

/** @param {string} measure @param {string} text */
function note(measure, text, targetText = '') {
  rows.push([measure, text, '', targetText]);
}

/** @param {string} title */
function section(title) {
  rows.push([`**${title}**`, '', '', '']);
}

function build() {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

/** @param {string} dir */
function makeSandbox(dir) {
  timeCommand(process.execPath, [bundle, 'sandbox', dir, '--profile', 'mi-4', '--json'], { env });
  return dir;
}

/** @param {readonly string[]} args */
function keytool(args) {
  return timeCommand('keytool', args, { env }).ms;
}

async function main() {
  if (spawnSync('keytool', ['-help'], { stdio: 'ignore' }).error) {
    process.stderr.write('bench: keytool is not on PATH; the comparisons need a JDK (Java 17).\n');
    process.exit(2);
  }
  build();
  await buildExecutable({ bundleFile: bundle });
  const work = mkdtempSync(path.join(os.tmpdir(), 'eik-bench-'));
  try {
    const machine = describeMachine();
    process.stdout.write(`ei-keystore bench: ${runs} runs per case, medians, cases interleaved\n`);
    process.stdout.write(`Machine: ${machineLine(machine)}\n`);
    process.stdout.write(
      `Bundle: dist/ei-keystore.mjs, ${(statSync(bundle).size / 1024 / 1024).toFixed(2)} MB; executable: dist/${executableName()}, ${(statSync(executable).size / 1024 / 1024).toFixed(1)} MB\n\n`,
    );

    startUp();
    applyPrimary(work);
    inspect(work);
    await checkTlsBench({ work, runs, bin, env, home: makeSandbox(path.join(work, 'check-tls-home')), row, section });
    await configPatch();
    await fuzzBench({ root, fixtures: process.env.EI_FIXTURES ?? path.resolve(root, '..', 'shared', 'fixtures'), rows, verdicts, section });
    await wizard(work);

    printTable();
    const missed = verdicts.filter((v) => !v.pass);
    process.stdout.write(`\n${verdicts.length - missed.length} of ${verdicts.length} targets met.\n`);
    for (const v of missed) process.stdout.write(`MISS: ${v.measure}: ${v.figure} ${v.baseLabel}, target ≤ ${v.limit}x\n`);
    if (Number(machine.load.split(' ')[0]) > machine.cores * 0.5) {
      process.stdout.write(
        `Note: the machine was busy (load ${machine.load} on ${machine.cores} cores); figures are noisier than on an idle one.\n`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The start-up figures the wizard's rows compare with. */
const startUpFigures = { node: 0, keytool: 0 };

function startUp() {
  process.stderr.write('start-up...\n');
  const results = measureInterleaved(
    [
      { name: 'node', run: () => timeCommand(process.execPath, ['-e', '0'], { env }).ms },
      { name: 'keytool', run: () => keytool(['-help']) },
      { name: 'version', run: () => timeCommand(process.execPath, [bin, '--version'], { env }).ms },
      { name: 'mjs-version', run: () => timeCommand(process.execPath, [bundle, '--version'], { env }).ms },
      { name: 'exe-version', run: () => timeCommand(executable, ['--version'], { env }).ms },
      { name: 'help', run: () => timeCommand(process.execPath, [bundle, '--help'], { env }).ms },
    ],
    runs,
  );
  const node = results.get('node').median;
  const keytoolHelp = results.get('keytool').median;
  section('Start-up');
  row('`node -e 0`', node);
  row('`keytool -help`', keytoolHelp);
  const nodeTarget = { limit: START_UP_LIMIT, base: node, baseLabel: '`node -e 0`' };
  row('`ei-keystore --version` (bin/ei-keystore.cjs, npm install)', results.get('version').median, [
    ['`node -e 0`', node],
    ['`keytool -help`', keytoolHelp],
  ]);
  row(
    '`node ei-keystore.mjs --version` (the one file)',
    results.get('mjs-version').median,
    [
      ['`node -e 0`', node],
      ['`keytool -help`', keytoolHelp],
    ],
    nodeTarget,
  );
  row(
    `\`${executableName()} --version\` (the one executable)`,
    results.get('exe-version').median,
    [
      ['`node -e 0`', node],
      ['`keytool -help`', keytoolHelp],
    ],
    nodeTarget,
  );
  row('`node ei-keystore.mjs --help` (the one file)', results.get('help').median, [['`node -e 0`', node]]);
  startUpFigures.node = node;
  startUpFigures.keytool = keytoolHelp;
}

/** @param {string} work */
function applyPrimary(work) {
  process.stderr.write('apply primary (sandboxes made outside the timing)...\n');
  const answers = path.join(work, 'primary.toml');
  writeFileSync(
    answers,
    `[keystore]
source = "generate"
file_name = "ei-primary.jks"
type = "JKS"
alias = "ei-primary"
password = { env = "${PASSWORD_ENV}" }
[keystore.generate]
dname = "${DNAME}"
subject_alt_names = ["DNS:ei.example.com", "IP:127.0.0.1"]
key_algorithm = "RSA"
key_size = 2048
validity_days = 365
[truststore]
import_certificate = true
`,
  );
  const base = makeSandbox(path.join(work, 'base'));
  const baseTruststore = path.join(base, 'repository/resources/security/client-truststore.jks');
  const genkeypair = (/** @type {string} */ file) => [
    '-genkeypair',
    '-keystore',
    file,
    '-storetype',
    'JKS',
    '-alias',
    'ei-primary',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-validity',
    '365',
    '-dname',
    DNAME,
    '-ext',
    'SAN=dns:ei.example.com,ip:127.0.0.1',
    '-storepass:env',
    PASSWORD_ENV,
    '-keypass:env',
    PASSWORD_ENV,
  ];
  const results = measureInterleaved(
    [
      {
        name: 'apply',
        prepare: (round) => makeSandbox(path.join(work, `apply-${round + 1}`)),
        run: (home) => {
          const { ms: elapsed, result } = timeCommand(
            process.execPath,
            [bin, 'apply', 'primary', '--answers', answers, '--home', home, '--json'],
            { env },
          );
          if (JSON.parse(result.stdout).changed !== true)
            throw new Error(`apply primary changed nothing on a fresh sandbox: ${result.stdout}`);
          return elapsed;
        },
      },
      {
        name: 'genkeypair',
        prepare: (round) => path.join(work, `genkeypair-${round + 1}.jks`),
        run: (file) => keytool(genkeypair(file)),
      },
      {
        name: 'sequence',
        prepare: (round) => {
          const dir = path.join(work, `sequence-${round + 1}`);
          mkdirSync(dir);
          copyFileSync(baseTruststore, path.join(dir, 'client-truststore.jks'));
          return dir;
        },
        run: (dir) =>
          keytool(genkeypair(path.join(dir, 'ei-primary.jks'))) +
          keytool([
            '-exportcert',
            '-keystore',
            path.join(dir, 'ei-primary.jks'),
            '-alias',
            'ei-primary',
            '-file',
            path.join(dir, 'ei-primary.cer'),
            '-storepass:env',
            PASSWORD_ENV,
          ]) +
          keytool([
            '-importcert',
            '-noprompt',
            '-keystore',
            path.join(dir, 'client-truststore.jks'),
            '-alias',
            'ei-primary',
            '-file',
            path.join(dir, 'ei-primary.cer'),
            '-storepass:env',
            TRUST_ENV,
          ]),
      },
    ],
    runs,
  );
  const sequence = results.get('sequence').median;
  const genkey = results.get('genkeypair').median;
  section('`apply primary`: new RSA-2048 JKS keystore, certificate into the truststore, config patched, backup');
  row('`keytool -genkeypair` alone', genkey);
  row('keytool sequence: `-genkeypair`, `-exportcert`, `-importcert` into the truststore', sequence);
  row(
    '`ei-keystore apply primary --json` on a fresh sandbox',
    results.get('apply').median,
    [
      ['genkeypair', genkey],
      ['sequence', sequence],
    ],
    { limit: WORK_LIMIT, base: sequence, baseLabel: 'the keytool sequence' },
  );
}

/**
 * What any `node ei-keystore.mjs ...` pays before the tool's first line runs: the bundle's bytes with its loader
 * blanked out (a comment of the same length), so that Node starts, runs its ES module loader, and reads, decodes and
 * scans as many bytes, and then does nothing.
 * @param {string} work
 */
function bundleFloorFile(work) {
  const text = readFileSync(bundle, 'latin1');
  const scripts = text.indexOf('/*EIK-SCRIPT');
  if (scripts < 5) throw new Error(`bench: ${bundle} has no /*EIK-SCRIPT comment; rebuild it (npm run build)`);
  const floor = path.join(work, 'bundle-floor.mjs');
  writeFileSync(floor, `/*${' '.repeat(scripts - 5)}*/\n${text.slice(scripts)}`, 'latin1');
  if (statSync(floor).size !== statSync(bundle).size) throw new Error('bench: the floor file must be as large as the bundle');
  return floor;
}

/** @param {string} work */
function inspect(work) {
  section('Reading the shipped 145-entry truststore (carbon-kernel 4.9.26 client-truststore.jks)');
  if (!existsSync(truststoreFixture)) {
    note(
      '`ei-keystore inspect`',
      `not measured: ${truststoreFixture} not found (set EI_FIXTURES)`,
      `≤ ${WORK_LIMIT}x \`keytool -list\`: not measured`,
    );
    return;
  }
  process.stderr.write('inspect...\n');
  const floorFile = bundleFloorFile(work);
  const results = measureInterleaved(
    [
      { name: 'list', run: () => keytool(['-list', '-keystore', truststoreFixture, '-storepass:env', TRUST_ENV]) },
      { name: 'list-v', run: () => keytool(['-list', '-v', '-keystore', truststoreFixture, '-storepass:env', TRUST_ENV]) },
      { name: 'node', run: () => timeCommand(process.execPath, ['-e', '0'], { env }).ms },
      { name: 'floor', run: () => timeCommand(process.execPath, [floorFile], { env }).ms },
      {
        name: 'inspect',
        run: () => timeCommand(process.execPath, [bin, 'inspect', truststoreFixture, '--password-env', TRUST_ENV], { env }).ms,
      },
      {
        name: 'mjs-inspect',
        run: () => timeCommand(process.execPath, [bundle, 'inspect', truststoreFixture, '--password-env', TRUST_ENV], { env }).ms,
      },
      { name: 'exe-inspect', run: () => timeCommand(executable, ['inspect', truststoreFixture, '--password-env', TRUST_ENV], { env }).ms },
    ],
    runs,
  );
  const list = results.get('list').median;
  const listV = results.get('list-v').median;
  const node = results.get('node').median;
  const floor = results.get('floor').median;
  row('`keytool -list`', list);
  row('`keytool -list -v` (details as inspect shows them)', listV);
  const target = { limit: WORK_LIMIT, base: list, baseLabel: '`keytool -list`' };
  row(
    '`ei-keystore inspect --password-env` (bin/ei-keystore.cjs, npm install)',
    results.get('inspect').median,
    [
      ['`-list`', list],
      ['`-list -v`', listV],
    ],
    target,
  );
  row(
    '`node ei-keystore.mjs inspect` (the one file)',
    results.get('mjs-inspect').median,
    [
      ['`-list`', list],
      ['`-list -v`', listV],
    ],
    target,
  );
  row(
    `\`${executableName()} inspect\` (the one executable)`,
    results.get('exe-inspect').median,
    [
      ['`-list`', list],
      ['`-list -v`', listV],
    ],
    target,
  );
  // Where the time goes: what the npm bin and the .mjs pay before their first line (`node -e 0`, and the .mjs's
  // blanked copy), and what is left of 0.3x for the work. Differences are taken round by round, then their median.
  const budget = WORK_LIMIT * list;
  /** @param {string} form @param {string} floorCase */
  const beyond = (form, floorCase) => {
    const floorSamples = results.get(floorCase).samples;
    return median(results.get(form).samples.map((value, round) => value - /** @type {number} */ (floorSamples[round])));
  };
  row('`node -e 0` (in these rounds)', node, [['`-list`', list]]);
  row("`node` running a copy of the `.mjs` that does nothing (its loader blanked: the `.mjs`'s floor)", floor, [
    ['`-list`', list],
    ['`node -e 0`', node],
  ]);
  rows.push([
    'npm bin: inspect beyond `node -e 0`',
    ms(Math.max(0, beyond('inspect', 'node'))),
    `${ms(Math.max(0, budget - node))} left of ${WORK_LIMIT}x \`-list\``,
    '',
  ]);
  rows.push([
    '`.mjs`: inspect beyond its floor',
    ms(Math.max(0, beyond('mjs-inspect', 'floor'))),
    `${ms(Math.max(0, budget - floor))} left of ${WORK_LIMIT}x \`-list\``,
    '',
  ]);
}

async function configPatch() {
  process.stderr.write('config patch...\n');
  const patchToml = await loadPatchToml(root);
  const configs = new Map(PATCH_SIZES_KB.map((kb) => [kb, generateConfig(root, kb)]));
  const perCall = measurePatch(patchToml, configs, runs);
  section('Config patch (`patchToml`, in process): 7 keys set in a generated deployment.toml');
  const perKb = [];
  for (const [kb, text] of configs) {
    const callMs = /** @type {number} */ (perCall.get(kb));
    const microsPerKb = (callMs * 1000) / (Buffer.byteLength(text) / 1024);
    perKb.push(microsPerKb);
    rows.push([`${kb >= 1024 ? `${kb / 1024} MB` : `${kb} KB`} file`, ms(callMs), `${microsPerKb.toFixed(0)} µs per KB`, '']);
  }
  const spread = Math.max(...perKb) / Math.min(...perKb) - 1;
  const pass = spread <= 0.25;
  verdicts.push({
    measure: 'config patch, time per KB',
    pass,
    figure: `${(1 + spread).toFixed(2)}x`,
    limit: 1.25,
    baseLabel: 'the fastest size per KB',
  });
  rows.push([
    'time per KB across the sizes',
    `spread ${(spread * 100).toFixed(0)}%`,
    'slowest / fastest - 1',
    `≤ 25%: **${pass ? 'PASS' : 'MISS'}**`,
  ]);
}

/** @param {string} work */
async function wizard(work) {
  process.stderr.write('wizard...\n');
  section('Wizard at 80x24 (in a pseudo-terminal; the sandbox made beforehand)');
  const fronts = [
    { label: 'ei-keystore', flags: [], keys: ['\r', '\r'], target: true },
    { label: 'ei-keystore --plain', flags: ['--plain'], keys: ['\r', '\r'], target: false },
    { label: executableName(), flags: [], keys: ['\r', '\r'], target: true, program: [executable] },
  ];
  const built = [];
  for (const front of fronts) {
    const status = await wizardStatus(bundle, front.flags);
    if (status.built) {
      built.push(front);
      continue;
    }
    note(
      `\`${front.label} --sandbox DIR\`: first frame`,
      status.detail,
      front.target ? `≤ ${FIRST_FRAME_LIMIT}x node writing a word: not measured` : '',
    );
    note(`\`${front.label}\`: bytes written per typed character`, status.detail);
  }
  if (built.length === 0) return;
  // The baseline: node writing a word through the same kind of terminal, so that the pseudo-terminal's own
  // cost (script, stty) is not counted against the wizard.
  const BASELINE = 'node writing a word in the same terminal';
  let round = 0;
  const frames = await firstFrames(
    [
      { name: BASELINE, make: () => ({ argv: [process.execPath, '-e', "process.stdout.write('ready'); setTimeout(() => {}, 60000)"] }) },
      ...built.map((front) => ({
        name: front.label,
        make: () => {
          const home = makeSandbox(path.join(work, `wizard-${round++}`));
          return { argv: [...(front.program ?? [process.execPath, bin]), ...front.flags, '--sandbox', home] };
        },
      })),
    ],
    runs,
  );
  const baseline = frames.get(BASELINE);
  row(`${BASELINE}`, baseline);
  for (const front of built) {
    const first = frames.get(front.label);
    const target = front.target ? { limit: FIRST_FRAME_LIMIT, base: baseline, baseLabel: BASELINE } : undefined;
    row(
      `\`${front.label} --sandbox DIR\`: first frame`,
      first,
      [
        [BASELINE, baseline],
        ['`node -e 0`', startUpFigures.node],
      ],
      target,
    );
    if (front.program) continue; // the same wizard as the .mjs's: its bytes per character are the same
    const home = makeSandbox(path.join(work, `wizard-keys-${round++}`));
    const keys = keysToTextField(front.keys);
    const typed = await bytesPerKeystroke([...(front.program ?? [process.execPath, bin]), ...front.flags, '--sandbox', home], keys);
    note(
      `\`${front.label}\`: bytes written per typed character`,
      typed.echoed
        ? `${typed.bytesPerCharacter.toFixed(0)} bytes`
        : `not measured: the keys ${JSON.stringify(keys)} did not reach a text field (set EIK_BENCH_WIZARD_KEYS)`,
    );
  }
}

function printTable() {
  const header = ['measure', 'median', 'ratio', 'target'];
  const lines = [header, header.map(() => '---'), ...rows];
  process.stdout.write(lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n') + '\n');
}

await main();
