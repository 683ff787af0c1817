import { ConfigurationError, type ValidationIssue, type ValidationResult } from './errors.js';
import type { ClassificationTag } from './classification.js';
import type { Provider, ScopeAnchor, Severity } from './model.js';
import { readInputFile } from './util/read-file.js';
import { validateAgainstSchema } from './util/schema.js';
import { SourceDocument, type PathSegment } from './util/source-document.js';

/** The default place of the config file, beside `.leakproof/waivers.yaml`. */
export const DEFAULT_CONFIG = '.leakproof/config.yaml';

/** One AWS account of the config file: assumed through `roleArn`, or the credentials' own account when it has none. */
export interface ConfiguredAwsAccount {
  id: string;
  roleArn?: string;
}

/** What `.leakproof/config.yaml` says, with the places that declare each scope. */
export interface LeakproofConfig {
  /** The file as given (relative to the working directory, as SARIF locations need it). */
  file: string;
  providers: {
    aws?: { regions?: string[]; profile?: string; externalId?: string; accounts?: ConfiguredAwsAccount[]; organization?: { id: string; roleName: string; exclude: string[] } };
    gcp?: { organization?: string; folders?: string[]; projects?: string[] };
    azure?: { subscriptions?: string[]; managementGroups?: string[]; containers?: 'arm' | 'data-plane' };
  };
  policies?: string[];
  builtin?: boolean;
  frameworks?: string[];
  failOn?: Severity | 'none';
  waivers?: string | false;
  category?: string;
  reports?: Array<{ format: 'console' | 'sarif' | 'json' | 'markdown' | 'html' | 'csv'; output?: string }>;
  /** Tags that classify data, besides the defaults and the policy packs' (see `ClassificationTag`). */
  classification?: ClassificationTag[];
  /** The lines that declare each scope (most specific first), where live findings are located. */
  anchors: ScopeAnchor[];
}

interface RawAwsAccount {
  id: string;
  'role-arn'?: string;
}

interface RawConfig {
  version?: 1;
  providers?: {
    aws?: { regions?: string[]; profile?: string; 'role-name'?: string; 'external-id'?: string; organization?: string; 'exclude-accounts'?: string[]; accounts?: Array<string | RawAwsAccount> };
    gcp?: { organization?: string; folders?: string[]; projects?: string[] };
    azure?: { subscriptions?: string[]; 'management-groups'?: string[]; containers?: 'arm' | 'data-plane' };
  };
  policies?: string[];
  builtin?: boolean;
  frameworks?: string[];
  'fail-on'?: Severity | 'none';
  waivers?: string | false;
  category?: string;
  reports?: Array<{ format: 'console' | 'sarif' | 'json' | 'markdown' | 'html' | 'csv'; output?: string }>;
  classification?: ClassificationTag[];
}

/**
 * Parses and validates a config file against `config.schema.json`; problems come back as
 * file:line:col. `file` is the path reports and SARIF locations use for it.
 */
