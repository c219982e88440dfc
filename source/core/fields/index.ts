import { INTERNAL_PROCEDURE, PRIMARY_PROCEDURE } from './keystore-fields.js';
import { TRUSTSTORE_PROCEDURE } from './truststore-fields.js';
import { HARDEN_PROCEDURE } from './harden-fields.js';
import type { Field, FieldContext, FieldValue, FieldValues, ProcedureDefinition } from './types.js';

export type * from './types.js';
export { keystoreAnswersFrom, truststoreAnswersFrom } from './to-answers.js';
export { PRIMARY_PROCEDURE, INTERNAL_PROCEDURE, TRUSTSTORE_PROCEDURE, HARDEN_PROCEDURE };
export { hardenAnswersFrom } from './harden-fields.js';

export const PROCEDURE_DEFINITIONS: Readonly<Record<ProcedureDefinition['id'], ProcedureDefinition>> = {
  primary: PRIMARY_PROCEDURE,
  internal: INTERNAL_PROCEDURE,
  truststore: TRUSTSTORE_PROCEDURE,
  secrets: HARDEN_PROCEDURE,
};

/** The fields asked, in order, given the values so far (a field hidden by an earlier answer is skipped). */
export function visibleFields(definition: ProcedureDefinition, context: FieldContext): Field[] {
  return definition.fields.filter((field) => !field.when || field.when(context));
}

/** Values with hidden fields dropped, so an answer given on a path the user then left does not leak into the result. */
export function effectiveValues(definition: ProcedureDefinition, context: FieldContext): FieldValues {
  const visible = new Set(visibleFields(definition, context).map((field) => field.id));
  return Object.fromEntries(Object.entries(context.values).filter(([id]) => visible.has(id)));
}

/** What an empty answer means: the field's default, else nothing. */
export function valueOrDefault(field: Field, typed: FieldValue | undefined, context: FieldContext): FieldValue | undefined {
  if (typed === '' || typed === undefined) return field.default?.(context) ?? (field.optional ? '' : undefined);
  if (field.kind === 'integer') return Number(typed);
  return typed;
}

/** The field's `why` line, if any. */
export function whyOf(field: Field, context: FieldContext): string | undefined {
  return typeof field.why === 'function' ? field.why(context) : field.why;
}
export {
  chainLines,
  FINGERPRINT_NOTE,
  importAliasProblem,
  takenImportAliases,
  namesServer,
  serverImportValue,
  serverTrustChoices,
  suggestedServerAlias,
} from './server-import.js';
