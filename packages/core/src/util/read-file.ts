import { readFileSync } from 'node:fs';
import { ConfigurationError } from '../errors.js';

/** Reads a user-named input file, or fails with one line naming it (`display` is the path as written). */
export function readInputFile(file: string, display: string, what = 'the file'): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new ConfigurationError('LP_FILE_NOT_FOUND', `${display}: cannot read ${what} (does it exist?)`);
  }
}
