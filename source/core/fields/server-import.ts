import { aliasFromSubject } from '../aliases.js';
import type { CertificateImportValue, Choice, FieldContext, ServerChainView } from './types.js';

/** Text typed where a certificate file is asked for that names a server instead: https://... */
export function namesServer(input: string): boolean {
  return /^https:\/\//i.test(input.trim());
}

type Trust = NonNullable<CertificateImportValue['trust']>;

/**
 * Which certificates of a presented chain can be trusted, as choices whose value is the answers file's `trust`:
 * "leaf" (the server's own), "issuer" (the next one), "root" (the top-most CA presented). The default is the
 * top-most CA, or the leaf when there is none (a self-signed server).
 */
export function serverTrustChoices(view: ServerChainView): { choices: Choice[]; defaultTrust: Trust } {
  const certificates = view.certificates;
  let topCa = -1;
  for (let position = certificates.length - 1; position > 0; position--) {
    if (certificates[position]!.isCA) {
      topCa = position;
      break;
    }
  }
  const choices: Choice[] = [];
  const add = (value: Trust, position: number, hint: string) => {
    const certificate = certificates[position]!;
    choices.push({ value, label: `${position + 1}. ${certificate.subject}`, hint });
  };
  if (topCa >= 0) add('root', topCa, 'the top-most CA: keeps working when the server renews its certificate');
  if (certificates.length > 1 && topCa !== 1) add('issuer', 1, "the server's issuer");
  add('leaf', 0, "the server's own certificate: import it again whenever it is renewed");
  return { choices, defaultTrust: topCa >= 0 ? 'root' : 'leaf' };
}

/** The position a `trust` answer picks in the chain (the same rule as the answers file's). */
export function positionOfTrust(view: ServerChainView, trust: Trust): number {
  if (trust === 'leaf') return 0;
  if (trust === 'issuer') return 1;
  for (let position = view.certificates.length - 1; position > 0; position--) if (view.certificates[position]!.isCA) return position;
  return 0;
}

/** The accepted import: pinned to the fingerprint shown, the alias from the CN unless one was typed. */
export function serverImportValue(view: ServerChainView, trust: Trust, alias: string): CertificateImportValue {
  const certificate = view.certificates[positionOfTrust(view, trust)]!;
  return {
    alias,
    file: '',
    summary: `${certificate.subject}, from ${view.host}:${view.port}, valid to ${certificate.notAfter.slice(0, 10)}`,
    server: { host: view.host, port: view.port },
    trust,
    sha256: certificate.sha256,
  };
}

export function suggestedServerAlias(view: ServerChainView, trust: Trust, taken: readonly CertificateImportValue[]): string {
  const base = aliasFromSubject(view.certificates[positionOfTrust(view, trust)]!.subject);
  let alias = base;
  for (let n = 2; taken.some((item) => item.alias === alias); n++) alias = `${base}-${n}`;
  return alias;
}

/** The lines that show one presented certificate: subject; issuer and validity; SHA-256. */
export function chainLines(view: ServerChainView): string[] {
  return view.certificates.flatMap((certificate, index) => [
    `${index + 1}. ${certificate.subject}`,
    `   issued by ${certificate.issuer}; valid ${certificate.notBefore.slice(0, 10)} to ${certificate.notAfter.slice(0, 10)}`,
    `   SHA-256 ${certificate.sha256}`,
  ]);
}

export const FINGERPRINT_NOTE =
  "Compare the SHA-256 fingerprint with one obtained another way (the server's administrators, the CA) before trusting it.";

/**
 * Aliases an import cannot take: those accepted already, and (when the new truststore starts as a copy of the
 * current one) those the truststore holds, so an alias is never renamed behind the user's back at review.
 */
export function takenImportAliases(accepted: readonly CertificateImportValue[], context: FieldContext): CertificateImportValue[] {
  const current = context.values['source'] === 'existing' ? [] : (context.facts.truststoreEntries ?? []);
  return [
    ...accepted,
    ...current.map((entry) => ({ alias: entry.alias.toLowerCase(), file: '', summary: `${entry.subject}, to ${entry.notAfter}` })),
  ];
}

/** Why an alias typed for an import cannot be used, or undefined. Compared without case, as JKS stores aliases. */
export function importAliasProblem(alias: string, accepted: readonly CertificateImportValue[], context: FieldContext): string | undefined {
  const wanted = alias.trim().toLowerCase();
  if (wanted === '') return 'Give an alias.';
  if (accepted.some((item) => item.alias.toLowerCase() === wanted)) return 'That alias is taken by a certificate accepted above.';
  const entry =
    context.values['source'] === 'existing'
      ? undefined
      : context.facts.truststoreEntries?.find((candidate) => candidate.alias.toLowerCase() === wanted);
  return entry ? `"${entry.alias}" is already in the truststore (${entry.subject}); choose another alias.` : undefined;
}
