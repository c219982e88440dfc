/**
 * Turns one chunk of terminal input into the keystrokes it holds.
 *
 * A chunk is not a key: a paste, or a fast SSH link, delivers text and Enter (or Backspace) together, and
 * Ink 6 hands such a chunk over as one event. Decoding it ourselves keeps every key, in order, and tells
 * Backspace (DEL, 0x7f) apart from forward Delete (ESC [3~), which Ink's useInput reports identically.
 */

export type SpecialKey =
  | 'enter'
  | 'escape'
  | 'backspace'
  | 'delete'
  | 'left'
  | 'right'
  | 'up'
  | 'down'
  | 'home'
  | 'end'
  | 'pageUp'
  | 'pageDown'
  | 'tab'
  | 'backTab'
  | 'clearLine'
  | 'interrupt';

export type Keystroke = { readonly name: 'text'; readonly text: string } | { readonly name: SpecialKey };

const ESC = '\u001B';

/** Single control characters, as a terminal in raw mode sends them. */
const controlKeys: ReadonlyMap<string, SpecialKey> = new Map([
  ['\r', 'enter'],
  ['\n', 'enter'],
  ['\u007F', 'backspace'],
  ['\b', 'backspace'],
  ['\t', 'tab'],
  ['\u0001', 'home'], // Ctrl-A
  ['\u0005', 'end'], // Ctrl-E
  ['\u0002', 'left'], // Ctrl-B
  ['\u0006', 'right'], // Ctrl-F
  ['\u0015', 'clearLine'], // Ctrl-U
  ['\u0003', 'interrupt'], // Ctrl-C
]);

/** Final byte of a CSI sequence (ESC [ params final), parameters ignored: Ctrl/Shift+arrow still moves. */
const csiFinals: ReadonlyMap<string, SpecialKey> = new Map([
  ['A', 'up'],
  ['B', 'down'],
  ['C', 'right'],
  ['D', 'left'],
  ['H', 'home'],
  ['F', 'end'],
  ['Z', 'backTab'],
]);

/** ESC [ n ~ sequences (VT220 style, used by xterm, PuTTY, the Linux console). */
const csiTilde: ReadonlyMap<string, SpecialKey> = new Map([
  ['1', 'home'],
  ['7', 'home'],
  ['4', 'end'],
  ['8', 'end'],
  ['3', 'delete'],
  ['5', 'pageUp'],
  ['6', 'pageDown'],
]);

const ss3Finals: ReadonlyMap<string, SpecialKey> = new Map([...csiFinals, ['M', 'enter']]);

// eslint-disable-next-line no-control-regex
const csiPattern = /^\u001B\[\[?([0-9;:?]*)([\u0040-\u007E])/;
const ss3Pattern = /^\u001BO([\u0040-\u007E])/;

type Parsed = { readonly key: SpecialKey | undefined; readonly length: number };

function parseEscape(rest: string): Parsed {
  const csi = csiPattern.exec(rest);
  if (csi) {
    const [whole, params = '', final = ''] = csi;
    const key = final === '~' ? csiTilde.get(params.split(';')[0] ?? '') : csiFinals.get(final);
    return { key, length: whole.length };
  }
  const ss3 = ss3Pattern.exec(rest);
  if (ss3) return { key: ss3Finals.get(ss3[1] ?? ''), length: ss3[0].length };
  const next = rest.codePointAt(1);
  if (next === undefined) return { key: 'escape', length: 1 };
  if (rest[1] === ESC) return { key: 'escape', length: 1 };
  // ESC + character is Alt+key (readline's word motions). Ignored: it must not read as Esc, which goes back.
  return { key: undefined, length: 1 + String.fromCodePoint(next).length };
}

export function decodeKeys(chunk: string): Keystroke[] {
  const keys: Keystroke[] = [];
  let text = '';
  const flushText = (): void => {
    if (text !== '') keys.push({ name: 'text', text });
    text = '';
  };
  let index = 0;
  while (index < chunk.length) {
    const char = String.fromCodePoint(chunk.codePointAt(index) ?? 0);
    if (char === ESC) {
      flushText();
      const parsed = parseEscape(chunk.slice(index));
      if (parsed.key) keys.push({ name: parsed.key });
      index += parsed.length;
      continue;
    }
    index += char.length;
    // CR LF from a pasted Windows text is one line end, not two.
    if (char === '\n' && chunk[index - 2] === '\r') continue;
    const control = controlKeys.get(char);
    if (control) {
      flushText();
      keys.push({ name: control });
    } else if (isPrintable(char)) {
      text += char;
    }
  }
  flushText();
  return keys;
}

function isPrintable(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0);
}
