import { UserError } from '../../errors.js';
import { parseDname } from '../../keystore/x509/dname.js';
import { parseSubjectAltNames } from '../../keystore/x509/san.js';
import type { FieldValue } from './types.js';
import { newPasswordProblem } from '../password-rule.js';

/** Runs a parser that throws UserError and turns its message into an inline validation message. */
export function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof UserError) return error.message;
    throw error;
  }
}

export function text(value: FieldValue | undefined): string {
  return typeof value === 'string' ? value : value === undefined ? '' : String(value);
}

export function validFileName(value: FieldValue): string | undefined {
  const name = text(value).trim();
  if (name === '') return 'Give a file name, e.g. ei-primary.jks.';
  if (/[\\/]/.test(name) || name === '.' || name === '..') return 'A file name only: it is placed in repository/resources/security.';
  if (name.startsWith('.')) return 'A name that does not start with a dot, so the file is not hidden.';
  return undefined;
}

export function validAlias(value: FieldValue): string | undefined {
  const alias = text(value).trim();
  if (alias === '') return 'Give an alias, e.g. ei-primary.';
  if (alias.length > 128) return 'Keep the alias under 128 characters.';
  return undefined;
}

export function validNewPassword(value: FieldValue): string | undefined {
  return newPasswordProblem(text(value));
}

/** The password every WSO2 product ships with: public knowledge. */
export const SHIPPED_PASSWORD = 'wso2carbon';

export function shippedPasswordWarning(value: FieldValue): string | undefined {
  return text(value) === SHIPPED_PASSWORD
    ? `"${SHIPPED_PASSWORD}" is the password every WSO2 server ships with, known to everyone. Type it again to use it anyway, or Esc for another.`
    : undefined;
}

export function validDnValue(attribute: string, value: FieldValue, optional: boolean): string | undefined {
  const raw = text(value).trim();
  if (raw === '') return optional ? undefined : `Give the ${attribute}.`;
  return problemOf(() => parseDname(`${attribute}=${escapeDnValue(raw)}`));
}

export function validCountry(value: FieldValue): string | undefined {
  const raw = text(value).trim();
  if (raw === '') return undefined;
  return /^[A-Za-z]{2}$/.test(raw) ? undefined : 'Two letters, e.g. LK, US, GB.';
}

export function splitList(value: FieldValue | undefined): string[] {
  return text(value)
    .split(/[,\s]+/)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

export function validSans(value: FieldValue): string | undefined {
  const entries = splitList(value);
  return problemOf(() => parseSubjectAltNames(entries));
}

export function validInteger(min: number, max: number) {
  return (value: FieldValue): string | undefined => {
    const number = typeof value === 'number' ? value : Number(text(value).trim());
    return Number.isInteger(number) && number >= min && number <= max ? undefined : `A whole number from ${min} to ${max}.`;
  };
}

/** RFC 4514 escaping of one attribute value, so a comma in "Example, Inc." stays part of the value. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}
