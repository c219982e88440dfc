import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { serializeAnswers } from '../../source/answers/serialize.js';
import { validateAnswers } from '../../source/answers/validate.js';
import {
  PROCEDURE_DEFINITIONS,
  keystoreAnswersFrom,
  truststoreAnswersFrom,
  valueOrDefault,
  visibleFields,
  type FieldValue,
  type FieldValues,
  type WizardFacts,
} from '../../source/core/fields/index.js';

const facts: WizardFacts = {
  profile: 'mi-4',
  profileLabel: 'Micro Integrator 4.x',
  internalConfigurable: true,
  hostname: 'ei.example.com',
  securityFiles: ['wso2carbon.jks', 'client-truststore.jks'],
  encryptedSecrets: 0,
  internalIsPrimary: true,
  currentTruststoreFile: 'client-truststore.jks',
};

/** Walks a procedure as a front end does: each visible field answered from `typed`, else its default. */
function walk(id: 'primary' | 'internal' | 'truststore', typed: Record<string, FieldValue>, wizardFacts = facts): FieldValues {
  const values: Record<string, FieldValue | undefined> = {};
  for (let index = 0; ; index++) {
    const fields = visibleFields(PROCEDURE_DEFINITIONS[id], { facts: wizardFacts, values });
    const field = fields[index];
    if (!field) return values;
    const value = valueOrDefault(field, typed[field.id], { facts: wizardFacts, values });
    const problem = value === undefined ? 'required' : field.validate?.(value, { facts: wizardFacts, values });
    if (problem) throw new Error(`${field.id}: ${problem}`);
    values[field.id] = value;
  }
}

describe('procedures as data', () => {
  it('primary with defaults: the answers validate after a save (secrets as env references only)', () => {
    const values = walk('primary', { password: 'secret-one', key_password: 'secret-two', 'dname.o': 'Example, Inc.', 'dname.c': 'lk' });
    const { answers, secrets } = keystoreAnswersFrom('primary', values);
    expect(secrets).toEqual({ password: 'secret-one', keyPassword: 'secret-two' });
    const saved = serializeAnswers('primary', answers);
    expect(saved).not.toContain('secret-one');
    expect(saved).not.toContain('secret-two');
    const reread = validateAnswers('primary', parse(saved));
    expect(reread).toEqual(answers);
    expect(reread.keystore.source === 'generate' && reread.keystore.generate.dname).toEqual({
      text: 'CN=ei.example.com, O=Example\\, Inc., C=LK',
      attributes: [
        { type: 'CN', value: 'ei.example.com' },
        { type: 'O', value: 'Example, Inc.' },
        { type: 'C', value: 'LK' },
      ],
    });
    expect(reread.keystore.source === 'generate' && reread.keystore.generate.subjectAltNames).toEqual([
      { text: 'DNS:ei.example.com', entry: { kind: 'dns', value: 'ei.example.com' } },
    ]);
  });

  it('hides fields that do not apply: existing-keystore fields only for source=existing, key password only for JKS', () => {
    const ids = (values: FieldValues) => visibleFields(PROCEDURE_DEFINITIONS.primary, { facts, values }).map((field) => field.id);
    expect(ids({ source: 'generate' })).not.toContain('existing.path');
    expect(ids({ source: 'existing' })).toContain('existing.path');
    expect(ids({ source: 'existing' })).not.toContain('dname.cn');
    expect(ids({ type: 'PKCS12' })).not.toContain('key_password');
    expect(ids({ type: 'JKS' })).toContain('key_password');
    // The internal key is the secure vault's, opened with one password for store and key: no key password asked.
    expect(visibleFields(PROCEDURE_DEFINITIONS.internal, { facts, values: { type: 'JKS' } }).map((field) => field.id)).not.toContain(
      'key_password',
    );
    expect(ids({ file_name: 'wso2carbon.jks' })).toContain('overwrite');
    expect(ids({ file_name: 'new.jks' })).not.toContain('overwrite');
  });

  it('asks for a secrets strategy only when encrypted secrets would lose their key, offering keep-old-key only where the product allows', () => {
    const withSecrets = { ...facts, encryptedSecrets: 2 };
    const strategy = (wizardFacts: WizardFacts, id: 'primary' | 'internal') =>
      visibleFields(PROCEDURE_DEFINITIONS[id], { facts: wizardFacts, values: {} }).find((field) => field.id === 'secrets_strategy');
    expect(strategy(facts, 'primary')).toBeUndefined();
    const field = strategy(withSecrets, 'primary')!;
    expect(field.choices!({ facts: withSecrets, values: {} }).map((choice) => choice.value)).toEqual([
      're-encrypt',
      'keep-old-key-as-internal',
    ]);
    const mi12 = { ...withSecrets, profile: 'mi-1.2' as const, internalConfigurable: false };
    expect(strategy(mi12, 'primary')!.choices!({ facts: mi12, values: {} }).map((choice) => choice.value)).toEqual(['re-encrypt']);
    expect(strategy({ ...withSecrets, internalIsPrimary: false }, 'primary')).toBeUndefined();
  });

  it('validates inline: file names, country codes, SANs, passwords, validity', () => {
    const field = (id: string) => PROCEDURE_DEFINITIONS.primary.fields.find((candidate) => candidate.id === id)!;
    const context = { facts, values: {} };
    expect(field('file_name').validate!('../x.jks', context)).toMatch(/file name only/);
    expect(field('dname.c').validate!('Lanka', context)).toMatch(/Two letters/);
    expect(field('subject_alt_names').validate!('DNS:ok.example.com, FTP:nope', context)).toBeTruthy();
    expect(field('password').validate!('12345', context)).toMatch(/6 characters/);
    expect(field('validity_days').validate!(0, context)).toMatch(/1 to 36500/);
    expect(field('validity_days').validate!(365, context)).toBeUndefined();
  });

  it('truststore: imports and the existing source map to the answers schema, which validates', () => {
    const values = walk('truststore', {
      password: 'trust-me-1',
      imports: [{ alias: 'partner', file: '/tmp/partner.pem', summary: 'CN=partner' }],
      remove_default_certificate: true,
    });
    const { answers, secrets } = truststoreAnswersFrom(values);
    expect(secrets.password).toBe('trust-me-1');
    const reread = validateAnswers('truststore', parse(serializeAnswers('truststore', answers)));
    expect(reread).toEqual(answers);
    expect(reread.truststore.imports).toEqual([{ alias: 'partner', file: '/tmp/partner.pem' }]);
    expect(reread.truststore.removeDefaultCertificate).toBe(true);
  });
});
