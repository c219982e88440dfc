import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FileRefused } from '../../source/files/file-errors.js';
import { readFileChecked, readFileCheckedSync, readFileIfPresent } from '../../source/files/read-file.js';
import { checkStatePath } from '../../source/files/trusted-state.js';
import { ensureStateDir } from '../../source/apply/state-dir.js';
import { describeOffset, firstInvalidUtf8Offset } from '../../source/files/utf8.js';
import { tempDir } from '../support/tmp.js';

async function refusal(promise: Promise<unknown>): Promise<FileRefused> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FileRefused);
  return error as FileRefused;
}

describe('firstInvalidUtf8Offset', () => {
  it('agrees with a fatal TextDecoder on any bytes, and points at the first bad one', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const offset = firstInvalidUtf8Offset(bytes);
        let valid = true;
        try {
          decoder.decode(bytes);
        } catch {
          valid = false;
        }
        expect(offset === undefined).toBe(valid);
        // Everything before the offset is well-formed UTF-8.
        if (offset !== undefined) expect(() => decoder.decode(bytes.subarray(0, offset))).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('names a Latin-1 ä by byte, line and column', () => {
    const bytes = Buffer.from('a = 1\ndname = "CN=M\u00e4rz"\n', 'latin1');
    const offset = firstInvalidUtf8Offset(bytes)!;
    expect(offset).toBe(bytes.indexOf(0xe4));
    expect(describeOffset(bytes, offset)).toBe(`byte ${offset} (0xE4, line 2, column 14)`);
    expect(firstInvalidUtf8Offset(Buffer.from('CN=März 日本 🔑', 'utf8'))).toBeUndefined();
  });
});

describe('readFileChecked', () => {
  it('refuses a FIFO at once (never waits for a writer), a directory and a device, naming the kind', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect((await refusal(readFileChecked(fifo, { what: 'keystore', limit: 100 }))).message).toContain(
      `the keystore ${fifo} is a named pipe (FIFO), not a regular file`,
    );
    expect(() => readFileCheckedSync(fifo, { what: 'keystore', limit: 100 })).toThrow(/named pipe/);
    expect((await refusal(readFileChecked(dir, { what: 'keystore', limit: 100 }))).problem).toBe('not-regular');
    expect((await refusal(readFileChecked('/dev/zero', { what: 'keystore', limit: 100 }))).message).toContain(
      '/dev/zero is a character device',
    );
  });

  it('reads every byte, both readers, whatever the size: empty, small, around a MB (its buffer size) and at the limit', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sized');
    const MB = 1024 * 1024;
    for (const size of [0, 1, 4095, 4097, 190_000, MB - 1, MB, MB + 1, 2 * MB + 3]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i += 997) bytes[i] = (i / 997) & 0xff;
      writeFileSync(file, bytes);
      for (const limit of [size, size + 1, 3 * MB]) {
        const request = { what: 'keystore', limit };
        expect((await readFileChecked(file, request)).bytes.equals(bytes), `async, ${size} bytes, limit ${limit}`).toBe(true);
        expect(readFileCheckedSync(file, request).bytes.equals(bytes), `sync, ${size} bytes, limit ${limit}`).toBe(true);
      }
      if (size > 0) {
        const request = { what: 'keystore', limit: size - 1 };
        expect((await refusal(readFileChecked(file, request))).problem).toBe('too-large');
        expect(() => readFileCheckedSync(file, request)).toThrow(/holds more than/);
      }
    }
    // A procfs file says size 0 and is read to its end all the same.
    const environ = readFileCheckedSync('/proc/self/environ', { what: 'state file', limit: MB }).bytes;
    expect(environ.length).toBeGreaterThan(0);
    expect(environ.toString('latin1')).toContain('PATH=');
  });

  it('counts the bytes while reading: a procfs file that says size 0 still hits the limit', async () => {
    const error = await refusal(readFileChecked('/proc/self/environ', { what: 'secret file', limit: 8 }));
    expect(error.problem).toBe('too-large');
    const dir = tempDir();
    const file = path.join(dir, 'exact');
    writeFileSync(file, '12345678');
    expect((await readFileChecked(file, { what: 'secret file', limit: 8 })).bytes.toString()).toBe('12345678');
    writeFileSync(file, '123456789');
    expect((await refusal(readFileChecked(file, { what: 'secret file', limit: 8 }))).problem).toBe('too-large');
  });

  it('in a home: a link is refused, the configuration link is followed inside the home only, a folder leading out is refused', async () => {
    const root = tempDir();
    const home = path.join(root, 'home');
    const outside = path.join(root, 'outside');
    mkdirSync(path.join(home, 'conf'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(home, 'real.toml'), 'inside');
    writeFileSync(path.join(outside, 'x'), 'outside');
    const link = path.join(home, 'conf', 'deployment.toml');
    symlinkSync('../real.toml', link);
    const followed = await readFileChecked(link, { what: 'configuration file', limit: 100, home, followLink: true });
    expect(followed.bytes.toString()).toBe('inside');
    expect(followed.linkTarget).toBe(path.join(home, 'real.toml'));
    const refused = await refusal(readFileChecked(link, { what: 'keystore', limit: 100, home }));
    expect(refused.message).toContain(`${link} is a symbolic link to ${path.join(home, 'real.toml')}`);

    const out = path.join(home, 'out.jks');
    symlinkSync(path.join(outside, 'x'), out);
    const leaving = await refusal(readFileChecked(out, { what: 'configuration file', limit: 100, home, followLink: true }));
    expect(leaving.problem).toBe('outside-home');
    expect(leaving.message).toContain(`${out} is a symbolic link to ${path.join(outside, 'x')}, outside the home ${home}`);

    const dangling = path.join(home, 'dangling.jks');
    symlinkSync(path.join(outside, 'none'), dangling);
    expect((await refusal(readFileIfPresent(dangling, { what: 'keystore', limit: 100, home }))).problem).toBe('symlink');

    symlinkSync(outside, path.join(home, 'security'));
    const way = await refusal(readFileIfPresent(path.join(home, 'security', 'missing.jks'), { what: 'keystore', limit: 100, home }));
    expect(way.problem).toBe('outside-home');
    // Outside the home (a file the user names), links are followed.
    expect((await readFileChecked(out, { what: 'keystore', limit: 100 })).bytes.toString()).toBe('outside');
    expect(await readFileIfPresent(path.join(home, 'absent.jks'), { what: 'keystore', limit: 100, home })).toBeUndefined();
  });
});

