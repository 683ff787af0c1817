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

/**
 * A collector's progress as one line with counts, a percentage and, once a phase is under way, the
 * time left at its pace so far: `AWS S3 buckets: 120/2000 (6%, about 40 s left)`.
 */
export function progressWithEta(provider: string, progress: (line: string) => void, now: () => number = Date.now): (p: { phase: string; done: number; total: number }) => void {
  const started = new Map<string, number>();
  return (p) => {
    const t = now();
    if (!started.has(p.phase) || p.done === 0) started.set(p.phase, t);
    const elapsed = t - (started.get(p.phase) ?? t);
    let line = `${provider} ${p.phase}: ${p.done}/${p.total}`;
    if (p.total > 0) {
      const percent = Math.floor((p.done / p.total) * 100);
      const left = p.done > 0 && p.done < p.total && elapsed >= 1000 ? (elapsed / p.done) * (p.total - p.done) : undefined;
      line += left === undefined ? ` (${percent}%)` : ` (${percent}%, about ${formatDuration(left)} left)`;
    }
    progress(line);
  };
}

function formatDuration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
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
        onProgress: progressWithEta('AWS', progress),
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
      onProgress: progressWithEta('GCP', progress),
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
      onProgress: progressWithEta('Azure', progress),
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
