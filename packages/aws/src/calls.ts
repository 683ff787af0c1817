import { callIsNeeded, retryAfterMs, safeMessage, type DescribedError, type FactFeeds, type FactName, type ErrorClass, type NeededFacts, type ProviderRuntimeProfile, type RateLimit } from '@leakproof/core';

/** Names of the AWS API calls the collector can make. */
export type AwsCallId =
  | 'sts:GetCallerIdentity'
  | 'organizations:ListAccounts'
  | 'ec2:DescribeRegions'
  | 's3:ListBuckets'
  | 's3control:GetPublicAccessBlock'
  | 's3:GetBucketAcl'
  | 's3:GetBucketPolicy'
  | 's3:GetBucketPolicyStatus'
  | 's3:GetPublicAccessBlock'
  | 's3:GetBucketOwnershipControls'
  | 's3:GetBucketEncryption'
  | 's3:GetBucketVersioning'
  | 's3:GetBucketLogging'
  | 's3:GetObjectLockConfiguration'
  | 's3:GetBucketTagging'
  | 'ec2:DescribeSecurityGroups'
  | 'ec2:DescribeInstances'
  | 'ec2:GetEbsEncryptionByDefault'
  | 'ec2:DescribeSnapshots'
  | 'rds:DescribeDBInstances'
  | 'rds:DescribeDBClusters'
  | 'rds:DescribeDBSnapshots'
  | 'rds:DescribeDBSnapshotAttributes'
  | 'rds:DescribeDBClusterSnapshots'
  | 'rds:DescribeDBClusterSnapshotAttributes'
  | 'rds:DescribeDBParameters'
  | 'rds:DescribeDBClusterParameters';

/** One AWS API call of the call table. */
export interface AwsCall {
  id: AwsCallId;
  /** The service whose rate budget it draws from (the id's prefix). */
  service: 'sts' | 'organizations' | 'ec2' | 's3' | 's3control' | 'rds';
  /** The IAM action that allows the call. */
  permission: string;
  /** How often it runs: once per account, per region, or per resource. */
  scope: 'account' | 'region' | 'bucket' | 'snapshot' | 'parameter-group';
  /** The facts it feeds, by resource kind. A call none of whose facts an enabled rule needs is not made. */
  feeds: FactFeeds;
  /**
   * Error codes that mean "not configured": a value (e.g. no bucket policy), not a failure. The
   * normalizer applies the documented default for each.
   */
  notConfigured?: readonly string[];
  /** Always made, whatever the rules (it finds the resources or the scope). */
  discovery?: boolean;
  /** Made only when asked for (e.g. organisation-wide discovery); still listed by `leakproof permissions`. */
  optional?: boolean;
}

const BUCKET_ACCESS: readonly FactName<'storage-bucket'>[] = ['publicRead', 'publicList', 'publicWrite', 'authenticatedUsersAccess', 'publicAccessPrevention'];

/**
 * The augment table: every call the collector makes, what it fills, its "not configured" codes and its
 * permission. It drives collection (only needed calls run) and `leakproof permissions aws`.
 */
