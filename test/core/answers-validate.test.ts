import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { AnswersError } from '../../source/answers/problems.js';
import type { PrimaryAnswers } from '../../source/answers/types.js';
import { validateAnswers } from '../../source/answers/validate.js';
import { UserError } from '../../source/errors.js';
import { thrownError } from '../support/user-error.js';

const MINIMAL_PRIMARY = `
[keystore]
source = "generate"
file_name = "ei-primary.jks"
alias = "ei-primary"
password = { env = "EI_KEYSTORE_PASSWORD" }
[keystore.generate]
dname = "CN=ei.example.com, O=Example, C=LK"
`;

/** The problems validation reports, as "field: message" lines. */
function problemsOf(procedure: 'primary' | 'internal' | 'truststore', toml: string): string[] {
  const answersError = thrownError(() => validateAnswers(procedure, parse(toml)), AnswersError, 'the answers');
  expect(answersError).toBeInstanceOf(UserError);
  expect(answersError.code).toBe('answers-invalid');
  expect(answersError.exitCode).toBe(2);
  return answersError.problems.map((problem) => `${problem.field}: ${problem.message}`);
}

describe('validateAnswers: primary', () => {
  it('fills in every default', () => {
    const answers: PrimaryAnswers = validateAnswers('primary', parse(MINIMAL_PRIMARY));
    expect(answers).toEqual({
      procedure: 'primary',
      keystore: {
        source: 'generate',
        fileName: 'ei-primary.jks',
        type: 'JKS',
        alias: 'ei-primary',
        password: { env: 'EI_KEYSTORE_PASSWORD' },
        keyPassword: { env: 'EI_KEYSTORE_PASSWORD' },
        overwrite: false,
        generate: {
          dname: {
            text: 'CN=ei.example.com, O=Example, C=LK',
            attributes: [
              { type: 'CN', value: 'ei.example.com' },
              { type: 'O', value: 'Example' },
              { type: 'C', value: 'LK' },
            ],
          },
          subjectAltNames: [],
          keyPair: { algorithm: 'RSA', size: 2048 },
          validityDays: 365,
        },
      },
      truststore: { importCertificate: true },
    });
  });

  it('defaults the EC key size to 256 and reads every secret form', () => {
    const answers = validateAnswers(
      'primary',
      parse(`${MINIMAL_PRIMARY.replace('password = { env = "EI_KEYSTORE_PASSWORD" }', 'password = "literal-pw"\nkey_password = { file = "key.pw" }')}
key_algorithm = "EC"
[secrets]
strategy = "keep-old-key-as-internal"
`),
    );
    expect(answers.keystore.password).toEqual({ literal: 'literal-pw' });
    expect(answers.keystore.keyPassword).toEqual({ file: 'key.pw' });
    expect(answers.keystore.source === 'generate' && answers.keystore.generate.keyPair).toEqual({ algorithm: 'EC', size: 256 });
    expect(answers.secrets).toEqual({ strategy: 'keep-old-key-as-internal' });
  });

  it('reads an existing keystore, its key password defaulting to its store password', () => {
    const answers = validateAnswers(
      'primary',
      parse(`
[keystore]
source = "existing"
file_name = "ei-primary.p12"
type = "PKCS12"
alias = "ei-primary"
password = { env = "P" }
overwrite = true
[keystore.existing]
path = "certs/server.p12"
password = { env = "SRC" }
[truststore]
import_certificate = false
`),
    );
    expect(answers.keystore).toMatchObject({ source: 'existing', type: 'PKCS12', overwrite: true });
    expect(answers.keystore.source === 'existing' && answers.keystore.existing).toEqual({
      path: 'certs/server.p12',
      password: { env: 'SRC' },
      keyPassword: { env: 'SRC' },
    });
    expect(answers.truststore.importCertificate).toBe(false);
  });

  it('names a misspelled key with its table and the nearest valid key', () => {
    const problems = problemsOf('primary', MINIMAL_PRIMARY.replace('password =', 'passwrd ='));
    expect(problems).toContain('[keystore] passwrd: unknown key; did you mean password?');
    expect(problems).toContain('[keystore] password: required; for example password = { env = "EI_KEYSTORE_PASSWORD" }');
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      'primary',
      `
[keystore]
source = "generated"
file_name = "../etc/ei.jks"
type = "jks"
alias = ""
password = 12345
overwrite = "yes"
key_sise = 2048
[keystore.generate]
key_algorithm = "EC"
key_size = 2048
validity_days = 0
subject_alt_names = ["ei.example.com"]
[secrets]
strategy = "rotate"
[keystor]
`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        '[keystore] key_sise: unknown key; did you mean key_size in [keystore.generate]?',
        '[keystor]: unknown table; did you mean [keystore]?',
        '[keystore] source: "generated" is not valid; use "generate" or "existing" or "csr" or "ca-reply"',
        expect.stringMatching(/^\[keystore\] file_name: "\.\.\/etc\/ei\.jks" must be a bare file name/),
        '[keystore] type: "jks" must be written "JKS"',
        '[keystore] alias: is empty',
        '[keystore] password: must be { env = "NAME" }, { file = "PATH" } or a string, not an integer',
        '[keystore] overwrite: must be true or false, not a string',
        '[keystore.generate] dname: required; for example dname = "CN=ei.example.com, OU=Integration, O=Example, C=LK"',
        '[keystore.generate] key_size: 2048 is not offered for EC keys; use 256 or 384 (P-256 or P-384)',
        '[keystore.generate] validity_days: 0 is out of range; use 1 to 36500 days (100 years)',
        expect.stringMatching(/^\[keystore\.generate\] subject_alt_names: The subject alternative name "ei\.example\.com" is not valid/),
        '[secrets] strategy: "rotate" is not valid; use "re-encrypt" or "keep-old-key-as-internal"',
      ]),
    );
    expect(problems).toHaveLength(13);
  });

  it('never echoes a secret value', () => {
    const problems = problemsOf(
      'primary',
      MINIMAL_PRIMARY.replace('{ env = "EI_KEYSTORE_PASSWORD" }', '{ env = "EI PW", value = "hunter2" }'),
    );
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems).toEqual(['[keystore] password: must be { env = "NAME" }, { file = "PATH" } or a string; this table has env, value']);
  });

  it('lists every missing required field of an empty file', () => {
    expect(problemsOf('primary', '')).toEqual([
      '[keystore] source: required; write source = "generate" or "existing" or "csr" or "ca-reply"',
      '[keystore] file_name: required; for example file_name = "ei-primary.jks"',
      '[keystore] alias: required; for example alias = "ei-primary"',
      '[keystore] password: required; for example password = { env = "EI_KEYSTORE_PASSWORD" }',
    ]);
  });

  it('requires the sub-table of the chosen source, and refuses the other one', () => {
    const problems = problemsOf(
      'primary',
      `
[keystore]
source = "existing"
file_name = "a.jks"
alias = "a"
password = "secret"
[keystore.generate]
dname = "CN=a"
`,
    );
    expect(problems).toEqual([
      '[keystore.generate]: is given, but source = "existing" does not read it; remove it, or set source = "generate"',
      '[keystore.existing] path: required; for example path = "/path/to/server.p12"',
      '[keystore.existing] password: required; for example password = { env = "EI_SOURCE_KEYSTORE_PASSWORD" }',
    ]);
  });

  it('checks the distinguished name and each subject alternative name', () => {
    const problems = problemsOf(
      'primary',
      MINIMAL_PRIMARY.replace('CN=ei.example.com, O=Example, C=LK', 'CN=ei.example.com, C=Sri Lanka') +
        'subject_alt_names = ["DNS:ok.example.com", "DNS:bad_host!", 7]\n',
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^\[keystore\.generate\] dname: .*C must be a two-letter/);
    expect(problems[1]).toBe('[keystore.generate] subject_alt_names: item 3 must be a string, not an integer');
    expect(problems[2]).toMatch(/^\[keystore\.generate\] subject_alt_names: .*"DNS:bad_host!"/);
  });

  it.each([
    ['ei/primary.jks', /must be a bare file name/],
    ['..\\\\primary.jks', /must be a bare file name/],
    ['..', /must not contain "\.\."/],
    ['ei..jks', /must not contain "\.\."/],
  ])('refuses file_name %s', (name, message) => {
    const problems = problemsOf('primary', MINIMAL_PRIMARY.replace('"ei-primary.jks"', `"${name}"`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it.each([
    ['RSA', 1024, 'use 2048 or 3072 or 4096'],
    ['RSA', 256, 'use 2048 or 3072 or 4096'],
    ['EC', 521, 'use 256 or 384'],
  ])('refuses %s key_size %i', (algorithm, size, hint) => {
    const problems = problemsOf('primary', `${MINIMAL_PRIMARY}key_algorithm = "${algorithm}"\nkey_size = ${size}\n`);
    expect(problems).toEqual([expect.stringContaining(hint)]);
  });

  it('accepts the bounds of validity_days and refuses beyond them', () => {
    for (const days of [1, 36500]) {
      const answers = validateAnswers('primary', parse(`${MINIMAL_PRIMARY}validity_days = ${days}\n`));
      expect(answers.keystore.source === 'generate' && answers.keystore.generate.validityDays).toBe(days);
    }
    expect(problemsOf('primary', `${MINIMAL_PRIMARY}validity_days = 36501\n`)).toHaveLength(1);
    expect(problemsOf('primary', `${MINIMAL_PRIMARY}validity_days = "365"\n`)).toEqual([
      '[keystore.generate] validity_days: must be a whole number, not a string (write 365 without quotes)',
    ]);
  });

  it('says which procedure reads a key or table that this one does not', () => {
    expect(problemsOf('primary', `${MINIMAL_PRIMARY}[truststore]\nfile_name = "t.jks"\n`)).toEqual([
      '[truststore] file_name: not read by `apply primary`; `apply truststore` reads it',
    ]);
    expect(problemsOf('primary', `dname = "CN=x"\n${MINIMAL_PRIMARY}`)).toEqual([
      'dname: unknown key here; it belongs in [keystore.generate]',
    ]);
  });

  it('treats keys every object inherits as ordinary unknown keys', () => {
    const problems = problemsOf(
      'truststore',
      '[truststore]\nfile_name = "t.jks"\npassword = "pw"\nconstructor = 1\n"__proto__" = 2\ntoString = 3\n',
    );
    expect(problems).toEqual([
      '[truststore] constructor: unknown key; the keys here are source, file_name, type, password, remove_default_certificate, remove, remove_expired, overwrite, existing, import',
      '[truststore] __proto__: unknown key; did you mean port in [truststore.import]?',
      '[truststore] toString: unknown key; the keys here are source, file_name, type, password, remove_default_certificate, remove, remove_expired, overwrite, existing, import',
    ]);
  });

  it('refuses a document that is not a table', () => {
    expect(() => validateAnswers('primary', 'text')).toThrow(AnswersError);
  });
});

describe('validateAnswers: internal', () => {
  const internal = MINIMAL_PRIMARY.replace('ei-primary', 'ei-internal');

  it('has the primary shape without [truststore]', () => {
    const answers = validateAnswers('internal', parse(`${internal}[secrets]\nstrategy = "re-encrypt"\n`));
    expect(answers.procedure).toBe('internal');
    expect(answers.secrets).toEqual({ strategy: 're-encrypt' });
    expect('truststore' in answers).toBe(false);
  });

  it('refuses [truststore] and the keep-old-key strategy, saying why', () => {
    const problems = problemsOf(
      'internal',
      `${internal}[truststore]\nimport_certificate = true\n[secrets]\nstrategy = "keep-old-key-as-internal"\n`,
    );
    expect(problems).toEqual([
      '[truststore]: not read by `apply internal`; `apply primary` and `apply truststore` read it',
      expect.stringMatching(/^\[secrets\] strategy: "keep-old-key-as-internal" applies to `apply primary` only/),
    ]);
  });
});

describe('validateAnswers: truststore', () => {
  it('fills in the defaults', () => {
    const answers = validateAnswers('truststore', parse('[truststore]\nfile_name = "t.jks"\npassword = { env = "T" }\n'));
    expect(answers).toEqual({
      procedure: 'truststore',
      truststore: {
        source: 'copy-current',
        fileName: 't.jks',
        type: 'JKS',
        password: { env: 'T' },
        removeDefaultCertificate: false,
        remove: [],
        removeExpired: false,
        overwrite: false,
        imports: [],
      },
    });
  });

  it('reads [truststore.existing] and the imports', () => {
    const answers = validateAnswers(
      'truststore',
      parse(`
[truststore]
source = "existing"
file_name = "t.p12"
type = "PKCS12"
password = { env = "T" }
remove_default_certificate = true
[truststore.existing]
path = "old.jks"
[[truststore.import]]
alias = "partner-ca"
file = "partner.pem"
[[truststore.import]]
alias = "other-ca"
file = "/abs/other.der"
`),
    );
    const { truststore } = answers;
    expect(truststore.source === 'existing' && truststore.existing).toEqual({ path: 'old.jks', password: { env: 'T' } });
    expect(truststore.imports).toEqual([
      { alias: 'partner-ca', file: 'partner.pem' },
      { alias: 'other-ca', file: '/abs/other.der' },
    ]);
    expect(truststore.removeDefaultCertificate).toBe(true);
  });

  it('reports problems inside each import with its position', () => {
    const problems = problemsOf(
      'truststore',
      `
[truststore]
file_name = "t.jks"
password = "pw"
existing_path = "/old.jks"
[[truststore.import]]
alias = "CA"
file = "a.pem"
[[truststore.import]]
alias = "ca"
fiel = "b.pem"
`,
    );
    expect(problems).toEqual([
      '[truststore] existing_path: unknown key; write the truststore to start from as [truststore.existing] with path = "..." (and password when it differs)',
      '[[truststore.import]] #2 fiel: unknown key; did you mean file?',
      '[[truststore.import]] #2 file: required; for example file = "/path/to/partner-ca.pem" (or url = "https://host:port" to take it from a server)',
      '[[truststore.import]] #2 alias: "ca" is already used by [[truststore.import]] #1; aliases are compared without case',
    ]);
  });

  it('refuses [truststore.existing] without source = "existing", and a single [truststore.import] table', () => {
    const problems = problemsOf(
      'truststore',
      '[truststore]\nfile_name = "t.jks"\npassword = "pw"\n[truststore.existing]\npath = "x.jks"\n[truststore.import]\nalias = "a"\nfile = "a.pem"\n',
    );
    expect(problems).toEqual([
      expect.stringMatching(/^\[truststore\] import: must be an array of tables, each written under \[\[truststore\.import\]\]/),
      '[truststore.existing]: is given, but source is not set (it defaults to "copy-current"); remove it, or set source = "existing"',
    ]);
  });

  it('refuses [keystore] as a table of another procedure', () => {
    expect(problemsOf('truststore', `${MINIMAL_PRIMARY}[truststore]\nfile_name = "t.jks"\npassword = "pw"\n`)).toEqual([
      '[keystore]: not read by `apply truststore`; `apply primary` and `apply internal` read it',
    ]);
  });
});

describe('AnswersError', () => {
  it('lists each problem on its own line under a headline naming the file', () => {
    const error = new AnswersError('primary', [{ field: '[keystore] alias', message: 'is empty' }]).withFile('answers.toml');
    expect(error.message).toBe(
      'The answers file answers.toml for `apply primary` has a problem:\n  [keystore] alias: is empty\nFix them and run the command again; nothing was written.',
    );
  });
});
