const tabStop = 8;

/**
 * A line as the terminal should draw it in one row: tabs expanded to spaces (so width is predictable), other
 * control characters and escape sequences removed (a tool's output must not move the cursor or recolour the UI).
 */
export function plainLine(line: string): string {
  // eslint-disable-next-line no-control-regex
  const withoutEscapes = line.replace(/\u001B\[[0-9;?]*[ -/]*[@-~]/g, '');
  let out = '';
  let column = 0;
  for (const char of withoutEscapes) {
    if (char === '\t') {
      const spaces = tabStop - (column % tabStop);
      out += ' '.repeat(spaces);
      column += spaces;
      continue;
    }
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) continue;
    out += char;
    column += 1;
  }
  return out;
}
