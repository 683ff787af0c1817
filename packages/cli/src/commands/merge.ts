import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeTextFile } from '../write.js';
import { parseArgs } from 'node:util';
import { ConfigurationError, GITHUB_LIMITS, duplicatesRemoved, mergeSarif } from '@leakproof/core';
import { parsingArgs, UsageError } from '../args.js';
import { EXIT, type CliIO } from '../io.js';

export const MERGE_HELP = `Usage: leakproof merge A.sarif B.sarif ... -o ALL.sarif

Combine the SARIF of a sharded audit (one job per account, project or subscription) into one file
within GitHub's limits: runs of the same tool and category are merged into one run (rules united,
results and notifications concatenated); a run over ${GITHUB_LIMITS.resultsPerRun.toLocaleString('en-US')} results is split into parts with their own
category; more than ${GITHUB_LIMITS.runsPerFile} runs is an error. Exact duplicate results (same rule and
fingerprint, e.g. an account audited by two shards) are kept once, and the count is printed.
`;

export function runMerge(args: string[], io: CliIO): number {
  const { values, positionals } = parsingArgs(() => parseArgs({ args, strict: true, allowPositionals: true, options: { output: { type: 'string', short: 'o' } } }));
  if (positionals.length === 0) throw new UsageError('merge needs at least one SARIF file');
  if (!values.output) throw new UsageError('merge needs -o FILE for the merged log');
  const logs = positionals.map((file) => {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), 'utf8');
    } catch {
      throw new ConfigurationError('LP_FILE_NOT_FOUND', `${file}: cannot read the file (does it exist?)`);
    }
    try {
      return { file, log: JSON.parse(text) as unknown };
    } catch {
      throw new ConfigurationError('LP_SARIF_INVALID', `${file}: not valid JSON`);
    }
  });
  const merged = mergeSarif(logs);
  writeTextFile(resolve(io.cwd, values.output), JSON.stringify(merged) + '\n');
  const results = merged.runs.reduce((n, r) => n + ((r.results as unknown[] | undefined)?.length ?? 0), 0);
  const dropped = duplicatesRemoved(merged);
  io.stdout.write(`merged ${positionals.length} files into ${values.output}: ${merged.runs.length} run(s), ${results} results${dropped ? `; removed ${dropped} duplicate result(s) (same rule and fingerprint)` : ''}\n`);
  return EXIT.ok;
}
