import { LeakproofError } from '@leakproof/core';

/** Wrong flags or values on the command line; exit 2. */
export class UsageError extends LeakproofError {
  constructor(message: string) {
    super('LP_USAGE', message);
  }
}

/** Runs node:util parseArgs (inside `fn`) and turns its errors into one-line usage errors. */
export function parsingArgs<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const message = ((e as Error).message.split('\n')[0] ?? '').replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(message.replace(/^Unknown option/, 'unknown option'));
  }
}

/** Splits repeatable, comma-separable list options: `--framework hipaa,gdpr --framework soc2`. */
export function list(values: string | string[] | undefined): string[] {
  if (values === undefined) return [];
  return (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}
