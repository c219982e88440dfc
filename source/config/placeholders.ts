/**
 * WSO2's configuration placeholders: `$ref{a.b.c}` (another key), `$env{NAME}`, `$sys{name}` (a Java system
 * property) and `$secret{alias}` (a secure-vault entry). Nothing here throws on odd input: problems come back
 * as sentences, because a status report must still show everything else.
 */

export type SecretValue =
  | { kind: 'literal'; value: string }
  | { kind: 'env'; name: string; value?: string }
  | { kind: 'secret'; alias: string }
  | { kind: 'sys'; name: string }
  | { kind: 'missing' };

export type PlaceholderKind = 'ref' | 'env' | 'secret' | 'sys';
export type Placeholder = { kind: PlaceholderKind; name: string };
export type Token = { kind: 'text'; text: string } | Placeholder;

function isPlaceholder(kind: PlaceholderKind): (token: Token) => token is Placeholder {
  return (token): token is Placeholder => token.kind === kind;
}

const PLACEHOLDER = /\$(ref|env|secret|sys)\{([^}]*)\}/g;

/** Beyond this depth a $ref chain is reported rather than followed. */
const MAX_REF_DEPTH = 32;

export function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of value.matchAll(PLACEHOLDER)) {
    const index = match.index;
    if (index > last) tokens.push({ kind: 'text', text: value.slice(last, index) });
    tokens.push({ kind: match[1] as PlaceholderKind, name: (match[2] ?? '').trim() });
    last = index + match[0].length;
  }
  if (last < value.length) tokens.push({ kind: 'text', text: value.slice(last) });
  return tokens;
}

export function hasPlaceholder(value: string, kind?: PlaceholderKind): boolean {
  return tokenize(value).some((token) => (kind ? token.kind === kind : token.kind !== 'text'));
}

/** A raw configuration value for a dotted key, or undefined when no source has it. */
export type RefLookup = (key: string) => unknown;

export interface Expansion {
  /** Undefined when a $ref could not be resolved (the problem says which). */
  value?: string;
  problems: string[];
}

/** A TOML scalar as the product's configuration mapper sees it; tables, arrays and dates are not values here. */
export function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

/**
 * Replaces every `$ref{key}` with the value it names, recursively. `trail` holds the keys being expanded, so a
 * key that refers back to itself is reported instead of looping.
 */
export function expandRefs(value: string, lookup: RefLookup, trail: readonly string[] = []): Expansion {
  const problems: string[] = [];
  let out = '';
  let complete = true;
  for (const token of tokenize(value)) {
    if (token.kind === 'text') out += token.text;
    else if (token.kind !== 'ref') out += `$${token.kind}{${token.name}}`;
    else {
      const resolved = expandOneRef(token.name, lookup, trail);
      problems.push(...resolved.problems);
      if (resolved.value === undefined) complete = false;
      else out += resolved.value;
    }
  }
  return complete ? { value: out, problems } : { problems };
}

function expandOneRef(key: string, lookup: RefLookup, trail: readonly string[]): Expansion {
  if (trail.includes(key)) {
    return { problems: [`circular $ref: ${[...trail, key].join(' -> ')}`] };
  }
  if (trail.length >= MAX_REF_DEPTH) {
    return { problems: [`$ref chain deeper than ${MAX_REF_DEPTH} at ${key}`] };
  }
  const raw = lookup(key);
  if (raw === undefined) {
    return { problems: [`$ref{${key}} names a key that neither the configuration nor the defaults have`] };
  }
  const text = scalarText(raw);
  if (text === undefined) return { problems: [`$ref{${key}} names a table or array, not a value`] };
  return expandRefs(text, lookup, [...trail, key]);
}

/**
 * A password after $ref expansion. A lone placeholder keeps its kind so the UI can say where the secret
 * lives (and ask for it); mixed text is classified by the placeholder that decides whether its value is known.
 */
export function classifySecret(expanded: string, env: NodeJS.ProcessEnv): SecretValue {
  const tokens = tokenize(expanded);
  const secret = tokens.find(isPlaceholder('secret'));
  if (secret) return { kind: 'secret', alias: secret.name };
  const sys = tokens.find(isPlaceholder('sys'));
  if (sys) return { kind: 'sys', name: sys.name };
  const first = tokens.find(isPlaceholder('env'));
  if (!first) return { kind: 'literal', value: expanded };
  let value = '';
  for (const token of tokens) {
    if (token.kind === 'text') value += token.text;
    else {
      const set = env[token.name];
      if (set === undefined) return { kind: 'env', name: first.name };
      value += set;
    }
  }
  return { kind: 'env', name: first.name, value };
}

/**
 * A non-secret value (file name, type, alias) after $ref expansion: `$env` and known `$sys` properties are
 * substituted; anything left is kept as written and reported.
 */
export function substituteText(
  expanded: string,
  env: NodeJS.ProcessEnv,
  sys: Readonly<Record<string, string>>,
): { value: string; problems: string[] } {
  const problems: string[] = [];
  let value = '';
  for (const token of tokenize(expanded)) {
    if (token.kind === 'text') {
      value += token.text;
      continue;
    }
    const known = token.kind === 'env' ? env[token.name] : token.kind === 'sys' ? sys[token.name] : undefined;
    if (known !== undefined) value += known;
    else {
      value += `$${token.kind}{${token.name}}`;
      problems.push(unresolvedText(token.kind, token.name));
    }
  }
  return { value, problems };
}

function unresolvedText(kind: PlaceholderKind, name: string): string {
  switch (kind) {
    case 'env':
      return `$env{${name}} is not set in this environment`;
    case 'sys':
      return `$sys{${name}} is a Java system property this tool cannot know`;
    case 'secret':
      return `$secret{${name}} is used where a plain value is expected`;
    case 'ref':
      return `$ref{${name}} is not resolved`;
  }
}

/** For messages: what a secret is without revealing it. */
export function describeSecret(secret: SecretValue): string {
  switch (secret.kind) {
    case 'literal':
      return 'a password written in the file';
    case 'env':
      return secret.value === undefined ? `$env{${secret.name}} (not set)` : `$env{${secret.name}}`;
    case 'secret':
      return `$secret{${secret.alias}} (secure vault)`;
    case 'sys':
      return `$sys{${secret.name}} (Java system property)`;
    case 'missing':
      return 'no password';
  }
}

/** A TOML table as smol-toml returns it (dates are objects too, but not tables). */
export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The value at a dotted key (`keystore.primary.file_name`) in parsed TOML data, or undefined. */
export function lookupDotted(data: Readonly<Record<string, unknown>>, key: string): unknown {
  let node: unknown = data;
  for (const part of key.split('.')) {
    if (!isTable(node) || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return node;
}

export function hasTable(data: Readonly<Record<string, unknown>>, key: string): boolean {
  return isTable(lookupDotted(data, key));
}
