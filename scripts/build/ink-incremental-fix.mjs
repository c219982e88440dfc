// Ink 6.8's incremental renderer moves the cursor up one line too few when the previous frame ended with a
// newline (every frame shorter than the terminal does), so each redraw lands one line low and leaves the old
// top line behind. The wizard keeps its frames shorter than the terminal (a full-height frame makes Ink clear
// the screen and the scrollback), so the bundle carries the one-line correction. Remove it once Ink fixes it.
import { readFile } from 'node:fs/promises';

const BROKEN = 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));';
const FIXED = "buffer.push(ansiEscapes.cursorUp(previousOutput.endsWith('\\n') ? previousVisible : previousVisible - 1));";

/** @type {import('esbuild').Plugin} */
export const inkIncrementalFix = {
  name: 'ink-incremental-fix',
  setup(context) {
    context.onLoad({ filter: /ink[\\/]build[\\/]log-update\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(BROKEN)) {
        // A newer Ink changed this code: fail the build so someone checks whether the fix is still needed.
        throw new Error(`ink-incremental-fix: ${args.path} no longer has the line it corrects; check the Ink upgrade.`);
      }
      return { contents: source.replace(BROKEN, FIXED), loader: 'js' };
    });
  },
};

export { BROKEN, FIXED };
