import { parseCommandArgs, profileFlag } from '../cli/args.js';
import type { CommandContext } from '../cli/context.js';
import { COMMAND_HELP } from '../cli/help.js';
import { promptSecret } from '../cli/prompt-secret.js';
import { colourEnabled, makeStyle } from '../core/terminal-style.js';
import { locateHome } from '../config/locate.js';
import { UserError } from '../errors.js';
import { gatherStatus, type AskSecret } from '../status/gather.js';
import { jsonText } from '../core/printable.js';
import { renderStatus, statusJson } from '../status/render.js';
import { failedStatusPrometheus, statusPrometheus } from './status-prometheus.js';
import { EXIT } from '../exit-codes.js';

export async function statusCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('status', args, {
    home: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean' },
    'vault-password-env': { type: 'string' },
    prometheus: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    context.stdout.write(COMMAND_HELP.status!);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UserError(`status takes no arguments (got '${positionals[0]}'); use --home DIR. See 'ei-keystore status --help'.`, 'usage');
  const profile = profileFlag(values.profile);
  if (values.json && values.prometheus) throw new UserError('status takes --json or --prometheus, not both.', 'usage');
  try {
    const located = locateHome({ home: values.home, env: context.env, cwd: context.cwd });
    const interactive = !values.json && !values.prometheus && Boolean(context.stdin.isTTY) && Boolean(context.stderr.isTTY);
    const ask: AskSecret | undefined = interactive
      ? (question) =>
          promptSecret(`Password for ${question} (Enter to skip): `, context.stdin, context.stderr as NodeJS.WriteStream).then((v) =>
            v === '' ? undefined : v,
          )
      : undefined;
    const vault = values['vault-password-env'];
    const report = await gatherStatus({
      located,
      env: context.env,
      now: context.now,
      ask,
      profile,
      ...(vault !== undefined ? { vaultPasswordEnv: vault } : {}),
    });
    if (values.prometheus) {
      // Exit 0: the findings are in the metrics, and the cron job of README's fleet check keeps what it wrote.
      context.stdout.write(statusPrometheus(report));
      return EXIT.ok;
    }
    if (values.json) context.stdout.write(jsonText(statusJson(report)) + '\n');
    else context.stdout.write(renderStatus(report, makeStyle(colourEnabled(context.stdout, context.env)), 80));
    return report.findings.some((finding) => finding.level === 'error') ? EXIT.failed : EXIT.ok;
  } catch (error) {
    // --json promises one document on stdout, even when the configuration cannot be read.
    if (values.json && error instanceof UserError && error.exitCode === EXIT.badInput) {
      context.stdout.write(
        jsonText({
          error: { code: error.code, message: error.message },
          findings: [{ level: 'error', code: error.code === 'config-invalid' ? 'config-invalid' : error.code, message: error.message }],
        }) + '\n',
      );
    }
    if (values.prometheus && error instanceof UserError && error.exitCode === EXIT.badInput) {
      context.stdout.write(failedStatusPrometheus(values.home ?? context.env.EI_HOME ?? context.env.MI_HOME ?? context.cwd));
    }
    throw error;
  }
}
