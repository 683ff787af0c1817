import { closeSync, existsSync, openSync, unlinkSync } from 'node:fs';
import { ensureDir, writeChunks } from '../write.js';
import { dirname, resolve } from 'node:path';
import {
  SEVERITIES,
  configuredProviders,
  createSnapshot,
  jsonChunks,
  didYouMean,
  shouldUseColor,
  consoleChunks,
  toJsonReportStream,
  markdownChunks,
  toHtml,
  csvChunks,
  toSarifStream,
  verdictLines,
  type AuditReport,
  type ConsoleOptions,
  type LeakproofConfig,
  type Logger,
  type RuntimeOptions,
  type Severity,
} from '@leakproof/core';
import { collectorFor } from '../providers.js';
import { loadRunConfig, providerOptions } from '../config.js';
import { runAudit, type AuditInput } from '../run.js';
import { parseArgs } from 'node:util';
import { UsageError, list, parsingArgs } from '../args.js';
import { EXIT, toolVersion, type CliIO } from '../io.js';


export const AUDIT_HELP = `Usage: leakproof audit [--provider NAME | --snapshot FILE | --terraform-plan FILE | --demo] [options]

Audit cloud resources against the built-in HIPAA/GDPR rule packs and your own.

Config:
      --config FILE         Settings and scopes (default .leakproof/config.yaml when it exists;
                            "leakproof init" writes one). Flags override it. With a config that
                            names providers, no input flag is needed: it audits those.

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
      --role-name NAME      Role to assume in each of --accounts (or of the organization)
      --organization O-ID   Every active account of this AWS Organization (o-…), listed from its
                            management or a delegated-administrator account, by assuming
                            --role-name in each; suspended and closed accounts are skipped
      --exclude-accounts L  Accounts of the organization not to audit
      Endpoints: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured (LocalStack);
      S3 then uses path-style requests.

GCP (Application Default Credentials):
      --projects LIST       Projects to audit (default: every active project you can see)
      --organization ID     Every active project under this organization (numeric id), through
                            all its folders (Resource Manager lists them level by level)
      --folders LIST        Every active project under these folders (numeric ids), through
                            their subfolders
      Endpoints: STORAGE_EMULATOR_HOST (Cloud Storage) and LEAKPROOF_GCP_API_ENDPOINT (Cloud SQL
      Admin, Compute, Resource Manager); with either, no credential lookup happens.

Azure (DefaultAzureCredential: environment, workload identity, managed identity, Azure CLI):
      --subscriptions LIST  Subscriptions to audit (default: every subscription you can see)
      --management-groups L Every subscription below these management groups (ids), through
                            their child groups
      --azure-containers M  arm (Reader role, default) or data-plane (Storage Blob Data Reader)
      Endpoints: LEAKPROOF_AZURE_ARM_ENDPOINT (ARM) and AZURE_STORAGE_CONNECTION_STRING (the data
      plane of the account it names, e.g. Azurite); with the ARM override no credential lookup happens.

Calls (every provider; see the README's "Timeouts, retries and the rate budget"):
      --concurrency N       API calls in flight at once (default 64)
      --timeout DURATION    Longest wait for one answer (default 20s); e.g. 500ms, 20s, 2m
      --connect-timeout D   Longest wait to connect (default 5s)
      --max-attempts N      Attempts per call on network errors, timeouts and 5xx (default 3)
      --deadline DURATION   Bound on the whole collection; calls not made by then are unknown
      --max-rps N           Requests per second per service and account/project/subscription,
                            instead of the documented defaults (which sit under each cloud's limits)
      --cores N             AWS: threads for the per-bucket reads of large accounts (default: every core; 1: one thread)

Policies:
      --policies PATH       Extra policy pack file or directory (repeatable); it may add,
                            override or disable rules by id
      --no-builtin          Do not load the built-in packs
      --framework ID        Only rules mapped to this framework, e.g. hipaa, gdpr (repeatable)

Reports:
      --format FORMAT       console, sarif, json, markdown, html (a self-contained compliance
                            report to file or print) or csv (one row per finding) (repeatable)
  -o, --output FILE         Write a report to FILE (repeatable). It takes the format of the
                            nearest --format before it, or else its extension decides
                            (.sarif, .json, .md, .html, .csv, .txt). A --format without a file
                            goes to stdout.
      --category NAME       SARIF automationDetails category (default "leakproof")
      --fail-on SEVERITY    Exit 1 when a failure at or above this severity is found:
                            critical, high, medium, low, info, or none (default high)
      --severity LIST       The console shows only failures of these severities, e.g.
                            critical,high (counts, compliance and the verdict stay whole)
  -v, --verbose             The console shows the evidence under every failure, not only
                            under critical and high ones

Waivers and baselines:
      --waivers FILE        Waiver file (default .leakproof/waivers.yaml when it exists)
      --no-waivers          Ignore waivers
      --baseline FILE       SARIF of an earlier run: results get baselineState
                            new / unchanged / updated, and fixed ones are listed as absent
      --only-new            Exit 1 only for new failures at or above --fail-on
      --allow-incomplete    Accept an incomplete audit: exit 0 instead of 4 when nothing blocking
                            failed (the reports still say what was not audited)
  -q, --quiet               Print nothing to stdout unless a report is sent there
      --debug               Show stack traces for errors

Exit codes: 0 pass; 1 a failure at or above --fail-on; 2 usage or input error; 3 internal error
or a report that could not be written; 4 incomplete (something asked for was not audited).
`;

