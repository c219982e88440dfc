/**
 * WSO2's configuration placeholders: `$ref{a.b.c}` (another key), `$env{NAME}`, `$sys{name}` (a Java system
 * property) and `$secret{alias}` (a secure-vault entry). Nothing here throws on odd input: problems come back
 * as sentences, because a status report must still show everything else.
 */

export type SecretValue =
  | { kind: 'literal'; value: string }
  | { kind: 'env'; name: string; value?: string }
  /** `value` once the secure vault is unlocked: the alias's `[secrets]` value, decrypted with the internal key. */
  | { kind: 'secret'; alias: string; value?: string }
  | { kind: 'sys'; name: string }
  | { kind: 'missing' };

export type PlaceholderKind = 'ref' | 'env' | 'secret' | 'sys';
export type Placeholder = { kind: PlaceholderKind; name: string };
export type Token = { kind: 'text'; text: string } | Placeholder;

function isPlaceholder(kind: PlaceholderKind): (token: Token) => token is Placeholder {
  return (token): token is Placeholder => token.kind === kind;
}

const PLACEHOLDER = /\$(ref|env|secret|sys)\{([^}]*)\}/g;

/**
 * Bounds of one `$ref` expansion. Whoever owns a home writes its configuration, and eight lines that each refer
 * to the previous one ten times expand to 10^8 characters: the expansion stops at either bound, at once.
 */
export const MAX_REF_DEPTH = 16;
export const MAX_EXPANDED_LENGTH = 64 * 1024;

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

/** A raw configuration value for a dotted key, or undefined when no source has it. */
export type RefLookup = (key: string) => unknown;

export interface Expansion {
  /** Undefined when a $ref could not be resolved (the problem says which). */
  value?: string;
  problems: string[];
  /**
   * Set when the expansion was abandoned at a bound (a chain deeper than MAX_REF_DEPTH, or a value longer than
   * MAX_EXPANDED_LENGTH) or at a `$ref` to a table or an array: not a value that is merely unknown here, but a
   * configuration the product cannot use either. `problems` then holds that one problem, and the resolver refuses
   * the configuration (`config-invalid`) instead of reporting the key as unresolved.
   */
  fatal?: true;
}

/** A TOML scalar as the product's configuration mapper sees it; tables, arrays and dates are not values here. */
export function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') return String(raw);
  return undefined;
}

/** What one key expanded to, kept for the rest of the expansion: its value, and the longest $ref chain below it. */
interface KeyExpansion {
  value?: string;
  problems: readonly string[];
  height: number;
}

class BoundExceeded extends Error {}
/** A `$ref` to a table or an array: the product's templates cannot print one where a value belongs either. */
class NotAValue extends Error {}

/**
 * Replaces every `$ref{key}` with the value it names, recursively. `trail` holds the keys being expanded (the
 * resolver passes the key whose value this is), so a key that refers back to itself is reported instead of
 * looping. Each key is expanded once per call and its result reused, so the work is linear in the text read
 * and written, and both bounds (MAX_REF_DEPTH, MAX_EXPANDED_LENGTH) end the expansion with `fatal`.
 */
export function expandRefs(value: string, lookup: RefLookup, trail: readonly string[] = []): Expansion {
  const expander = new RefExpander(lookup, trail);
  try {
    const result = expander.text(value, trail, 0);
    const problems = [...new Set(result.problems)];
    return result.value === undefined ? { problems } : { value: result.value, problems };
  } catch (error) {
    if (error instanceof BoundExceeded || error instanceof NotAValue) return { problems: [error.message], fatal: true };
    throw error;
  }
}

class RefExpander {
  private readonly done = new Map<string, KeyExpansion>();

  constructor(
    private readonly lookup: RefLookup,
    private readonly root: readonly string[],
  ) {}

  /** `text` with its refs replaced; `depth` is the number of $ref hops taken to reach it. */
  text(text: string, trail: readonly string[], depth: number): KeyExpansion {
    const problems: string[] = [];
    let out = '';
    let complete = true;
    let height = 0;
    for (const token of tokenize(text)) {
      let piece: string | undefined;
      if (token.kind === 'text') piece = token.text;
      else if (token.kind !== 'ref') piece = `$${token.kind}{${token.name}}`;
      else {
        const resolved = this.ref(token.name, trail, depth + 1);
        problems.push(...resolved.problems);
        height = Math.max(height, resolved.height + 1);
        piece = resolved.value;
      }
      if (piece === undefined) complete = false;
      else if (complete) {
        if (out.length + piece.length > MAX_EXPANDED_LENGTH) {
          throw new BoundExceeded(
            `the $ref expansion of ${this.subject()} passes ${MAX_EXPANDED_LENGTH} characters${token.kind === 'ref' ? ` at $ref{${token.name}}` : ''}; the product cannot use such a value either: write the value out`,
          );
        }
        out += piece;
      }
    }
    return complete ? { value: out, problems, height } : { problems, height };
  }

  private ref(key: string, trail: readonly string[], depth: number): KeyExpansion {
    if (trail.includes(key)) return { problems: [`circular $ref: ${[...trail, key].join(' -> ')}`], height: 0 };
    const known = this.done.get(key);
    if (known) {
      this.checkDepth(depth + known.height, [...trail, key]);
      return known;
    }
    this.checkDepth(depth, [...trail, key]);
    const raw = this.lookup(key);
    let result: KeyExpansion;
    if (raw === undefined) {
      result = { problems: [`$ref{${key}} names a key that neither the configuration nor the defaults have`], height: 0 };
    } else {
      const text = scalarText(raw);
      if (text === undefined) throw new NotAValue(`$ref{${key}} names a table or array, not a single value`);
      result = this.text(text, [...trail, key], depth);
    }
    this.done.set(key, result);
    return result;
  }

  private checkDepth(depth: number, chain: readonly string[]): void {
    if (depth <= MAX_REF_DEPTH) return;
    const shown = chain.length > 8 ? [...chain.slice(0, 3), '...', ...chain.slice(-3)] : chain;
    throw new BoundExceeded(`the $ref chain from ${this.subject()} is deeper than ${MAX_REF_DEPTH} (${shown.join(' -> ')}); shorten it`);
  }

  private subject(): string {
    return this.root[0] ?? 'this value';
  }
}

/**
 * A password after $ref expansion. A lone placeholder keeps its kind so the UI can say where the secret
 * lives (and ask for it); mixed text is classified by the placeholder that decides whether its value is known.
 */
export function classifySecret(expanded: string, env: NodeJS.ProcessEnv, vault?: ReadonlyMap<string, string>): SecretValue {
  const tokens = tokenize(expanded);
  const secret = tokens.find(isPlaceholder('secret'));
  if (secret) {
    // The product resolves a lone $secret{} through the vault; anything mixed with it stays unknown.
    const value = tokens.length === 1 ? vault?.get(secret.name) : undefined;
    return value === undefined ? { kind: 'secret', alias: secret.name } : { kind: 'secret', alias: secret.name, value };
  }
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

/** A configured password's value when this run can know it: literal, a set `$env{}`, an unlocked `$secret{}`. */
export function knownSecretValue(secret: SecretValue | undefined, env?: NodeJS.ProcessEnv): string | undefined {
  if (!secret) return undefined;
  if (secret.kind === 'literal') return secret.value;
  if (secret.kind === 'env') return env?.[secret.name] ?? secret.value;
  if (secret.kind === 'secret') return secret.value;
  return undefined;
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
