import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { readAnswersFile, serializeAnswers } from '../../source/answers/answers-file.js';
import { AnswersError } from '../../source/answers/problems.js';
import type { KeystoreRole } from '../../source/answers/types.js';
import { validateAnswers } from '../../source/answers/validate.js';
import { UserError } from '../../source/errors.js';
import { tempDir } from '../support/tmp.js';

const templates = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates', 'answers');

const PRIMARY = `
[keystore]
source = "existing"
file_name = "ei-primary.jks"
alias = "ei-primary"
password = { env = "EIK_TEST_STORE" }
key_password = { file = "secrets/key.pw" }
[keystore.existing]
path = "certs/server.p12"
password = "source-literal"
`;

async function refusal(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('readAnswersFile', () => {
  it('resolves env, file and literal secrets, and paths relative to the answers file', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'secrets'));
    writeFileSync(path.join(dir, 'secrets', 'key.pw'), 'key secret \n\n');
    const file = path.join(dir, 'primary.toml');
    writeFileSync(file, PRIMARY);
    const { answers, secrets } = await readAnswersFile(path.relative(process.cwd(), file), 'primary', { EIK_TEST_STORE: 'store secret' });
    // Only one trailing newline is dropped: the rest is the password.
    expect(secrets).toEqual({
      password: 'store secret',
      keyPassword: 'key secret \n',
      existingPassword: 'source-literal',
      existingKeyPassword: 'source-literal',
    });
    expect(answers.keystore.keyPassword).toEqual({ file: path.join(dir, 'secrets', 'key.pw') });
    expect(answers.keystore.source === 'existing' && answers.keystore.existing.path).toBe(path.join(dir, 'certs', 'server.p12'));
  });

  it('names every unset variable and unreadable secret file at once, without their values', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'primary.toml');
    writeFileSync(file, PRIMARY);
    const error = await refusal(readAnswersFile(file, 'primary', { EIK_TEST_STORE: '' }));
    expect(error.code).toBe('answers-secret');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(file);
    expect(error.message).toContain('[keystore] password: the environment variable EIK_TEST_STORE is empty');
    expect(error.message).toContain(
      `[keystore] key_password: the secret file ${path.join(dir, 'secrets', 'key.pw')} cannot be read: no such file`,
    );
    expect(error.message).not.toContain('source-literal');

    const unset = await refusal(readAnswersFile(file, 'primary', {}));
    expect(unset.message).toContain('[keystore] password: the environment variable EIK_TEST_STORE is not set; export it');
  });

  it('reads the variable of a key password that defaults to the password once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'internal.toml');
    writeFileSync(file, PRIMARY.replace('key_password = { file = "secrets/key.pw" }\n', ''));
    const error = await refusal(readAnswersFile(file, 'internal', {}));
    expect(error.message.match(/EIK_TEST_STORE/g)).toHaveLength(2); // "is not set; export it (export EIK_TEST_STORE=...)"
    expect(error.message).not.toContain('key_password');
  });

  it('refuses a PKCS12 keystore whose key password differs from its password', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'secrets'));
    writeFileSync(path.join(dir, 'secrets', 'key.pw'), 'other\n');
    const file = path.join(dir, 'primary.toml');
    writeFileSync(file, PRIMARY.replace('alias = "ei-primary"', 'alias = "ei-primary"\ntype = "PKCS12"'));
    const error = await refusal(readAnswersFile(file, 'primary', { EIK_TEST_STORE: 'store' }));
    expect(error.message).toContain('[keystore] key_password: differs from password, but a PKCS12 keystore has one password');
  });

  it('reports a TOML syntax error with line and column, without quoting the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.toml');
    writeFileSync(file, '[keystore]\npassword = "hunter2\nalias = "x"\n');
    const error = await refusal(readAnswersFile(file, 'primary', {}));
    expect(error.code).toBe('answers-invalid');
    expect(error.message).toMatch(
      new RegExp(`^The answers file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid TOML: .* at line 2, column \\d+\\.$`),
    );
    expect(error.message).not.toContain('hunter2');
  });

  it('names the file in validation problems', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'primary.toml');
    writeFileSync(file, PRIMARY.replace('alias =', 'alais ='));
    const error = await refusal(readAnswersFile(file, 'primary', {}));
    expect(error).toBeInstanceOf(AnswersError);
    expect(error.message).toContain(`The answers file ${file} for \`apply primary\` has 2 problems:`);
    expect(error.message).toContain('[keystore] alais: unknown key; did you mean alias?');
  });

  it('refuses a missing answers file, a folder, and an unreadable secret file', async () => {
    const dir = tempDir();
    expect((await refusal(readAnswersFile(path.join(dir, 'none.toml'), 'primary', {}))).message).toMatch(
      /none\.toml cannot be read: no such file/,
    );
    expect((await refusal(readAnswersFile(dir, 'primary', {}))).message).toMatch(/is a directory, not a regular file/);
    if (os.userInfo().uid !== 0) {
      mkdirSync(path.join(dir, 'secrets'));
      const secretFile = path.join(dir, 'secrets', 'key.pw');
      writeFileSync(secretFile, 'x');
      chmodSync(secretFile, 0o000);
      const file = path.join(dir, 'primary.toml');
      writeFileSync(file, PRIMARY);
      const error = await refusal(readAnswersFile(file, 'primary', { EIK_TEST_STORE: 's' }));
      expect(error.message).toContain(`the secret file ${secretFile} cannot be read: permission denied`);
    }
  });

  it('round-trips what serializeAnswers writes', async () => {
    const dir = tempDir();
    const original = validateAnswers('truststore', parse(readFileSync(path.join(templates, 'truststore.toml'), 'utf8')));
    const withLiteral = { ...original, truststore: { ...original.truststore, password: { literal: 'typed in the wizard' } } };
    const file = path.join(dir, 'saved.toml');
    writeFileSync(file, serializeAnswers('truststore', withLiteral, { truststorePassword: 'SAVED_TRUSTSTORE_PASSWORD' }));
    const { answers, secrets } = await readAnswersFile(file, 'truststore', { SAVED_TRUSTSTORE_PASSWORD: 'typed in the wizard' });
    expect(secrets.password).toBe('typed in the wizard');
    expect(answers).toEqual({ ...original, truststore: { ...original.truststore, password: { env: 'SAVED_TRUSTSTORE_PASSWORD' } } });
  });
});

