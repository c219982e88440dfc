import { parseCommandArgs, profileFlag } from '../cli/args.js';
import type { CommandContext } from '../cli/context.js';
import { colourEnabled, makeStyle, type Style } from '../core/terminal-style.js';
import { jsonText, printableLines } from '../core/printable.js';
import { UserError } from '../errors.js';
import { colonHex } from '../keystore/x509/certificate.js';
import { trustAnchorsOf } from '../keystore/java-lookup.js';
import { checkServer, type ServerCheck } from '../network/check-server.js';
import { ConnectError, parseServerAddress, showAddress } from '../network/fetch-chain.js';
import { loadHomeFacts } from '../procedures/facts.js';
import { openConfiguredKeystore } from '../procedures/current-keystore.js';
import { FileStore } from '../procedures/home-snapshot.js';
import { EXIT } from '../exit-codes.js';
import { calendarDay } from '../calendar-day.js';

export const CHECK_TLS_HELP = `Usage: ei-keystore check-tls HOST[:PORT] [--home DIR] [--servername NAME]
       [--json]

Connects to a TLS server (port 443 unless given; HTTPS_PROXY and NO_PROXY are
honoured through CONNECT; 10 s timeout), takes the certificate chain it
presents, and judges it as the WSO2 server's outbound HTTPS calls would with
this home's truststore, by Java's rules: the answer to "PKIX path building
failed". Each problem comes with its fix: a root CA to import, an intermediate
the server fails to send, a self-signed certificate, an expired certificate, a
name mismatch, a weak signature.

  HOST[:PORT]        host name or IP address, or https://host:port
  --home DIR         the server home whose truststore is used (default:
                     $EI_HOME, $MI_HOME, or the current directory)
  --servername NAME  the name sent as SNI and checked against the certificate
                     (default: HOST)
  --profile P        the product layout: ei-7 | mi-1.1 | mi-1.2 | mi-4
  --json             one JSON document on stdout

Exit codes: ${EXIT.ok} trusted; ${EXIT.failed} not trusted; ${EXIT.badInput} could not connect, or bad input.
`;

