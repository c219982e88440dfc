import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { directOutput, outputFor } from '../../source/cli/direct-output.js';
import { repositoryRoot } from '../support/build.js';
import { fixturePath } from '../support/fixtures.js';
import { tempDir } from '../support/tmp.js';

// The one-file bundle: npm test builds it first (rebuild after changing source/).
const bundle = path.join(repositoryRoot, 'dist/ei-keystore.mjs');

/** A stand-in for process.stdout that records what it is given. */
function recordingStream(): { stream: () => NodeJS.WriteStream; written: string[]; made: () => number } {
  const written: string[] = [];
  let made = 0;
  const fake = {
    write: (chunk: string | Uint8Array) => (written.push(Buffer.from(chunk).toString()), true),
  } as unknown as NodeJS.WriteStream;
  return { stream: () => (made++, fake), written, made: () => made };
}

describe('output written to its descriptor (source/cli/direct-output.ts)', () => {
  it("a regular file gets the writes in order, and Node's stream is never made", () => {
    const file = path.join(tempDir(), 'out.txt');
    const fd = openSync(file, 'w');
    try {
      const recording = recordingStream();
      // outputFor looks at the descriptor it is given: here a file instead of stdout.
      const output = outputFor(fd as 1, recording.stream);
      output.write('first line\n');
      output.write('second ✓\n');
      expect(output.isTTY).toBe(false);
      expect(recording.made()).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe('first line\nsecond ✓\n');
  });

  it('a full non-blocking pipe: what does not fit, and everything after it, goes through the stream, in order', () => {
    const fifo = path.join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      const recording = recordingStream();
      const output = directOutput(writer, recording.stream);
      // Far more than a pipe holds (64 KiB on Linux): writeSync fills it, then meets EAGAIN.
      const big = 'x'.repeat(1024 * 1024);
      output.write(big);
      output.write('after');
      expect(recording.made()).toBe(1);
      // What the pipe took, then what the stream was given, is the text in order.
      const inPipe = Buffer.alloc(2 * 1024 * 1024);
      let taken = 0;
      for (;;) {
        try {
          const count = readSync(reader, inPipe, taken, inPipe.length - taken, null);
          if (count === 0) break;
          taken += count;
        } catch {
          break; // EAGAIN: the pipe is empty
        }
      }
      expect(taken).toBeGreaterThan(0);
      expect(taken).toBeLessThan(big.length);
      expect(inPipe.subarray(0, taken).toString() + recording.written.join('')).toBe(`${big}after`);
      expect(recording.written.at(-1)).toBe('after');
    } finally {
      closeSync(writer);
      closeSync(reader);
    }
  });

  it('inspect into a pipe loads neither node:net nor Node stdout or stdin streams, and prints what it printed before', () => {
    const file = path.join(tempDir(), 'truststore.jks');
    writeFileSync(file, readFileSync(fixturePath('wso2', 'keystores', 'carbon-kernel-v4.9.26', 'client-truststore.jks')));
    const probe = path.join(tempDir(), 'probe.cjs');
    // At exit, to descriptor 3: which of the modules that streams over a pipe load were loaded.
    writeFileSync(
      probe,
      "process.on('exit', () => require('fs').writeSync(3, JSON.stringify(process.moduleLoadList.filter((name) => /^NativeModule (net|tty|internal\\/bootstrap\\/switches\\/is_main_thread)$/.test(name)))));\n",
    );
    const run = spawnSync(process.execPath, ['-r', probe, bundle, 'inspect', file, '--password-env', 'P', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, P: 'wso2carbon' },
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const loaded = JSON.parse(String(run.output[3])) as string[];
    expect(loaded.filter((name) => /net|tty/.test(name))).toEqual([]);
    const printed = JSON.parse(run.stdout) as { entries: unknown[] };
    expect(printed.entries).toHaveLength(146);
  });
});
