// @ts-check
// README's "Development" layout, written from test/structure/layers.json (the list the layer test enforces), between
// the markers <!-- layout:start --> and <!-- layout:end -->.
//   node scripts/readme-layout.mjs            rewrite the section (npm run layout)
//   node scripts/readme-layout.mjs --check    exit 1 when the section differs (test/structure/layers.test.ts)
//   --readme FILE                             another README (the test's stale copy)
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const readmeAt = args.indexOf('--readme');
const readmePath = readmeAt >= 0 ? path.resolve(args[readmeAt + 1] ?? '') : path.join(root, 'README.md');
const list = JSON.parse(readFileSync(path.join(root, 'test/structure/layers.json'), 'utf8'));

const WIDTH = 116;
const NAME = 22;

/**
 * `name` in a column, then the text wrapped to WIDTH with continuation lines under the text.
 * @param {string} indent
 * @param {string} name
 * @param {string} text
 */
function entry(indent, name, text) {
  const lines = [];
  let line = `${indent}${name}`.padEnd(NAME) + ' ';
  if (line.length > NAME + 1) {
    lines.push(line.trimEnd());
    line = ' '.repeat(NAME + 1);
  }
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + word.length > WIDTH) {
      lines.push(line.trimEnd());
      line = ' '.repeat(NAME + 1);
      empty = true;
    }
    line += `${word} `;
    empty = false;
  }
  lines.push(line.trimEnd());
  return lines;
}

export function renderLayout() {
  const out = ['```', 'source/               layers, top to bottom: a folder imports its own layer or lower ones, never higher'];
  list.layers.forEach(
    (/** @type {{ name: string; independent?: boolean; members: Record<string, string> }} */ layer, /** @type {number} */ i) => {
      const note = layer.independent ? ' (independent: neither imports the other)' : '';
      out.push(`  ${i + 1}. ${layer.name}${note}`);
      for (const [member, holds] of Object.entries(layer.members)) {
        out.push(...entry('    ', member.endsWith('.ts') ? member : `${member}/`, holds));
        for (const [folder, inner] of Object.entries(list.folders))
          if (folder.startsWith(`${member}/`)) out.push(...entry('      ', `${folder.slice(member.length + 1)}/`, inner));
      }
    },
  );
  out.push(
    '',
    ...entry(
      '',
      'Writes',
      `only ${Object.keys(list.writers)
        .map((w) => `${w}/`)
        .join(' and ')} call fs functions that change the disk${
        Object.keys(list.writeExceptions).length
          ? ` (exceptions: ${Object.entries(list.writeExceptions)
              .map(([f, why]) => `${f}, ${why}`)
              .join('; ')})`
          : ''
      }; core/ does no I/O; no import cycles.`,
    ),
  );
  out.push('');
  for (const [folder, holds] of Object.entries(list.others)) out.push(...entry('', `${folder}/`, holds));
  out.push(...entry('', 'test/', `${list.tests.$comment} \`npm test\` runs them all; test/structure/ keeps this drawing true.`));
  for (const [folder, holds] of Object.entries(list.tests)) if (folder !== '$comment') out.push(...entry('  ', `${folder}/`, holds));
  out.push('```');
  return `${out.join('\n')}\n`;
}

const START = '<!-- layout:start (npm run layout writes this from test/structure/layers.json) -->';
const END = '<!-- layout:end -->';
const readme = readFileSync(readmePath, 'utf8');
const from = readme.indexOf('<!-- layout:start');
const to = readme.indexOf(END);
if (from < 0 || to < from) {
  process.stderr.write(`${readmePath} has no ${START} ... ${END} markers.\n`);
  process.exit(1);
}
const next = `${readme.slice(0, from)}${START}\n${renderLayout()}${readme.slice(to)}`;
if (check) {
  if (next !== readme) {
    process.stderr.write(`${path.basename(readmePath)}'s layout section differs from test/structure/layers.json: run npm run layout\n`);
    process.exit(1);
  }
} else if (next !== readme) writeFileSync(readmePath, next);