const FORMATS = ['console', 'sarif', 'json', 'markdown', 'html', 'csv'] as const;
type Format = (typeof FORMATS)[number];

const EXTENSIONS: Record<string, Format> = { '.sarif': 'sarif', '.json': 'json', '.md': 'markdown', '.markdown': 'markdown', '.html': 'html', '.htm': 'html', '.csv': 'csv', '.txt': 'console' };

export async function runAuditCommand(args: string[], io: CliIO): Promise<number> {
  const { values, tokens } = parsingArgs(() =>
    parseArgs({
      args,
      strict: true,
      tokens: true,
      options: {
    config: { type: 'string' },
    provider: { type: 'string', multiple: true },
    regions: { type: 'string', multiple: true },
    projects: { type: 'string', multiple: true },
    folders: { type: 'string', multiple: true },
    organization: { type: 'string' },
    'exclude-accounts': { type: 'string', multiple: true },
    subscriptions: { type: 'string', multiple: true },
    'management-groups': { type: 'string', multiple: true },
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
    severity: { type: 'string', multiple: true },
    verbose: { type: 'boolean', short: 'v' },
    waivers: { type: 'string' },
    'no-waivers': { type: 'boolean' },
    baseline: { type: 'string' },
    'only-new': { type: 'boolean' },
    'allow-incomplete': { type: 'boolean' },
    timeout: { type: 'string' },
    'connect-timeout': { type: 'string' },
    'max-attempts': { type: 'string' },
    deadline: { type: 'string' },
    'max-rps': { type: 'string' },
    cores: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
      },
    }),
  );
  const config = loadRunConfig(io.cwd, values.config);
  const given = list(values.provider);
  const sources = [values.snapshot ? '--snapshot' : '', values.demo ? '--demo' : '', given.length ? '--provider' : '', values['terraform-plan'] ? '--terraform-plan' : ''].filter(Boolean);
  if (sources.length > 1) throw new UsageError(`use one of --provider, --snapshot, --terraform-plan or --demo, not ${sources.join(' and ')}`);
  // A config file that names providers is the input when no other is given.
  const providers = sources.length === 0 && config ? configuredProviders(config) : given;
  if (sources.length === 0 && providers.length === 0) {
    throw new UsageError(`nothing to audit: give --provider aws, --snapshot FILE, --terraform-plan FILE or --demo, or name providers in ${config?.file ?? '.leakproof/config.yaml'} (see leakproof audit --help)`);
  }
  if (values['source-root'] && !values['terraform-plan']) throw new UsageError('--source-root goes with --terraform-plan');
  const failOn = parseFailOn(values['fail-on'] ?? config?.failOn);
  const severities = parseSeverities(values.severity);
  const view: ConsoleView = { ...(severities ? { severities } : {}), ...(values.verbose ? { verbose: true } : {}) };
  const reportOptions = tokens.flatMap((t) => (t.kind === 'option' && (t.name === 'format' || t.name === 'output') && typeof t.value === 'string' ? [{ name: t.name, value: t.value }] : []));
  const reports = reportOptions.length === 0 && config?.reports ? config.reports.map((r) => (r.output === undefined || r.output === '-' ? { format: r.format } : { format: r.format, file: r.output })) : planReports(reportOptions);
  for (const p of providers) collectorFor(p);
  if (values['only-new'] && !values.baseline) throw new UsageError('--only-new needs --baseline FILE (the SARIF of an earlier run)');
  refuseIdleFlags(values, providers, config);
  const runtime = runtimeOptions(values);
  const category = values.category ?? config?.category;
  // Every output path is checked before any call is made: an unwritable one is a usage error now, not after the audit.
  for (const file of [...reports.flatMap((r) => (r.file === undefined ? [] : [r.file])), ...(values['save-snapshot'] ? [values['save-snapshot']] : [])]) checkWritable(resolve(io.cwd, file), file);

  const live = providers.length ? providerOptions(values, config, runtime) : undefined;
  const input: AuditInput = live
    ? { kind: 'providers', providers, options: live.options, declared: live.declared }
    : values['terraform-plan']
      ? { kind: 'terraform', plan: values['terraform-plan'], ...(values['source-root'] ? { sourceRoot: values['source-root'] } : {}) }
      : values.demo
        ? { kind: 'demo' }
        : { kind: 'snapshot', file: values.snapshot ?? '' };
  const waivers = values['no-waivers'] ? (false as const) : (values.waivers ?? config?.waivers);
  const progress = progressLine(io, values.quiet === true);
  const result = await runAudit({
    input,
    cwd: io.cwd,
    env: io.env,
    policies: values.policies ?? config?.policies ?? [],
    builtIn: values['no-builtin'] ? false : (config?.builtin ?? true),
    frameworks: values.framework ? list(values.framework) : (config?.frameworks ?? []),
    ...(waivers !== undefined ? { waivers } : {}),
    ...(config ? { anchors: config.anchors } : {}),
    ...(config?.classification ? { classificationTags: config.classification } : {}),
    ...(values.baseline ? { baseline: values.baseline } : {}),
    logger: stderrLogger(io),
    progress: progress.update,
    verdict: { failOn, onlyNew: values['only-new'] === true, allowIncomplete: values['allow-incomplete'] === true },
  });
  if (reports.some((r) => r.file !== undefined) || values['save-snapshot']) progress.update('Writing reports');

  // Each report is written even when another fails; the error names the ones that failed.
  const unwritten: string[] = [];
  const write = (file: string, text: () => Iterable<string>): void => {
    try {
      writeChunks(resolve(io.cwd, file), text());
    } catch (error) {
      unwritten.push(`${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  };
  if (values['save-snapshot']) write(values['save-snapshot'], () => withNewline(jsonChunks(createSnapshot(result.resources, result.notices, `leakproof ${toolVersion()}`, result.scopes), 2)));
  // Files first, while the progress line says so; then the line is cleared before anything reaches stdout.
  for (const { format, file } of reports) if (file !== undefined) write(file, () => render(format, result, io, false, category, view));
  progress.done();
  // With no report on stdout, the console report goes there unless --quiet.
  const defaultConsole = !values.quiet && !reports.some((r) => r.file === undefined);
  const consoleOnStdout = defaultConsole || reports.some((r) => r.file === undefined && r.format === 'console');
  for (const report of reports) if (report.file === undefined) for (const chunk of render(report.format, result, io, true, category, view)) io.stdout.write(chunk);
  if (defaultConsole) for (const chunk of render('console', result, io, true, category, view)) io.stdout.write(chunk);
  if (result.findings.filter((f) => f.status === 'fail').length > 25_000 && reports.some((r) => r.format === 'sarif')) {
    io.stderr.write('leakproof: warning: more than 25,000 results in one SARIF run; GitHub code scanning keeps the first 25,000 (use leakproof merge to shard)\n');
  }
  const verdict = result.verdict;
  // The console report already shows the verdict; otherwise it goes to stderr once, so CI logs say why.
  if (!consoleOnStdout && verdict.verdict !== 'pass') io.stderr.write(verdictLines(verdict).map((l) => `leakproof: ${l.trim()}`).join('\n') + '\n');
  if (unwritten.length) {
    for (const line of unwritten) io.stderr.write(`leakproof: error: report not written: ${line}\n`);
    return EXIT.internal;
  }
  return verdict.verdict === 'fail' ? EXIT.findings : verdict.verdict === 'incomplete' ? EXIT.incomplete : EXIT.ok;
}

/** Flags that would do nothing in the chosen mode are refused, so that a typo never passes silently. */
function refuseIdleFlags(values: Record<string, unknown>, providers: string[], config: LeakproofConfig | undefined): void {
  const given = (name: string): boolean => values[name] !== undefined && values[name] !== false;
  const byProvider: Record<string, string[]> = {
    aws: ['regions', 'profile', 'role-arn', 'external-id', 'accounts', 'role-name', 'exclude-accounts', 'cores'],
    gcp: ['projects', 'folders'],
    azure: ['subscriptions', 'management-groups', 'azure-containers'],
    '*': ['concurrency', 'timeout', 'connect-timeout', 'max-attempts', 'deadline', 'max-rps'],
  };
  for (const [provider, flags] of Object.entries(byProvider)) {
    const applies = provider === '*' ? providers.length > 0 : providers.includes(provider);
    for (const flag of flags) {
      if (given(flag) && !applies) throw new UsageError(`--${flag} applies only to ${provider === '*' ? 'live audits (--provider)' : `--provider ${provider}`}; it would do nothing here`);
    }
  }
  // --organization names an AWS Organization (o-…) or a GCP organization (digits).
  const awsOrganizationFlag = given('organization') && /^o-/.test(String(values.organization));
  // The config file's organization takes --role-name and --exclude-accounts too (unless accounts are named).
  const awsOrganization = awsOrganizationFlag || (config?.providers.aws?.organization !== undefined && !given('accounts') && !given('role-arn'));
  const configAccounts = config?.providers.aws?.accounts !== undefined && !given('accounts') && !given('role-arn');
  if (given('organization')) {
    const target = awsOrganizationFlag ? 'aws' : 'gcp';
    if (!providers.includes(target)) throw new UsageError(`--organization ${String(values.organization)} is ${awsOrganizationFlag ? 'an AWS Organization' : 'a GCP organization'}; it applies only to --provider ${target}`);
  }
  if (given('exclude-accounts') && !awsOrganization) throw new UsageError('--exclude-accounts goes with an AWS --organization o-…');
  if (given('role-name') && !given('accounts') && !awsOrganization) throw new UsageError('--role-name goes with --accounts or an AWS --organization (the accounts to assume it in)');
  if (given('external-id') && !given('role-arn') && !given('accounts') && !awsOrganization && !configAccounts) throw new UsageError('--external-id goes with --role-arn or --accounts');
}

/** The shared runtime's options from the command line; every value checked. */
function runtimeOptions(values: Record<string, string | boolean | string[] | undefined>): RuntimeOptions {
  const options: RuntimeOptions = {};
  const whole = (flag: string): number | undefined => {
    const raw = values[flag];
    if (typeof raw !== 'string') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag}: "${raw}" is not a positive whole number`);
    return n;
  };
  const concurrency = whole('concurrency');
  if (concurrency !== undefined) options.concurrency = concurrency;
  const cores = whole('cores');
  if (cores !== undefined) options.cores = cores;
  const attempts = whole('max-attempts');
  if (attempts !== undefined) options.maxAttempts = attempts;
  const text = (flag: string) => {
    const raw = values[flag];
    return typeof raw === 'string' ? raw : undefined;
  };
  const response = duration('timeout', text('timeout'));
  const connect = duration('connect-timeout', text('connect-timeout'));
  if (response !== undefined || connect !== undefined) options.timeouts = { ...(response !== undefined ? { response } : {}), ...(connect !== undefined ? { connect } : {}) };
  const deadline = duration('deadline', text('deadline'));
  if (deadline !== undefined) options.deadline = deadline;
  const maxRps = text('max-rps');
  if (maxRps !== undefined) {
    const rps = Number(maxRps);
    if (!Number.isFinite(rps) || rps <= 0) throw new UsageError(`--max-rps: "${maxRps}" is not a positive number`);
    options.maxRps = rps;
  }
  return options;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration such as `500ms`, `20s`, `2m` or `1h` (a bare number is seconds), in milliseconds. */
export function duration(flag: string, raw: string | number | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(raw).trim());
  const unit = m ? UNIT_MS[m[2] ?? 's'] : undefined;
  const ms = m && unit !== undefined ? Number(m[1]) * unit : Number.NaN;
  if (!Number.isFinite(ms) || ms <= 0) throw new UsageError(`--${flag}: "${raw}" is not a duration (e.g. 500ms, 20s, 2m)`);
  return Math.round(ms);
}

/**
 * Proves a report path can be written, without leaving anything behind: its directory is created, a
 * new file is created and removed, an existing one opened for writing without truncating it.
 */
function checkWritable(path: string, display: string): void {
  try {
    ensureDir(dirname(path));
    if (existsSync(path)) closeSync(openSync(path, 'r+'));
    else {
      closeSync(openSync(path, 'wx'));
      unlinkSync(path);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${display}: cannot write the report there (${code ?? (error instanceof Error ? error.message : String(error))})`);
  }
}


/** `--severity critical,high`: the severities the console lists. */
function parseSeverities(values: string[] | undefined): Severity[] | undefined {
  if (!values) return undefined;
  const wanted = values.flatMap((v) => list(v));
  for (const v of wanted) if (!(SEVERITIES as readonly string[]).includes(v)) throw new UsageError(`--severity: "${v}" is not one of ${SEVERITIES.join(', ')}${didYouMean(v, SEVERITIES)}`);
  return wanted as Severity[];
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
    if (!format) throw new UsageError(`--output ${value}: cannot tell the format from the extension (.sarif, .json, .md, .html, .csv, .txt); put --format before it`);
    reports.push(file === undefined ? { format } : { format, file });
  }
  if (reports.filter((r) => r.file === undefined).length > 1) throw new UsageError('only one report can go to stdout; give the others an --output file');
  return reports;
}

/** A report as pieces of text: JSON reports are serialized piece by piece, so their size has no limit. */
/** What the console shows besides the colour and the width (`--severity`, `--verbose`). */
type ConsoleView = Pick<ConsoleOptions, 'severities' | 'verbose'>;

/**
 * The console's width: the terminal's; else COLUMNS, as `COLUMNS=100 leakproof audit | less` asks;
 * else none, so a log keeps every line whole.
 */
function consoleWidth(io: CliIO): { width?: number } {
  if (io.stdout.isTTY && io.stdout.columns) return { width: io.stdout.columns };
  const columns = Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns >= 40 ? { width: columns } : {};
}

function render(format: Format, result: AuditReport, io: CliIO, toStdout: boolean, category: string | undefined, view: ConsoleView): Iterable<string> {
  switch (format) {
    case 'console':
      return consoleChunks(result, {
        ...view,
        color: toStdout && shouldUseColor(io.stdout, io.env),
        ...(toStdout ? consoleWidth(io) : {}),
      });
    case 'sarif':
      // Indented for reading when small; compact when large, where indentation would double the size.
      return withNewline(jsonChunks(toSarifStream(result, { toolVersion: toolVersion(), ...(category ? { category } : {}) }), result.summary.fail > 5000 ? 0 : 2));
    case 'json':
      return withNewline(jsonChunks(toJsonReportStream(result, toolVersion()), result.findings.length > 20_000 ? 0 : 2));
    case 'markdown':
      return markdownChunks(result);
    case 'html':
      return [toHtml(result, { toolVersion: toolVersion() })];
    case 'csv':
      return csvChunks(result);
  }
}

function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield '\n';
}

/** Progress on stderr, only when it is a terminal: one line rewritten in place. */
function progressLine(io: CliIO, quiet: boolean): { update: (line: string) => void; done: () => void } {
  if (quiet || !io.stderr.isTTY) return { update: () => {}, done: () => {} };
  let shown = false;
  return {
    update: (line) => {
      shown = true;
      // One line, rewritten in place: cut to the terminal so it never wraps onto a second line.
      const width = io.stderr.columns ?? 80;
      io.stderr.write(`\r\u001b[K${line.length < width ? line : `${line.slice(0, Math.max(1, width - 2))}…`}`);
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
