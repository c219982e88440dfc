import path from 'node:path';
import { readAnswersFile } from '../answers/answers-file.js';
import { readHardenAnswers } from '../answers/harden-answers.js';
import type { ProcedureId } from '../answers/types.js';
import { parseCommandArgs, profileFlag } from '../cli/args.js';
import type { CommandContext } from '../cli/context.js';
import { jsonText } from '../core/printable.js';
import { UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { startKeyPairInAdvance } from '../procedures/key-in-advance.js';
import type { ApplyFlags, LoadedApplyAnswers } from './apply-run.js';

export const APPLY_HELP = `Usage: ei-keystore apply primary|internal|truststore|secrets --answers FILE
       [--home DIR] [--dry-run] [--keytool] [--json]

Runs one procedure of the source document from an answers file (see
templates/answers/ and README):
  primary      change the primary keystore ([keystore.tls] or
               [keystore.primary], by product version)
  internal     separate the internal keystore that encrypts secrets
               ([keystore.internal])
  truststore   change the truststore and import certificates ([truststore])
  secrets      encrypt passwords into the secure vault, as the cipher tool
               does ([secrets], $secret{}; templates/answers/secrets.toml)

  --answers FILE   the answers (TOML); secrets as { env = "NAME" }, { file =
                   "PATH" } or a literal
  --home DIR       the server home (default: $EI_HOME, $MI_HOME, or the current
                   directory)
  --profile P      the product layout when detection cannot tell: ei-7 | mi-1.1
                   | mi-1.2 | mi-4
  --dry-run        print the plan and the configuration diff (passwords masked);
                   write nothing
  --keytool        after our own checks, have keytool list every keystore
                   written and compare
  --trust-on-first-use
                   truststore: take a server's certificate (an import with
                   url) without a sha256 pin, and print its fingerprint
  --json           one JSON document on stdout: { changed, backup, files,
                   notes, findings }
  --vault-password-env NAME
                   the internal keystore's password, for a home whose
                   passwords are $secret{} values (else [vault] password in
                   the answers, <home>/password-tmp or password-persist, or a
                   prompt on a terminal)

A CA-signed certificate takes two runs: [keystore] source = "csr" writes a
certificate signing request (the key waits in <home>/.ei-keystore/pending/, the
configuration is unchanged); source = "ca-reply" with reply = FILE installs the
CA's answer (PEM, DER, .p7b or a bundle) and continues as for an existing
keystore.

Every file replaced is backed up first (ei-keystore restore --list). Running the
same answers twice changes nothing the second time. Exit codes: ${EXIT.ok} done or
nothing to change; ${EXIT.failed} failed and rolled back; ${EXIT.badInput} bad input, nothing written; ${EXIT.interrupted},
${EXIT.terminated}, ${EXIT.hungUp} interrupted by SIGINT, SIGTERM, SIGHUP (the change is finished or
rolled back first, and its backup id printed).
`;

const PROCEDURES: readonly ProcedureId[] = ['primary', 'internal', 'truststore', 'secrets'];

export async function applyCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('apply', args, {
    answers: { type: 'string' },
    home: { type: 'string' },
    profile: { type: 'string' },
    'dry-run': { type: 'boolean' },
    keytool: { type: 'boolean' },
    'trust-on-first-use': { type: 'boolean' },
    json: { type: 'boolean' },
    'vault-password-env': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    context.stdout.write(APPLY_HELP);
    return EXIT.ok;
  }
  const procedure = positionals[0] as ProcedureId | undefined;
  if (!procedure || !PROCEDURES.includes(procedure) || positionals.length > 1) {
    throw new UserError(
      `apply needs one procedure: primary, internal, truststore or secrets${procedure && !PROCEDURES.includes(procedure) ? ` (got '${procedure}')` : ''}. See 'ei-keystore apply --help'.`,
      'usage',
    );
  }
  if (!values.answers)
    throw new UserError(
      `apply ${procedure} needs --answers FILE; examples are in templates/answers/. See 'ei-keystore apply --help'.`,
      'usage',
    );
  profileFlag(values.profile);

  try {
    return await runApply(procedure, values, context);
  } catch (error) {
    // --json promises one document on stdout, failures included, so automation can read what went wrong.
    if (values.json && error instanceof UserError) {
      writeJson(context, {
        changed: false,
        backup: null,
        files: [],
        findings: [],
        error: { code: error.code, exitCode: error.exitCode, message: error.message },
      });
    }
    throw error;
  }
}

async function runApply(procedure: ProcedureId, values: ApplyFlags, context: CommandContext): Promise<number> {
  const answersFile = path.resolve(context.cwd, values.answers!);
  // The answers first, with only the code that reads them loaded: a new key pair (50-350 ms for RSA 2048, on the
  // thread pool) then starts at once (startKeyPairInAdvance) and is made while the rest of apply's code loads and
  // the home is read. An answers file that is refused is said after the home's own problems, as before.
  const reading: Promise<LoadedApplyAnswers> =
    procedure === 'secrets' ? readHardenAnswers(answersFile) : readAnswersFile(answersFile, procedure, context.env);
  const loaded = await reading.catch(() => undefined);
  const keyPair =
    loaded && 'answers' in loaded && !('data' in loaded)
      ? await startKeyPairInAdvance(loaded.answers, { home: values.home, env: context.env, cwd: context.cwd })
      : undefined;
  // A key pair the plan does not take (it refused, or failed) is made to its end before the process exits: Node
  // cannot cancel it, so only quick ones are started in advance (procedures/key-in-advance.ts).
  const { planAndApply } = await import('./apply-run.js');
  return await planAndApply({ values, context, answersFile, reading, keyPair });
}

function writeJson(context: CommandContext, document: unknown): void {
  context.stdout.write(jsonText(document) + '\n');
}
