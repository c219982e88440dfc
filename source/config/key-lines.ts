/**
 * The line of each value in a TOML text, by its flat dotted key (`keystore.primary.password` -> 12), so that
 * status can say where a value the server uses was written. Built with the patcher's scanner, which already
 * knows where every key starts; keys inside arrays of tables have no single line and are left out.
 */
import { scanToml, type KeyValue } from './patch-scan.js';

export function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let sections;
  try {
    sections = scanToml(text);
  } catch {
    return lines; // the caller parsed the text already; a scanner refusal only costs the line numbers
  }
  const newlines: number[] = [];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) newlines.push(at);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = newlines.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (newlines[middle]! < offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
  const add = (entry: KeyValue): void => {
    lines.set(entry.path.join('.'), lineOf(entry.key[0]?.start ?? entry.lineStart));
    for (const inner of entry.inline?.entries ?? []) add(inner);
  };
  for (const section of sections) {
    if (section.array) continue;
    for (const entry of section.entries) add(entry);
  }
  return lines;
}
