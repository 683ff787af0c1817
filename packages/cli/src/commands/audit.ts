import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  SEVERITIES,
  createSnapshot,
  serializeSnapshot,
  didYouMean,
  shouldUseColor,
  toConsoleTable,
  toJsonReport,
  toMarkdown,
  toSarif,
  type AuditResult,
  type Logger,
  type Severity,
} from '@leakproof/core';
import { collectorFor } from '../providers.js';
import { runAudit, verdictOf, type AuditInput } from '../run.js';
import { parseArgs } from 'node:util';
import { UsageError, list, parsingArgs } from '../args.js';
import { EXIT, toolVersion, type CliIO } from '../io.js';


export const AUDIT_HELP = `Usage: leakproof audit (--provider NAME | --snapshot FILE | --terraform-plan FILE | --demo) [options]

Audit cloud resources against the built-in HIPAA/GDPR rule packs and your own.

Input:
      --provider NAME       Collect live from a cloud: aws, gcp, azure (repeatable)
      --snapshot FILE       Audit a snapshot written by --save-snapshot (offline)
      --terraform-plan FILE Judge a Terraform plan (terraform show -json plan.out > FILE);
                            findings point at the .tf file and line that caused them
      --source-root DIR     Directory of the root module's .tf files (default: .)
      --demo                Audit the bundled demo estate (a medical-imaging SaaS)
      --save-snapshot FILE  Also write the audited resources as a snapshot

AWS (credentials from the default chain: environment, profile, SSO, instance role):
      --regions LIST        Regions to audit (default: every enabled region)
      --profile NAME        Named profile from the shared config
      --role-arn ARN        Assume this role (repeatable: one audit per role)
      --external-id ID      External id for the assumed roles
      --accounts LIST       Account ids to audit by assuming --role-name in each
      --role-name NAME      Role to assume in each of --accounts
      --concurrency N       API calls in flight at once (default 128)
      Endpoints: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured (LocalStack);
      S3 then uses path-style requests.

GCP (Application Default Credentials):
      --projects LIST       Projects to audit (default: every active project you can see)
      --organization ID     Only projects under this organization (numeric id)
      Endpoints: STORAGE_EMULATOR_HOST (Cloud Storage) and LEAKPROOF_GCP_API_ENDPOINT (Cloud SQL
      Admin, Compute, Resource Manager); with either, no credential lookup happens.

Azure (DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI):
      --subscriptions LIST  Subscriptions to audit (default: every subscription you can see)
      --azure-containers M  arm (Reader role, default) or data-plane (Storage Blob Data Reader)
      Endpoints: LEAKPROOF_AZURE_ARM_ENDPOINT (ARM) and AZURE_STORAGE_CONNECTION_STRING (the data
      plane of the account it names, e.g. Azurite); with the ARM override no credential lookup happens.

Policies:
      --policies PATH       Extra policy pack file or directory (repeatable); it may add,
                            override or disable rules by id
      --no-builtin          Do not load the built-in packs
      --framework ID        Only rules mapped to this framework, e.g. hipaa, gdpr (repeatable)

Reports:
      --format FORMAT       console, sarif, json or markdown (repeatable)
  -o, --output FILE         Write a report to FILE (repeatable). It takes the format of the
                            nearest --format before it, or else its extension decides
                            (.sarif, .json, .md, .txt). A --format without a file goes to stdout.
      --category NAME       SARIF automationDetails category (default "leakproof")
      --fail-on SEVERITY    Exit 1 when a failure at or above this severity is found:
                            critical, high, medium, low, info, or none (default high)

Waivers and baselines:
      --waivers FILE        Waiver file (default .leakproof/waivers.yaml when it exists)
      --no-waivers          Ignore waivers
      --baseline FILE       SARIF of an earlier run: results get baselineState
                            new / unchanged / updated, and fixed ones are listed as absent
      --only-new            Exit 1 only for new failures at or above --fail-on
  -q, --quiet               Print nothing to stdout unless a report is sent there

Exit codes: 0 nothing at or above --fail-on failed; 1 something did; 2 usage or input error.
`;

