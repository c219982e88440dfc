import path from 'node:path';
import { parseCommandArgs } from '../cli/args.js';
import { existsSync } from 'node:fs';
import { selfCommand, shellWord } from '../session/self-command.js';
import type { CommandContext } from '../cli/context.js';
import { colourEnabled, makeStyle } from '../core/terminal-style.js';
import { isProfileId, PROFILE_IDS, PROFILES, type ProfileId } from '../core/profiles.js';
import { UserError } from '../errors.js';
import { createSandbox, DEFAULT_SANDBOX_PROFILE, SANDBOX_MARKER, type SandboxResult } from '../sandbox/create-sandbox.js';
import { SANDBOX_ALIAS, SANDBOX_KEYSTORE, SANDBOX_PASSWORD, SANDBOX_TRUSTSTORE, SANDBOX_VALIDITY_DAYS } from '../sandbox/keystores.js';
import { EXIT } from '../exit-codes.js';
import { jsonText, printable, printableLines } from '../core/printable.js';

export const SANDBOX_HELP = `Usage: ei-keystore sandbox DIR [--profile P] [--json]

Makes DIR a stand-in for a WSO2 server home, to try ei-keystore on without
touching a real server: the configuration file of the chosen version with the
keystore settings it ships, the keystore keys of its
repository/resources/conf/default.json, and new keystores under the shipped
names, alias and password (wso2carbon.jks: a fresh self-signed key pair
"wso2carbon"; client-truststore.jks: its certificate).

  DIR            created if missing. An existing directory must be empty, or a
                 sandbox made earlier (it holds ${SANDBOX_MARKER}), which is
                 left as it is.
  --profile P    the product layout: ${PROFILE_IDS.join(' | ')}
                 (default ${DEFAULT_SANDBOX_PROFILE})
  --json         one JSON document on stdout: { home, profile, files, created }

Exit codes: ${EXIT.ok} made, or already there; ${EXIT.badInput} bad input or usage, nothing written.
`;

const FILE_NOTES: Readonly<Record<string, string>> = {
  'conf/deployment.toml': 'the configuration, with the keystore settings this version ships',
  'conf/ei.toml': "the configuration, in the keystore guide's layout",
  'repository/resources/conf/default.json': "the keystore keys of this version's defaults (only those)",
  [`repository/resources/security/${SANDBOX_KEYSTORE}`]: `key pair "${SANDBOX_ALIAS}": new RSA 2048 key, self-signed CN=localhost, ${SANDBOX_VALIDITY_DAYS} days`,
  [`repository/resources/security/${SANDBOX_TRUSTSTORE}`]: `the "${SANDBOX_ALIAS}" certificate only (the real one adds ~90-150 public CAs)`,
};

const PROFILE_NOTES: Partial<Record<ProfileId, string>> = {
  'mi-1.2':
    'As on a real MI 1.2, conf/deployment.toml says [keystore.tls] but the product reads\n' +
    '[keystore.primary] (here: default.json). status reports the ignored table.',
};

/**
 * What to try next, as commands that run where the user is: the tool as it was invoked, absolute paths, and the
 * example answers only where they exist (a checkout has templates/; the one copied file does not).
 */
function nextCommands(home: string): string[] {
  const dir = shellWord(home);
  const self = selfCommand();
  const script = process.argv[1];
  const example = script ? path.resolve(path.dirname(script), '..', 'templates', 'answers', 'primary.toml') : undefined;
  return [
    `${self} status --home ${dir}`,
    `${self} --home ${dir} --dry-run`,
    ...(example && existsSync(example) ? [`${self} apply primary --answers ${shellWord(example)} --home ${dir} --dry-run`] : []),
  ];
}

export function renderSandbox(result: SandboxResult, bold: (text: string) => string): string {
  // The directory is the user's argument: escaped before any styling, like every path this tool prints.
  const home = printable(result.home);
  const label = `${PROFILES[result.profile].label}, profile ${result.profile}`;
  if (!result.created) {
    const lines = [bold(`${home} is already a sandbox home`), `for ${label}; left as it is. Files:`];
    lines.push(...result.files.map((file) => `  ${file}`));
    return [...lines, '', 'Next, try:', ...nextCommands(result.home).map((command) => `  ${printable(command)}`)].join('\n') + '\n';
  }
  // Each note on its own line under its file: the paths alone nearly fill an 80-column terminal.
  const lines = [bold(`Made a sandbox home in ${home}`), `for ${label}:`];
  for (const file of result.files) lines.push(`  ${file}`, ...(FILE_NOTES[file] ? [`    ${FILE_NOTES[file]}`] : []));
  lines.push(`Every password is WSO2's shipped default, ${SANDBOX_PASSWORD}. Keystores are mode 0600.`);
  const note = PROFILE_NOTES[result.profile];
  if (note) lines.push(note);
  lines.push('Nothing here is a real server: try anything.');
  lines.push('', 'Next, try:', ...nextCommands(result.home).map((command) => `  ${printable(command)}`));
  return lines.join('\n') + '\n';
}

export async function sandboxCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('sandbox', args, {
    profile: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    context.stdout.write(SANDBOX_HELP);
    return EXIT.ok;
  }
  const usage = "See 'ei-keystore sandbox --help'.";
  const [dir, ...extra] = positionals;
  if (dir === undefined || dir === '') throw new UserError(`sandbox needs a directory: ei-keystore sandbox DIR. ${usage}`, 'usage');
  if (extra.length > 0) throw new UserError(`sandbox takes one directory, got ${positionals.length}. ${usage}`, 'usage');
  const profile = values.profile ?? DEFAULT_SANDBOX_PROFILE;
  if (!isProfileId(profile)) {
    throw new UserError(`--profile ${profile}: not a profile; use one of ${PROFILE_IDS.join(', ')}.`, 'usage');
  }

  const result = await createSandbox(path.resolve(context.cwd, dir), profile, context.now);
  if (!result.created && values.profile !== undefined && values.profile !== result.profile) {
    context.stderr.write(
      `ei-keystore: ${result.home} was made with profile ${result.profile}, not ${values.profile}; ` +
        `it was left as it is. Choose another directory for a ${values.profile} sandbox.\n`,
    );
  }
  if (values.json) {
    context.stdout.write(jsonText({ home: result.home, profile: result.profile, files: result.files, created: result.created }) + '\n');
    // Messages go to stderr: stdout holds the one JSON document.
    if (!result.created) context.stderr.write(`ei-keystore: ${printableLines(result.home)} is already a sandbox home; left as it is.\n`);
    return EXIT.ok;
  }
  context.stdout.write(renderSandbox(result, makeStyle(colourEnabled(context.stdout, context.env)).bold));
  return EXIT.ok;
}
