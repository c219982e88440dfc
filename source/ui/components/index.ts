// The reusable pieces of the wizard's Ink UI. Screens import from here.
export { TextInput } from './text-input/text-input.js';
export { PasswordInput } from './password-input/password-input.js';
export { Select } from './select/select.js';
export { Confirm } from './confirm/confirm.js';
export { ScrollView } from './scroll-view/scroll-view.js';
export { StepList } from './step-list/step-list.js';
export { Header } from './header/header.js';
export { KeyHints } from './key-hints/key-hints.js';
export { useKeys } from './keys/use-keys.js';
export { symbols } from './shared/symbols.js';
