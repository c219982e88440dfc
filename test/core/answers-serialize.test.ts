import fc from 'fast-check';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { serializeAnswers } from '../../source/answers/serialize.js';
import { tomlString } from '../../source/answers/toml-text.js';
import type {
  Answers,
  GenerateAnswers,
  KeystoreAnswers,
  PrimaryAnswers,
  SecretRef,
  TruststoreAnswers,
} from '../../source/answers/types.js';
import { validateAnswers } from '../../source/answers/validate.js';

const primary: PrimaryAnswers = {
  procedure: 'primary',
  keystore: {
    source: 'generate',
    fileName: 'ei-primary.jks',
    type: 'JKS',
    alias: 'ei-primary',
    password: { literal: 'store-secret' },
    keyPassword: { literal: 'key-secret' },
    overwrite: false,
    generate: {
      dname: {
        text: 'CN=ei.example.com, OU=Integration, O=Example, C=LK',
        attributes: [
          { type: 'CN', value: 'ei.example.com' },
          { type: 'OU', value: 'Integration' },
          { type: 'O', value: 'Example' },
          { type: 'C', value: 'LK' },
        ],
      },
      subjectAltNames: [
        { text: 'DNS:ei.example.com', entry: { kind: 'dns', value: 'ei.example.com' } },
        { text: 'IP:127.0.0.1', entry: { kind: 'ip', value: '127.0.0.1', bytes: Buffer.from([127, 0, 0, 1]) } },
      ],
      keyPair: { algorithm: 'RSA', size: 3072 },
      validityDays: 730,
    },
  },
  truststore: { importCertificate: false },
  secrets: { strategy: 're-encrypt' },
};