export function validateConfig(text: string, file: string): ValidationResult<LeakproofConfig> {
  const parsed = SourceDocument.parse(file, text);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const doc = parsed.document;
  const numeric = numericAccountIds(doc);
  if (numeric.length) return { ok: false, issues: numeric };
  const issues: ValidationIssue[] = validateAgainstSchema('config', doc.data, doc);
  if (issues.length) return { ok: false, issues };
  const raw = doc.data as RawConfig;
  const line = (path: PathSegment[]): number => doc.position(path).line;
  const keyLine = (path: PathSegment[], key: string): number => doc.position(path, key).line;
  const anchors: ScopeAnchor[] = [];
  const providers: LeakproofConfig['providers'] = {};

  const aws = raw.providers?.aws;
  if (aws) {
    const roleName = aws['role-name'];
    const accounts = (aws.accounts ?? []).map((entry) => (typeof entry === 'string' ? { id: entry } : entry));
    const seen = new Set<string>();
    const own = accounts.filter((a) => !a['role-arn'] && !roleName);
    accounts.forEach((a, i) => {
      if (seen.has(a.id)) issues.push(doc.issue(['providers', 'aws', 'accounts', i], `account ${a.id} is listed twice`));
      seen.add(a.id);
      const arn = a['role-arn'];
      if (arn && !arn.includes(`::${a.id}:`)) issues.push(doc.issue(['providers', 'aws', 'accounts', i, 'role-arn'], `the role is in account ${/::(\d{12}):/.exec(arn)?.[1] ?? '?'}, not ${a.id}`));
      anchors.push({ provider: 'aws', account: a.id, uri: file, line: line(['providers', 'aws', 'accounts', i]) });
    });
    if (aws.organization && !roleName) issues.push(doc.issue(['providers', 'aws'], 'organization needs role-name: the role leakproof assumes in each account', 'organization'));
    if (aws['exclude-accounts'] && !aws.organization) issues.push(doc.issue(['providers', 'aws'], 'exclude-accounts goes with organization', 'exclude-accounts'));
    if (own.length > 1) issues.push(doc.issue(['providers', 'aws', 'accounts'], 'only one account can be audited with the credentials themselves; give the others a role-arn, or set role-name'));
    if (aws['external-id'] && accounts.every((a) => !a['role-arn']) && !roleName && !aws.organization) issues.push(doc.issue(['providers', 'aws'], 'external-id goes with role-name or an account role-arn', 'external-id'));
    providers.aws = {
      ...(aws.regions ? { regions: aws.regions } : {}),
      ...(aws.profile ? { profile: aws.profile } : {}),
      ...(aws['external-id'] ? { externalId: aws['external-id'] } : {}),
      ...(accounts.length
        ? {
            accounts: accounts.map((a) => {
              const roleArn = a['role-arn'] ?? (roleName ? `arn:aws:iam::${a.id}:role/${roleName}` : undefined);
              return roleArn ? { id: a.id, roleArn } : { id: a.id };
            }),
          }
        : {}),
      ...(aws.organization && roleName ? { organization: { id: aws.organization, roleName, exclude: aws['exclude-accounts'] ?? [] } } : {}),
    };
    // Accounts found in the organization are declared by the organization line.
    if (aws.organization) anchors.push({ provider: 'aws', uri: file, line: keyLine(['providers', 'aws'], 'organization') });
    anchors.push({ provider: 'aws', uri: file, line: keyLine(['providers'], 'aws') });
  }
  const gcp = raw.providers?.gcp;
  if (gcp) {
    gcp.projects?.forEach((p, i) => anchors.push({ provider: 'gcp', account: p, uri: file, line: line(['providers', 'gcp', 'projects', i]) }));
    // Projects found under the organization or folders are declared by that line.
    if (gcp.organization) anchors.push({ provider: 'gcp', uri: file, line: keyLine(['providers', 'gcp'], 'organization') });
    if (gcp.folders) anchors.push({ provider: 'gcp', uri: file, line: keyLine(['providers', 'gcp'], 'folders') });
    if (gcp.projects && (gcp.organization || gcp.folders)) issues.push(doc.issue(['providers', 'gcp'], 'projects names the projects to audit; organization and folders discover them: give one or the other', 'projects'));
    providers.gcp = {
      ...(gcp.organization ? { organization: gcp.organization.replace(/^organizations\//, '') } : {}),
      ...(gcp.folders ? { folders: [...new Set(gcp.folders.map((f) => f.replace(/^folders\//, '')))] } : {}),
      ...(gcp.projects ? { projects: gcp.projects } : {}),
    };
    anchors.push({ provider: 'gcp', uri: file, line: keyLine(['providers'], 'gcp') });
  }
  const azure = raw.providers?.azure;
  if (azure) {
    azure.subscriptions?.forEach((s, i) => anchors.push({ provider: 'azure', account: s.toLowerCase(), uri: file, line: line(['providers', 'azure', 'subscriptions', i]) }));
    // Subscriptions found below the management groups are declared by that line.
    const groups = azure['management-groups'];
    if (groups) anchors.push({ provider: 'azure', uri: file, line: keyLine(['providers', 'azure'], 'management-groups') });
    if (groups && azure.subscriptions) issues.push(doc.issue(['providers', 'azure'], 'subscriptions names the subscriptions to audit; management-groups discovers them: give one or the other', 'subscriptions'));
    providers.azure = {
      ...(azure.subscriptions ? { subscriptions: azure.subscriptions } : {}),
      ...(groups ? { managementGroups: [...new Set(groups)] } : {}),
      ...(azure.containers ? { containers: azure.containers } : {}),
    };
    anchors.push({ provider: 'azure', uri: file, line: keyLine(['providers'], 'azure') });
  }
  // Anything else (a provider given only on the command line) is located at the file's first line.
  anchors.push({ uri: file, line: 1 });
  if ((raw.reports ?? []).filter((r) => r.output === undefined).length > 1) issues.push(doc.issue(['reports'], 'only one report can go to standard output; give the others an output file'));
  if (issues.length) return { ok: false, issues };
  const config: LeakproofConfig = {
    file,
    providers,
    ...(raw.policies ? { policies: raw.policies } : {}),
    ...(raw.builtin !== undefined ? { builtin: raw.builtin } : {}),
    ...(raw.frameworks ? { frameworks: raw.frameworks } : {}),
    ...(raw['fail-on'] ? { failOn: raw['fail-on'] } : {}),
    ...(raw.waivers !== undefined ? { waivers: raw.waivers } : {}),
    ...(raw.category ? { category: raw.category } : {}),
    ...(raw.reports ? { reports: raw.reports } : {}),
    ...(raw.classification ? { classification: raw.classification } : {}),
    anchors,
  };
  return { ok: true, value: config, issues: [] };
}

/** Reads and validates a config file; an invalid one is a `ConfigurationError` (exit 2) naming file:line:col. */
export function readConfig(path: string, display: string = path): LeakproofConfig {
  const result = validateConfig(readInputFile(path, display), display);
  if (!result.ok) throw ConfigurationError.fromIssues('LP_CONFIG_INVALID', result.issues);
  return result.value;
}

/** The providers a config file names, in a fixed order. */
export function configuredProviders(config: LeakproofConfig): Provider[] {
  return (['aws', 'gcp', 'azure'] as const).filter((p) => config.providers[p] !== undefined);
}

/**
 * YAML reads an unquoted 12-digit account id as a number (and drops leading zeros), which the
 * schema would report as "must be a string": say what to do instead.
 */
function numericAccountIds(doc: SourceDocument): ValidationIssue[] {
  const accounts = (doc.data as RawConfig | null)?.providers?.aws?.accounts;
  if (!Array.isArray(accounts)) return [];
  const issues: ValidationIssue[] = [];
  accounts.forEach((entry: unknown, i) => {
    const id = typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : entry;
    const path: PathSegment[] = typeof entry === 'object' && entry !== null ? ['providers', 'aws', 'accounts', i, 'id'] : ['providers', 'aws', 'accounts', i];
    if (typeof id === 'number') issues.push(doc.issue(path, `write the account id in quotes ("${String(id).padStart(12, '0')}"): unquoted, YAML reads it as a number`));
  });
  return issues;
}
