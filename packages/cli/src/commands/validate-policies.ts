import { formatIssue, validatePolicies } from '@leakproof/core';
import { parseArgs } from 'node:util';
import { parsingArgs, UsageError } from '../args.js';
import { EXIT, type CliIO } from '../io.js';

export const VALIDATE_HELP = `Usage: leakproof validate-policies PATH... [--no-builtin]

Check policy packs (files or directories) together with the built-in packs: YAML syntax, the schema,
fact paths, operators, control ids, duplicate ids and overrides. Prints one line per problem as
file:line:col: message, and exits 2 if there is any.
`;

export function runValidatePolicies(args: string[], io: CliIO): number {
  const { values, positionals } = parsingArgs(() => parseArgs({ args, strict: true, allowPositionals: true, options: { 'no-builtin': { type: 'boolean' } } }));
  if (positionals.length === 0) throw new UsageError('validate-policies needs at least one PATH');
  const result = validatePolicies({ builtIn: !values['no-builtin'], paths: positionals, cwd: io.cwd });
  if (!result.ok) {
    for (const issue of result.issues) io.stderr.write(`${formatIssue(issue)}\n`);
    return EXIT.usage;
  }
  io.stdout.write(`ok: ${result.value.rules.length} rules from ${result.value.files.length} files\n`);
  return EXIT.ok;
}
