import { readFileSync } from 'node:fs';

/** A stream the CLI writes to: stdout or stderr, or a test's buffer. */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What a command may touch, so tests can run commands in-process. */
export interface CliIO {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  cwd: string;
}

/** Documented exit codes. */
export const EXIT = {
  ok: 0,
  /** Something at or above the --fail-on threshold failed. */
  findings: 1,
  /** Bad usage or bad input (policy, snapshot, waiver, baseline): the message says which file and line. */
  usage: 2,
  /** An unexpected internal error, or a report that could not be written; rerun with --debug. */
  internal: 3,
  /** The audit did not look everywhere it was asked to (a scope, a rule at or above --fail-on, a baseline failure): never a pass. */
  incomplete: 4,
} as const;

export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
