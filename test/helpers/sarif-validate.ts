import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import ajvFormatsModule from 'ajv-formats';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const multitoolDir = dirname(createRequire(require.resolve('@microsoft/sarif-multitool/package.json')).resolve('@microsoft/sarif-multitool-linux/package.json'));
/** Turns off SARIF2006, which would fetch every URL in the file (tests have no network). */
const offlineConfig = fileURLToPath(new URL('../fixtures/sarif-multitool-offline.config.xml', import.meta.url));

const Ajv2020 = Ajv2020Module.default;
const addFormats = ajvFormatsModule.default;
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validateSchema = ajv.compile(JSON.parse(readFileSync(join(multitoolDir, 'sarif-2.1.0.json'), 'utf8')) as object);

/** Errors against the official SARIF 2.1.0 JSON Schema (shipped in the multitool package). */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validateSchema(log)) return [];
  return (validateSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

export interface MultitoolProblem {
  ruleId: string;
  level: string;
  where: string;
}

/**
 * Runs Microsoft's SARIF multitool with its SARIF and GitHub ingestion rule kinds and returns every
 * error or warning. The tool exits 0 even when it finds problems, and silently skips files it does not
 * analyse, so both the output log and "the file was analysed" are checked.
 */
export async function multitoolProblems(log: unknown): Promise<MultitoolProblem[]> {
  const dir = mkdtempSync(join(tmpdir(), 'leakproof-sarif-'));
  const input = join(dir, 'input.sarif');
  const output = join(dir, 'validation.sarif');
  writeFileSync(input, JSON.stringify(log));
  const { stdout, stderr } = await run(
    join(multitoolDir, 'Sarif.Multitool'),
    ['validate', input, '--rule-kind', 'Sarif;Gh', '--level', 'Error;Warning', '--max-file-size-in-kb', '1000000', '-c', offlineConfig, '-o', output, '--log', 'ForceOverwrite'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  if (/ERR\d+|skipped/i.test(stdout + stderr)) throw new Error(`SARIF multitool did not analyse the file: ${stdout}${stderr}`);
  const report = JSON.parse(readFileSync(output, 'utf8')) as {
    runs: Array<{ results?: Array<{ ruleId: string; level?: string; message: { arguments?: string[] } }> }>;
  };
  return (report.runs[0]?.results ?? []).map((r) => ({ ruleId: r.ruleId, level: r.level ?? 'warning', where: r.message.arguments?.[0] ?? '' }));
}
