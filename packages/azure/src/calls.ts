import { callIsNeeded, retryAfterMs, safeMessage, type DescribedError, type FactFeeds, type FactName, type ErrorClass, type NeededFacts, type ProviderRuntimeProfile, type RateLimit } from '@leakproof/core';

/** The id of an Azure call in the call table (`storageAccounts.list`, `dataPlane.blobContainers.list`, …). */
export type AzureCallId =
  | 'subscriptions.list'
  | 'managementGroups.listDescendants'
  | 'storageAccounts.list'
  | 'blobServices.getServiceProperties'
  | 'blobContainers.list'
  | 'dataPlane.listContainers'
  | 'sqlServers.list'
  | 'firewallRules.listByServer'
  | 'encryptionProtectors.get'
  | 'serverBlobAuditingPolicies.get'
  | 'databases.listByServer'
  | 'transparentDataEncryptions.get'
  | 'networkSecurityGroups.listAll'
  | 'postgresFlexibleServers.list'
  | 'postgresFlexibleFirewallRules.listByServer'
  | 'postgresFlexibleConfigurations.listByServer'
  | 'mysqlFlexibleServers.list'
  | 'mysqlFlexibleFirewallRules.listByServer'
  | 'mysqlFlexibleConfigurations.listByServer'
  | 'cosmosAccounts.list'
  | 'managementLocks.listAtSubscriptionLevel';

/** One Azure API call of the call table. */
export interface AzureCall {
  id: AzureCallId;
  /** The RBAC action (control plane) or data action it needs. */
  action: string;
  /** The same, under the name every provider's call table uses. */
  permission: string;
  /** The rate budget it draws from: Resource Manager, or a storage account's blob endpoint. */
  service: 'arm' | 'blob';
  dataAction?: boolean;
  scope: 'tenant' | 'subscription' | 'account' | 'server' | 'database';
  feeds: FactFeeds;
  discovery?: boolean;
  /** Made only when asked for (discovery below management groups), not in every audit. */
  optional?: boolean;
}

const CONTAINER_ACCESS: readonly FactName<'storage-bucket'>[] = ['publicRead', 'publicList', 'aclPublic'];

/**
 * The three listings of an Azure Database flexible server engine (PostgreSQL or MySQL share them): the
 * servers, each server's firewall rules, and every server parameter in one paged listing
 * (require_secure_transport and the engine's audit switches).
 */
function flexibleServerCalls(engine: 'postgres' | 'mysql', namespace: string): Array<Omit<AzureCall, 'permission' | 'service'>> {
  const servers = `${namespace}/flexibleServers`;
  return [
    { id: `${engine}FlexibleServers.list`, action: `${servers}/read`, scope: 'subscription', feeds: { 'database-instance': ['engine', 'port', 'publiclyAccessible', 'internetReachable', 'backupsEnabled', 'backupRetentionDays', 'encryptionAtRest'] } },
    { id: `${engine}FlexibleFirewallRules.listByServer`, action: `${servers}/firewallRules/read`, scope: 'server', feeds: { 'database-instance': ['internetReachable', 'internetExposedPorts', 'openToCloudTenants'] } },
    { id: `${engine}FlexibleConfigurations.listByServer`, action: `${servers}/configurations/read`, scope: 'server', feeds: { 'database-instance': ['tlsRequired', 'auditLogging'] } },
  ];
}

/**
 * Every Azure call the collector makes, what it feeds and its RBAC action: it decides which calls run
 * and generates `leakproof permissions azure` (a custom role definition).
 */
