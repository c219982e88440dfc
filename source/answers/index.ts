/** The answers-file contract of `ei-keystore apply <procedure> --answers FILE`, without I/O. */
export type * from './types.js';
export { PROCEDURES } from './types.js';
export { validateAnswers } from './validate.js';
export { serializeAnswers } from './serialize.js';
export { AnswersError, type AnswerProblem } from './problems.js';
export { DEFAULT_SECRET_ENV_NAMES, DEFAULTS, KEY_SIZES, STORE_TYPES, VALIDITY_DAYS, type SecretEnvNames } from './schema.js';
