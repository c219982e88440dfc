import type { Choice } from '../../source/core/fields/types.js';
import type { PlainPrompts } from '../../source/plain/prompts.js';
import { runPlain } from '../../source/plain/run-plain.js';

/** One expected question of the plain wizard and its answer. */
export type ScriptStep = { kind: 'select' | 'input' | 'password' | 'confirm'; match: RegExp; answer: string | boolean };

/**
 * Prompts that answer from a script: each question must be the next one expected (its kind and words), a
 * select's answer must be one of its choices, and a typed answer must pass the question's own validation.
 * `asked` records every question, in order.
 */
export function scriptedPrompts(steps: ScriptStep[]): PlainPrompts & { asked: string[] } {
  const asked: string[] = [];
  const next = (kind: ScriptStep['kind'], message: string): ScriptStep => {
    asked.push(`${kind}: ${message}`);
    const step = steps.shift();
    if (!step) throw new Error(`no scripted answer for ${kind} "${message}"`);
    if (step.kind !== kind || !step.match.test(message)) throw new Error(`expected ${step.kind} ${step.match}, got ${kind} "${message}"`);
    return step;
  };
  return {
    asked,
    async select(message: string, choices: readonly Choice[]) {
      const step = next('select', message);
      if (!choices.some((choice) => choice.value === step.answer))
        throw new Error(`${String(step.answer)} is not a choice of "${message}"`);
      return step.answer as string;
    },
    async input(message, options) {
      const step = next('input', message);
      const valid = options.validate?.(step.answer as string) ?? true;
      if (valid !== true) throw new Error(`"${String(step.answer)}" rejected for "${message}": ${valid}`);
      return (step.answer as string) === '' && options.default !== undefined ? options.default : (step.answer as string);
    },
    async password(message, options) {
      const step = next('password', message);
      const valid = options.validate?.(step.answer as string) ?? true;
      if (valid !== true) throw new Error(`password rejected for "${message}": ${valid}`);
      return step.answer as string;
    },
    async confirm(message) {
      return next('confirm', message).answer as boolean;
    },
  };
}

/** The first questions of "Change the truststore" from a copy of the current one: file name and type by default. */
export function newTruststoreSteps(password: string): ScriptStep[] {
  return [
    { kind: 'select', match: /What do you want to do/, answer: 'truststore' },
    { kind: 'select', match: /Start the new truststore/, answer: 'copy-current' },
    { kind: 'input', match: /File name/, answer: '' },
    { kind: 'select', match: /type/, answer: 'JKS' },
    { kind: 'password', match: /Password of the new truststore/, answer: password },
    { kind: 'password', match: /Type it again/, answer: password },
  ];
}

/** Runs the plain wizard on a sandbox home with `prompts`; its exit code and everything it wrote. */
export async function runPlainWith(
  home: string,
  prompts: PlainPrompts,
  options: { cwd?: string; keytoolAvailable?: boolean; dryRun?: boolean } = {},
): Promise<{ code: number; output: string }> {
  let output = '';
  const code = await runPlain({
    home,
    env: {},
    cwd: options.cwd ?? home,
    now: new Date(),
    dryRun: options.dryRun ?? false,
    keytoolAvailable: options.keytoolAvailable ?? false,
    sandbox: true,
    prompts,
    write: (text) => (output += text),
  });
  return { code, output };
}
