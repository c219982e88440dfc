import { shippedPasswordWarning, text, validFileName, validNewPassword } from './common-validators.js';
import type { ProcedureDefinition, TruststoreEntryFacts, WizardFacts } from './types.js';

/** The truststore's certificates the removal list offers: all but the shipped wso2carbon, expired ones first. */
function removableEntries(facts: WizardFacts): TruststoreEntryFacts[] {
  const entries = (facts.truststoreEntries ?? []).filter((entry) => entry.alias.toLowerCase() !== 'wso2carbon');
  return [...entries.filter((entry) => entry.expired), ...entries.filter((entry) => !entry.expired)];
}

export const TRUSTSTORE_PROCEDURE: ProcedureDefinition = {
  id: 'truststore',
  title: 'Change the truststore',
  intro:
    'The truststore holds the certificates the server trusts for TLS. A new one starts from the current one: an empty truststore breaks TLS.',
  fields: [
    {
      id: 'source',
      label: 'Start the new truststore from',
      kind: 'choice',
      choices: ({ facts }) => [
        { value: 'copy-current', label: 'A copy of the current truststore', hint: `${facts.currentTruststoreFile}: keeps the public CAs` },
        { value: 'existing', label: 'A truststore file I have' },
      ],
      default: () => 'copy-current',
    },
    {
      id: 'existing.path',
      label: 'Path of the truststore to start from',
      kind: 'text',
      when: ({ values }) => values['source'] === 'existing',
      validate: (value) => (text(value).trim() === '' ? 'Give the path of the truststore file.' : undefined),
    },
    {
      id: 'existing.password',
      label: 'Its password',
      kind: 'secret',
      when: ({ values }) => values['source'] === 'existing',
      check: (value, { values }, io) =>
        io.checkExistingKeystore({ path: text(values['existing.path']), password: text(value), needKey: false }),
    },
    {
      id: 'file_name',
      label: 'File name of the new truststore',
      kind: 'text',
      why: 'It goes in repository/resources/security.',
      default: () => 'ei-truststore.jks',
      validate: validFileName,
    },
    {
      id: 'overwrite',
      label: 'That file exists. Replace it? (the old one is backed up)',
      kind: 'confirm',
      when: ({ facts, values }) =>
        facts.securityFiles.includes(text(values['file_name']).trim()) && text(values['file_name']).trim() !== facts.currentTruststoreFile,
      default: () => false,
      validate: (value) => (value === true ? undefined : 'Choose another file name (Esc), or answer yes.'),
    },
    {
      id: 'type',
      label: 'Truststore type',
      kind: 'choice',
      choices: () => [
        { value: 'JKS', label: 'JKS', hint: 'recommended' },
        { value: 'PKCS12', label: 'PKCS12', hint: 'accepted; "not tested" for the Micro Integrator' },
      ],
      default: ({ values }) => (/\.(p12|pfx)$/i.test(text(values['file_name'])) ? 'PKCS12' : 'JKS'),
    },
    {
      id: 'password',
      label: 'Password of the new truststore',
      kind: 'new-secret',
      validate: validNewPassword,
      warn: shippedPasswordWarning,
    },
    {
      id: 'imports',
      label: 'Certificates to import (type a path; empty line to finish)',
      kind: 'certificates',
      optional: true,
      why: 'Each file is read and its subject and expiry shown before it is accepted; a bundle gets one alias per certificate.',
      default: () => [],
    },
    {
      id: 'remove_default_certificate',
      label: 'Remove the shipped "wso2carbon" certificate?',
      kind: 'confirm',
      why: 'Production guidance, once the default keystore is replaced.',
      default: () => false,
    },
    {
      id: 'remove',
      label: 'Certificates to remove (Space ticks, Enter when done; none is fine)',
      kind: 'checklist',
      optional: true,
      why: 'Expired certificates can go; the plan lists each removal. The shipped wso2carbon one has its own question.',
      // Offered when the truststore copied holds more than the shipped certificate (asked about above).
      when: ({ facts, values }) => values['source'] !== 'existing' && removableEntries(facts).length > 0,
      choices: ({ facts }) =>
        removableEntries(facts).map((entry) => ({
          value: entry.alias,
          label: entry.alias,
          hint: `${entry.subject}, ${entry.expired ? 'EXPIRED' : 'valid to'} ${entry.notAfter}${entry.certifiesPrimary ? '; certifies our own primary key' : ''}`,
        })),
      default: () => [],
    },
  ],
};
