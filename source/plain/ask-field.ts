import {
  chainLines,
  FINGERPRINT_NOTE,
  importAliasProblem,
  takenImportAliases,
  namesServer,
  serverImportValue,
  serverTrustChoices,
  suggestedServerAlias,
  valueOrDefault,
  whyOf,
} from '../core/fields/index.js';
import type { CertificateImportValue, Field, FieldContext, FieldValue, ProcedureIO } from '../core/fields/types.js';
import { rawFieldProblem, suggestAlias } from '../core/fields/raw-field.js';
import type { PlainPrompts } from './prompts.js';

const asText = (value: FieldValue | undefined) => (value === undefined ? undefined : String(value));

/**
 * Asks one field until its answer is valid: the same validation and file checks as the Ink wizard, from the same
 * field definition. A check that reads files asks again with its message.
 */
export async function askField(
  field: Field,
  context: FieldContext,
  io: ProcedureIO,
  prompts: PlainPrompts,
  say: (line: string) => void,
): Promise<FieldValue | undefined> {
  const why = whyOf(field, context);
  if (why) say(`  (${why})`);
  for (;;) {
    const value = await askOnce(field, context, io, prompts, say);
    const problem = value === undefined ? undefined : field.check ? await field.check(value, context, io) : undefined;
    if (!problem) return value;
    say(`  ✗ ${problem}`);
  }
}

async function askOnce(
  field: Field,
  context: FieldContext,
  io: ProcedureIO,
  prompts: PlainPrompts,
  say: (line: string) => void,
): Promise<FieldValue | undefined> {
  const validate = (raw: string): string | true => rawFieldProblem(field, raw, context) ?? true;
  switch (field.kind) {
    case 'choice': {
      const choices = field.choices?.(context) ?? [];
      for (;;) {
        const answer = await prompts.select(field.label, choices, asText(field.default?.(context)));
        const problem = field.validate?.(answer, context);
        if (!problem) return answer;
        say(`  ✗ ${problem}`);
      }
    }
    case 'confirm': {
      for (;;) {
        const answer = await prompts.confirm(field.label, field.default?.(context) === true);
        const problem = field.validate?.(answer, context);
        if (!problem) return answer;
        say(`  ✗ ${problem}`);
      }
    }
    case 'secret':
      return valueOrDefault(field, await prompts.password(field.label, { validate }), context);
    case 'new-secret': {
      for (;;) {
        const first = await prompts.password(field.label, { validate });
        if (first === '' && field.optional) return '';
        const warning = field.warn?.(first, context);
        if (warning) say(`  ! ${warning}`);
        const second = await prompts.password('Type it again', {});
        if (first === second) return first;
        say('  ✗ The passwords do not match; type them again.');
      }
    }
    case 'integer':
    case 'text':
      return valueOrDefault(field, await prompts.input(field.label, { default: asText(field.default?.(context)), validate }), context);
    case 'certificates':
      return askCertificates(field, context, io, prompts, say);
    case 'checklist': {
      const choices = field.choices?.(context) ?? [];
      if (prompts.checkbox) return prompts.checkbox(field.label, choices);
      for (const choice of choices) say(`    ${choice.label}${choice.hint ? `  ${choice.hint}` : ''}`);
      const known = new Set(choices.map((choice) => choice.value));
      const line = await prompts.input(`${field.label}: values, comma-separated`, {
        validate: (value) => {
          const unknown = value
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean)
            .find((item) => !known.has(item));
          return unknown === undefined ? true : `"${unknown}" is not one of those listed.`;
        },
      });
      return line
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    }
  }
}

async function askCertificates(
  field: Field,
  context: FieldContext,
  io: ProcedureIO,
  prompts: PlainPrompts,
  say: (line: string) => void,
): Promise<CertificateImportValue[]> {
  const accepted: CertificateImportValue[] = [];
  say(`  ${field.label}`);
  for (;;) {
    const file = (await prompts.input('Certificate file, or a server as https://host:port (empty to finish)', {})).trim();
    if (file === '') return accepted;
    if (namesServer(file) && io.fetchServerChain) {
      const fetched = await io.fetchServerChain(file);
      if ('problem' in fetched) {
        say(`  ✗ ${fetched.problem}`);
        continue;
      }
      const view = fetched.chain;
      say(`  ${view.host}:${view.port} presents:`);
      for (const line of chainLines(view)) say(`    ${line}`);
      say(`  ${FINGERPRINT_NOTE}`);
      const { choices, defaultTrust } = serverTrustChoices(view);
      const trust = (await prompts.select('Trust which certificate?', choices, defaultTrust)) as 'root' | 'issuer' | 'leaf';
      const alias = (
        await prompts.input('Alias for it in the truststore', {
          default: suggestedServerAlias(view, trust, takenImportAliases(accepted, context)),
          validate: (value) => importAliasProblem(value, accepted, context) ?? true,
        })
      ).trim();
      accepted.push(serverImportValue(view, trust, alias));
      continue;
    }
    const read = await io.readCertificates(file);
    if ('problem' in read) {
      say(`  ✗ ${read.problem}`);
      continue;
    }
    for (const summary of read.summaries) say(`    ${summary}`);
    const suggested = suggestAlias(read.summaries[0] ?? file, takenImportAliases(accepted, context));
    const alias = (
      await prompts.input('Alias for it in the truststore', {
        default: suggested,
        validate: (value) => importAliasProblem(value, accepted, context) ?? true,
      })
    ).trim();
    accepted.push({ alias, file, summary: read.summaries.join('; ') });
  }
}
