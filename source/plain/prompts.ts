import type { Choice } from '../core/fields/types.js';

/** The four questions plain mode asks, behind an interface so the flow is the same whatever draws them. */
export interface PlainPrompts {
  select(message: string, choices: readonly Choice[], defaultValue?: string): Promise<string>;
  input(message: string, options: { default?: string; validate?: (value: string) => string | true }): Promise<string>;
  password(message: string, options: { validate?: (value: string) => string | true }): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
  /** Any number of the choices ticked; without it, plain mode asks for their values as a comma-separated line. */
  checkbox?(message: string, choices: readonly Choice[]): Promise<string[]>;
}

export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** @inquirer/prompts, loaded on first use (plain mode only), on the given streams. */
export function inquirerPrompts(streams: PromptStreams = {}): PlainPrompts {
  const context = { input: streams.input, output: streams.output, clearPromptOnDone: false };
  const load = () => import('@inquirer/prompts');
  return {
    async select(message, choices, defaultValue) {
      const { select } = await load();
      return select(
        {
          message,
          choices: choices.map((choice) => ({ value: choice.value, name: choice.label, description: choice.hint })),
          default: defaultValue,
        },
        context,
      );
    },
    async input(message, options) {
      const { input } = await load();
      return input({ message, default: options.default, validate: options.validate }, context);
    },
    async password(message, options) {
      const { password } = await load();
      return password({ message, mask: '*', validate: options.validate }, context);
    },
    async confirm(message, defaultValue) {
      const { confirm } = await load();
      return confirm({ message, default: defaultValue }, context);
    },
    async checkbox(message, choices) {
      const { checkbox } = await load();
      return checkbox(
        {
          message,
          choices: choices.map((choice) => ({ value: choice.value, name: choice.hint ? `${choice.label}  ${choice.hint}` : choice.label })),
          pageSize: 12,
        },
        context,
      );
    },
  };
}
