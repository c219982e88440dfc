import { aliasFromSubject } from '../core/aliases.js';
import type { ServerImport, TruststoreImport } from '../answers/types.js';
import { UserError } from '../errors.js';
import { judgeTlsChain, type TrustAnchor } from '../keystore/x509/tls-trust.js';
import type { EntryToWrite } from '../keystore/write.js';
import { parseCertificateFile } from '../keystore/x509/certificate-file.js';
import { colonHex, summarizeCertificate } from '../keystore/x509/certificate.js';
import { ConnectError, showAddress, type ServerAddress } from '../network/fetch-chain.js';
import { presentedChain, type HomeSnapshot } from './home-snapshot.js';

/** One certificate an import brings, before it meets the truststore. */
export interface ImportedCertificate {
  /** The alias asked for, or one derived from the CN when the answers gave none. */
  alias: string;
  aliasGiven: boolean;
  certificate: Buffer;
  /** Where it came from, for the plan: a file, or "host:port (certificate 2 of 3)". */
  from: string;
  /** For a server import: what it presented, to judge it again against the truststore as it will be. */
  server?: { address: ServerAddress; chain: Buffer[] };
}

export interface ImportOptions {
  /** `apply --trust-on-first-use`: a server import without sha256 is accepted, and its fingerprint said. */
  trustOnFirstUse?: boolean;
}

/**
 * The certificates of `[[truststore.import]]`: each file's certificates (a bundle gives one alias each), and for a
 * server the one certificate `trust` picks from the chain it presents, which must match the `sha256` pin.
 * Returns notes for the plan (fingerprints accepted on first use).
 */
export function certificatesToImport(
  snapshot: HomeSnapshot,
  imports: readonly TruststoreImport[],
  options: ImportOptions,
): { certificates: ImportedCertificate[]; notes: string[] } {
  const certificates: ImportedCertificate[] = [];
  const notes: string[] = [];
  for (const [index, item] of imports.entries()) {
    if (item.file !== undefined) {
      const read = parseCertificateFile(snapshot.files.required('certificate', item.file), item.file);
      read.forEach((certificate, position) => {
        const base = item.alias !== '' ? item.alias : aliasFromSubject(summarizeCertificate(certificate).subject);
        certificates.push({
          alias: position === 0 || item.alias === '' ? base : `${base}-${position + 1}`,
          aliasGiven: item.alias !== '',
          certificate,
          from: item.file!,
        });
      });
      continue;
    }
    const chosen = certificateFromServer(snapshot, item, index, options);
    certificates.push(chosen.certificate);
    notes.push(...chosen.notes);
  }
  return { certificates, notes };
}

