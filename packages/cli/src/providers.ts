import type { CollectionNotice, Logger, PhaseCount, Resource, ResourceKind, RuntimeOptions, ScopeStatus } from '@leakproof/core';
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
 * A collector's progress as one line: every phase still under way with its counts, the calls made
 * and, once a phase has run for a second, the time left at the pace so far (the slowest phase's):
 * `AWS regions 5/17 · S3 buckets 120/2000 (6%) · 1840 calls · about 40 s left`. A phase that is
 * finished drops out of the line; when all are, the line shows the last one to finish.
 *
 * A large estate moves the counts thousands of times a second: the line is redrawn at most every
 * `redrawMs`, and always when a phase begins or ends, so the last state of each phase is shown.
 */
export function progressWithEta(provider: string, progress: (line: string) => void, now: () => number = Date.now, redrawMs = 100): (p: PhaseCount & { phases?: readonly PhaseCount[]; calls?: number }) => void {
  const started = new Map<string, number>();
  let drawnAt = Number.NEGATIVE_INFINITY;
  return (p) => {
    const t = now();
    if (t - drawnAt < redrawMs && started.has(p.phase) && p.done > 0 && p.done < p.total) return;
    drawnAt = t;
    const phases = p.phases ?? [p];
    for (const q of phases) if (!started.has(q.phase)) started.set(q.phase, t);
    const running = phases.filter((q) => q.done < q.total);
    const shown = running.length ? running : [p];
    let left: number | undefined;
    const parts = shown.map((q) => {
      const elapsed = t - (started.get(q.phase) ?? t);
      if (q.done > 0 && q.done < q.total && elapsed >= 1000) left = Math.max(left ?? 0, (elapsed / q.done) * (q.total - q.done));
      // A percentage only where there are enough items for one to mean something.
      return `${q.phase} ${q.done}/${q.total}${q.total >= 20 ? ` (${Math.floor((q.done / q.total) * 100)}%)` : ''}`;
    });
    if (p.calls) parts.push(`${p.calls} calls`);
    if (left !== undefined) parts.push(`about ${formatDuration(left)} left`);
    progress(`${provider} ${parts.join(' · ')}`);
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
