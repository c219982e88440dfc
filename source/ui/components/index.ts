// The reusable pieces of the wizard's Ink UI. Screens import from here.
export { TextInput, type TextInputProps } from './text-input/text-input.js';
export { PasswordInput, type PasswordInputProps } from './password-input/password-input.js';
export { Select, type SelectProps } from './select/select.js';
export type { SelectOption } from './select/use-select.js';
export { Confirm, type ConfirmProps } from './confirm/confirm.js';
export { ScrollView, type ScrollViewProps } from './scroll-view/scroll-view.js';
export { StepList, type StepListProps, type Step, type StepState } from './step-list/step-list.js';
export { Header, type HeaderProps } from './header/header.js';
export { KeyHints, type KeyHintsProps } from './key-hints/key-hints.js';
export type { KeyHint } from './key-hints/fit-hints.js';
export { useKeys, type KeyHandler, type KeyResult } from './keys/use-keys.js';
export { decodeKeys, type Keystroke, type SpecialKey } from './keys/decode-keys.js';
export { symbols } from './shared/symbols.js';
