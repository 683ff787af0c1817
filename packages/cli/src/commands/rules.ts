import { SEVERITIES, loadPolicies, selectRules, severityRank } from '@leakproof/core';
import { parseArgs } from 'node:util';
import { list, parsingArgs, UsageError } from '../args.js';
import { EXIT, type CliIO } from '../io.js';

export const RULES_HELP = `Usage: leakproof rules [--policies PATH] [--framework ID] [--format text|json]

List the rules that would run, with severity, resource kind and mapped controls.
`;

export function runRules(args: string[], io: CliIO): number {
  const { values } = parsingArgs(() =>
    parseArgs({
      args,
      strict: true,
      options: {
    policies: { type: 'string', multiple: true },
    'no-builtin': { type: 'boolean' },
    framework: { type: 'string', multiple: true },
    format: { type: 'string' },
      },
    }),
  );
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format: "${format}" is not one of text, json`);
  const policies = loadPolicies({ builtIn: !values['no-builtin'], paths: values.policies ?? [], cwd: io.cwd });
  const rules = [...selectRules(policies, list(values.framework))].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id),
  );
  if (format === 'json') {
    const data = rules.map((r) => ({ id: r.id, title: r.title, severity: r.severity, resource: r.kind, controls: r.controls, source: `${r.origin.file}:${r.origin.line}` }));
    io.stdout.write(JSON.stringify(data, null, 2) + '\n');
    return EXIT.ok;
  }
  const idWidth = Math.max(...rules.map((r) => r.id.length), 4);
  for (const r of rules) {
    const controls = Object.entries(r.controls).map(([fw, ids]) => `${fw}: ${ids.join(', ')}`).join(' | ');
    io.stdout.write(`${r.severity.padEnd(8)} ${r.id.padEnd(idWidth)}  ${r.kind.padEnd(17)} ${r.title}\n${' '.repeat(9 + idWidth + 2)}${controls}\n`);
  }
  io.stdout.write(`${rules.length} rules (${SEVERITIES.map((s) => `${rules.filter((r) => r.severity === s).length} ${s}`).join(', ')})\n`);
  return EXIT.ok;
}