const TABLE: ReadonlyArray<Omit<AzureCall, 'permission' | 'service'>> = [
  { id: 'subscriptions.list', action: 'Microsoft.Resources/subscriptions/read', scope: 'tenant', feeds: {}, discovery: true },
  // Every subscription below a management group, through its child groups, in one paged listing.
  { id: 'managementGroups.listDescendants', action: 'Microsoft.Management/managementGroups/descendants/read', scope: 'tenant', feeds: {}, discovery: true, optional: true },
  {
    id: 'storageAccounts.list',
    action: 'Microsoft.Storage/storageAccounts/read',
    scope: 'subscription',
    feeds: { 'storage-account': ['allowBlobPublicAccess', 'publicNetworkAccess', 'networkOpenToInternet', 'httpsOnly', 'minimumTlsVersion', 'sharedKeyAccess', 'encryptionAtRest'], 'storage-bucket': [...CONTAINER_ACCESS, 'publicAccessPrevention', 'tlsEnforced', 'encryptionAtRest'] },
    discovery: true,
  },
  { id: 'blobServices.getServiceProperties', action: 'Microsoft.Storage/storageAccounts/blobServices/read', scope: 'account', feeds: { 'storage-account': ['blobSoftDelete', 'versioning'], 'storage-bucket': ['versioning'] } },
  { id: 'blobContainers.list', action: 'Microsoft.Storage/storageAccounts/blobServices/containers/read', scope: 'account', feeds: { 'storage-bucket': CONTAINER_ACCESS }, discovery: true },
  {
    id: 'dataPlane.listContainers',
    action: 'Microsoft.Storage/storageAccounts/blobServices/containers/read',
    scope: 'account',
    feeds: { 'storage-bucket': CONTAINER_ACCESS },
    discovery: true,
  },
  {
    id: 'sqlServers.list',
    action: 'Microsoft.Sql/servers/read',
    scope: 'subscription',
    feeds: { 'database-instance': ['engine', 'port', 'publiclyAccessible', 'internetReachable', 'tlsRequired', 'backupsEnabled'] },
  },
  { id: 'firewallRules.listByServer', action: 'Microsoft.Sql/servers/firewallRules/read', scope: 'server', feeds: { 'database-instance': ['internetReachable', 'internetExposedPorts', 'openToCloudTenants'] } },
  { id: 'encryptionProtectors.get', action: 'Microsoft.Sql/servers/encryptionProtector/read', scope: 'server', feeds: { 'database-instance': ['encryptionAtRest'] } },
  { id: 'databases.listByServer', action: 'Microsoft.Sql/servers/databases/read', scope: 'server', feeds: { database: ['encryptionAtRest'] } },
  { id: 'transparentDataEncryptions.get', action: 'Microsoft.Sql/servers/databases/transparentDataEncryption/read', scope: 'database', feeds: { database: ['encryptionAtRest'] } },
  { id: 'serverBlobAuditingPolicies.get', action: 'Microsoft.Sql/servers/auditingSettings/read', scope: 'server', feeds: { 'database-instance': ['auditLogging'] } },
  ...flexibleServerCalls('postgres', 'Microsoft.DBforPostgreSQL'),
  ...flexibleServerCalls('mysql', 'Microsoft.DBforMySQL'),
  // A Cosmos DB account carries its network rules, TLS minimum, backup policy and key in the listing itself.
  {
    id: 'cosmosAccounts.list',
    action: 'Microsoft.DocumentDB/databaseAccounts/read',
    scope: 'subscription',
    feeds: { 'database-instance': ['engine', 'port', 'publiclyAccessible', 'internetReachable', 'internetExposedPorts', 'openToCloudTenants', 'tlsRequired', 'backupsEnabled', 'backupRetentionDays', 'encryptionAtRest'] },
  },
  // Every lock in the subscription, whatever scope it is set on: what refuses a database's deletion.
  { id: 'managementLocks.listAtSubscriptionLevel', action: 'Microsoft.Authorization/locks/read', scope: 'subscription', feeds: { 'database-instance': ['deletionProtection'] } },
  {
    id: 'networkSecurityGroups.listAll',
    action: 'Microsoft.Network/networkSecurityGroups/read',
    scope: 'subscription',
    feeds: { 'network-firewall': ['direction', 'enabled', 'internetIngressPorts', 'internetIngressDatabasePorts', 'internetIngressUdpServices', 'internetIngressAllTraffic', 'appliesTo', 'inUse'] },
  },
];

/** The Azure call table: every ARM and data-plane call the collector makes, the facts it feeds and its permission. */
export const AZURE_CALLS: readonly AzureCall[] = TABLE.map((c) => ({ ...c, permission: c.action, service: c.id.startsWith('dataPlane.') ? 'blob' : 'arm' }));