describe('templates/answers', () => {
  const env = {
    EI_KEYSTORE_PASSWORD: 'a',
    EI_KEY_PASSWORD: 'b',
    EI_INTERNAL_KEYSTORE_PASSWORD: 'c',
    EI_TRUSTSTORE_PASSWORD: 'd',
  };

  it.each(['primary', 'internal', 'truststore'] as const)('%s.toml is a valid, complete example', async (procedure: KeystoreRole) => {
    const file = path.join(templates, `${procedure}.toml`);
    const { answers } = await readAnswersFile(file, procedure, env);
    expect(answers.procedure).toBe(procedure);
    // Every key the template shows is one the schema reads: nothing is silently dropped by a default.
    const serialized = parse(serializeAnswers(procedure, answers));
    expect(Object.keys(serialized).sort()).toEqual(Object.keys(parse(readFileSync(file, 'utf8'))).sort());
  });

  it('primary.toml shows the documented schema', async () => {
    const { answers } = await readAnswersFile(path.join(templates, 'primary.toml'), 'primary', env);
    expect(answers.keystore).toMatchObject({ source: 'generate', fileName: 'ei-primary.jks', type: 'JKS', alias: 'ei-primary' });
    expect(answers.truststore.importCertificate).toBe(true);
    expect(answers.secrets).toEqual({ strategy: 're-encrypt' });
  });
});