const TABLE: ReadonlyArray<Omit<AwsCall, 'service'>> = [
  { id: 'sts:GetCallerIdentity', permission: 'sts:GetCallerIdentity', scope: 'account', feeds: {}, discovery: true },
  // Lists the accounts of the organization (--organization): from the management or a delegated-administrator account.
  { id: 'organizations:ListAccounts', permission: 'organizations:ListAccounts', scope: 'account', feeds: {}, discovery: true, optional: true },
  { id: 'ec2:DescribeRegions', permission: 'ec2:DescribeRegions', scope: 'account', feeds: {}, discovery: true },
  { id: 's3:ListBuckets', permission: 's3:ListAllMyBuckets', scope: 'account', feeds: { 'storage-bucket': [] }, discovery: true },
  {
    id: 's3control:GetPublicAccessBlock',
    permission: 's3:GetAccountPublicAccessBlock',
    scope: 'account',
    feeds: { 'storage-bucket': BUCKET_ACCESS, account: ['storagePublicAccessPrevention'] },
    notConfigured: ['NoSuchPublicAccessBlockConfiguration'],
  },
  { id: 's3:GetBucketAcl', permission: 's3:GetBucketAcl', scope: 'bucket', feeds: { 'storage-bucket': [...BUCKET_ACCESS, 'aclPublic'] } },
  {
    id: 's3:GetBucketPolicy',
    permission: 's3:GetBucketPolicy',
    scope: 'bucket',
    feeds: { 'storage-bucket': [...BUCKET_ACCESS, 'policyPublic', 'tlsEnforced'] },
    notConfigured: ['NoSuchBucketPolicy'],
  },
  {
    id: 's3:GetBucketPolicyStatus',
    permission: 's3:GetBucketPolicyStatus',
    scope: 'bucket',
    feeds: { 'storage-bucket': [...BUCKET_ACCESS, 'policyPublic'] },
    notConfigured: ['NoSuchBucketPolicy'],
  },
  {
    id: 's3:GetPublicAccessBlock',
    permission: 's3:GetBucketPublicAccessBlock',
    scope: 'bucket',
    feeds: { 'storage-bucket': BUCKET_ACCESS },
    notConfigured: ['NoSuchPublicAccessBlockConfiguration'],
  },
  {
    id: 's3:GetBucketOwnershipControls',
    permission: 's3:GetBucketOwnershipControls',
    scope: 'bucket',
    feeds: { 'storage-bucket': ['aclsDisabled'] },
    notConfigured: ['OwnershipControlsNotFoundError'],
  },
  {
    id: 's3:GetBucketEncryption',
    permission: 's3:GetEncryptionConfiguration',
    scope: 'bucket',
    feeds: { 'storage-bucket': ['encryptionAtRest', 'encryptionKeyId'] },
    notConfigured: ['ServerSideEncryptionConfigurationNotFoundError'],
  },
  { id: 's3:GetBucketVersioning', permission: 's3:GetBucketVersioning', scope: 'bucket', feeds: { 'storage-bucket': ['versioning', 'mfaDelete'] } },
  { id: 's3:GetBucketLogging', permission: 's3:GetBucketLogging', scope: 'bucket', feeds: { 'storage-bucket': ['accessLogging'] } },
  {
    id: 's3:GetObjectLockConfiguration',
    permission: 's3:GetBucketObjectLockConfiguration',
    scope: 'bucket',
    feeds: { 'storage-bucket': ['objectLock'] },
    notConfigured: ['ObjectLockConfigurationNotFoundError'],
  },
  { id: 's3:GetBucketTagging', permission: 's3:GetBucketTagging', scope: 'bucket', feeds: { 'storage-bucket': [] }, notConfigured: ['NoSuchTagSet'], discovery: true },
  {
    id: 'ec2:DescribeSecurityGroups',
    permission: 'ec2:DescribeSecurityGroups',
    scope: 'region',
    feeds: {
      'network-firewall': ['direction', 'enabled', 'internetIngressPorts', 'internetIngressDatabasePorts', 'internetIngressUdpServices', 'internetIngressAllTraffic', 'appliesTo', 'inUse'],
      'compute-instance': ['internetExposedDatabasePorts', 'internetReachableDatabase'],
      'database-instance': ['internetReachable', 'internetExposedPorts'],
    },
  },
  {
    id: 'ec2:DescribeInstances',
    permission: 'ec2:DescribeInstances',
    scope: 'region',
    feeds: { 'compute-instance': ['publicIp', 'internetExposedDatabasePorts', 'internetReachableDatabase'], 'network-firewall': ['appliesTo', 'inUse'] },
  },
  { id: 'ec2:GetEbsEncryptionByDefault', permission: 'ec2:GetEbsEncryptionByDefault', scope: 'region', feeds: { account: ['diskDefaultEncryption'] } },
  { id: 'ec2:DescribeSnapshots', permission: 'ec2:DescribeSnapshots', scope: 'region', feeds: { snapshot: ['snapshotOf', 'public', 'encrypted', 'ageDays'] } },
  {
    id: 'rds:DescribeDBInstances',
    permission: 'rds:DescribeDBInstances',
    scope: 'region',
    feeds: {
      'database-instance': ['engine', 'port', 'publiclyAccessible', 'internetReachable', 'internetExposedPorts', 'encryptionAtRest', 'backupsEnabled', 'backupRetentionDays', 'deletionProtection'],
      'network-firewall': ['appliesTo', 'inUse'],
    },
  },
  {
    id: 'rds:DescribeDBClusters',
    permission: 'rds:DescribeDBClusters',
    scope: 'region',
    feeds: { 'database-instance': ['engine', 'port', 'publiclyAccessible', 'internetReachable', 'internetExposedPorts', 'encryptionAtRest', 'backupsEnabled', 'backupRetentionDays', 'deletionProtection'] },
  },
  { id: 'rds:DescribeDBSnapshots', permission: 'rds:DescribeDBSnapshots', scope: 'region', feeds: { snapshot: ['snapshotOf', 'public', 'encrypted', 'ageDays'] } },
  { id: 'rds:DescribeDBSnapshotAttributes', permission: 'rds:DescribeDBSnapshotAttributes', scope: 'snapshot', feeds: { snapshot: ['public'] } },
  { id: 'rds:DescribeDBClusterSnapshots', permission: 'rds:DescribeDBClusterSnapshots', scope: 'region', feeds: { snapshot: ['snapshotOf', 'public', 'encrypted', 'ageDays'] } },
  { id: 'rds:DescribeDBClusterSnapshotAttributes', permission: 'rds:DescribeDBClusterSnapshotAttributes', scope: 'snapshot', feeds: { snapshot: ['public'] } },
  // One call set per distinct parameter group, not per database: groups are usually shared.
  { id: 'rds:DescribeDBParameters', permission: 'rds:DescribeDBParameters', scope: 'parameter-group', feeds: { 'database-instance': ['tlsRequired'] } },
  { id: 'rds:DescribeDBClusterParameters', permission: 'rds:DescribeDBClusterParameters', scope: 'parameter-group', feeds: { 'database-instance': ['tlsRequired'] } },
];

