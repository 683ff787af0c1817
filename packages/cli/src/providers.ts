import type { CollectionNotice, Logger, Resource, ResourceKind, RuntimeOptions, ScopeStatus } from '@leakproof/core';
import { UsageError } from './args.js';

export type NeededFacts = Partial<Record<ResourceKind, Set<string>>>;

/** Provider options as given on the command line (each provider reads its own). */
export interface ProviderOptions {
  regions: string[];
  /** Every active account of this AWS Organization, by assuming `roleName` in each, minus `exclude`. */
  awsOrganization?: { id: string; roleName: string; exclude: string[] };
  /** GCP projects (default: every visible project), or the organization and folders to find them under. */
  projects?: string[];
  organization?: string;
  folders?: string[];
  /** Azure subscriptions (default: every visible subscription) and how to read container access. */
  subscriptions?: string[];
  /** Azure management groups whose subscriptions are audited (when no subscriptions are named). */
  managementGroups?: string[];
  azureContainers?: 'arm' | 'data-plane';
  profile?: string;
  roleArns: string[];
  /** With `roleArns`, also audit the credentials' own account (a config entry without a role). */
  includeOwnAccount?: boolean;
  externalId?: string;
  accounts: string[];
  roleName?: string;
  /** Concurrency, timeouts, attempts, the deadline and the rate budget: the same for every provider. */
  runtime: RuntimeOptions;
}

/** What one provider collected, and how far it got in each scope. */
export interface ProviderCollection {
  resources: Resource[];
  notices: CollectionNotice[];
  scopes: ScopeStatus[];
}

export interface ProviderCollector {
  collect(options: ProviderOptions, needed: NeededFacts, env: Record<string, string | undefined>, logger: Logger, progress: (line: string) => void): Promise<ProviderCollection>;
  /** The least-privilege permissions for the needed facts, as printable text. */
  permissions(needed: NeededFacts): Promise<string>;
}

/** Collectors by provider name; each is loaded only when used. */
export const COLLECTORS: Record<string, ProviderCollector> = {
  aws: {
    async collect(options, needed, env, logger, progress) {
      const { collectAws } = await import('@leakproof/aws');
      const roleArns = [...options.roleArns];
      if (options.accounts.length) {
        if (!options.roleName) throw new UsageError('--accounts needs --role-name (the role to assume in each account)');
        roleArns.push(...options.accounts.map((a) => `arn:aws:iam::${a}:role/${options.roleName}`));
      }
      return collectAws({
        ...(options.profile ? { profile: options.profile } : {}),
        ...(roleArns.length ? { roleArns } : {}),
        ...(options.includeOwnAccount ? { includeOwnAccount: true } : {}),
        ...(options.awsOrganization ? { organization: options.awsOrganization } : {}),
        ...(options.externalId ? { externalId: options.externalId } : {}),
        ...(options.regions.length ? { regions: options.regions } : {}),
        ...options.runtime,
        needed,
        env,
        logger,
        onProgress: (p) => progress(`AWS ${p.phase}: ${p.done}/${p.total}`),
      });
    },
    async permissions(needed) {
      const { awsPermissionPolicy } = await import('@leakproof/aws');
      return JSON.stringify(awsPermissionPolicy(needed), null, 2) + '\n';
    },
  },
};

COLLECTORS.gcp = {
  async collect(options, needed, env, logger, progress) {
    const { collectGcp } = await import('@leakproof/gcp');
    return collectGcp({
      ...(options.projects?.length ? { projects: options.projects } : {}),
      ...(options.organization ? { organization: options.organization } : {}),
      ...(options.folders?.length ? { folders: options.folders } : {}),
      ...options.runtime,
      needed,
      env,
      logger,
      onProgress: (p) => progress(`GCP ${p.phase}: ${p.done}/${p.total}`),
    });
  },
  async permissions(needed) {
    const { gcpCustomRole } = await import('@leakproof/gcp');
    return JSON.stringify(gcpCustomRole(needed), null, 2) + '\n';
  },
};

COLLECTORS.azure = {
  async collect(options, needed, env, logger, progress) {
    const { collectAzure } = await import('@leakproof/azure');
    return collectAzure({
      ...(options.subscriptions?.length ? { subscriptions: options.subscriptions } : {}),
      ...(options.managementGroups?.length ? { managementGroups: options.managementGroups } : {}),
      ...(options.azureContainers ? { containers: options.azureContainers } : {}),
      ...options.runtime,
      needed,
      env,
      logger,
      onProgress: (p) => progress(`Azure ${p.phase}: ${p.done}/${p.total}`),
    });
  },
  async permissions(needed) {
    const { azureCustomRole } = await import('@leakproof/azure');
    return JSON.stringify(azureCustomRole(needed), null, 2) + '\n';
  },
};

export function collectorFor(name: string): ProviderCollector {
  const collector = COLLECTORS[name];
  if (!collector) throw new UsageError(`unknown provider "${name}"; available: ${Object.keys(COLLECTORS).join(', ')}`);
  return collector;
}