function certificateFromServer(
  snapshot: HomeSnapshot,
  item: ServerImport,
  index: number,
  options: ImportOptions,
): { certificate: ImportedCertificate; notes: string[] } {
  const where = `[[truststore.import]] #${index + 1}`;
  const address = showAddress(item.server.host, item.server.port);
  let chain: Buffer[];
  try {
    chain = presentedChain(snapshot, item.server);
  } catch (error) {
    if (error instanceof ConnectError)
      throw new UserError(`${where}: could not connect: ${error.message}. Nothing was written.`, 'connect-failed');
    throw error;
  }
  const summaries = chain.map((der) => summarizeCertificate(der));
  const listing = summaries
    .map((summary, position) => `  ${position + 1}. ${summary.subject} (issued by ${summary.issuer}), SHA-256 ${colonHex(summary.sha256)}`)
    .join('\n');
  const notes: string[] = [];
  const position = choosePosition(item, summaries, where, address, listing, notes);
  const chosen = summaries[position]!;
  if (item.sha256 === undefined) {
    if (!options.trustOnFirstUse) {
      throw new UserError(
        `${where}: ${address} presents\n${listing}\nand the answers pin none of them. Compare the fingerprint of certificate ${position + 1} with one obtained another way (from the server's administrators or the CA), then add sha256 = "${chosen.sha256}" to ${where}; or run with --trust-on-first-use to accept what the server presents now. Nothing was written.`,
        'pin-missing',
      );
    }
    notes.push(
      `Trusted on first use (--trust-on-first-use): ${chosen.subject} from ${address}, SHA-256 ${colonHex(chosen.sha256)}. Compare it with one obtained another way, and pin it in the answers: sha256 = "${chosen.sha256}".`,
    );
  } else if (item.sha256 !== chosen.sha256) {
    const elsewhere = summaries.findIndex((summary) => summary.sha256 === item.sha256);
    const hint =
      elsewhere >= 0
        ? ` The pin is certificate ${elsewhere + 1}'s: set trust = "${elsewhere === 0 ? 'leaf' : elsewhere === summaries.length - 1 ? 'root' : 'issuer'}" to trust that one.`
        : ' The server presents a different certificate than the one pinned: it was replaced, or something between here and the server intercepts the connection. Check with its administrators before changing the pin.';
    throw new UserError(
      `${where}: the certificate of ${address} chosen by trust = "${item.trust ?? 'root'}" has SHA-256 ${colonHex(chosen.sha256)}, not the pinned ${colonHex(item.sha256)}.${hint}\nThe server presents:\n${listing}\nNothing was written.`,
      'pin-mismatch',
    );
  }
  const alias = item.alias !== '' ? item.alias : aliasFromSubject(chosen.subject);
  return {
    certificate: {
      alias,
      aliasGiven: item.alias !== '',
      certificate: chain[position]!,
      from: `${address} (certificate ${position + 1} of ${chain.length})`,
      server: { address: item.server, chain },
    },
    notes,
  };
}

function choosePosition(
  item: ServerImport,
  summaries: ReturnType<typeof summarizeCertificate>[],
  where: string,
  address: string,
  listing: string,
  notes: string[],
): number {
  const topCa = (() => {
    for (let position = summaries.length - 1; position > 0; position--) if (summaries[position]!.isCA) return position;
    return -1;
  })();
  switch (item.trust) {
    case 'leaf':
      return 0;
    case 'issuer':
      if (summaries.length < 2)
        throw new UserError(
          `${where}: ${address} presents only its own certificate, so there is no issuer to trust; use trust = "leaf", or import the issuer from a file (get it from the CA). Nothing was written.`,
          'chain-too-short',
        );
      return 1;
    case 'root':
      if (topCa < 0)
        throw new UserError(
          `${where}: ${address} presents no CA certificate:\n${listing}\nUse trust = "leaf" to trust its own certificate, or import its CA from a file. Nothing was written.`,
          'chain-too-short',
        );
      return topCa;
    default:
      if (topCa >= 0) return topCa;
      if (summaries[0]!.selfIssued) return 0;
      notes.push(
        `${address} presents only its own certificate, not its CA's; its certificate itself is trusted, and must be imported again when it is renewed. Better: have the server send its chain, and import the CA.`,
      );
      return 0;
  }
}

/**
 * What check-tls would say about each imported server against the truststore as it will be (the review's "after
 * this change, host:port is trusted"), judged on the chain fetched for the import, by Java's rules.
 */
export function verdictsAfter(imported: readonly ImportedCertificate[], entries: readonly EntryToWrite[], now: Date): string[] {
  const anchors: TrustAnchor[] = entries.flatMap((entry): TrustAnchor[] =>
    entry.kind === 'trusted-certificate'
      ? [{ alias: entry.alias, der: entry.certificate }]
      : entry.chain[0]
        ? [{ alias: entry.alias, der: entry.chain[0] }]
        : [],
  );
  return imported.flatMap((item) => {
    if (!item.server) return [];
    const { address, chain } = item.server;
    const name = address.servername ?? address.host;
    const shown = showAddress(address.host, address.port) + (address.servername ? ` (name ${address.servername})` : '');
    const judged = judgeTlsChain({ presented: chain, anchors, host: name, port: address.port, now });
    if (judged.trusted)
      return [`After this change, ${shown} is trusted (check-tls, by Java's rules: the path ends at "${judged.anchor!.alias}").`];
    const problem = judged.problems[0]!;
    return [`After this change, ${shown} is still NOT trusted: ${problem.message}. ${problem.fix}`];
  });
}
