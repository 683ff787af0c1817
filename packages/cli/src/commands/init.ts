import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, validateConfig } from '@leakproof/core';
import { list, parsingArgs, UsageError } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import { collectorFor, type ProviderOptions } from '../providers.js';
import { writeTextFile } from '../write.js';

export const INIT_HELP = `Usage: leakproof init [--provider NAME] [--config FILE] [--force]

Write a commented starter config file (default ${DEFAULT_CONFIG}). Commit it: a live audit then
needs no flags, and code scanning shows each finding at the line that declares its scope.

      --provider NAME   Fill in the scopes the current credentials can see: the AWS account,
                        the GCP projects, the Azure subscriptions (repeatable: aws, gcp, azure).
                        Only the identity and listing calls are made; nothing is audited.
      --config FILE     Write there instead
      --force           Replace an existing file
`;

const SCOPE_ID = { aws: /^\d{12}$/, gcp: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, azure: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i } as const;

type Discovered = { provider: 'aws' | 'gcp' | 'azure'; ids: string[]; problem?: string };

export async function runInit(args: string[], io: CliIO): Promise<number> {
  const { values } = parsingArgs(() => parseArgs({ args, strict: true, options: { provider: { type: 'string', multiple: true }, config: { type: 'string' }, force: { type: 'boolean' } } }));
  const file = values.config ?? DEFAULT_CONFIG;
  const path = resolve(io.cwd, file);
  if (existsSync(path) && !values.force) throw new UsageError(`${file} already exists; edit it, or pass --force to replace it`);
  const providers = list(values.provider);
  for (const p of providers) {
    collectorFor(p);
    if (p !== 'aws' && p !== 'gcp' && p !== 'azure') throw new UsageError(`init cannot fill in provider "${p}"`);
  }
  const found: Discovered[] = [];
  for (const provider of providers as Array<'aws' | 'gcp' | 'azure'>) found.push(await discover(provider, io));
  const text = starterConfig(found);
  // The starter must be valid as written: a broken template would fail the first audit.
  const check = validateConfig(text, file);
  if (!check.ok) throw new Error(`the starter config is invalid (${check.issues[0]?.message ?? 'unknown'}); please report this`);
  writeTextFile(path, text);
  for (const d of found) if (d.problem) io.stderr.write(`leakproof: warning: ${d.provider}: ${d.problem}; its section is left as a commented example\n`);
  const filled = found.filter((d) => d.ids.length).map((d) => `${d.provider} (${d.ids.length})`);
  io.stdout.write(`wrote ${file}${filled.length ? ` with the scopes of ${filled.join(', ')}` : ''}; review it, then run "leakproof audit"\n`);
  return EXIT.ok;
}

/**
 * The scopes the current credentials reach, found by the collector itself with no rule enabled:
 * only its identity and listing calls run (STS GetCallerIdentity, Resource Manager search, the
 * subscription list).
 */
async function discover(provider: 'aws' | 'gcp' | 'azure', io: CliIO): Promise<Discovered> {
  const options: ProviderOptions = { regions: provider === 'aws' ? ['us-east-1'] : [], roleArns: [], accounts: [], runtime: { maxAttempts: 2 } };
  const kind = provider === 'aws' ? 'account' : provider === 'gcp' ? 'project' : 'subscription';
  try {
    const collected = await collectorFor(provider).collect(options, {}, io.env, { debug: () => {}, info: () => {}, warning: () => {}, error: () => {} }, () => {});
    // Scopes that failed before their id was known carry a label instead; only real ids are kept.
    const ids = [...new Set(collected.scopes.filter((s) => s.kind === kind && s.status !== 'not-audited' && SCOPE_ID[provider].test(s.account)).map((s) => s.account))].sort();
    const fatal = collected.notices.find((n) => n.fatal);
    if (ids.length === 0) return { provider, ids, problem: fatal ? fatal.message : `the credentials see no ${kind}` };
    return { provider, ids };
  } catch (error) {
    return { provider, ids: [], problem: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) };
  }
}

/** The starter file: every setting shown, the ones not filled in commented out with an example. */
export function starterConfig(found: Discovered[]): string {
  const of = (p: Discovered['provider']) => found.find((d) => d.provider === p && d.ids.length > 0)?.ids;
  const aws = of('aws');
  const gcp = of('gcp');
  const azure = of('azure');
  const lines: string[] = [
    '# leakproof configuration: https://github.com/leakproof/leakproof#config-file',
    '# Flags and Action inputs override what is set here. Live findings are located, in code',
    '# scanning, at the line below that declares their account, project or subscription.',
    'version: 1',
    '',
  ];
  if (aws || gcp || azure) lines.push('providers:');
  else lines.push('# providers:');
  const c = (on: boolean) => (on ? '' : '# ');
  lines.push(
    `${c(!!aws)}  aws:`,
    `${c(!!aws)}    regions: [us-east-1, eu-west-1] # default: every enabled region`,
    `#    role-name: LeakproofAudit # assumed in every account below that names no role-arn`,
    `${c(!!aws)}    accounts:`,
    ...(aws ? aws.map((id) => `      - "${id}" # the account of the credentials that ran leakproof init`) : ['#      - "111122223333"', '#      - id: "222233334444"', '#        role-arn: arn:aws:iam::222233334444:role/LeakproofAudit']),
    `${c(!!gcp)}  gcp:`,
    '#    organization: "123456789012" # every active project under it, through all its folders',
    '#    folders: ["345678901234"] # or: every active project under these folders',
    `${c(!!gcp)}    projects:`,
    ...(gcp ? gcp.map((id) => `      - ${id}`) : ['#      - clinic-prod']),
    `${c(!!azure)}  azure:`,
    '#    management-groups: [clinic-root] # every subscription below these groups, instead of a list',
    `${c(!!azure)}    subscriptions:`,
    ...(azure ? azure.map((id) => `      - ${id}`) : ['#      - 00000000-0000-0000-0000-000000000000']),
    '',
    '# Judging',
    'frameworks: [hipaa, gdpr]',
    'fail-on: high # critical, high, medium, low, info or none',
    '# policies: [.leakproof/policies] # your own packs, beside the built-in ones',
    '# waivers: .leakproof/waivers.yaml # the default when it exists',
    '',
    '# Reports',
    'reports:',
    '  - format: console',
    '  - format: sarif',
    '    output: leakproof.sarif',
    '',
  );
  return lines.join('\n');
}
