/**
 * A unified diff of two versions of a configuration file, as `diff -u` prints it, with every secret value shown
 * as `********` on both sides (see patch-mask.ts for what is secret: keys by their shape, placeholders shown).
 * Lines are compared by their real text (a changed password still shows as a changed line); only what is
 * printed is masked. Control characters in the file are printed as escapes, never sent to the terminal.
 *
 * Why not the `diff` package's structuredPatch (tried, v9, with the masking mapped onto its hunk lines): among
 * equally short edit scripts it picks other ones than GNU `diff -u` (54 of 6,000 random pairs printed
 * differently, e.g. which of two equal lines stays as context), so the output would change; and it was not
 * faster: on the 1 MB configuration of scripts/bench-patch.mjs with its 7 changes, 1,690-2,080 ms against
 * 1,650 ms here (medians of 11, masking included), and with 484 edits spread over the file 3,380 ms against
 * 2,130 ms. It would also be one more dependency in the bundle.
 */
import { printable } from '../core/printable.js';
import { maskedLines } from './patch-mask.js';

export interface DiffOptions {
  /** The file's name in the ---/+++ headers. */
  readonly path: string;
  /** Tests only: show secret values in clear, to compare the diff itself with GNU diff. */
  readonly unmasked?: boolean;
  /** Lines of context around each change; 3 by default. */
  readonly context?: number;
}

/** Beyond this many differing lines the diff stops looking for a minimal script and replaces the middle. */
const MAX_EDIT_DISTANCE = 2000;

type Op = ' ' | '-' | '+';

interface Step {
  readonly op: Op;
  /** Lines of each side before this step (0-based index of its line on that side). */
  readonly oldAt: number;
  readonly newAt: number;
}

interface Side {
  /** What is compared: the line with its newline, so that "no newline at the end" counts as a change. */
  readonly keys: string[];
  readonly shown: string[];
  readonly unterminated: boolean;
}

/** '' when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, options: DiffOptions): string {
  const masked = options.unmasked !== true;
  const context = Math.max(0, options.context ?? 3);
  const before = side(oldText, masked);
  const after = side(newText, masked);
  const steps = diffSteps(before.keys, after.keys);
  const out: string[] = [];
  for (const [start, end] of hunkRanges(steps, context)) {
    if (out.length === 0) out.push(`--- a/${printable(options.path)}`, `+++ b/${printable(options.path)}`);
    out.push(...renderHunk(steps.slice(start, end), before, after));
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

function side(text: string, masked: boolean): Side {
  if (text.length === 0) return { keys: [], shown: [], unterminated: false };
  const unterminated = !text.endsWith('\n');
  const raw = (unterminated ? text : text.slice(0, -1)).split('\n');
  const shown = masked ? maskedLines(text) : text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const keys = raw.map((line, i) => (unterminated && i === raw.length - 1 ? line : `${line}\n`));
  return { keys, shown, unterminated };
}

/** The whole edit script, equal lines included, with deletions before insertions within each change. */
function diffSteps(a: readonly string[], b: readonly string[]): Step[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) {
    suffix++;
  }
  const ids = new Map<string, number>();
  const idOf = (line: string): number => {
    let id = ids.get(line);
    if (id === undefined) ids.set(line, (id = ids.size));
    return id;
  };
  const middleA = a.slice(prefix, a.length - suffix).map(idOf);
  const middleB = b.slice(prefix, b.length - suffix).map(idOf);
  const ops: Op[] = [];
  for (let i = 0; i < prefix; i++) ops.push(' ');
  ops.push(...(myers(middleA, middleB) ?? replaceAll(middleA.length, middleB.length)));
  for (let i = 0; i < suffix; i++) ops.push(' ');
  return toSteps(deletionsFirst(ops));
}

/** Myers' O((N+M)D) shortest edit script; undefined when D passes MAX_EDIT_DISTANCE. */
function myers(a: readonly number[], b: readonly number[]): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    // Keep the furthest points of the previous round over diagonals -d..d, for the way back.
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, d, n, m);
    }
  }
  return undefined;
}

