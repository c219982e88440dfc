import { EXIT, exitCodesHelp } from '../exit-codes.js';

export const MAIN_HELP = `ei-keystore: configure the keystores of a WSO2 Enterprise Integrator or Micro
Integrator server (primary keystore, internal keystore, truststore).

Usage:
  ei-keystore [--home DIR] [--plain] [--dry-run]
      the wizard, screen by screen (--plain: line by line; --dry-run: no writes)
  ei-keystore --sandbox [DIR]
      the wizard on a sandbox home, created on first use
  ei-keystore status [--home DIR] [--profile P] [--json | --prometheus]
      what the configuration points at, and what is wrong with it
  ei-keystore inspect FILE [--password-env NAME] [--json]
      the entries of one keystore (JKS, JCEKS or PKCS#12)
  ei-keystore apply primary|internal|truststore|secrets --answers FILE
              [--home DIR] [--dry-run] [--keytool] [--json]
      one procedure from an answers file (examples in templates/answers/);
      secrets encrypts passwords into the secure vault
  ei-keystore restore [--home DIR] [--list | ID]
      put back the files a change replaced
  ei-keystore check-tls HOST[:PORT] [--home DIR] [--servername NAME] [--json]
      would the server trust this TLS server? what is wrong, and the fix
  ei-keystore export primary|internal [--chain] [--der] --out FILE
      our certificate (or chain) for partners, PEM or DER
  ei-keystore sandbox DIR [--profile ei-7|mi-1.1|mi-1.2|mi-4] [--json]
      create a sandbox home to try the tool on (default profile mi-4)
  ei-keystore COMMAND --help      the options of one command
  ei-keystore --help | --version

The home is --home, else $EI_HOME, else $MI_HOME, else the current directory
when it holds conf/ei.toml or conf/deployment.toml.

Passwords never go on the command line: name an environment variable that holds
them (--password-env NAME, or { env = "NAME" } in answers files), or type them
at the masked prompt on a terminal.

${exitCodesHelp()}
`;

export const COMMAND_HELP: Record<string, string> = {
  inspect: `Usage: ei-keystore inspect FILE [--password-env NAME] [--json]

Lists every entry of a keystore: alias, kind, subject, issuer, validity, key,
signature algorithm, SHA-256 fingerprint and SANs; expired and soon-expiring
certificates are marked. The format (JKS, JCEKS, PKCS#12) is told from the
file's bytes, not its name.

  --password-env NAME   read the store password from environment variable NAME
                        (without it: a masked prompt on a terminal)
  --json                one JSON document on stdout
`,
  status: `Usage: ei-keystore status [--home DIR] [--profile P] [--json | --prometheus]
                          [--vault-password-env NAME]

For the primary keystore, the internal keystore and the truststore: the file the
configuration points at, whether it opens with the configured password, holds
the alias as a key entry whose key matches its certificate, and what needs
attention (expiry, weak keys, shipped defaults, tables the product ignores).

  --home DIR     the WSO2 home (default: $EI_HOME, $MI_HOME, or the current
                 directory)
  --profile P    the product layout, when detection cannot tell: ei-7 | mi-1.1 |
                 mi-1.2 | mi-4
  --json         one JSON document on stdout
  --prometheus   node_exporter textfile-collector metrics on stdout (exit 0
                 unless the configuration cannot be read)
  --vault-password-env NAME
                 the internal keystore's password, to check $secret{}
                 passwords (else <home>/password-tmp or password-persist, or a
                 prompt on a terminal)

Exit codes: ${EXIT.ok} no errors; ${EXIT.failed} errors found; ${EXIT.badInput} the configuration cannot be read.
`,
};
