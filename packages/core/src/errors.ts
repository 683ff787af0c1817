/** Where in an input file a problem sits. `pointer` is a JSON pointer when no line is known. */
export interface SourcePosition {
  file: string;
  line?: number;
  col?: number;
  pointer?: string;
}

/** One problem found while validating user input; validation returns these instead of throwing. */
export interface ValidationIssue extends SourcePosition {
  /** The field the problem concerns, as a dotted path (e.g. `rules[2].assert.all[0]`). */
  path: string;
  message: string;
}

/** A validated value, or the issues that make it invalid (validation functions return this instead of throwing). */
export type ValidationResult<T> = { ok: true; value: T; issues: [] } | { ok: false; issues: ValidationIssue[] };

/** Base class: every error leakproof raises on purpose has a stable, documented `code`. */
export class LeakproofError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A problem the user can fix: bad YAML, an unknown field, a missing file, a newer snapshot schema.
 * The CLI prints `message` as a single line and exits 2.
 */
export class ConfigurationError extends LeakproofError {
  readonly issues: ValidationIssue[];
  constructor(code: string, message: string, issues: ValidationIssue[] = [], options?: { cause?: unknown }) {
    super(code, message, options);
    this.issues = issues;
  }

  static fromIssues(code: string, issues: ValidationIssue[]): ConfigurationError {
    const first = issues[0];
    const head = first ? formatIssue(first) : 'invalid input';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    return new ConfigurationError(code, head + more, issues);
  }
}

/** A bug or an unexpected failure inside leakproof, as opposed to bad input. */
export class InternalError extends LeakproofError {}

/** `file:line:col: message`, or `file#/json/pointer: message` when no line is known. */
export function formatIssue(issue: ValidationIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}:${issue.col ?? 1}`;
  else if (issue.pointer !== undefined) where += `#${issue.pointer}`;
  return `${where}: ${issue.message}`;
}