describe('serializeAnswers', () => {
  it('writes secrets as environment variables, never as literals, and reads back to the same answers', () => {
    const text = serializeAnswers('primary', primary);
    expect(text).not.toContain('store-secret');
    expect(text).not.toContain('key-secret');
    expect(text).toContain('password = { env = "EI_KEYSTORE_PASSWORD" }');
    expect(text).toContain('key_password = { env = "EI_KEY_PASSWORD" }');
    expect(text).toMatch(/^# .*\n/);
    const back = validateAnswers('primary', parse(text));
    expect(back).toEqual({
      ...primary,
      keystore: { ...primary.keystore, password: { env: 'EI_KEYSTORE_PASSWORD' }, keyPassword: { env: 'EI_KEY_PASSWORD' } },
    });
  });

  it('uses the names the caller gives, keeps file references, and leaves out a key password equal to the password', () => {
    const answers: PrimaryAnswers = {
      ...primary,
      keystore: {
        ...primary.keystore,
        password: { env: 'OLD_NAME' },
        keyPassword: { env: 'OLD_NAME' },
        source: 'existing',
        existing: { path: '/certs/server.p12', password: { file: 'secrets/source.pw' }, keyPassword: { literal: 'k' }, alias: 'server' },
      } as KeystoreAnswers,
    };
    const text = serializeAnswers('primary', answers, { keystorePassword: 'NODE1_PASSWORD', existingKeyPassword: 'SRC_KEY' });
    expect(text).toContain('password = { env = "NODE1_PASSWORD" }');
    expect(text).not.toMatch(/^key_password = .*NODE1/m);
    expect(text).toContain('password = { file = "secrets/source.pw" }');
    expect(text).toContain('key_password = { env = "SRC_KEY" }');
    expect(text).not.toContain('[keystore.generate]');
    const back = validateAnswers('primary', parse(text));
    expect(back.keystore).toMatchObject({ password: { env: 'NODE1_PASSWORD' }, keyPassword: { env: 'NODE1_PASSWORD' } });
    expect(back.keystore.source === 'existing' && back.keystore.existing).toEqual({
      path: '/certs/server.p12',
      password: { file: 'secrets/source.pw' },
      keyPassword: { env: 'SRC_KEY' },
      alias: 'server',
    });
  });

  it('writes truststore answers with their imports', () => {
    const answers: TruststoreAnswers = {
      procedure: 'truststore',
      truststore: {
        source: 'existing',
        existing: { path: 'old "quoted" \\ path.jks', password: { literal: 'old' } },
        fileName: 'ei-truststore.jks',
        type: 'PKCS12',
        password: { literal: 'new' },
        removeDefaultCertificate: true,
        remove: ['old-partner'],
        removeExpired: true,
        overwrite: true,
        imports: [
          { alias: 'partner-ca', file: 'partner.pem' },
          {
            alias: '',
            server: { host: 'backend.example.com', port: 8243, servername: 'api.example.com' },
            trust: 'issuer',
            sha256: 'AB'.repeat(32),
          },
          { alias: 'root', file: '/etc/ssl/root.der' },
        ],
      },
    };
    const back = validateAnswers('truststore', parse(serializeAnswers('truststore', answers)));
    expect(back).toEqual({
      procedure: 'truststore',
      truststore: {
        ...answers.truststore,
        password: { env: 'EI_TRUSTSTORE_PASSWORD' },
        existing: { path: 'old "quoted" \\ path.jks', password: { env: 'EI_SOURCE_TRUSTSTORE_PASSWORD' } },
      },
    });
  });

  it('escapes every character TOML basic strings need escaped', () => {
    const awkward = 'quote " backslash \\ tab \t newline \n bell \u0007 delete \u007f unicode é \u{1F511}';
    const text = `value = ${tomlString(awkward)}\n`;
    expect(text).toContain('\\u0007');
    expect(text).toContain('\\u007F');
    expect(parse(text)).toEqual({ value: awkward });
  });

  it('refuses answers of another procedure', () => {
    expect(() => serializeAnswers('internal', primary)).toThrow(/primary passed as internal/);
  });

  it('round-trips any valid keystore answers (property)', () => {
    const text = fc
      .string({ minLength: 1, maxLength: 20, unit: 'grapheme' })
      .filter((value) => value.trim() === value && value.trim() !== '' && !/[\u0000-\u001f\u007f]/.test(value));
    const fileName = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,15}$/).filter((name) => !name.includes('..'));
    const envRef = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/).map((env): SecretRef => ({ env }));
    const secret = fc.oneof(
      envRef,
      text.map((literal): SecretRef => ({ literal })),
      text.map((file): SecretRef => ({ file })),
    );
    const keyPair = fc.constantFrom(
      { algorithm: 'RSA', size: 2048 } as const,
      { algorithm: 'RSA', size: 4096 } as const,
      { algorithm: 'EC', size: 256 } as const,
      { algorithm: 'EC', size: 384 } as const,
    );
    const answers = fc.record({
      fileName,
      type: fc.constantFrom('JKS' as const, 'PKCS12' as const),
      alias: text,
      password: secret,
      keyPassword: secret,
      overwrite: fc.boolean(),
      keyPair,
      validityDays: fc.integer({ min: 1, max: 36500 }),
      strategy: fc.option(fc.constantFrom('re-encrypt' as const, 'keep-old-key-as-internal' as const), { nil: undefined }),
    });
    fc.assert(
      fc.property(answers, (drawn) => {
        const { keyPair: pair, validityDays, strategy, ...common } = drawn;
        const generate: GenerateAnswers = {
          dname: {
            text: 'CN=a, C=LK',
            attributes: [
              { type: 'CN', value: 'a' },
              { type: 'C', value: 'LK' },
            ],
          },
          subjectAltNames: [],
          keyPair: pair,
          validityDays,
        };
        const input: Answers = {
          procedure: 'primary',
          keystore: { ...common, source: 'generate', generate },
          truststore: { importCertificate: true },
          ...(strategy ? { secrets: { strategy } } : {}),
        };
        const back = validateAnswers('primary', parse(serializeAnswers('primary', input)));
        expect(back.keystore).toMatchObject({
          fileName: common.fileName,
          alias: common.alias,
          type: common.type,
          overwrite: common.overwrite,
        });
        expect(back.keystore.source === 'generate' && back.keystore.generate).toEqual(generate);
        expect(back.secrets).toEqual(input.secrets);
        const written = (ref: SecretRef, fallback: string): SecretRef => ('literal' in ref ? { env: fallback } : ref);
        const password = written(common.password, 'EI_KEYSTORE_PASSWORD');
        expect(back.keystore.password).toEqual(password);
        const sameKey = JSON.stringify(common.keyPassword) === JSON.stringify(common.password);
        expect(back.keystore.keyPassword).toEqual(sameKey ? password : written(common.keyPassword, 'EI_KEY_PASSWORD'));
      }),
      { numRuns: 200 },
    );
  });
});
