import type { TableReader } from './fields.js';

/**
 * Checks shared by the keystore and truststore tables. `file_name` is a bare name because the tool places the
 * file in the profile's security directory itself; a file kept elsewhere is brought in as "existing".
 */
export function readFileName(reader: TableReader, example: string, existingTable: string): string {
  const name = reader.requiredString('file_name', example);
  if (name === '') return name;
  if (name.includes('/') || name.includes('\\')) {
    reader.problem(
      'file_name',
      `"${name}" must be a bare file name such as ${example}: the file is placed in the security directory ` +
        `(repository/resources/security). To bring in a file from elsewhere, use source = "existing" and [${existingTable}] path.`,
    );
  } else if (name.includes('..') || name === '.') {
    reader.problem('file_name', `"${name}" must not contain ".."; write a plain file name such as ${example}`);
  }
  return name;
}

/** A path to a file the user has; relative paths are resolved against the answers file's folder later. */
export function readPath(reader: TableReader, key: string, example: string): string {
  const path = reader.requiredString(key, example);
  if (path.startsWith('~')) {
    reader.problem(key, `"${path}": "~" is not expanded here; write the full path, or a path relative to the answers file`);
  }
  return path;
}