const FORMATS = ['console', 'sarif', 'json', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

const EXTENSIONS: Record<string, Format> = { '.sarif': 'sarif', '.json': 'json', '.md': 'markdown', '.markdown': 'markdown', '.txt': 'console' };

export async function runAuditCommand(args: string[], io: CliIO): Promise<number> {
  const { values, tokens } = parsingArgs(() =>
    parseArgs({
      args,
      strict: true,
      tokens: true,
      options: {
    provider: { type: 'string', multiple: true },
    regions: { type: 'string', multiple: true },
    projects: { type: 'string', multiple: true },
    organization: { type: 'string' },
    subscriptions: { type: 'string', multiple: true },
    'azure-containers': { type: 'string' },
    profile: { type: 'string' },
    'role-arn': { type: 'string', multiple: true },
    'external-id': { type: 'string' },
    accounts: { type: 'string', multiple: true },
    'role-name': { type: 'string' },
    concurrency: { type: 'string' },
    snapshot: { type: 'string' },
    'terraform-plan': { type: 'string' },
    'source-root': { type: 'string' },
    demo: { type: 'boolean' },
    'save-snapshot': { type: 'string' },
    policies: { type: 'string', multiple: true },
    'no-builtin': { type: 'boolean' },
    framework: { type: 'string', multiple: true },
    format: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o', multiple: true },
    category: { type: 'string' },
    'fail-on': { type: 'string' },
    waivers: { type: 'string' },
    'no-waivers': { type: 'boolean' },
    baseline: { type: 'string' },
    'only-new': { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
      },
    }),
  );
  const providers = list(values.provider);
  const sources = [values.snapshot ? '--snapshot' : '', values.demo ? '--demo' : '', providers.length ? '--provider' : '', values['terraform-plan'] ? '--terraform-plan' : ''].filter(Boolean);
  if (sources.length > 1) throw new UsageError(`use one of --provider, --snapshot, --terraform-plan or --demo, not ${sources.join(' and ')}`);
  if (sources.length === 0) throw new UsageError('nothing to audit: give --provider aws, --snapshot FILE, --terraform-plan FILE or --demo (see leakproof audit --help)');
  if (values['source-root'] && !values['terraform-plan']) throw new UsageError('--source-root goes with --terraform-plan');
  const failOn = parseFailOn(values['fail-on']);
  const reports = planReports(tokens.flatMap((t) => (t.kind === 'option' && (t.name === 'format' || t.name === 'output') && t.value !== undefined ? [{ name: t.name, value: t.value }] : [])));
  for (const p of providers) collectorFor(p);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new UsageError(`--concurrency: "${values.concurrency}" is not a positive whole number`);
  if (values['only-new'] && !values.baseline) throw new UsageError('--only-new needs --baseline FILE (the SARIF of an earlier run)');

  const input: AuditInput = providers.length
    ? {
        kind: 'providers',
        providers,
        options: {
          regions: list(values.regions),
          projects: list(values.projects),
          ...(values.organization ? { organization: values.organization } : {}),
          subscriptions: list(values.subscriptions),
          ...(values['azure-containers'] ? { azureContainers: parseContainersMode(values['azure-containers']) } : {}),
          roleArns: values['role-arn'] ?? [],
          accounts: list(values.accounts),
          ...(values.profile ? { profile: values.profile } : {}),
          ...(values['external-id'] ? { externalId: values['external-id'] } : {}),
          ...(values['role-name'] ? { roleName: values['role-name'] } : {}),
          ...(concurrency ? { concurrency } : {}),
        },
      }
    : values['terraform-plan']
      ? { kind: 'terraform', plan: values['terraform-plan'], ...(values['source-root'] ? { sourceRoot: values['source-root'] } : {}) }
      : values.demo
        ? { kind: 'demo' }
        : { kind: 'snapshot', file: values.snapshot! };
  const progress = progressLine(io, values.quiet === true);
  const result = await runAudit({
    input,
    cwd: io.cwd,
    env: io.env,
    policies: values.policies ?? [],
    builtIn: !values['no-builtin'],
    frameworks: list(values.framework),
    ...(values['no-waivers'] ? { waivers: false as const } : values.waivers ? { waivers: values.waivers } : {}),
    ...(values.baseline ? { baseline: values.baseline } : {}),
    logger: stderrLogger(io),
    progress: progress.update,
  });
  progress.done();

  if (values['save-snapshot']) writeOut(resolve(io.cwd, values['save-snapshot']), serializeSnapshot(createSnapshot(result.resources, result.notices, `leakproof ${toolVersion()}`)));
  const stdoutTaken = reports.some((r) => r.file === undefined);
  for (const report of reports) {
    const text = render(report.format, result, io, report.file === undefined, values.category);
    if (report.file === undefined) io.stdout.write(text);
    else writeOut(resolve(io.cwd, report.file), text);
  }
  if (!values.quiet && !stdoutTaken) io.stdout.write(render('console', result, io, true, values.category));
  if (result.findings.filter((f) => f.status === 'fail').length > 25_000 && reports.some((r) => r.format === 'sarif')) {
    io.stderr.write('leakproof: warning: more than 25,000 results in one SARIF run; GitHub code scanning keeps the first 25,000 (use leakproof merge to shard)\n');
  }
  // An account that could not be audited at all is an incomplete audit, never a clean one.
  const verdict = verdictOf(result, failOn, values['only-new'] === true);
  if (verdict.fatal) {
    io.stderr.write(`leakproof: ${verdict.fatal.message}\n`);
    return EXIT.usage;
  }
  return verdict.verdict === 'fail' ? EXIT.findings : EXIT.ok;
}

function parseContainersMode(value: string): 'arm' | 'data-plane' {
  if (value === 'arm' || value === 'data-plane') return value;
  throw new UsageError(`--azure-containers: "${value}" is not one of arm, data-plane`);
}

function parseFailOn(value: string | undefined): Severity | 'none' {
  if (value === undefined) return 'high';
  if (value === 'none' || (SEVERITIES as readonly string[]).includes(value)) return value as Severity | 'none';
  throw new UsageError(`--fail-on: "${value}" is not one of ${[...SEVERITIES, 'none'].join(', ')}${didYouMean(value, [...SEVERITIES, 'none'])}`);
}

interface PlannedReport {
  format: Format;
  file?: string;
}

/**
 * Pairs --format and --output in command-line order: each --output takes the nearest earlier --format
 * not yet used, or else its extension decides. Formats left without a file go to stdout.
 */
function planReports(options: Array<{ name: string; value: string }>): PlannedReport[] {
  const reports: PlannedReport[] = [];
  const pending: PlannedReport[] = [];
  for (const { name, value } of options) {
    if (name === 'format') {
      for (const format of list(value)) {
        if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: "${format}" is not one of ${FORMATS.join(', ')}${didYouMean(format, FORMATS)}`);
        const report: PlannedReport = { format: format as Format };
        reports.push(report);
        pending.push(report);
      }
      continue;
    }
    const file = value === '-' ? undefined : value;
    const unpaired = pending.shift();
    if (unpaired) {
      if (file !== undefined) unpaired.file = file;
      continue;
    }
    const ext = /\.[a-z]+$/i.exec(value)?.[0]?.toLowerCase() ?? '';
    const format = EXTENSIONS[ext];
    if (!format) throw new UsageError(`--output ${value}: cannot tell the format from the extension (.sarif, .json, .md, .txt); put --format before it`);
    reports.push(file === undefined ? { format } : { format, file });
  }
  if (reports.filter((r) => r.file === undefined).length > 1) throw new UsageError('only one report can go to stdout; give the others an --output file');
  return reports;
}

function render(format: Format, result: AuditResult, io: CliIO, toStdout: boolean, category: string | undefined): string {
  switch (format) {
    case 'console':
      return toConsoleTable(result, {
        color: toStdout && shouldUseColor(io.stdout, io.env),
        ...(toStdout && io.stdout.isTTY && io.stdout.columns ? { width: io.stdout.columns } : {}),
      });
    case 'sarif':
      // Indented for reading when small; compact when large, where indentation would double the size.
      return JSON.stringify(toSarif(result, { toolVersion: toolVersion(), ...(category ? { category } : {}) }), null, result.summary.fail > 5000 ? undefined : 2) + '\n';
    case 'json':
      return JSON.stringify(toJsonReport(result, toolVersion()), null, 2) + '\n';
    case 'markdown':
      return toMarkdown(result);
  }
}

function writeOut(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Progress on stderr, only when it is a terminal: one line rewritten in place. */
function progressLine(io: CliIO, quiet: boolean): { update: (line: string) => void; done: () => void } {
  if (quiet || !io.stderr.isTTY) return { update: () => {}, done: () => {} };
  let shown = false;
  return {
    update: (line) => {
      shown = true;
      io.stderr.write(`\r\u001b[K${line}`);
    },
    done: () => {
      if (shown) io.stderr.write('\r\u001b[K');
    },
  };
}

/** Collector messages go to stderr only with --debug (LEAKPROOF_DEBUG); notices reach the reports anyway. */
function stderrLogger(io: CliIO): Logger {
  const debug = io.env.LEAKPROOF_DEBUG === '1';
  const write = (level: string) => (message: string) => {
    if (debug) io.stderr.write(`leakproof: ${level}: ${message}\n`);
  };
  return { debug: write('debug'), info: write('info'), warning: write('warning'), error: write('error') };
}
