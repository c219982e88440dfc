/**
 * The subject and names are parsed once, where the answers are read: planning and building use the parsed value
 * the answers carry, never a fresh parse of the text. To prove it, each test reads a real answers file, then
 * swaps the parsed values for others that no parse of the text could give (the text stays as written), and
 * checks that the certificate or request carries the swapped values. A consumer that re-parsed the text would
 * put the written names in instead.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAnswersFile } from '../../source/answers/answers-file.js';
import type { DnameAnswer, SanAnswer } from '../../source/answers/types.js';
import { readKeystore } from '../../source/keystore/open.js';
import { summarizeCertificate } from '../../source/keystore/x509/certificate.js';
import { readCertificateRequest } from '../../source/keystore/x509/csr.js';
import { encodeDname } from '../../source/keystore/x509/dname.js';
import { readHomeSnapshot } from '../../source/procedures/home-snapshot.js';
import { gatherPlanInputs } from '../../source/procedures/plan-inputs.js';
import { planChange } from '../../source/procedures/prepare.js';
import type { PreparedChange } from '../../source/procedures/prepared.js';
import { createSandbox } from '../../source/sandbox/create-sandbox.js';
import { tempDir } from '../support/tmp.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const PASSWORD = 'fresh-password-1';
const env = { NEW_PASS: PASSWORD };
const KEYSTORE = '[keystore]\nfile_name = "ei-primary.jks"\nalias = "ei-primary"\npassword = { env = "NEW_PASS" }\n';
const WRITTEN_NAMES = 'dname = "CN=written.example.com, O=Written"\nsubject_alt_names = ["DNS:written.example.com"]\n';

/** What no parse of WRITTEN_NAMES gives: if a certificate shows these, it was built from the answers' parsed values. */
const SWAPPED_DNAME: DnameAnswer = {
  text: 'CN=written.example.com, O=Written',
  attributes: [
    { type: 'CN', value: 'parsed.example.com' },
    { type: 'O', value: 'Parsed' },
  ],
};
const SWAPPED_SANS: SanAnswer[] = [{ text: 'DNS:written.example.com', entry: { kind: 'dns', value: 'parsed.example.com' } }];

async function planWithSwappedNames(answersText: string): Promise<PreparedChange> {
  const { home } = await createSandbox(path.join(tempDir(), 'home'), 'mi-4', NOW);
  const answersFile = path.join(tempDir(), 'answers.toml');
  writeFileSync(answersFile, answersText);
  const { answers, secrets } = await readAnswersFile(answersFile, 'primary', env);
  if (answers.procedure !== 'primary') throw new Error('primary answers expected');
  const keystore = answers.keystore;
  // The file's own parse first: the text kept as written, the values parsed from it.
  const names = keystore.source === 'generate' ? keystore.generate : keystore.source === 'csr' ? keystore.csr : undefined;
  expect(names?.dname?.text).toBe('CN=written.example.com, O=Written');
  expect(names?.dname?.attributes).toEqual([
    { type: 'CN', value: 'written.example.com' },
    { type: 'O', value: 'Written' },
  ]);
  expect(names?.subjectAltNames).toEqual([{ text: 'DNS:written.example.com', entry: { kind: 'dns', value: 'written.example.com' } }]);
  if (keystore.source === 'generate') keystore.generate = { ...keystore.generate, dname: SWAPPED_DNAME, subjectAltNames: SWAPPED_SANS };
  else if (keystore.source === 'csr' && keystore.csr.key === 'new')
    keystore.csr = { ...keystore.csr, dname: SWAPPED_DNAME, subjectAltNames: SWAPPED_SANS };
  else throw new Error('a generate or new-key csr answers file expected');
  const snapshot = await readHomeSnapshot({ home, env, cwd: home, now: NOW });
  await gatherPlanInputs(snapshot, answers, { env });
  return planChange(snapshot, answers, secrets);
}

async function leafOf(prepared: PreparedChange, fileName: string): Promise<Buffer> {
  const write = prepared.writes.find((candidate) => path.basename(candidate.path) === fileName);
  if (!write) throw new Error(`no write of ${fileName}`);
  const keystore = await readKeystore(Buffer.from(write.content), PASSWORD);
  const entry = keystore.entries.find((candidate) => candidate.kind === 'private-key');
  if (entry?.kind !== 'private-key') throw new Error(`${fileName} holds no key entry`);
  return entry.chain[0]!;
}

describe('answers carry parsed names: planning and building use them, never a fresh parse of the text', () => {
  it('primary, source = "generate": the self-signed certificate has the parsed subject and names', async () => {
    const prepared = await planWithSwappedNames(`${KEYSTORE}source = "generate"\n[keystore.generate]\n${WRITTEN_NAMES}`);
    const leaf = summarizeCertificate(await leafOf(prepared, 'ei-primary.jks'));
    expect(leaf.subject).toMatch(/CN=parsed\.example\.com/);
    expect(leaf.subject).not.toMatch(/written/);
    expect(leaf.subjectAltNames).toEqual(['DNS:parsed.example.com']);
  });

  it('primary, source = "csr": the request and the pending key have the parsed subject and names', async () => {
    const prepared = await planWithSwappedNames(`${KEYSTORE}source = "csr"\ncsr_file = "request.csr"\n[keystore.csr]\n${WRITTEN_NAMES}`);
    const request = prepared.writes.find((write) => path.basename(write.path) === 'request.csr');
    if (!request) throw new Error('no request written');
    expect(readCertificateRequest(Buffer.from(request.content)).subject).toEqual(encodeDname(SWAPPED_DNAME.attributes));
    // The plan and the pending record show the user's text for the subject, and the names as they go in the request.
    expect(prepared.request).toMatchObject({ subject: 'CN=written.example.com, O=Written', subjectAltNames: ['DNS:parsed.example.com'] });
    const standIn = summarizeCertificate(await leafOf(prepared, 'primary.jks'));
    expect(standIn.subject).toMatch(/CN=parsed\.example\.com/);
    expect(standIn.subjectAltNames).toEqual(['DNS:parsed.example.com']);
  });
});
