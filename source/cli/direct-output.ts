import { fstatSync, writeSync } from 'node:fs';
import type { CommandContext } from './context.js';

/**
 * stdout or stderr for a command: when the descriptor is a pipe, a socket (what Node's child_process and many
 * supervisors connect a child's output with) or a file, an object that writes to it itself (writeSync), else
 * Node's stream (a terminal: colours, columns, raw mode). Creating process.stdout or process.stderr over a pipe or
 * socket loads Node's net and stream modules, ~10 ms of `inspect | ...` or of a `status --json` read by a script;
 * written by writeSync, they behave as Node's stream does there (it writes at once on Linux). A reader that went
 * away (EPIPE) ends the output quietly, as quietOnClosedPipe does; a descriptor that would block (non-blocking and
 * full) gets the rest, and everything after it, through the stream, which waits.
 */
export function outputFor(fd: 1 | 2, stream: () => NodeJS.WriteStream): CommandContext['stdout'] {
  if (process.platform === 'win32' || !writesItself(fd)) return stream();
  return directOutput(fd, stream);
}

function writesItself(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    return stat.isFIFO() || stat.isSocket() || stat.isFile();
  } catch {
    return false;
  }
}

export function directOutput(
  fd: number,
  stream: () => NodeJS.WriteStream,
): { write(text: string | Uint8Array): boolean; isTTY: false; readonly writableLength: number } {
  let through: NodeJS.WriteStream | undefined;
  let closed = false;
  return {
    isTTY: false,
    /** Bytes written but not yet out of the process, as a stream says it: only ever the stream's, after EAGAIN. */
    get writableLength() {
      return through?.writableLength ?? 0;
    },
    write(text) {
      if (closed) return true;
      if (through) return through.write(text);
      let rest = typeof text === 'string' ? Buffer.from(text) : text;
      try {
        while (rest.length > 0) rest = rest.subarray(writeSync(fd, rest));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          closed = true;
          return true;
        }
        if (code !== 'EAGAIN') throw error;
        through = stream();
        return through.write(rest);
      }
      return true;
    },
  };
}
