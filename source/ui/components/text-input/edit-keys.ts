import type { Keystroke } from '../keys/decode-keys.js';
import type { TextInputAction } from './reducer.js';

/** The editing action of a keystroke, or undefined for keys the field does not edit with (Enter, Esc, Tab). */
export function editActionOf(key: Keystroke): TextInputAction | undefined {
  switch (key.name) {
    case 'text':
      return { type: 'insert', text: key.text };
    case 'backspace':
    case 'delete':
    case 'left':
    case 'right':
    case 'home':
    case 'end':
      return { type: key.name };
    case 'clearLine':
      return { type: 'clear' };
    default:
      return undefined;
  }
}
