import { Storage, type GetBucketsRequest } from '@google-cloud/storage';
import { cloudresourcemanager, type cloudresourcemanager_v1, type cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager';
import { compute } from '@googleapis/compute';
import { auth as googleAuth, sqladmin } from '@googleapis/sqladmin';
import { failureReason, silentLogger, type CallOutcome, type CollectionNotice, type Logger, type Resource } from '@leakproof/core';
import pLimit, { type LimitFunction } from 'p-limit';
import { gcpCall, isGcpCallNeeded, type GcpCallId, type NeededFacts } from '../calls.js';
import { outcomeOfGoogleError } from '../outcome.js';
import { normalizeFirewall, type GcpFirewall } from '../normalize/firewall.js';
import { normalizeSqlInstance, type SqlInstance } from '../normalize/sql.js';
import { normalizeGcsBucket, type GcsBucket, type GcsIamPolicy } from '../normalize/storage.js';

export interface CollectGcpOptions {
  /** Projects to audit; default: every active project the caller can see (Resource Manager). */
  projects?: string[];
  /** Limit discovery to one organization (its numeric id). */
  organization?: string;
  /** Requests in flight at once (default 64). */
  concurrency?: number;
  /** Retries on 429 and 5xx, with exponential backoff (default 4). */
  retries?: number;
  needed?: NeededFacts;
  pageSize?: number;
  /**
   * Endpoint overrides: STORAGE_EMULATOR_HOST for Cloud Storage, LEAKPROOF_GCP_API_ENDPOINT for Cloud SQL
   * Admin, Compute and Resource Manager. With either, no credential lookup or metadata probe happens.
   */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  onProgress?: (progress: { phase: string; done: number; total: number }) => void;
}

export interface GcpCollection {
  resources: Resource[];
  notices: CollectionNotice[];
  callCounts: Record<string, number>;
}

const READ_ONLY_SCOPE = 'https://www.googleapis.com/auth/cloud-platform.read-only';

export async function collectGcp(options: CollectGcpOptions = {}): Promise<GcpCollection> {
  return new GcpCollector(options).run();
}

class GcpCollector {
  private readonly env: Record<string, string | undefined>;
  private readonly limit: LimitFunction;
  private readonly logger: Logger;
  private readonly out: GcpCollection = { resources: [], notices: [], callCounts: {} };
  private readonly storage: Storage;
  private readonly sql: ReturnType<typeof sqladmin>;
  private readonly compute: ReturnType<typeof compute>;
  private readonly crm: cloudresourcemanager_v3.Cloudresourcemanager;
  private readonly crmV1: cloudresourcemanager_v1.Cloudresourcemanager;

  constructor(private readonly options: CollectGcpOptions) {
    this.env = options.env ?? process.env;
    this.limit = pLimit(options.concurrency ?? 64);
    this.logger = options.logger ?? silentLogger;
    const retries = options.retries ?? 4;
    const storageHost = this.env.STORAGE_EMULATOR_HOST;
    const apiRoot = this.env.LEAKPROOF_GCP_API_ENDPOINT;
    // Always give a project id: without one the libraries probe the metadata server to find it.
    const projectId = options.projects?.[0] ?? this.env.GOOGLE_CLOUD_PROJECT ?? 'leakproof-audit';
    this.storage = new Storage({
      projectId,
      ...(storageHost ? { apiEndpoint: storageHost, useAuthWithCustomEndpoint: false } : { scopes: [READ_ONLY_SCOPE] }),
      retryOptions: { autoRetry: true, maxRetries: retries, retryDelayMultiplier: 2, maxRetryDelay: 16, totalTimeout: 120 },
    });
    const retryConfig = { retry: retries, noResponseRetries: 2, retryDelay: 200, statusCodesToRetry: [[429, 429], [500, 599]], httpMethodsToRetry: ['GET'] };
    const common = apiRoot
      ? { rootUrl: apiRoot.endsWith('/') ? apiRoot : `${apiRoot}/`, retryConfig }
      : { auth: new googleAuth.GoogleAuth({ scopes: [READ_ONLY_SCOPE] }), retryConfig };
    this.sql = sqladmin({ version: 'v1beta4', ...common });
    this.compute = compute({ version: 'v1', ...common });
    this.crm = cloudresourcemanager({ version: 'v3', ...common }) as cloudresourcemanager_v3.Cloudresourcemanager;
    this.crmV1 = cloudresourcemanager({ version: 'v1', ...common }) as cloudresourcemanager_v1.Cloudresourcemanager;
  }

  private count(id: GcpCallId): void {
    this.out.callCounts[id] = (this.out.callCounts[id] ?? 0) + 1;
  }

  /** One call under the concurrency limit; errors become classified outcomes. */
  private call<T>(id: GcpCallId, run: () => Promise<T>): Promise<CallOutcome<T>> {
    if (!isGcpCallNeeded(gcpCall(id), this.options.needed)) return Promise.resolve({ status: 'skipped' });
    return this.limit(async () => {
      this.count(id);
      try {
        return { status: 'ok', value: await run() } as CallOutcome<T>;
      } catch (error) {
        return outcomeOfGoogleError<T>(error, gcpCall(id));
      }
    });
  }

  /** A paged list: pages fetched one after another, each under the limit. */
  private async pages<T>(id: GcpCallId, fetchPage: (pageToken: string | undefined) => Promise<{ items: T[]; next?: string | null }>): Promise<CallOutcome<T[]>> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(id, () => fetchPage(token));
      if (page.status !== 'ok') return page as CallOutcome<T[]>;
      items.push(...page.value.items);
      token = page.value.next ?? undefined;
    } while (token);
    return { status: 'ok', value: items };
  }

  private notice(level: CollectionNotice['level'], message: string, extra: Partial<CollectionNotice> = {}): void {
    this.out.notices.push({ level, message, provider: 'gcp', ...extra });
    (level === 'error' ? this.logger.error : level === 'warning' ? this.logger.warning : this.logger.info).call(this.logger, message);
  }

  /** A failed project-level call: a disabled API is a note for that project; anything else a warning. */
  private reportFailure(project: string, what: string, outcome: Extract<CallOutcome<unknown>, { status: 'failed' }>): void {
    const f = outcome.failure;
    if (f.category === 'service-disabled') this.notice('note', `${gcpCall(f.call as GcpCallId).api} is disabled in project ${project}; its ${what} were not audited`, { account: project, call: f.call });
    else this.notice(f.category === 'access-denied' ? 'warning' : 'error', `project ${project}: ${what} were not audited: ${failureReason(f)}`, { account: project, call: f.call, permission: f.permission });
  }

  async run(): Promise<GcpCollection> {
    const projects = await this.resolveProjects();
    await Promise.all(projects.map((p) => this.collectProject(p)));
    return this.out;
  }

  private async resolveProjects(): Promise<string[]> {
    if (this.options.projects?.length) return this.options.projects;
    const query = ['state:ACTIVE', ...(this.options.organization ? [`parent:organizations/${this.options.organization}`] : [])].join(' ');
    const found = await this.pages('cloudresourcemanager.projects.search', async (pageToken) => {
      const res = await this.crm.projects.search({ query, ...(pageToken ? { pageToken } : {}) });
      return { items: (res.data.projects ?? []).map((p) => p.projectId ?? '').filter(Boolean), next: res.data.nextPageToken };
    });
    if (found.status !== 'ok') {
      const why = found.status === 'failed' ? failureReason(found.failure) : 'skipped';
      this.notice('error', `no projects were given and they could not be listed (${why}); pass --projects`, { call: 'cloudresourcemanager.projects.search', permission: 'resourcemanager.projects.get', fatal: true });
      return [];
    }
    if (found.value.length === 0) this.notice('warning', 'the caller can see no active projects; nothing was audited');
    return found.value;
  }

  private async collectProject(project: string): Promise<void> {
    await Promise.all([this.collectBuckets(project), this.collectSql(project), this.collectFirewalls(project)]);
  }

  /** The project's effective storage.publicAccessPrevention constraint (one call per project). */
  private async orgPreventsPublicAccess(project: string): Promise<CallOutcome<boolean>> {
    const outcome = await this.call('cloudresourcemanager.projects.getEffectiveOrgPolicy', async () => {
      const res = await this.crmV1.projects.getEffectiveOrgPolicy({ resource: `projects/${project}`, requestBody: { constraint: 'constraints/storage.publicAccessPrevention' } });
      return res.data.booleanPolicy?.enforced === true;
    });
    if (outcome.status === 'failed') {
      this.notice('warning', `project ${project}: the organization policy for public access prevention was not read: ${failureReason(outcome.failure)}`, { account: project, call: outcome.failure.call, permission: outcome.failure.permission });
    }
    return outcome;
  }

  private async collectBuckets(project: string): Promise<void> {
    const listed = await this.pages<GcsBucket>('storage.buckets.list', async (pageToken) => {
      // projection=full returns each bucket's ACL and default object ACL with the listing.
      const query = { project, autoPaginate: false, maxResults: this.options.pageSize ?? 1000, projection: 'full', ...(pageToken ? { pageToken } : {}) };
      const [, next, response] = (await this.storage.getBuckets(query as unknown as GetBucketsRequest)) as unknown as [unknown, unknown, unknown];
      const body = response as { items?: GcsBucket[]; nextPageToken?: string } | undefined;
      return { items: body?.items ?? [], next: (next as { pageToken?: string } | null)?.pageToken ?? body?.nextPageToken ?? null };
    });
    if (listed.status !== 'ok') {
      if (listed.status === 'failed') this.reportFailure(project, 'Cloud Storage buckets', listed);
      return;
    }
    const orgEnforced = listed.value.length ? await this.orgPreventsPublicAccess(project) : ({ status: 'skipped' } as const);
    let done = 0;
    const resources = await Promise.all(
      listed.value.map(async (bucket) => {
        const iam = await this.call<GcsIamPolicy>('storage.buckets.getIamPolicy', async () => {
          const [policy] = await this.storage.bucket(bucket.name).iam.getPolicy({ requestedPolicyVersion: 3 });
          return policy as GcsIamPolicy;
        });
        if (iam.status === 'failed') {
          this.notice('warning', `bucket ${bucket.name}: ${failureReason(iam.failure)}; rules that need its IAM policy are not evaluated`, {
            account: project,
            resourceId: `//storage.googleapis.com/projects/_/buckets/${bucket.name}`,
            call: iam.failure.call,
            permission: iam.failure.permission,
          });
        }
        this.options.onProgress?.({ phase: `GCS buckets (${project})`, done: ++done, total: listed.value.length });
        return normalizeGcsBucket({ project, bucket, iam, orgEnforced });
      }),
    );
    this.out.resources.push(...resources);
  }

  private async collectSql(project: string): Promise<void> {
    const listed = await this.pages<SqlInstance>('sqladmin.instances.list', async (pageToken) => {
      const res = await this.sql.instances.list({ project, maxResults: this.options.pageSize ?? 500, ...(pageToken ? { pageToken } : {}) });
      return { items: (res.data.items ?? []) as SqlInstance[], next: res.data.nextPageToken };
    });
    if (listed.status === 'failed') this.reportFailure(project, 'Cloud SQL instances', listed);
    if (listed.status === 'ok') for (const i of listed.value) this.out.resources.push(normalizeSqlInstance(i, project));
  }

  private async collectFirewalls(project: string): Promise<void> {
    const listed = await this.pages<GcpFirewall>('compute.firewalls.list', async (pageToken) => {
      const res = await this.compute.firewalls.list({ project, maxResults: this.options.pageSize ?? 500, ...(pageToken ? { pageToken } : {}) });
      return { items: (res.data.items ?? []) as GcpFirewall[], next: res.data.nextPageToken };
    });
    if (listed.status === 'failed') this.reportFailure(project, 'VPC firewall rules', listed);
    if (listed.status === 'ok') for (const f of listed.value) this.out.resources.push(normalizeFirewall(f, project));
  }
}
