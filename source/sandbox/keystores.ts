import { generateKeyPair } from '../keystore/generate.js';
import { writeJks } from '../keystore/jks/jks.js';
import { createSelfSignedCertificate } from '../keystore/x509/build.js';
import { parseDname } from '../keystore/x509/dname.js';
import { parseSubjectAltNames } from '../keystore/x509/san.js';

/** The shipped keystores' names, alias and password, which every WSO2 version uses by default. */
export const SANDBOX_KEYSTORE = 'wso2carbon.jks';
export const SANDBOX_TRUSTSTORE = 'client-truststore.jks';
export const SANDBOX_ALIAS = 'wso2carbon';
export const SANDBOX_PASSWORD = 'wso2carbon';
/** The subject of the shipped wso2carbon certificate, so status recognises it as the default key. */
export const SANDBOX_DNAME = 'CN=localhost, O=WSO2, L=Mountain View, ST=CA, C=US';
export const SANDBOX_VALIDITY_DAYS = 365;

export interface SandboxKeystores {
  keystore: Buffer;
  truststore: Buffer;
  /** DER of the wso2carbon certificate, in both files. */
  certificate: Buffer;
}

/**
 * A fresh stand-in for the shipped wso2carbon.jks and client-truststore.jks, made by our own code: a new key pair
 * for every sandbox, so nothing in it is the private key that ships with every WSO2 product. The truststore holds
 * only the wso2carbon certificate, not the public CAs of the real one.
 */
export async function makeSandboxKeystores(now: Date): Promise<SandboxKeystores> {
  const { privateKey, publicKey } = await generateKeyPair({ algorithm: 'RSA', size: 2048 });
  const certificate = createSelfSignedCertificate({
    privateKey,
    publicKey,
    subject: parseDname(SANDBOX_DNAME),
    subjectAltNames: parseSubjectAltNames(['DNS:localhost']),
    validityDays: SANDBOX_VALIDITY_DAYS,
    now,
  });
  const keystore = writeJks(
    [{ kind: 'private-key', alias: SANDBOX_ALIAS, key: privateKey, keyPassword: SANDBOX_PASSWORD, chain: [certificate] }],
    SANDBOX_PASSWORD,
    now,
  );
  const truststore = writeJks([{ kind: 'trusted-certificate', alias: SANDBOX_ALIAS, certificate }], SANDBOX_PASSWORD, now);
  return { keystore, truststore, certificate };
}
