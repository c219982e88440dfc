/**
 * The patcher's re-parse check, done on the part of the file a patch can touch. Parsing the whole patched file
 * again kept two parsed copies of a large file alive at once, and their garbage collection cost more than the
 * patch. Instead, both texts are cut down to the same sections (those whose path is a prefix of a changed key's
 * path or has one as its prefix: the only ones that can define it or conflict with it) plus the new tables at
 * the end, and each cut-down text is parsed by smol-toml:
 *
 * - the original's cut must mean a part of the original's full parse (every value it holds is there, equal);
 *   the cuts are where the scanner found headers, and this confirms they fall between statements;
 * - the patched cut must mean exactly the original's cut with the intended values set (and nothing else);
 * - every byte outside the cuts is the original's (each edit lies inside a cut), so it means what it meant.
 *
 * Anything unexpected answers "not verified here", and the caller parses the whole patched file as before, which
 * also gives the exact error (line, column, first differing key). This check can only accept, never refuse.
 */
import { parse, TomlError } from 'smol-toml';
import type { TomlTable } from 'smol-toml';
import type { Section } from './patch-scan.js';
import { firstDifference, intendedData } from './patch-verify.js';
import type { IntendedValue } from './patch-verify.js';
import { UserError } from '../errors.js';

/** A replacement of `remove` characters at `at` by `text` (an insertion when `remove` is 0). */
export interface SpanEdit {
  readonly at: number;
  readonly remove: number;
  readonly text: string;
}

interface Cut {
  readonly start: number;
  readonly end: number;
}

const PARSE_OPTIONS = { integersAsBigInt: 'asNeeded' } as const;

/**
 * Whether `edits` (in order of position) applied to `body` give the original data `original` with exactly the
 * intended values set, judged on the sections that `targets` can touch. False means: check the whole file.
 */
export function verifiedInSections(
  body: string,
  edits: readonly SpanEdit[],
  sections: readonly Section[],
  original: TomlTable,
  targets: readonly IntendedValue[],
): boolean {
  const cuts = touchableCuts(body.length, sections, targets);
  const texts = cutTexts(body, edits, cuts);
  if (!texts) return false;
  const before = parseOrUndefined(texts.before);
  const after = before && parseOrUndefined(texts.after);
  if (!before || !after) return false;
  // The cut of the original must mean a part of the original (tables may hold more keys in the whole file).
  if (firstDifference(before, original, true)) return false;
  let intended: TomlTable;
  try {
    intended = intendedData(before, targets);
  } catch (error) {
    if (error instanceof UserError) return false;
    throw error;
  }
  return firstDifference(after, intended) === undefined;
}

/**
 * The text ranges of the sections whose path is a prefix of a target path or has one as its prefix, in order,
 * then the (empty) end of the file where new tables go. A section runs from its header to the next header.
 */
function touchableCuts(length: number, sections: readonly Section[], targets: readonly IntendedValue[]): Cut[] {
  const cuts: Cut[] = [];
  for (const section of sections) {
    if (!targets.some(({ path }) => onOnePath(section.path, path))) continue;
    // Text before the first header with no key-values in it is only comments and blank lines: nothing to parse.
    // Its start stays in the cut, where new top-level keys go.
    const empty = !section.header && section.recording && section.entries.length === 0;
    cuts.push({ start: section.header?.lineStart ?? 0, end: empty ? 0 : section.end });
  }
  cuts.push({ start: length, end: length });
  return cuts;
}

function onOnePath(a: readonly string[], b: readonly string[]): boolean {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The cut texts before and after the edits, or undefined when an edit does not lie inside a cut. An insertion
 * where a cut ends belongs to that cut (new keys after a section's last line). One where a cut begins belongs to
 * it only at the start of the file, or when it only opens new tables (`[name]` after blank lines): anything else
 * would follow another table in the patched file than in the cut.
 */
function cutTexts(body: string, edits: readonly SpanEdit[], cuts: readonly Cut[]): { before: string; after: string } | undefined {
  const before: string[] = [];
  const after: string[] = [];
  let next = 0;
  for (const cut of cuts) {
    before.push(body.slice(cut.start, cut.end));
    let cursor = cut.start;
    for (; next < edits.length; next++) {
      const edit = edits[next];
      if (!edit || edit.at > cut.end) break;
      if (edit.at < cut.start || edit.at + edit.remove > cut.end) return undefined;
      if (edit.at === cut.start && cut.start > 0 && !opensTables(edit.text)) return undefined;
      after.push(body.slice(cursor, edit.at), edit.text);
      cursor = edit.at + edit.remove;
    }
    after.push(body.slice(cursor, cut.end));
  }
  return next === edits.length ? { before: before.join(''), after: after.join('') } : undefined;
}

function opensTables(text: string): boolean {
  return /^[\r\n]*\[[^[]/.test(text);
}

function parseOrUndefined(text: string): TomlTable | undefined {
  try {
    return parse(text, PARSE_OPTIONS);
  } catch (error) {
    if (error instanceof TomlError) return undefined;
    throw error;
  }
}
