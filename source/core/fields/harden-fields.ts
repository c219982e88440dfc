import type { HardenAnswers } from '../../answers/harden-answers.js';
import type { FieldValues, HardenFacts, ProcedureDefinition, WizardFacts } from './types.js';

/**
 * "Encrypt passwords": the questions of `apply secrets` (templates/answers/secrets.toml), asked by both wizards.
 * What there is to encrypt comes from `facts.harden`, read from the home before the menu; a question with nothing
 * to act on is not asked.
 */
const NONE: HardenFacts = { plaintextSecrets: [], keystorePasswords: [], otherPasswords: [], passwordPersist: false, passwordTmp: false };
const harden = (facts: WizardFacts): HardenFacts => facts.harden ?? NONE;

/** `keystore.primary.password` -> `[keystore.primary] password`, as the plan and status name keys. */
export function keyLabel(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot < 0 ? key : `[${key.slice(0, dot)}] ${key.slice(dot + 1)}`;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

export const HARDEN_PROCEDURE: ProcedureDefinition = {
  id: 'secrets',
  title: 'Encrypt passwords',
  intro:
    "Passwords move into the secure vault: encrypted for the internal key into [secrets], used as $secret{alias}, as WSO2's cipher tool does.",
  fields: [
    {
      id: 'encrypt_plaintext',
      label: 'Encrypt the [secrets] values still in plain-text brackets?',
      kind: 'confirm',
      why: ({ facts }) =>
        `${plural(harden(facts).plaintextSecrets.length, 'value', 'values')} in brackets: ${harden(facts).plaintextSecrets.join(', ')}. Each is encrypted in place, its alias kept (ciphertool.sh -Dconfigure).`,
      when: ({ facts }) => harden(facts).plaintextSecrets.length > 0,
      default: () => true,
    },
    {
      id: 'move_keystore_passwords',
      label: 'Move the keystore and truststore passwords into [secrets]?',
      kind: 'confirm',
      why: ({ facts }) =>
        `${harden(facts).keystorePasswords.map(keyLabel).join(', ')}: each becomes $secret{...}, its value encrypted in [secrets].`,
      when: ({ facts }) => harden(facts).keystorePasswords.length > 0,
      default: () => true,
    },
    {
      id: 'move',
      label: 'Other passwords to move into [secrets] (Space ticks, Enter when done; none is fine)',
      kind: 'checklist',
      optional: true,
      why: 'Plain-text password keys elsewhere in the configuration (transport, data source, user store, broker). Keys inside [[...]] arrays are not listed: the cipher tool cannot address them either.',
      when: ({ facts }) => harden(facts).otherPasswords.length > 0,
      choices: ({ facts }) => harden(facts).otherPasswords.map((key) => ({ value: key, label: keyLabel(key) })),
      default: () => [],
    },
    {
      id: 'password_file',
      label: "How will the server get the internal keystore's password at start-up?",
      kind: 'choice',
      why: ({ facts }) =>
        `The vault's own password cannot be in the vault: the server reads password-tmp (then deletes it), else password-persist, else asks on its console.${harden(facts).passwordTmp ? ' This home has a password-tmp now; it is not changed.' : ''}`,
      // With password-persist present the server already has it; the plan says so and leaves the file alone.
      when: ({ facts }) => !harden(facts).passwordPersist,
      choices: ({ facts }) => [
        {
          value: 'persist',
          label: 'Write password-persist (0600)',
          hint: 'read at every start: unattended restarts; anyone who can read it can decrypt every secret',
        },
        {
          value: 'none',
          label: 'Nothing: the server asks at start-up',
          hint: harden(facts).passwordTmp
            ? 'or reads password-tmp, which it then deletes'
            : 'type it at the console: [Enter KeyStore and Private Key Password :]',
        },
      ],
      default: ({ facts }) => (harden(facts).passwordTmp ? 'none' : 'persist'),
    },
  ],
};

/** The wizard's values as the answers of `apply secrets` (no password in them: the vault's is held by the session). */
export function hardenAnswersFrom(values: FieldValues): HardenAnswers {
  return {
    encryptPlaintext: values['encrypt_plaintext'] === true,
    moveKeystorePasswords: values['move_keystore_passwords'] === true,
    move: Array.isArray(values['move']) ? (values['move'] as unknown[]).filter((key): key is string => typeof key === 'string') : [],
    passwordFile: values['password_file'] === 'none' ? 'none' : 'persist',
  };
}
