import { type ErrorCode, UserError } from '../errors.js';
import { EXIT } from '../exit-codes.js';

/**
 * Every problem of an answers file is collected and reported at once, so that automation fixes the file in
 * one pass instead of one error per run.
 */
export interface AnswerProblem {
  /** The field as a user finds it in the file: "[keystore] password", "[[truststore.import]] #2 alias". */
  field: string;
  message: string;
}

/** Where a table sits: its dotted name, and its position when it is one of an array of tables. */
export interface TableLocation {
  table: string;
  /** 0-based index within an array of tables. */
  index?: number;
}

export function fieldPath(location: TableLocation, key?: string): string {
  const header =
    location.index !== undefined ? `[[${location.table}]] #${location.index + 1}` : location.table === '' ? '' : `[${location.table}]`;
  if (key === undefined) return header;
  return header === '' ? key : `${header} ${key}`;
}

export function childLocation(parent: TableLocation, key: string, index?: number): TableLocation {
  const table = parent.table === '' ? key : `${parent.table}.${key}`;
  return index === undefined ? { table } : { table, index };
}

export class ProblemList {
  readonly items: AnswerProblem[] = [];

  add(location: TableLocation, key: string | undefined, message: string): void {
    this.items.push({ field: fieldPath(location, key), message });
  }

  throwIfAny(procedure: string): void {
    if (this.items.length > 0) throw new AnswersError(procedure, this.items);
  }
}

/** The answers file is not valid: one error listing every problem. Exit code 2, nothing written. */
export class AnswersError extends UserError {
  override name = 'AnswersError';
  constructor(
    readonly procedure: string,
    readonly problems: readonly AnswerProblem[],
    readonly file?: string,
    code: ErrorCode = 'answers-invalid',
    /** What went wrong as a whole; the problems follow it, one a line. */
    readonly headline?: string,
  ) {
    super(formatProblems(procedure, problems, file, headline), code, EXIT.badInput);
  }

  withFile(file: string): AnswersError {
    return this.file ? this : new AnswersError(this.procedure, this.problems, file, this.code, this.headline);
  }
}

function formatProblems(procedure: string, problems: readonly AnswerProblem[], file?: string, headline?: string): string {
  const subject = file ? `The answers file ${file} for \`apply ${procedure}\` has` : `The answers for \`apply ${procedure}\` have`;
  const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
  const first = headline ?? `${subject} ${count}:`;
  const lines = problems.map((problem) => (problem.field === '' ? `  ${problem.message}` : `  ${problem.field}: ${problem.message}`));
  return [first, ...lines, 'Fix them and run the command again; nothing was written.'].join('\n');
}