/** The AWS call table: every API call the collector makes, the facts it feeds, its permission and its "not configured" codes. */
export const AWS_CALLS: readonly AwsCall[] = TABLE.map((c) => ({ ...c, service: c.id.split(':')[0] as AwsCall['service'] }));

export function awsCall(id: AwsCallId): AwsCall {
  const call = AWS_CALLS.find((c) => c.id === id);
  if (!call) throw new Error(`unknown AWS call ${id}`);
  return call;
}

export type { NeededFacts };
/** Whether a call feeds any needed fact (discovery calls always run). */
export const isCallNeeded: (call: AwsCall, needed: NeededFacts) => boolean = callIsNeeded;

/** The calls the enabled rules need, in table order. */
export function neededCalls(needed: NeededFacts): AwsCall[] {
  return AWS_CALLS.filter((c) => isCallNeeded(c, needed));
}

/** A least-privilege, read-only IAM policy for the needed calls. */
export function awsPermissionPolicy(needed: NeededFacts): { Version: string; Statement: Array<Record<string, unknown>> } {
  const actions = [...new Set(neededCalls(needed).map((c) => c.permission))].sort();
  return { Version: '2012-10-17', Statement: [{ Sid: 'LeakproofReadOnlyAudit', Effect: 'Allow', Action: actions, Resource: '*' }] };
}

/**
 * How AWS error codes are read. A data table, so a new code is one line (codeql-action style). Matched
 * by exact code first, then by HTTP status; network errors are classified by the shared runtime.
 */
export const AWS_ERROR_CLASSES: readonly ErrorClass[] = [
  { codes: ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AllAccessDisabled', 'AuthorizationError', 'UnauthorizedAccess'], category: 'access-denied' },
  { codes: ['SlowDown', 'Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled', 'RequestThrottledException'], category: 'throttled' },
  { codes: ['OptInRequired', 'InvalidClientTokenId', 'AuthFailure', 'UnrecognizedClientException'], category: 'region-disabled' },
  { codes: ['NoSuchBucket', 'DBSnapshotNotFound', 'DBClusterSnapshotNotFoundFault', 'DBSnapshotNotFoundFault', 'DBParameterGroupNotFound'], category: 'not-found' },
  { status: 403, category: 'access-denied' },
  { status: 429, category: 'throttled' },
  { status: 503, category: 'throttled' },
  { status: 404, category: 'not-found' },
];

/**
 * Default rate budgets per account and region (per bucket region for S3), below AWS's published limits:
 * EC2 Describe* calls refill at 20 per second with a bucket of 100 ("Request throttling for the Amazon
 * EC2 API"); RDS and STS publish no fixed figure, so they get EC2's pace; S3 bucket-configuration reads
 * sit far below S3's 5,500 GET requests per second per prefix ("Best practices design patterns:
 * optimizing Amazon S3 performance").
 */
export const AWS_RATE_LIMITS: Record<string, RateLimit> = {
  ec2: { rps: 16, burst: 80 },
  rds: { rps: 10, burst: 40 },
  sts: { rps: 10, burst: 20 },
  // Organizations throttles hard (TooManyRequestsException) and one listing needs few pages.
  organizations: { rps: 2, burst: 4 },
  s3control: { rps: 10, burst: 20 },
  s3: { rps: 400, burst: 800 },
};

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
}

/** What the runtime needs of an AWS SDK error: its code, HTTP status and Retry-After. */
export function describeAwsError(error: unknown): DescribedError {
  const e = (error ?? {}) as SdkError;
  const status = e.$metadata?.httpStatusCode;
  // Errors without a body (e.g. HEAD) arrive named "Unknown"; the HTTP status is then all there is.
  let code = e.Code ?? e.code ?? e.name ?? 'Error';
  if (code === 'Unknown' || code === 'UnknownError' || code === 'Error') code = status === 403 ? 'AccessDenied' : status === 404 ? 'NotFound' : status ? `HTTP ${status}` : code;
  const retryAfter = retryAfterMs(e.$response?.headers?.['retry-after']);
  return { code, ...(status !== undefined ? { status } : {}), message: safeMessage(e.message ?? code), ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) };
}

/** The AWS side of the shared collector runtime: rate budgets and the error table. */
export const AWS_RUNTIME: ProviderRuntimeProfile = { provider: 'aws', rates: AWS_RATE_LIMITS, errorClasses: AWS_ERROR_CLASSES, describeError: describeAwsError };
