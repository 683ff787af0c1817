import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { DEFAULT_CONFIG, readConfig, type LeakproofConfig, type RuntimeOptions, type ScopeAnchor } from '@leakproof/core';
import { UsageError, list } from './args.js';
import type { ProviderOptions } from './providers.js';

/**
 * The config file of a run: `--config FILE`, else `.leakproof/config.yaml` in the working
 * directory when it exists, else none. An invalid file is a `ConfigurationError` (exit 2).
 */
export function loadRunConfig(cwd: string, explicit: string | undefined): LeakproofConfig | undefined {
  if (explicit === undefined && !existsSync(resolve(cwd, DEFAULT_CONFIG))) return undefined;
  const given = explicit ?? DEFAULT_CONFIG;
  const path = resolve(cwd, given);
  if (explicit !== undefined && !existsSync(path)) throw new UsageError(`--config ${explicit}: no such file`);
  // SARIF locations are relative to the repository root, which is where leakproof runs.
  return readConfig(path, repositoryPath(cwd, path));
}

/** A path as code scanning wants it: relative to the checkout, with forward slashes. */
export function repositoryPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/**
 * Where live findings are located when no config file declares their scope: in a GitHub Actions
 * job, the workflow file that runs the audit (from `GITHUB_WORKFLOW_REF`), at the line that uses
 * leakproof; otherwise `.leakproof/config.yaml` (the file `leakproof init` writes), line 1. Built-in
 * rule files are never a location: they are not in the user's repository.
 */
export function fallbackAnchors(cwd: string, env: Record<string, string | undefined>): ScopeAnchor[] {
  const workflow = workflowFile(env.GITHUB_WORKFLOW_REF);
  if (workflow) {
    const path = resolve(env.GITHUB_WORKSPACE ?? cwd, workflow);
    return [{ uri: workflow, line: existsSync(path) ? lineUsingLeakproof(readFileSync(path, 'utf8')) : 1 }];
  }
  return [{ uri: DEFAULT_CONFIG, line: 1 }];
}

/** `octo/repo/.github/workflows/audit.yml@refs/heads/main` → `.github/workflows/audit.yml`. */
export function workflowFile(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const m = /^[^/]+\/[^/]+\/(.+?)@/.exec(ref);
  return m?.[1];
}

function lineUsingLeakproof(text: string): number {
  const lines = text.split(/\r?\n/);
  const i = lines.findIndex((l) => /^\s*(-\s*)?(uses:\s*\S*leakproof|run:.*\bleakproof\s+audit)/.test(l));
  return i >= 0 ? i + 1 : 1;
}

/**
 * Each provider's options from flag values (keyed by flag name, as the CLI and the Action give them): a flag replaces what the config file says for that setting. Scopes taken
 * from the config file are returned as `declared`, so that one the audit never reaches is reported.
 */