export async function checkTlsCommand(args: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('check-tls', args, {
    home: { type: 'string' },
    servername: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    context.stdout.write(CHECK_TLS_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UserError(
      `check-tls takes one server, HOST[:PORT] (got ${positionals.length}). See 'ei-keystore check-tls --help'.`,
      'usage',
    );
  const parsed = parseServerAddress(positionals[0]!);
  if (!parsed)
    throw new UserError(`check-tls ${positionals[0]}: not a server address; write HOST, HOST:PORT or https://HOST:PORT.`, 'usage');
  const profile = profileFlag(values.profile);
  if (values.servername !== undefined && !/^[A-Za-z0-9.-]+$/.test(values.servername))
    throw new UserError(`--servername ${values.servername}: not a host name.`, 'usage');

  const facts = loadHomeFacts({
    home: values.home,
    env: context.env,
    cwd: context.cwd,
    now: context.now,
    profile,
  });
  const role = facts.resolved.roles.truststore;
  const files = new FileStore(facts.located.home);
  await files.load('present', role.file);
  const { keystore } = await openConfiguredKeystore(role, 'judge the server against the truststore', files);
  const anchors = trustAnchorsOf(keystore);
  const address = { ...parsed, ...(values.servername ? { servername: values.servername } : {}) };

  let check: ServerCheck;
  try {
    check = await checkServer(address, anchors, { env: context.env, now: context.now });
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    const message = `could not connect: ${error.message}. Nothing was judged.`;
    if (values.json) {
      context.stdout.write(
        jsonText({
          server: showAddress(parsed.host, parsed.port),
          connected: false,
          trusted: false,
          error: { code: 'connect-failed', reason: error.reason, exitCode: EXIT.badInput, message },
        }) + '\n',
      );
      context.stderr.write(`ei-keystore: ${printableLines(message)}\n`);
      return EXIT.badInput;
    }
    throw new UserError(message, 'connect-failed', EXIT.badInput);
  }
  const truststore = { file: role.file, anchors: anchors.length };
  if (values.json) {
    context.stdout.write(jsonText(checkJson(check, truststore)) + '\n');
  } else {
    context.stdout.write(renderCheck(check, truststore, makeStyle(colourEnabled(context.stdout, context.env))));
  }
  return check.judgement.trusted ? EXIT.ok : EXIT.failed;
}

export function checkJson(check: ServerCheck, truststore: { file: string; anchors: number }) {
  const { judgement } = check;
  return {
    server: showAddress(check.address.host, check.address.port),
    name: check.name,
    connected: true,
    proxy: check.connection.proxy,
    protocol: check.connection.protocol,
    cipher: check.connection.cipher,
    truststore,
    trusted: judgement.trusted,
    verdict: judgement.trusted ? 'trusted' : judgement.problems[0]!.code,
    anchor: judgement.anchor,
    problems: judgement.problems,
    notes: judgement.notes,
    presented: judgement.presented.map((certificate) => ({
      position: certificate.position,
      subject: certificate.subject,
      issuer: certificate.issuer,
      notBefore: certificate.notBefore.toISOString(),
      notAfter: certificate.notAfter.toISOString(),
      sha256: certificate.sha256,
      signatureAlgorithm: certificate.signatureAlgorithm,
      keyAlgorithm: certificate.keyAlgorithm,
      keySize: certificate.keySize ?? null,
      subjectAltNames: certificate.subjectAltNames,
      isCA: certificate.isCA,
    })),
    suggestedTrust: judgement.suggestedTrust,
  };
}

export function renderCheck(check: ServerCheck, truststore: { file: string; anchors: number }, style: Style): string {
  const { judgement } = check;
  const lines: string[] = [];
  const server = showAddress(check.address.host, check.address.port);
  lines.push(
    `${style.bold(server)}${check.name !== check.address.host ? ` (name ${check.name})` : ''}${check.connection.proxy ? ` through the proxy ${check.connection.proxy}` : ''}: ${check.connection.protocol ?? 'TLS'}${check.connection.cipher ? `, ${check.connection.cipher}` : ''}`,
  );
  lines.push(`Truststore ${truststore.file} (${truststore.anchors} trusted certificates)`);
  lines.push('', `The server presented ${judgement.presented.length} certificate${judgement.presented.length === 1 ? '' : 's'}:`);
  for (const certificate of judgement.presented) {
    lines.push(`  ${certificate.position}. ${certificate.subject}`);
    lines.push(`     issued by ${certificate.issuer}`);
    lines.push(
      `     valid ${calendarDay(certificate.notBefore)} to ${calendarDay(certificate.notAfter)}, ${certificate.signatureAlgorithm}${certificate.isCA ? ', CA' : ''}`,
    );
    if (certificate.subjectAltNames.length > 0) lines.push(`     names ${certificate.subjectAltNames.join(', ')}`);
    lines.push(`     SHA-256 ${colonHex(certificate.sha256)}`);
  }
  lines.push('');
  if (judgement.trusted) {
    lines.push(
      `${style.green('Trusted')}: Java would accept ${server}${judgement.anchor ? `; the path ends at the truststore's "${judgement.anchor.alias}" (${judgement.anchor.subject})` : ''}.`,
    );
  } else {
    lines.push(`${style.red('Not trusted')}: Java would refuse ${server} ("PKIX path building failed" or a certificate error).`);
    for (const problem of judgement.problems) {
      lines.push(`  - ${problem.message}.`);
      lines.push(`    Fix: ${problem.fix}`);
    }
  }
  for (const note of judgement.notes) lines.push(`  ${style.yellow('Note')}: ${note.message}.`);
  return `${printableLines(lines.join('\n'))}\n`;
}
