import { valueOrDefault } from './index.js';
import type { CertificateImportValue, Field, FieldContext } from './types.js';

/**
 * What is wrong with the text typed into a field, judged as both front ends judge it while the user types: empty
 * is fine when the field has a default or is optional, otherwise the field's own validation of the value the text
 * stands for. Undefined when it is acceptable.
 */
export function rawFieldProblem(field: Field, raw: string, context: FieldContext): string | undefined {
  if (raw === '' && !field.optional && field.default?.(context) === undefined) return 'An answer is needed.';
  const value = valueOrDefault(field, raw, context);
  if (value === undefined || value === '') return undefined;
  return field.validate?.(value, context);
}

/** A readable alias from the certificate's CN ("CN=Partner CA, O=..." -> "partner-ca"). */
export function suggestAlias(summary: string, taken: readonly CertificateImportValue[]): string {
  const cn = /CN=([^,]+)/.exec(summary)?.[1] ?? 'certificate';
  const base =
    cn
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'certificate';
  let alias = base;
  for (let n = 2; taken.some((item) => item.alias === alias); n++) alias = `${base}-${n}`;
  return alias;
}
