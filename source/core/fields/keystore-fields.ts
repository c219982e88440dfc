import type { Field, FieldContext, ProcedureDefinition } from './types.js';
import {
  SHIPPED_PASSWORD,
  shippedPasswordWarning,
  text,
  validAlias,
  validCountry,
  validDnValue,
  validFileName,
  validInteger,
  validNewPassword,
  validSans,
} from './common-validators.js';

const source = ({ values }: FieldContext) => String(values['source'] ?? 'generate');
const isGenerate = (context: FieldContext) => source(context) === 'generate';
const isExisting = (context: FieldContext) => source(context) === 'existing';
const isCsr = (context: FieldContext) => source(context) === 'csr';
const isReply = (context: FieldContext) => source(context) === 'ca-reply';
/** A subject and a key are asked for a self-signed certificate and for a request with a new key. */
const asksSubject = (context: FieldContext) => isGenerate(context) || (isCsr(context) && context.values['csr.key'] !== 'current');
const isJks = ({ values }: FieldContext) => values['type'] !== 'PKCS12';

/**
 * The new key will encrypt [secrets] that hold encrypted values, and they can only be encrypted again (the cipher
 * tool's RSA-OAEP) for an RSA key: the internal procedure, or the primary where it is also the internal keystore
 * and the old key cannot be kept apart (the product reads no [keystore.internal]).
 */
const ecRefused = (role: 'primary' | 'internal', { facts }: FieldContext) =>
  facts.encryptedSecrets > 0 && (role === 'internal' || (facts.internalIsPrimary && !facts.internalConfigurable));

