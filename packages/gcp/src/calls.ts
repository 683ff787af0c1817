import { callIsNeeded, retryAfterMs, safeMessage, type DescribedError, type FactFeeds, type FactName, type ErrorCategory, type ErrorClass, type NeededFacts, type ProviderRuntimeProfile, type RateLimit } from '@leakproof/core';

/** The id of a Google Cloud call in the call table (`storage.buckets.list`, …). */
export type GcpCallId =
  | 'cloudresourcemanager.projects.search'
  | 'cloudresourcemanager.projects.list'
  | 'cloudresourcemanager.folders.list'
  | 'cloudresourcemanager.projects.getEffectiveOrgPolicy'
  | 'storage.buckets.list'
  | 'storage.buckets.getIamPolicy'
  | 'sqladmin.instances.list'
  | 'compute.firewalls.list';

/** One Google Cloud API call of the call table. */
export interface GcpCall {
  id: GcpCallId;
  /** The Google Cloud API that serves it (for "API disabled" notes). */
  api: string;
  /** The IAM permissions the call needs. */
  permissions: readonly string[];
  /** The same, as one line for notices. */
  permission: string;
  /** The rate budget it draws from: the API's short name. */
  service: 'cloudresourcemanager' | 'storage' | 'sqladmin' | 'compute';
  scope: 'organization' | 'project' | 'bucket';
  feeds: FactFeeds;
  discovery?: boolean;
  /** Made only when asked for (discovery under an organization or folders), not in every audit. */
  optional?: boolean;
}

const BUCKET_ACCESS: readonly FactName<'storage-bucket'>[] = ['publicRead', 'publicList', 'publicWrite', 'authenticatedUsersAccess'];

/**
 * Every Google Cloud call the collector makes, what it feeds and the permissions it needs. It drives
 * which calls run for the enabled rules and `leakproof permissions gcp` (a custom role).
 */
const TABLE: ReadonlyArray<Omit<GcpCall, 'permission' | 'service'>> = [
  // Every project the caller can see; it returns only projects on which the caller has projects.get.
  { id: 'cloudresourcemanager.projects.search', api: 'cloudresourcemanager.googleapis.com', permissions: ['resourcemanager.projects.get'], scope: 'organization', feeds: {}, discovery: true },
  // Under an organization or folder: its direct child projects and folders, walked down the tree
  // (a search by parent matches direct children only).
  { id: 'cloudresourcemanager.projects.list', api: 'cloudresourcemanager.googleapis.com', permissions: ['resourcemanager.projects.list'], scope: 'organization', feeds: {}, discovery: true, optional: true },
  { id: 'cloudresourcemanager.folders.list', api: 'cloudresourcemanager.googleapis.com', permissions: ['resourcemanager.folders.list'], scope: 'organization', feeds: {}, discovery: true, optional: true },
  {
    // Public access prevention can be enforced for a whole organization, folder or project by the
    // constraint storage.publicAccessPrevention; buckets then still say "inherited".
    id: 'cloudresourcemanager.projects.getEffectiveOrgPolicy',
    api: 'cloudresourcemanager.googleapis.com',
    permissions: ['orgpolicy.policy.get'],
    scope: 'project',
    feeds: { 'storage-bucket': [...BUCKET_ACCESS, 'publicAccessPrevention'] },
  },
  {
    id: 'storage.buckets.list',
    api: 'storage.googleapis.com',
    // projection=full returns the bucket ACL and default object ACL, which needs getIamPolicy too.
    permissions: ['storage.buckets.list', 'storage.buckets.getIamPolicy'],
    scope: 'project',
    feeds: {
      'storage-bucket': [...BUCKET_ACCESS, 'publicAccessPrevention', 'aclPublic', 'aclsDisabled', 'encryptionAtRest', 'encryptionKeyId', 'tlsEnforced', 'versioning', 'accessLogging', 'objectLock'],
    },
    discovery: true,
  },
  { id: 'storage.buckets.getIamPolicy', api: 'storage.googleapis.com', permissions: ['storage.buckets.getIamPolicy'], scope: 'bucket', feeds: { 'storage-bucket': [...BUCKET_ACCESS, 'policyPublic'] } },
  {
    id: 'sqladmin.instances.list',
    api: 'sqladmin.googleapis.com',
    permissions: ['cloudsql.instances.list'],
    scope: 'project',
    feeds: { 'database-instance': ['engine', 'port', 'publiclyAccessible', 'internetReachable', 'internetExposedPorts', 'encryptionAtRest', 'tlsRequired', 'backupsEnabled', 'backupRetentionDays', 'deletionProtection'] },
  },
  {
    id: 'compute.firewalls.list',
    api: 'compute.googleapis.com',
    permissions: ['compute.firewalls.list'],
    scope: 'project',
    feeds: { 'network-firewall': ['direction', 'enabled', 'internetIngressPorts', 'internetIngressDatabasePorts', 'internetIngressUdpServices', 'internetIngressAllTraffic', 'appliesTo'] },
  },
];