describe.runIf(process.getuid?.() === 0)('trusted state folders (as root)', () => {
  it('creates 0700, refuses a link, another owner and a group-writable folder, each with what to fix', async () => {
    const home = tempDir();
    const state = path.join(home, '.ei-keystore');
    expect(await ensureStateDir(state)).toBe(true);
    expect(await ensureStateDir(state)).toBe(false);
    chmodSync(state, 0o777);
    expect((await refusal(ensureStateDir(state))).message).toMatch(/writable by its group and others \(mode 0777\).*chmod go-w/);
    chmodSync(state, 0o705 | 0o002);
    expect((await refusal(ensureStateDir(state))).message).toMatch(/writable by others \(mode 0707\)/);
    chmodSync(state, 0o755);
    expect(await ensureStateDir(state)).toBe(false); // ours, merely readable: tightened, not refused
    chownSync(state, 65534, 65534);
    expect((await refusal(ensureStateDir(state))).message).toMatch(/belongs to uid 65534, not to root/);
    chownSync(state, 0, 0);
    const backups = path.join(state, 'backups');
    symlinkSync('/tmp', backups);
    expect((await refusal(checkStatePath(state, path.join(backups, 'x', 'manifest.json'), true))).message).toContain(
      `${backups} is a symbolic link to /tmp`,
    );
  });
});