function backtrack(trace: readonly Int32Array[], distance: number, n: number, m: number): Op[] {
  const reversed: Op[] = [];
  let x = n;
  let y = m;
  for (let d = distance; d > 0; d--) {
    const v = trace[d];
    if (!v) break;
    const at = (k: number): number => v[k + d] ?? 0;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      reversed.push(' ');
      x--;
      y--;
    }
    reversed.push(down ? '+' : '-');
    x = previousX;
    y = previousY;
  }
  for (; x > 0 && y > 0; x--, y--) reversed.push(' ');
  return reversed.reverse();
}

function replaceAll(deleted: number, inserted: number): Op[] {
  return [...Array<Op>(deleted).fill('-'), ...Array<Op>(inserted).fill('+')];
}

/** As diff -u prints a change: its removed lines, then its added lines. */
function deletionsFirst(ops: readonly Op[]): Op[] {
  const out: Op[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i] === ' ') {
      out.push(' ');
      i++;
      continue;
    }
    let removed = 0;
    let added = 0;
    for (; i < ops.length && ops[i] !== ' '; i++) {
      if (ops[i] === '-') removed++;
      else added++;
    }
    out.push(...replaceAll(removed, added));
  }
  return out;
}

function toSteps(ops: readonly Op[]): Step[] {
  let oldAt = 0;
  let newAt = 0;
  return ops.map((op) => {
    const step = { op, oldAt, newAt };
    if (op !== '+') oldAt++;
    if (op !== '-') newAt++;
    return step;
  });
}

/** [start, end) of each hunk in the steps: changes with their context, merged when the context would touch. */
function hunkRanges(steps: readonly Step[], context: number): [number, number][] {
  const ranges: [number, number][] = [];
  let i = 0;
  while (i < steps.length) {
    if (steps[i]?.op === ' ') {
      i++;
      continue;
    }
    const start = Math.max(i - context, ranges.at(-1)?.[1] ?? 0);
    let changeEnd = i;
    for (;;) {
      while (changeEnd < steps.length && steps[changeEnd]?.op !== ' ') changeEnd++;
      let next = changeEnd;
      while (next < steps.length && steps[next]?.op === ' ') next++;
      if (next >= steps.length || next - changeEnd > 2 * context) break;
      changeEnd = next;
    }
    const end = Math.min(steps.length, changeEnd + context);
    ranges.push([start, end]);
    i = end;
  }
  return ranges;
}

function renderHunk(steps: readonly Step[], before: Side, after: Side): string[] {
  const first = steps[0];
  if (!first) return [];
  const oldCount = steps.filter((s) => s.op !== '+').length;
  const newCount = steps.filter((s) => s.op !== '-').length;
  const lines = [`@@ -${range(first.oldAt, oldCount)} +${range(first.newAt, newCount)} @@`];
  for (const step of steps) {
    const fromOld = step.op !== '+';
    const shownOld = before.shown[step.oldAt] ?? '';
    const shownNew = after.shown[step.newAt] ?? '';
    let text = fromOld ? shownOld : shownNew;
    // A context line masked on either side is shown masked.
    if (step.op === ' ' && shownOld === stripNewline(before.keys[step.oldAt])) text = shownNew;
    lines.push(`${step.op}${printableLine(text)}`);
    const lastOld = fromOld && before.unterminated && step.oldAt === before.keys.length - 1;
    const lastNew = step.op !== '-' && after.unterminated && step.newAt === after.keys.length - 1;
    if (lastOld || lastNew) lines.push('\\ No newline at end of file');
  }
  return lines;
}

/** GNU's form: "start,count", "start" for one line, and the line before for an empty range. */
function range(linesBefore: number, count: number): string {
  if (count === 0) return `${linesBefore},0`;
  return count === 1 ? `${linesBefore + 1}` : `${linesBefore + 1},${count}`;
}

/** A tab is part of a line's layout; every other control character is shown as an escape. */
function printableLine(text: string): string {
  return text.includes('\t') ? text.split('\t').map(printable).join('\t') : printable(text);
}

function stripNewline(key: string | undefined): string {
  const line = key?.endsWith('\n') ? key.slice(0, -1) : (key ?? '');
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
