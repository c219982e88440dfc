import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

/** Every file under `dir` with its SHA-256 and mode: two snapshots equal means nothing was written. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const relative = path.relative(dir, full);
      const stat = lstatSync(full);
      if (entry.isDirectory()) {
        out[`${relative}/`] = (stat.mode & 0o7777).toString(8);
        walk(full);
      } else {
        out[relative] = `${(stat.mode & 0o7777).toString(8)} ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
      }
    }
  };
  walk(dir);
  return out;
}