export function providerOptions(values: Record<string, unknown>, config: LeakproofConfig | undefined, runtime: RuntimeOptions): { options: ProviderOptions; declared: ScopeAnchor[] } {
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const strs = (name: string): string[] => list(values[name] as string[] | undefined);
  const aws = config?.providers.aws;
  const gcp = config?.providers.gcp;
  const azure = config?.providers.azure;
  const declared: ScopeAnchor[] = [];
  const declaredFor = (provider: 'aws' | 'gcp' | 'azure') => declared.push(...(config?.anchors ?? []).filter((a) => a.provider === provider && a.account !== undefined));
  const options: ProviderOptions = { regions: strs('regions').length ? strs('regions') : (aws?.regions ?? []), roleArns: [], accounts: [], runtime };
  if (values['role-arn'] !== undefined || values.accounts !== undefined) {
    options.roleArns = (values['role-arn'] as string[] | undefined) ?? [];
    options.accounts = strs('accounts');
  } else if (aws?.accounts) {
    options.roleArns = aws.accounts.flatMap((a) => (a.roleArn ? [a.roleArn] : []));
    if (options.roleArns.length && aws.accounts.some((a) => !a.roleArn)) options.includeOwnAccount = true;
    declaredFor('aws');
  }
  const profile = str('profile') ?? aws?.profile;
  if (profile) options.profile = profile;
  const externalId = str('external-id') ?? aws?.externalId;
  if (externalId) options.externalId = externalId;
  const roleName = str('role-name');
  if (values.projects !== undefined) options.projects = strs('projects');
  else if (gcp?.projects) {
    options.projects = gcp.projects;
    declaredFor('gcp');
  }
  // --organization names an AWS Organization (o-…) or a GCP organization (digits).
  const flagOrg = str('organization');
  const awsOrgFlag = flagOrg !== undefined && /^o-/.test(flagOrg) ? flagOrg : undefined;
  // GCP discovery roots: --organization and --folders together replace the file's organization and folders.
  const gcpOrgFlag = awsOrgFlag === undefined ? flagOrg : undefined;
  if (values.projects !== undefined && (gcpOrgFlag !== undefined || values.folders !== undefined)) throw new UsageError('--projects names the projects to audit; --organization and --folders discover them: give one or the other');
  if (gcpOrgFlag !== undefined || values.folders !== undefined) {
    if (gcpOrgFlag !== undefined) options.organization = gcpOrgFlag.replace(/^organizations\//, '');
    const folders = strs('folders').map((f) => f.replace(/^folders\//, ''));
    const bad = folders.find((f) => !/^\d+$/.test(f));
    if (bad !== undefined) throw new UsageError(`--folders: "${bad}" is not a folder id (digits, or folders/ and digits)`);
    if (folders.length) options.folders = [...new Set(folders)];
  } else if (values.projects === undefined) {
    if (gcp?.organization) options.organization = gcp.organization;
    if (gcp?.folders) options.folders = gcp.folders;
  }
  if (options.organization !== undefined && !/^\d+$/.test(options.organization)) throw new UsageError(`--organization: "${options.organization}" is neither an AWS Organization id (o-…) nor a GCP organization id (digits)`);
  // The role name goes to --accounts, or to the organization's accounts.
  if (roleName && awsOrgFlag === undefined) options.roleName = roleName;
  const excluded = strs('exclude-accounts');
  if (awsOrgFlag !== undefined) {
    if (!/^o-[a-z0-9]{10,32}$/.test(awsOrgFlag)) throw new UsageError(`--organization: "${awsOrgFlag}" is not an AWS Organization id (o- and 10 to 32 lower-case letters or digits)`);
    const orgRole = roleName ?? aws?.organization?.roleName;
    if (!orgRole) throw new UsageError('--organization o-… needs --role-name (the role to assume in each account)');
    options.awsOrganization = { id: awsOrgFlag, roleName: orgRole, exclude: excluded.length ? excluded : (aws?.organization?.exclude ?? []) };
  } else if (aws?.organization && values['role-arn'] === undefined && values.accounts === undefined) {
    options.awsOrganization = { ...aws.organization, ...(roleName ? { roleName } : {}), ...(excluded.length ? { exclude: excluded } : {}) };
  } else if (excluded.length) throw new UsageError('--exclude-accounts goes with an AWS --organization');
  if (values.subscriptions !== undefined && values['management-groups'] !== undefined) throw new UsageError('--subscriptions names the subscriptions to audit; --management-groups discovers them: give one or the other');
  if (values.subscriptions !== undefined) options.subscriptions = strs('subscriptions');
  else if (values['management-groups'] !== undefined) options.managementGroups = [...new Set(strs('management-groups'))];
  else if (azure?.subscriptions) {
    options.subscriptions = azure.subscriptions;
    declaredFor('azure');
  } else if (azure?.managementGroups) options.managementGroups = azure.managementGroups;
  const containers = str('azure-containers');
  if (containers) options.azureContainers = parseContainersMode(containers);
  else if (azure?.containers) options.azureContainers = azure.containers;
  return { options, declared };
}


function parseContainersMode(value: string): 'arm' | 'data-plane' {
  if (value === 'arm' || value === 'data-plane') return value;
  throw new UsageError(`--azure-containers: "${value}" is not one of arm, data-plane`);
}
