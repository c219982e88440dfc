/**
 * The one rule a new keystore password must meet, wherever it is typed or read: Java's keytool and KeyStore refuse
 * passwords shorter than six characters ("Key password must be at least 6 characters").
 */
export const MIN_PASSWORD_LENGTH = 6;

/** What is wrong with a new keystore password, or undefined. */
export function newPasswordProblem(password: string): string | undefined {
  return password.length < MIN_PASSWORD_LENGTH ? `Java needs at least ${MIN_PASSWORD_LENGTH} characters.` : undefined;
}