/** The GCP call table: every API call the collector makes, the facts it feeds and its IAM permissions. */
export const GCP_CALLS: readonly GcpCall[] = TABLE.map((c) => ({ ...c, permission: c.permissions.join(', '), service: c.api.split('.')[0] as GcpCall['service'] }));

export type { NeededFacts };

export function gcpCall(id: GcpCallId): GcpCall {
  const call = GCP_CALLS.find((c) => c.id === id);
  if (!call) throw new Error(`unknown GCP call ${id}`);
  return call;
}

export const isGcpCallNeeded: (call: GcpCall, needed: NeededFacts) => boolean = callIsNeeded;

/** A least-privilege custom role (as `gcloud iam roles create --file` reads it) for the needed calls. */
export function gcpCustomRole(needed: NeededFacts): { title: string; description: string; stage: string; includedPermissions: string[] } {
  const permissions = [...new Set(GCP_CALLS.filter((c) => isGcpCallNeeded(c, needed)).flatMap((c) => c.permissions))].sort();
  return { title: 'leakproof auditor', description: 'Read-only access for leakproof audits (generated by leakproof permissions gcp).', stage: 'GA', includedPermissions: permissions };
}

/** How Google API errors are read: by `error.status` / `errors[].reason` / `details[].reason`, then by HTTP status. */
export const GCP_ERROR_CLASSES: readonly ErrorClass[] = [
  { codes: ['SERVICE_DISABLED', 'accessNotConfigured'], category: 'service-disabled' },
  { codes: ['PERMISSION_DENIED', 'forbidden', 'insufficientPermissions'], category: 'access-denied' },
  { codes: ['RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'userRateLimitExceeded'], category: 'throttled' },
  { codes: ['NOT_FOUND', 'notFound'], category: 'not-found' },
  { status: 403, category: 'access-denied' },
  { status: 429, category: 'throttled' },
  { status: 404, category: 'not-found' },
];

/**
 * Default rate budgets per project. Google sets per-minute request quotas per API and project on each
 * service's "Quotas and limits" page (Compute Engine "Rate quotas", "Cloud SQL quotas and limits"), and
 * they vary by project; these paces are conservative, well under the defaults, and `--max-rps`
 * overrides them. Cloud Storage bucket metadata reads have no small per-project quota.
 */
export const GCP_RATE_LIMITS: Record<string, RateLimit> = {
  compute: { rps: 20, burst: 40 },
  sqladmin: { rps: 2.5, burst: 10 },
  cloudresourcemanager: { rps: 5, burst: 10 },
  storage: { rps: 100, burst: 200 },
};

interface GoogleError {
  code?: number | string;
  status?: number;
  message?: string;
  response?: {
    status?: number;
    headers?: Record<string, string | undefined> | { get(name: string): string | null };
    data?: { error?: { code?: number; status?: string; message?: string; errors?: Array<{ reason?: string }>; details?: Array<{ reason?: string }> } };
  };
  errors?: Array<{ reason?: string }>;
}

/** What the runtime needs of a Google client error (googleapis, gaxios or @google-cloud/storage). */
export function describeGoogleError(error: unknown): DescribedError {
  const e = (error ?? {}) as GoogleError;
  const body = e.response?.data?.error;
  const status = e.response?.status ?? e.status ?? (typeof e.code === 'number' ? e.code : undefined) ?? body?.code;
  const reasons = [...(body?.details ?? []).map((d) => d.reason), ...(body?.errors ?? e.errors ?? []).map((x) => x.reason), body?.status].filter((r): r is string => !!r);
  const message = body?.message ?? e.message ?? '';
  // A disabled API says so in its message too ("... has not been used in project ... or it is disabled").
  const category: ErrorCategory | undefined = /has not been used in project|is disabled/i.test(message) ? 'service-disabled' : undefined;
  const code = reasons[0] ?? (typeof e.code === 'string' ? e.code : `HTTP ${status ?? '?'}`);
  const headers = e.response?.headers;
  const retryAfter = retryAfterMs(headers && typeof (headers as { get?: unknown }).get === 'function' ? (headers as { get(name: string): string | null }).get('retry-after') : (headers as Record<string, string | undefined> | undefined)?.['retry-after']);
  return { code, ...(status !== undefined ? { status } : {}), message: safeMessage(message || code), ...(category ? { category } : {}), ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) };
}

/** The Google Cloud side of the shared collector runtime: rate budgets and the error table. */
export const GCP_RUNTIME: ProviderRuntimeProfile = { provider: 'gcp', rates: GCP_RATE_LIMITS, errorClasses: GCP_ERROR_CLASSES, describeError: describeGoogleError };