export type { NeededFacts };

export function azureCall(id: AzureCallId): AzureCall {
  const call = AZURE_CALLS.find((c) => c.id === id);
  if (!call) throw new Error(`unknown Azure call ${id}`);
  return call;
}

export const isAzureCallNeeded: (call: AzureCall, needed: NeededFacts) => boolean = callIsNeeded;

/**
 * A least-privilege custom role (as `az role definition create` reads it). Containers are read through
 * ARM by default, which needs only the control-plane action; the data-plane mode needs the
 * "Storage Blob Data Reader" role (or the account key) instead.
 */
export function azureCustomRole(needed: NeededFacts): { Name: string; IsCustom: boolean; Description: string; Actions: string[]; NotActions: string[]; DataActions: string[]; AssignableScopes: string[] } {
  const actions = [...new Set(AZURE_CALLS.filter((c) => isAzureCallNeeded(c, needed)).map((c) => c.action))].sort();
  return { Name: 'leakproof auditor', IsCustom: true, Description: 'Read-only access for leakproof audits (generated by leakproof permissions azure).', Actions: actions, NotActions: [], DataActions: [], AssignableScopes: ['/subscriptions/<subscription-id>'] };
}

/** How ARM and Storage errors are read: by error code, then by HTTP status. */
export const AZURE_ERROR_CLASSES: readonly ErrorClass[] = [
  { codes: ['AuthorizationFailed', 'AuthorizationPermissionMismatch', 'AuthorizationFailure', 'Forbidden', 'LinkedAuthorizationFailed'], category: 'access-denied' },
  { codes: ['TooManyRequests', 'ServerBusy', 'RetryableError', 'SubscriptionRequestsThrottled', 'TenantRequestsThrottled'], category: 'throttled' },
  { codes: ['MissingSubscriptionRegistration', 'SubscriptionNotRegistered'], category: 'service-disabled' },
  { codes: ['SubscriptionNotFound', 'ResourceNotFound', 'ContainerNotFound', 'NotFound', 'ResourceGroupNotFound', 'ParentResourceNotFound'], category: 'not-found' },
  { status: 401, category: 'access-denied' },
  { status: 403, category: 'access-denied' },
  { status: 429, category: 'throttled' },
  { status: 404, category: 'not-found' },
];

/**
 * Default rate budgets per subscription. Resource Manager throttles reads with a token bucket of 250
 * requests refilled at 25 per second, per subscription and principal ("Understand how Azure Resource
 * Manager throttles requests"); leakproof paces itself a little under that. A storage account's blob
 * endpoint takes far more (thousands of requests per second per account). `--max-rps` overrides both.
 */
export const AZURE_RATE_LIMITS: Record<string, RateLimit> = {
  arm: { rps: 20, burst: 200 },
  blob: { rps: 100, burst: 200 },
};

interface AzureError {
  code?: string;
  statusCode?: number;
  message?: string;
  details?: { error?: { code?: string; message?: string } };
  response?: { headers?: { get(name: string): string | undefined } };
}

/** What the runtime needs of an Azure SDK error (`RestError` from ARM or the Blob data plane). */
export function describeAzureError(error: unknown): DescribedError {
  const e = (error ?? {}) as AzureError;
  // Paged list errors may only say "Pagination failed…"; the code and status still say what happened.
  const code = e.code ?? e.details?.error?.code ?? `HTTP ${e.statusCode ?? '?'}`;
  const headers = e.response?.headers;
  const retryAfter = retryAfterMs(typeof headers?.get === 'function' ? headers.get('retry-after') : undefined);
  return {
    code,
    ...(e.statusCode !== undefined ? { status: e.statusCode } : {}),
    message: safeMessage(e.details?.error?.message ?? e.message ?? code),
    ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
  };
}

/** The Azure side of the shared collector runtime: rate budgets and the error table. */
export const AZURE_RUNTIME: ProviderRuntimeProfile = { provider: 'azure', rates: AZURE_RATE_LIMITS, errorClasses: AZURE_ERROR_CLASSES, describeError: describeAzureError };
