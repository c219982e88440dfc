/**
 * An alias for an imported certificate, made from its subject's CN ("CN=Partner CA, O=..." -> "partner-ca"),
 * lower case as JKS stores it; "certificate" when there is no usable CN.
 */
export function aliasFromSubject(subject: string): string {
  const cn = /(?:^|,\s*)CN=((?:\\.|[^,])+)/.exec(subject)?.[1] ?? '';
  return (
    cn
      .replace(/\\(.)/g, '$1')
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 64) || 'certificate'
  );
}
