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
  // As a stream writing a full pipe: it holds what it was given (writableLength) until the pipe takes it.
  const fake = {
    write: (chunk: string | Uint8Array) => (written.push(Buffer.from(chunk).toString()), true),
    get writableLength() {
      return written.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
    },
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
      // Nothing is left queued: main may end the process at once.
      expect((output as { writableLength?: number }).writableLength).toBe(0);
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
      // What the stream still holds is what the output says is queued: main waits for it rather than exiting.
      expect(output.writableLength).toBe(big.length + 'after'.length - taken);
    } finally {
      closeSync(writer);
      closeSync(reader);
    }
  });

  it('a command whose output fills a non-blocking pipe ends only once the reader has taken all of it', async (context) => {
    if (spawnSync('python3', ['--version'], { stdio: 'ignore' }).error) {
      const reason = 'python3 (to make the pipe non-blocking, as a parent may leave it) is not installed';
      if (process.env.CI === 'true') throw new Error(`${reason}: CI must have it (nothing may skip under CI=true)`);
      console.warn(`skipped: ${reason}`);
      context.skip(reason);
    }
    // inspect --json of the shipped truststore is ~100 KB, more than a pipe holds: what does not fit goes through
    // Node's stream, asynchronously, and the process must not end (main exits at once otherwise) before it is out.
    const dir = tempDir();
    const file = path.join(dir, 'truststore.jks');
    writeFileSync(file, readFileSync(fixturePath('wso2', 'keystores', 'carbon-kernel-v4.9.26', 'client-truststore.jks')));
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const expected = spawnSync(process.execPath, [bundle, 'inspect', file, '--password-env', 'P', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, P: 'wso2carbon' },
    });
    expect(expected.status, expected.stderr).toBe(0);
    expect(Buffer.byteLength(expected.stdout)).toBeGreaterThan(70 * 1024);
    const { spawn } = await import('node:child_process');
    // Node (libuv) makes a child's stdio blocking when it starts it: python3 makes it non-blocking again, as a
    // parent sharing its pipe may leave it, and runs the bundle in its place.
    const nonBlocking =
      'import fcntl, os, sys; fcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_NONBLOCK); os.execv(sys.argv[1], sys.argv[1:])';
    const child = spawn('python3', ['-c', nonBlocking, process.execPath, bundle, 'inspect', file, '--password-env', 'P', '--json'], {
      env: { ...process.env, P: 'wso2carbon' },
      stdio: ['ignore', writer, 'pipe'],
    });
    closeSync(writer);
    let exited = false;
    const code = new Promise<number | null>((resolve) => child.on('exit', (status) => ((exited = true), resolve(status))));
    // Not read until the child has done all it can (its CPU time still for half a second, however busy the machine):
    // the pipe is then full and the rest waits in its stream, or it has ended, which it must not.
    const cpuTime = () => {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'latin1').split(') ')[1]!.split(' ');
        return `${fields[11]} ${fields[12]}`; // utime and stime, in clock ticks
      } catch {
        return 'gone';
      }
    };
    for (let last = '', still = 0, until = Date.now() + 30_000; !exited && still < 5 && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = cpuTime();
      still = now === last ? still + 1 : 0;
      last = now;
    }
    expect(exited).toBe(false);
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    for (const until = Date.now() + 20_000; Date.now() < until; ) {
      try {
        const count = readSync(reader, buffer, 0, buffer.length, null);
        if (count === 0) break;
        chunks.push(Buffer.from(buffer.subarray(0, count)));
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 10)); // EAGAIN: nothing yet
      }
    }
    closeSync(reader);
    expect(await code).toBe(0);
    expect(Buffer.concat(chunks).toString()).toBe(expected.stdout);
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
