import { parseArgs } from 'node:util';
import { factsNeededBy, loadPolicies, selectRules } from '@leakproof/core';
import { list, parsingArgs, UsageError } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import { collectorFor } from '../providers.js';

export const PERMISSIONS_HELP = `Usage: leakproof permissions PROVIDER [--framework ID] [--policies PATH]

Print the least-privilege, read-only permissions the collector needs for the enabled rules
(AWS: an IAM policy document). It is generated from the same call table the collector runs.
`;

export async function runPermissions(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parsingArgs(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { policies: { type: 'string', multiple: true }, 'no-builtin': { type: 'boolean' }, framework: { type: 'string', multiple: true } },
    }),
  );
  const [provider] = positionals;
  if (positionals.length !== 1 || provider === undefined) throw new UsageError('permissions needs one provider, e.g. "leakproof permissions aws"');
  const collector = collectorFor(provider);
  const policies = loadPolicies({ builtIn: !values['no-builtin'], paths: values.policies ?? [], cwd: io.cwd });
  io.stdout.write(await collector.permissions(factsNeededBy(selectRules(policies, list(values.framework)))));
  return EXIT.ok;
}
