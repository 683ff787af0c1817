/**
 * Where library code reports progress and problems. The CLI writes to stderr; the GitHub Action maps
 * these to @actions/core. Messages must never contain credentials: callers pass ids, not secrets.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything: the default of library calls. */
export const silentLogger: Logger = { debug() {}, info() {}, warning() {}, error() {} };
