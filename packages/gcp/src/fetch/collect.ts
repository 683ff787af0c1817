import { Storage, type GetBucketsRequest } from '@google-cloud/storage';
import { cloudresourcemanager, type cloudresourcemanager_v1, type cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager';
import { compute } from '@googleapis/compute';
import { auth as googleAuth, sqladmin } from '@googleapis/sqladmin';
import {
  connectTimeoutAgent,
  createCollectorRuntime,
  mapOutcome,
  readPages,
  type CollectorRuntime,
  type CallOutcome,
  type CollectionNotice,
  type CollectionProgress,
  type Logger,
  PhaseProgress,
  type Resource,
  type RuntimeOptions,
  type RuntimeStats,
  type ScopeStatus,
} from '@leakproof/core';
import { GCP_RUNTIME, gcpCall, type GcpCallId, type NeededFacts } from '../calls.js';
import { normalizeFirewall, type GcpFirewall } from '../normalize/firewall.js';
import { normalizeSqlInstance, type SqlInstance } from '../normalize/sql.js';
import { normalizeGcsBucket, type GcsBucket, type GcsIamPolicy } from '../normalize/storage.js';

/** GCP collection options; timeouts, retries, the deadline and the rate budget are the shared runtime's. */
export interface CollectGcpOptions extends RuntimeOptions {
  /** Projects to audit; default: every active project the caller can see (Resource Manager). */
  projects?: string[];
  /** Audit every active project under this organization (its numeric id), through every folder. */
  organization?: string;
  /** Audit every active project under these folders (numeric ids or `folders/N`), through their subfolders. */
  folders?: string[];
  /** Facts the enabled rules need; calls that feed none of them are not made. Default: all. */
  needed?: NeededFacts;
  pageSize?: number;
  /**
   * Endpoint overrides: STORAGE_EMULATOR_HOST for Cloud Storage, LEAKPROOF_GCP_API_ENDPOINT for Cloud SQL
   * Admin, Compute and Resource Manager. With either, no credential lookup or metadata probe happens.
   */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Each step of the collection: projects and GCS buckets, counted over every project, with the calls made. */
  onProgress?: (progress: CollectionProgress) => void;
}

/** What a GCP collection gathered, and how far it got in each project it was asked to audit. */
export interface GcpCollection {
  resources: Resource[];
  notices: CollectionNotice[];
  /** Every project the run was asked to audit (or discovered), with its status. */
  scopes: ScopeStatus[];
  /** How many API requests of each kind were made (every page and retry counts). */
  callCounts: Record<string, number>;
  /** Retries, throttling, time waited on the rate budget and the most requests in flight at once. */
  stats: RuntimeStats;
}

const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/cloud-platform.read-only';

/** Collects and normalizes Cloud Storage buckets, Cloud SQL instances and VPC firewall rules. */
export async function collectGcp(options: CollectGcpOptions = {}): Promise<GcpCollection> {
  return new GcpCollector(options).run();
}

class GcpCollector {
  private readonly env: Record<string, string | undefined>;
  private readonly runtime: CollectorRuntime;
  private readonly resources: Resource[] = [];
  private readonly storage: Storage;
  private readonly sql: ReturnType<typeof sqladmin>;
  private readonly compute: ReturnType<typeof compute>;
  private readonly crm: cloudresourcemanager_v3.Cloudresourcemanager;
  private readonly crmV1: cloudresourcemanager_v1.Cloudresourcemanager;
  private readonly progress: PhaseProgress;

  constructor(private readonly options: CollectGcpOptions) {
    this.env = options.env ?? process.env;
    this.runtime = createCollectorRuntime(GCP_RUNTIME, options);
    this.progress = new PhaseProgress(options.onProgress, () => this.runtime.stats.calls);
    const timeout = this.runtime.timeouts.response;
    const storageHost = this.env.STORAGE_EMULATOR_HOST;
    const apiRoot = this.env.LEAKPROOF_GCP_API_ENDPOINT;
    // Always give a project id: without one the libraries probe the metadata server to find it.
    const projectId = options.projects?.[0] ?? this.env.GOOGLE_CLOUD_PROJECT ?? 'leakproof-audit';
    // The clients' own retries are off: the runtime retries, so that attempts, backoff and the rate
    // budget are the same on every provider and every attempt is bounded.
    this.storage = new Storage({
      projectId,
      timeout,
      ...(storageHost ? { apiEndpoint: storageHost, useAuthWithCustomEndpoint: false } : { scopes: [READ_ONLY_SCOPE] }),
      retryOptions: { autoRetry: false, maxRetries: 0 },
    });
    // googleapis takes an agent but has no connect timeout of its own; Cloud Storage's library takes
    // neither, and relies on the runtime's per-attempt timeout alone.
    const agent = connectTimeoutAgent(this.runtime.timeouts.connect, { maxSockets: this.runtime.concurrency });
    const common = apiRoot
      ? { rootUrl: apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`, retry: false, timeout, agent }
      : { auth: new googleAuth.GoogleAuth({ scopes: [READ_ONLY_SCOPE] }), retry: false, timeout, agent };
    this.sql = sqladmin({ version: 'v1beta4', ...common });
    this.compute = compute({ version: 'v1', ...common });
    this.crm = cloudresourcemanager({ version: 'v3', ...common });
    this.crmV1 = cloudresourcemanager({ version: 'v1', ...common });
  }

  /** One call through the runtime, in a project's scope. */
  private call<T>(id: GcpCallId, project: string, resourceId: string, run: (signal: AbortSignal) => Promise<T>, listing = false): Promise<CallOutcome<T>> {
    return this.runtime.call(gcpCall(id), { scope: project, resourceId, ...(listing ? { listing } : {}) }, run);
  }

  /** A paged list: pages fetched one after another, each a bounded call. */
  private async pages<T>(id: GcpCallId, project: string, fetchPage: (pageToken: string | undefined, signal: AbortSignal) => Promise<{ items: T[]; next?: string | null }>): Promise<CallOutcome<T[]>> {
    const pages = await readPages((token) => this.call(id, project, `projects/${project}`, (signal) => fetchPage(token, signal), true), (page) => page.next, (page) => page.items);
    return mapOutcome(pages, (items) => items.flat());
  }

  async run(): Promise<GcpCollection> {
    const projects = await this.resolveProjects();
    this.progress.expect('projects', projects.length);
    await Promise.all(projects.map(async (p) => {
      await this.collectProject(p);
      this.progress.done('projects');
    }));
    this.runtime.flushFailures();
    return { resources: this.resources, notices: this.runtime.notices, scopes: this.runtime.scopes.statuses(), callCounts: this.runtime.callCounts, stats: this.runtime.stats };
  }

  private async resolveProjects(): Promise<string[]> {
    if (this.options.projects?.length) {
      for (const p of this.options.projects) this.runtime.scopes.add('project', p);
      return this.options.projects;
    }
    const roots = [
      ...(this.options.organization ? [`organizations/${this.options.organization.replace(/^organizations\//, '')}`] : []),
      ...(this.options.folders ?? []).map((f) => `folders/${f.replace(/^folders\//, '')}`),
    ];
    const found = roots.length ? await this.projectsUnder(roots) : await this.visibleProjects();
    if (found === undefined) return [];
    // Resource Manager lists only the projects the caller may see: finding none is never a pass.
    if (found.length === 0) {
      const asked = roots.length ? roots.join(', ') : 'every visible project';
      this.runtime.discoveredNothing(
        asked,
        `the caller can see no active projects${roots.length ? ` under ${asked}` : ''}, so nothing was audited (projects without resourcemanager.projects.get are invisible to it)`,
        'grant it or pass --projects',
        gcpCall(roots.length ? 'cloudresourcemanager.projects.list' : 'cloudresourcemanager.projects.search'),
      );
    }
    for (const p of found) this.runtime.scopes.add('project', p);
    return found;
  }

  /** Every active project the caller can see; undefined when they could not be listed (that scope is then not audited). */
  private async visibleProjects(): Promise<string[] | undefined> {
    // Discovery has a scope of its own: when it fails, what was asked ("every visible project") was not audited.
    const discovery = 'every visible project';
    const found = await this.pages('cloudresourcemanager.projects.search', discovery, async (pageToken, signal) => {
      const res = await this.crm.projects.search({ query: 'state:ACTIVE', ...(pageToken ? { pageToken } : {}) }, { signal });
      return { items: (res.data.projects ?? []).map((p) => p.projectId ?? '').filter(Boolean), next: res.data.nextPageToken };
    });
    if (found.status === 'ok') return found.value;
    this.discoveryFailed(discovery, found, 'cloudresourcemanager.projects.search', 'the projects could not be listed');
    return undefined;
  }

  /**
   * The active projects under organizations and folders, walking every folder below them: Resource
   * Manager lists direct children only. A node whose children cannot be listed is a scope not
   * audited; the rest of the tree goes on.
   */
  private async projectsUnder(roots: string[]): Promise<string[]> {
    const projects = new Set<string>();
    const seen = new Set<string>();
    const visit = async (parent: string): Promise<void> => {
      if (seen.has(parent)) return;
      seen.add(parent);
      const [children, folders] = await Promise.all([
        this.pages('cloudresourcemanager.projects.list', parent, async (pageToken, signal) => {
          const res = await this.crm.projects.list({ parent, ...(pageToken ? { pageToken } : {}) }, { signal });
          return { items: (res.data.projects ?? []).filter((p) => (p.state ?? 'ACTIVE') === 'ACTIVE').map((p) => p.projectId ?? '').filter(Boolean), next: res.data.nextPageToken };
        }),
        this.pages('cloudresourcemanager.folders.list', parent, async (pageToken, signal) => {
          const res = await this.crm.folders.list({ parent, ...(pageToken ? { pageToken } : {}) }, { signal });
          return { items: (res.data.folders ?? []).filter((f) => (f.state ?? 'ACTIVE') === 'ACTIVE').map((f) => f.name ?? '').filter(Boolean), next: res.data.nextPageToken };
        }),
      ]);
      if (children.status === 'ok') for (const p of children.value) projects.add(p);
      else this.discoveryFailed(parent, children, 'cloudresourcemanager.projects.list', `the projects of ${parent} could not be listed`);
      if (folders.status === 'ok') await Promise.all(folders.value.map(visit));
      else this.discoveryFailed(parent, folders, 'cloudresourcemanager.folders.list', `the folders of ${parent} could not be listed`);
    };
    await Promise.all(roots.map(visit));
    return [...projects].sort();
  }

  private discoveryFailed(scope: string, outcome: Exclude<CallOutcome<unknown>, { status: 'ok' }>, id: GcpCallId, what: string): void {
    this.runtime.discoveryNotAudited(scope, what, 'pass --projects', gcpCall(id), outcome);
  }

  private async collectProject(project: string): Promise<void> {
    await Promise.all([this.collectBuckets(project), this.collectSql(project), this.collectFirewalls(project)]);
  }

  /** The project's effective storage.publicAccessPrevention constraint (one call per project). */
  private orgPreventsPublicAccess(project: string): Promise<CallOutcome<boolean>> {
    return this.call('cloudresourcemanager.projects.getEffectiveOrgPolicy', project, `projects/${project}`, async (signal) => {
      const res = await this.crmV1.projects.getEffectiveOrgPolicy({ resource: `projects/${project}`, requestBody: { constraint: 'constraints/storage.publicAccessPrevention' } }, { signal });
      return res.data.booleanPolicy?.enforced === true;
    });
  }

  private async collectBuckets(project: string): Promise<void> {
    const listed = await this.pages<GcsBucket>('storage.buckets.list', project, async (pageToken) => {
      // projection=full returns each bucket's ACL and default object ACL with the listing.
      const query = { project, autoPaginate: false, maxResults: this.options.pageSize ?? 1000, projection: 'full', ...(pageToken ? { pageToken } : {}) };
      const [, next, response] = (await this.storage.getBuckets(query as unknown as GetBucketsRequest)) as unknown as [unknown, unknown, unknown];
      const body = response as { items?: GcsBucket[]; nextPageToken?: string } | undefined;
      return { items: body?.items ?? [], next: (next as { pageToken?: string } | null)?.pageToken ?? body?.nextPageToken ?? null };
    });
    if (listed.status !== 'ok') return;
    const orgEnforced = listed.value.length ? await this.orgPreventsPublicAccess(project) : ({ status: 'skipped' } as const);
    this.progress.expect('GCS buckets', listed.value.length);
    const resources = await Promise.all(
      listed.value.map(async (bucket) => {
        const resourceId = `//storage.googleapis.com/projects/_/buckets/${bucket.name}`;
        const iam = await this.call<GcsIamPolicy>('storage.buckets.getIamPolicy', project, resourceId, async () => {
          const [policy] = await this.storage.bucket(bucket.name).iam.getPolicy({ requestedPolicyVersion: 3 });
          return policy;
        });
        this.progress.done('GCS buckets');
        return normalizeGcsBucket({ project, bucket, iam, orgEnforced });
      }),
    );
    this.resources.push(...resources);
  }

  private async collectSql(project: string): Promise<void> {
    const listed = await this.pages<SqlInstance>('sqladmin.instances.list', project, async (pageToken, signal) => {
      const res = await this.sql.instances.list({ project, maxResults: this.options.pageSize ?? 500, ...(pageToken ? { pageToken } : {}) }, { signal });
      return { items: (res.data.items ?? []) as SqlInstance[], next: res.data.nextPageToken };
    });
    if (listed.status === 'ok') for (const i of listed.value) this.resources.push(normalizeSqlInstance(i, project));
  }

  private async collectFirewalls(project: string): Promise<void> {
    const listed = await this.pages<GcpFirewall>('compute.firewalls.list', project, async (pageToken, signal) => {
      const res = await this.compute.firewalls.list({ project, maxResults: this.options.pageSize ?? 500, ...(pageToken ? { pageToken } : {}) }, { signal });
      return { items: (res.data.items ?? []) as GcpFirewall[], next: res.data.nextPageToken };
    });
    if (listed.status === 'ok') for (const f of listed.value) this.resources.push(normalizeFirewall(f, project, undefined, listed.value));
  }
}
