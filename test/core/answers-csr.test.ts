import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { serializeAnswers } from '../../source/answers/serialize.js';
import { validateAnswers } from '../../source/answers/validate.js';

const head = `[keystore]\nfile_name = "ei-primary.jks"\nalias = "ei-primary"\npassword = { env = "P" }\n`;

describe('answers: source = "csr" and "ca-reply"', () => {
  it('reads a request with a new key, and one that renews the current key', () => {
    const fresh = validateAnswers(
      'primary',
      parse(
        `${head}source = "csr"\ncsr_file = "a.csr"\n[keystore.csr]\ndname = "CN=a"\nsubject_alt_names = ["DNS:a"]\nkey_algorithm = "EC"\nkey_size = 384\n`,
      ),
    );
    expect(fresh.keystore).toMatchObject({
      source: 'csr',
      csrFile: 'a.csr',
      csr: {
        key: 'new',
        dname: { text: 'CN=a', attributes: [{ type: 'CN', value: 'a' }] },
        subjectAltNames: [{ text: 'DNS:a', entry: { kind: 'dns', value: 'a' } }],
        keyPair: { algorithm: 'EC', size: 384 },
        replacePending: false,
      },
    });
    const renewal = validateAnswers('primary', parse(`${head}source = "csr"\ncsr_file = "a.csr"\n[keystore.csr]\nkey = "current"\n`));
    expect(renewal.keystore).toMatchObject({ source: 'csr', csr: { key: 'current' } });
    // What the wizard saves reads back the same.
    expect(validateAnswers('primary', parse(serializeAnswers('primary', fresh)))).toEqual(fresh);
    expect(validateAnswers('primary', parse(serializeAnswers('primary', renewal)))).toEqual(renewal);
  });

  it('reads a reply', () => {
    const reply = validateAnswers('primary', parse(`${head}source = "ca-reply"\nreply = "reply.p7b"\n`));
    expect(reply.keystore).toMatchObject({ source: 'ca-reply', reply: 'reply.p7b' });
    expect(validateAnswers('primary', parse(serializeAnswers('primary', reply)))).toEqual(reply);
  });

  it('lists every problem: missing csr_file and dname, keys of another source, key size with key = "current"', () => {
    expect(() => validateAnswers('primary', parse(`${head}source = "csr"\nreply = "x"\n[keystore.csr]\n`))).toThrow(
      /\[keystore\] reply: is given, but source = "csr" does not read it[\s\S]*csr_file: required[\s\S]*\[keystore.csr\] dname: required/,
    );
    expect(() =>
      validateAnswers('primary', parse(`${head}source = "csr"\ncsr_file = "a"\n[keystore.csr]\nkey = "current"\nkey_size = 2048\n`)),
    ).toThrow(/key_size: key = "current" renews/);
    expect(() => validateAnswers('primary', parse(`${head}source = "ca-reply"\n[keystore.generate]\ndname = "CN=x"\n`))).toThrow(
      /\[keystore.generate\]: is given, but source = "ca-reply"[\s\S]*\[keystore\] reply: required/,
    );
  });
});