function keystoreFields(role: 'primary' | 'internal'): Field[] {
  const defaultName = role === 'primary' ? 'ei-primary' : 'ei-internal';
  return [
    {
      id: 'source',
      label: 'Where does the key pair come from?',
      kind: 'choice',
      why:
        role === 'primary'
          ? 'A CA-signed certificate is recommended for the primary keystore: it faces external parties.'
          : 'The internal keystore needs no CA-signed certificate: it is not used with external parties.',
      choices: ({ facts }) => [
        ...(facts.pendingRequests?.[role]
          ? [{ value: 'ca-reply', label: "Import the CA's reply to my pending request", hint: facts.pendingRequests[role]!.subject }]
          : []),
        { value: 'generate', label: 'Generate a new key pair', hint: 'a self-signed certificate, made here' },
        {
          value: 'csr',
          label: 'Create a certificate signing request',
          hint: 'for a CA-signed certificate; the key waits here for the reply',
        },
        { value: 'existing', label: 'Use a keystore I have', hint: 'JKS, PKCS12 or JCEKS, e.g. from your CA' },
      ],
      default: ({ facts }) => (facts.pendingRequests?.[role] ? 'ca-reply' : 'generate'),
    },
    {
      id: 'csr.key',
      label: 'Which key should the request certify?',
      kind: 'choice',
      when: isCsr,
      why: 'Renewing keeps the key the server uses now and asks the CA for a new certificate for it.',
      choices: () => [
        { value: 'new', label: 'A new key pair', hint: 'made here' },
        {
          value: 'current',
          label: `The current ${role} key (renewal)`,
          hint: 'same key, new certificate; subject and names from the current one',
        },
      ],
      default: () => 'new',
    },
    {
      id: 'replace_pending',
      label: 'A request is already pending. Replace it? (a reply to it could no longer be imported)',
      kind: 'confirm',
      when: (context) => isCsr(context) && Boolean(context.facts.pendingRequests?.[role]),
      default: () => false,
      validate: (value) => (value === true ? undefined : 'Go back (Esc) and choose "Import the CA\'s reply", or answer yes.'),
    },
    {
      id: 'csr_file',
      label: 'Where to write the request (PEM), to send to the CA',
      kind: 'text',
      when: isCsr,
      default: () => `${defaultName}.csr`,
      validate: (value) => (text(value).trim() === '' ? 'Give a file path for the request.' : undefined),
    },
    {
      id: 'reply',
      label: "Path of the CA's reply (PEM, DER, .p7b or a bundle)",
      kind: 'text',
      when: isReply,
      why: 'The chain is completed from the reply and the truststore, ordered, and checked before anything is written.',
      placeholder: '/path/to/reply.p7b',
      validate: (value) => (text(value).trim() === '' ? "Give the path of the CA's reply." : undefined),
    },
    {
      id: 'existing.path',
      label: 'Path of the keystore to use',
      kind: 'text',
      when: isExisting,
      placeholder: '/path/to/server.p12',
      validate: (value) => (text(value).trim() === '' ? 'Give the path of the keystore file.' : undefined),
      // Said here, not on the password question after it.
      check: async (value, _context, io) => io.checkKeystoreFile?.(text(value).trim()),
    },
    {
      id: 'existing.password',
      label: 'Its store password',
      kind: 'secret',
      when: isExisting,
      check: (value, { values }, io) =>
        io.checkExistingKeystore({ path: text(values['existing.path']), password: text(value), needKey: false }),
    },
    {
      id: 'existing.alias',
      label: 'Alias of its key entry (empty when it holds exactly one)',
      kind: 'text',
      optional: true,
      when: isExisting,
      // The alias is checked on its own question: a wrong one is said here, not after the key password.
      check: (value, { values }, io) =>
        io.checkExistingKeystore({
          path: text(values['existing.path']),
          password: text(values['existing.password']),
          alias: text(value).trim() || undefined,
          needKey: false,
          checkAlias: true,
        }),
    },
    {
      id: 'existing.key_password',
      label: 'Its key password (empty: the same as its store password)',
      kind: 'secret',
      optional: true,
      when: isExisting,
      check: (value, { values }, io) =>
        io.checkExistingKeystore({
          path: text(values['existing.path']),
          password: text(values['existing.password']),
          alias: text(values['existing.alias']) || undefined,
          keyPassword: text(value) || text(values['existing.password']),
          needKey: true,
        }),
    },
    {
      id: 'file_name',
      label: 'File name of the new keystore',
      kind: 'text',
      why: 'It goes in repository/resources/security (the document says repository/security: a known error).',
      default: () => `${defaultName}.jks`,
      validate: (value, { facts }) => {
        const name = text(value).trim();
        if (!facts.internalConfigurable && name === 'wso2carbon.jks') {
          return `On ${facts.profileLabel} wso2carbon.jks is the internal keystore (carbon.xml hard-codes it): give the new keystore another name.`;
        }
        if (name === facts.currentTruststoreFile) return `${name} is the truststore: give the new keystore another name.`;
        return validFileName(value);
      },
    },
    {
      id: 'overwrite',
      label: 'That file exists. Replace it? (the old one is backed up)',
      kind: 'confirm',
      when: ({ facts, values }) => facts.securityFiles.includes(text(values['file_name']).trim()),
      default: () => false,
      validate: (value) => (value === true ? undefined : 'Choose another file name (Esc), or answer yes.'),
    },
    {
      id: 'type',
      label: 'Keystore type',
      kind: 'choice',
      choices: () => [
        { value: 'JKS', label: 'JKS', hint: 'recommended: what WSO2 ships and tests' },
        { value: 'PKCS12', label: 'PKCS12', hint: 'accepted; WSO2 marks it "not tested" for the Micro Integrator' },
      ],
      default: ({ values }) => (/\.(p12|pfx)$/i.test(text(values['file_name'])) ? 'PKCS12' : 'JKS'),
    },
    {
      id: 'alias',
      label: 'Alias of the key entry',
      kind: 'text',
      default: () => defaultName,
      validate: validAlias,
    },
    {
      id: 'password',
      label: 'Password of the new keystore',
      kind: 'new-secret',
      why: (context) =>
        isReply(context)
          ? 'Type the password you gave when the request was made: the key waiting for the reply is locked with it, and it becomes the keystore password.'
          : undefined,
      validate: (value) => {
        if (role === 'internal' && text(value) === SHIPPED_PASSWORD) {
          return `Not "${SHIPPED_PASSWORD}": it is the password every WSO2 server ships with, and this key encrypts your secrets. Choose another.`;
        }
        return validNewPassword(value);
      },
      // In the reply flow the password must open the key waiting for the reply: said here, not after the last question.
      check: async (value, context, io) => {
        const pending = context.facts.pendingRequests?.[role];
        if (!isReply(context) || !pending) return undefined;
        const problem = await io.checkExistingKeystore({ path: pending.keystorePath, password: text(value), needKey: false });
        return problem === undefined
          ? undefined
          : 'This is not the password given when the request was made: it does not open the key waiting for the reply. Type that password.';
      },
      warn: role === 'primary' ? shippedPasswordWarning : undefined,
    },
    {
      id: 'key_password',
      label: 'Password of the private key (empty: the same as the keystore password)',
      kind: 'new-secret',
      optional: true,
      // The internal key is the secure vault's, which the server opens with ONE password for the store and the key
      // (docs/wso2-rules.md, section 5): it is not asked, and gets the keystore password.
      when: (context) => isJks(context) && role === 'primary',
      check: async (value, context, io) => {
        const pending = context.facts.pendingRequests?.[role];
        if (!isReply(context) || !pending) return undefined;
        const password = text(context.values['password']);
        const problem = await io.checkExistingKeystore({
          path: pending.keystorePath,
          password,
          keyPassword: text(value) || password,
          needKey: true,
        });
        return problem === undefined
          ? undefined
          : 'This is not the key password given when the request was made: it does not open the key waiting for the reply. Type that one (empty: the keystore password).';
      },
      validate: (value) => {
        if (text(value) === '') return undefined;
        return validNewPassword(value);
      },
      warn: role === 'primary' ? shippedPasswordWarning : undefined,
    },
    role === 'primary'
      ? {
          id: 'dname.cn',
          label: 'Common name (CN): the host name clients connect to',
          kind: 'text',
          when: asksSubject,
          default: ({ facts }) => facts.hostname,
          validate: (value) => validDnValue('CN', value, false),
        }
      : {
          // The internal key encrypts secrets; nobody connects with it, so it needs a name, not a host name.
          id: 'dname.cn',
          label: 'Common name (CN): a name that says what this key is',
          kind: 'text',
          when: asksSubject,
          why: 'Nobody connects with the internal key: the name is only a label, the same on every node of a cluster.',
          default: () => 'ei-internal',
          validate: (value) => validDnValue('CN', value, false),
        },
    {
      id: 'dname.ou',
      label: 'Organisational unit (OU)',
      kind: 'text',
      optional: true,
      when: asksSubject,
      validate: (v) => validDnValue('OU', v, true),
    },
    {
      id: 'dname.o',
      label: 'Organisation (O)',
      kind: 'text',
      optional: true,
      when: asksSubject,
      validate: (v) => validDnValue('O', v, true),
    },
    {
      id: 'dname.l',
      label: 'City or locality (L)',
      kind: 'text',
      optional: true,
      when: asksSubject,
      validate: (v) => validDnValue('L', v, true),
    },
    {
      id: 'dname.st',
      label: 'State or province (ST)',
      kind: 'text',
      optional: true,
      when: asksSubject,
      validate: (v) => validDnValue('ST', v, true),
    },
    { id: 'dname.c', label: 'Country code (C), two letters', kind: 'text', optional: true, when: asksSubject, validate: validCountry },
    {
      id: 'subject_alt_names',
      label: 'Subject alternative names (comma-separated DNS:name or IP:address)',
      kind: 'text',
      optional: true,
      // Names a client checks: the internal key has no clients.
      when: (context) => role === 'primary' && asksSubject(context),
      why: 'Clients check the name they connected to against these; include every name and address used.',
      default: ({ values, facts }) => `DNS:${text(values['dname.cn']).trim() || facts.hostname}`,
      validate: validSans,
    },
    {
      id: 'key_algorithm',
      label: 'Key algorithm',
      kind: 'choice',
      when: asksSubject,
      choices: (context) => [
        { value: 'RSA', label: 'RSA', hint: 'works everywhere; needed for encrypted [secrets]' },
        {
          value: 'EC',
          label: 'EC',
          hint: ecRefused(role, context)
            ? `not possible here: ${context.facts.encryptedSecrets} encrypted [secrets] value(s) can only be encrypted again for an RSA key`
            : role === 'internal' || context.facts.internalIsPrimary
              ? 'smaller and faster, but the cipher tool cannot encrypt secrets with it'
              : 'smaller and faster keys',
        },
      ],
      default: () => 'RSA',
      validate: (value, context) =>
        value === 'EC' && ecRefused(role, context)
          ? `EC is not possible here: ${context.facts.encryptedSecrets} value(s) in [secrets] are encrypted with the key being replaced, and they can only be encrypted again for an RSA key. Choose RSA.`
          : undefined,
    },
    {
      id: 'key_size',
      label: 'Key size',
      kind: 'choice',
      when: asksSubject,
      choices: ({ values }) =>
        values['key_algorithm'] === 'EC'
          ? [
              { value: '256', label: 'P-256', hint: 'recommended' },
              { value: '384', label: 'P-384' },
            ]
          : [
              { value: '2048', label: '2048 bits', hint: 'the common choice' },
              { value: '3072', label: '3072 bits' },
              { value: '4096', label: '4096 bits', hint: 'slower handshakes' },
            ],
      default: ({ values }) => (values['key_algorithm'] === 'EC' ? '256' : '2048'),
    },
    {
      id: 'validity_days',
      label: 'Validity of the certificate, in days',
      kind: 'integer',
      when: isGenerate,
      why:
        role === 'primary'
          ? 'keytool defaults to 90 days without -validity; a year is a common choice.'
          : 'The internal key should not rotate (a new one means re-encrypting every secret): ten years is usual.',
      default: () => (role === 'primary' ? 365 : 3650),
      validate: validInteger(1, 36500),
    },
    ...(role === 'primary'
      ? [
          {
            id: 'import_certificate',
            label: 'Add the new certificate to the truststore?',
            kind: 'confirm',
            // A request changes nothing yet; for a CA's reply the root CA is what gets trusted.
            when: (context: FieldContext) => !isCsr(context),
            why: 'Needed when the server or its peers call its own HTTPS ports, and for self-signed certificates.',
            default: () => true,
          } satisfies Field,
        ]
      : []),
    {
      id: 'secrets_strategy',
      label: 'Encrypted [secrets] use the key being replaced. What should happen to them?',
      kind: 'choice',
      when: (context) => !isCsr(context) && context.facts.encryptedSecrets > 0 && (role === 'internal' || context.facts.internalIsPrimary),
      choices: ({ facts }) => [
        {
          value: 're-encrypt',
          label: 'Re-encrypt them with the new certificate',
          hint: facts.primaryIsShippedKey ? 'recommended: the shipped key is public' : 'needs an RSA key',
        },
        ...(role === 'primary' && facts.internalConfigurable
          ? [
              {
                value: 'keep-old-key-as-internal',
                label: 'Keep the old key pair as the internal keystore',
                hint: facts.primaryIsShippedKey
                  ? 'not recommended: the old key is the shipped wso2carbon key, public, and it would go on encrypting your secrets'
                  : 'the secrets stay as they are',
              },
            ]
          : []),
      ],
      why: ({ facts }) =>
        facts.primaryIsShippedKey
          ? "The key being replaced is WSO2's shipped wso2carbon key: its private key is public, so anything it encrypts is readable by anyone. Re-encrypt."
          : 'Replacing the key that encrypted them makes them unreadable at the next start-up.',
      default: () => 're-encrypt',
      validate: (value, { values }) =>
        value === 're-encrypt' && values['key_algorithm'] === 'EC'
          ? 'Re-encrypting needs an RSA key, and the new key is EC: keep the old key pair as the internal keystore, or go back (Esc) and choose RSA.'
          : undefined,
    },
  ];
}

export const PRIMARY_PROCEDURE: ProcedureDefinition = {
  id: 'primary',
  title: 'Change the primary keystore',
  intro: 'The primary keystore holds the key pair the server uses for TLS and for signing messages to external parties.',
  fields: keystoreFields('primary'),
};

export const INTERNAL_PROCEDURE: ProcedureDefinition = {
  id: 'internal',
  title: 'Separate the internal keystore',
  intro:
    'The internal keystore encrypts secrets and internal data. Keeping it apart lets the primary certificate rotate without making encrypted data unreadable.',
  fields: keystoreFields('internal'),
};
