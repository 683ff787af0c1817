import type { Instance, Snapshot } from '@aws-sdk/client-ec2';
import type { DBClusterSnapshot, DBInstance, DBSnapshot } from '@aws-sdk/client-rds';
import pLimit from 'p-limit';
import {
  createCollectorRuntime,
  type CollectorRuntime,
  failureReason,
  mapOutcome as mapOk,
  readPages,
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
import { AWS_RUNTIME, awsCall, type AwsCallId, type NeededFacts } from '../calls.js';
import { judgedGroupExposure, judgeSecurityGroup, normalizeEbsDefaultEncryption, normalizeEbsSnapshot, normalizeInstance, withAttachments, type JudgedGroup } from '../normalize/ec2.js';
import { normalizeDbCluster, normalizeDbClusterSnapshot, normalizeDbInstance, normalizeDbSnapshot, type TlsParameters } from '../normalize/rds.js';
import { accountBlocksAllPublicAccess, normalizeAccountPublicAccessBlock, normalizeBucket, type RawAccountPublicAccessBlock, type RawBucket } from '../normalize/s3-bucket.js';
import type { Credentials } from './clients.js';
import { endpointEnv } from './endpoints.js';
import type { AwsInput, AwsOperationId, AwsOutput } from './operations.js';
import { inThreadRequester, requestThreadsAvailable, sharedRequester, type AwsRequester, type AwsSender } from './sender.js';

/**
 * Progress of an AWS collection: the phase that moved (accounts, regions, S3 buckets, RDS
 * snapshots), counted over every account, with every phase so far and the calls made.
 */
export type AwsProgress = CollectionProgress;

/** AWS collection options; timeouts, retries, the deadline and the rate budget are the shared runtime's. */
export interface CollectAwsOptions extends RuntimeOptions {
  /** Credentials for one account (default: the SDK's default chain, honouring `profile`). */
  credentials?: Credentials;
  profile?: string;
  /** Assume these roles (one per account) instead of auditing the caller's own account. */
  roleArns?: string[];
  /** With `roleArns`, also audit the account of the credentials themselves (default: only the roles). */
  includeOwnAccount?: boolean;
  /**
   * Audit every active account of the AWS Organization, listed with organizations:ListAccounts from
   * its management or a delegated-administrator account (the credentials), by assuming `roleName` in
   * each. Suspended and closed accounts are skipped with a note, `exclude` ones silently. An account
   * whose role cannot be assumed is a scope that was not audited.
   */
  organization?: { roleName: string; exclude?: string[]; /** The expected organization id (`o-…`), checked against the listing. */ id?: string };
  externalId?: string;
  /** Regions to audit (default: every region enabled for the account). */
  regions?: string[];
  /** The region used for global calls (STS, DescribeRegions, S3 Control). Default us-east-1. */
  homeRegion?: string;
  /** Facts the enabled rules need; calls that feed none of them are not made. Default: all. */
  needed?: NeededFacts;
  /** Items per page for paginated calls (default: the service maximum). */
  pageSize?: number;
  /**
   * With more than one core: how many buckets and snapshots the listings must find before their
   * per-resource reads move to request threads (default 250). Below it, threads cost more memory
   * and start-up than they save.
   */
  requestThreadsFrom?: number;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  onProgress?: (progress: AwsProgress) => void;
  /** The time snapshot ages are measured from (default: now). */
  now?: Date;
}

/** What an AWS collection gathered, and how far it got in each scope it was asked to audit. */
export interface AwsCollection {
  resources: Resource[];
  notices: CollectionNotice[];
  /** Every account and region the run was asked to audit, with its status. */
  scopes: ScopeStatus[];
  /** How many API requests of each kind were made (every page and retry counts). */
  callCounts: Record<string, number>;
  /** Retries, throttling, time waited on the rate budget and the most requests in flight at once. */
  stats: RuntimeStats;
  /** Worker threads that made the per-resource reads; 0 when the main thread made every request (`cores: 1`, or a small estate). */
  requestThreads: number;
}

/** Collects and normalizes AWS resources: one account, or one per assumed role. */
export async function collectAws(options: CollectAwsOptions = {}): Promise<AwsCollection> {
  const env = options.env ?? process.env;
  const runtime = createCollectorRuntime(AWS_RUNTIME, options);
  const resources: Resource[] = [];
  const base = options.credentials ?? (await defaultCredentials(options.profile));
  const roleArns = [...(options.roleArns ?? [])];
  const settings = { concurrency: runtime.concurrency, timeouts: runtime.timeouts, env: endpointEnv(env) };
  // With more than one core, the SDKs' per-request CPU of a large estate runs on request threads (see sender.ts).
  const threads = runtime.cores > 1 && requestThreadsAvailable() ? runtime.cores : 0;
  if (runtime.cores > 1 && !threads) runtime.notice('note', 'AWS: the request threads module (aws-call-worker.js) is not beside the collector, so every request is made on the main thread');
  const requester: AwsRequester = threads ? sharedRequester(settings, threads, options.requestThreadsFrom ?? REQUEST_THREADS_FROM) : inThreadRequester(settings);
  const progress = new PhaseProgress(options.onProgress, () => runtime.stats.calls);
  if (options.organization) {
    const members = await organizationAccounts(requester.sender(base), runtime, options);
    for (const m of members) {
      const arn = `arn:${m.partition}:iam::${m.id}:role/${options.organization.roleName}`;
      if (!roleArns.includes(arn)) roleArns.push(arn);
    }
  }
  // With organisation discovery, only the listed accounts are audited: a failed listing audits nothing.
  const plain = options.organization ? [] : [undefined];
  const targets: Array<{ label: string; credentials: Credentials }> = (roleArns.length ? [...(options.includeOwnAccount ? [undefined] : []), ...roleArns] : plain).map((roleArn) => ({
    label: roleArn ?? 'default credentials',
    credentials: roleArn ? assumeRole(base, roleArn, options.externalId, options.homeRegion ?? 'us-east-1', runtime.timeouts.response) : base,
  }));
  if (targets.length > 1) progress.expect('accounts', targets.length);
  try {
    await Promise.all(
      targets.map(async (target) => {
        await new AccountCollector(requester.sender(target.credentials), (count) => requester.expectPerResourceReads(count), runtime, options, resources, progress).run(target.label);
        if (targets.length > 1) progress.done('accounts');
      }),
    );
  } finally {
    await requester.close();
  }
  runtime.flushFailures();
  return { resources, notices: runtime.notices, scopes: runtime.scopes.statuses(), callCounts: runtime.callCounts, stats: runtime.stats, requestThreads: requester.threadsStarted };
}

/**
 * Buckets and snapshots from which request threads pay (`pnpm bench`, 2 cores, 50 ms a call): 200
 * buckets took 3.2 s / 222 MiB with threads and 3.4 s / 167 MiB without, 500 took 4.9 s / 255 MiB
 * and 6.4 s / 176 MiB.
 */
const REQUEST_THREADS_FROM = 250;

const ORGANIZATION_SCOPE = 'AWS Organization';

/**
 * The active member accounts of the organization, minus `exclude`. A failed listing leaves the
 * discovery scope not audited, with a fatal notice: the run is incomplete, never a pass.
 */
async function organizationAccounts(sender: AwsSender, runtime: CollectorRuntime, options: CollectAwsOptions): Promise<Array<{ id: string; partition: string }>> {
  const home = options.homeRegion ?? 'us-east-1';
  const scope = runtime.scopes.add('discovery', ORGANIZATION_SCOPE);
  const exclude = new Set(options.organization?.exclude ?? []);
  const listAccounts = awsCall('organizations:ListAccounts');
  try {
    const pages = await readPages(
      (token) =>
        runtime.call(listAccounts, { scope, resourceId: 'organization', listing: true }, (abortSignal) =>
          sender.send({ id: 'organizations:ListAccounts', region: home, input: { ...(token ? { NextToken: token } : {}), ...(options.pageSize ? { MaxResults: Math.min(20, options.pageSize) } : {}) } }, abortSignal),
          () => sender.ready('organizations:ListAccounts'),
        ),
      (page) => page.NextToken,
      (page) => page.Accounts ?? [],
    );
    if (pages.status !== 'ok') {
      const why = pages.status === 'failed' ? failureReason(pages.failure) : pages.status;
      runtime.scopeNotAudited(scope, `the accounts of the organization could not be listed (${why}); run from the management account or a delegated administrator, or pass --accounts`, listAccounts);
      return [];
    }
    const listed = pages.value.flat();
    const expected = options.organization?.id;
    const actual = listed.map((a) => /:account\/(o-[a-z0-9]+)\//.exec(a.Arn ?? '')?.[1]).find((o) => o !== undefined);
    if (expected && actual && actual !== expected) {
      runtime.scopeNotAudited(scope, `the credentials list the accounts of organization ${actual}, not ${expected}; nothing was audited`, { id: listAccounts.id });
      return [];
    }
    const members: Array<{ id: string; partition: string }> = [];
    for (const a of listed) {
      if (!a.Id || exclude.has(a.Id)) continue;
      // `State` supersedes the deprecated `Status`; only an ACTIVE account can be audited.
      const state = a.State ?? a.Status;
      if (state !== 'ACTIVE') {
        runtime.notice('note', `AWS: account ${a.Id}${a.Name ? ` (${a.Name})` : ''} is ${state ?? 'in an unknown state'}; skipped`, { account: a.Id });
        continue;
      }
      members.push({ id: a.Id, partition: /^arn:([^:]+):/.exec(a.Arn ?? '')?.[1] ?? 'aws' });
    }
    if (members.length === 0) runtime.notice('warning', 'AWS: the organization has no active account to audit');
    return members;
  } finally {
    sender.release(home);
  }
}

async function defaultCredentials(profile: string | undefined): Promise<Credentials> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return fromNodeProviderChain(profile ? { profile } : {});
}

/**
 * Credentials for an assumed role, shared by every client of that account: one AssumeRole call,
 * repeated only when the temporary credentials are about to expire. It is bounded like every call.
 */
function assumeRole(base: Credentials, roleArn: string, externalId: string | undefined, region: string, timeoutMs: number): Credentials {
  type Identity = { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
  let current: Promise<Identity> | undefined;
  let expires = 0;
  return () => {
    if (!current || Date.now() > expires - 5 * 60_000) {
      current = (async () => {
        const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
        const provider = fromTemporaryCredentials({
          masterCredentials: base,
          params: { RoleArn: roleArn, RoleSessionName: 'leakproof-audit', ...(externalId ? { ExternalId: externalId } : {}) },
          clientConfig: { region, maxAttempts: 1, requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs } },
        });
        const identity = (await provider()) as Identity;
        expires = identity.expiration ? identity.expiration.getTime() : Number.POSITIVE_INFINITY;
        return identity;
      })();
      current.catch(() => (current = undefined));
    }
    return current;
  };
}

/** The per-bucket S3 reads. */
type BucketReadId = Extract<AwsOperationId, 's3:GetBucketAcl' | 's3:GetBucketPolicy' | 's3:GetBucketPolicyStatus' | 's3:GetPublicAccessBlock' | 's3:GetBucketOwnershipControls' | 's3:GetBucketEncryption' | 's3:GetBucketVersioning' | 's3:GetBucketLogging' | 's3:GetObjectLockConfiguration' | 's3:GetBucketTagging'>;

/** One page of a listing: the items of the answer and the token of the next page. */
type Page<T> = { value: T; next: string | undefined };

class AccountCollector {
  private account = '';
  private partition = 'aws';

  constructor(
    private readonly sender: AwsSender,
    /** Tells the requester how many buckets or snapshots a listing found, each read with calls of its own. */
    private readonly expectReads: (count: number) => void,
    private readonly runtime: CollectorRuntime,
    private readonly options: CollectAwsOptions,
    private readonly out: Resource[],
    private readonly progress: PhaseProgress,
  ) {}

  private get home(): string {
    return this.options.homeRegion ?? 'us-east-1';
  }

  /** One request, on whichever thread makes them. */
  private send<K extends AwsOperationId>(id: K, region: string, input: AwsInput<K>, abortSignal: AbortSignal): Promise<AwsOutput<K>> {
    return this.sender.send({ id, region, input }, abortSignal);
  }

  /** One call through the shared runtime, in a scope (the account, or account/region). */
  private call<T>(id: AwsCallId, scope: string, resourceId: string, run: (signal: AbortSignal) => Promise<T>, budget?: string): Promise<CallOutcome<T>> {
    return this.runtime.call(awsCall(id), { scope, resourceId, ...(budget ? { budget } : {}) }, run, () => this.sender.ready(id));
  }

  /**
   * A listing, one bounded and retried call per page. The SDK paginators cannot take an abort signal
   * or resume after a failed page, so the token is carried here.
   */
  private pages<T, U = T>(id: AwsCallId, scope: string, resourceId: string, page: (token: string | undefined, signal: AbortSignal) => Promise<Page<T>>, keep?: (value: T) => U): Promise<CallOutcome<U[]>> {
    return readPages(
      (token) => this.call(id, scope, resourceId, (signal) => page(token, signal)),
      (p) => p.next,
      (p) => (keep ? keep(p.value) : (p.value as unknown as U)),
    );
  }

  private notice(level: CollectionNotice['level'], message: string, extra: Partial<CollectionNotice> = {}): void {
    this.runtime.notice(level, message, { ...(this.account ? { account: this.account } : {}), ...extra });
  }

  async run(label: string): Promise<void> {
    // Until the account is known, the scope is named by the role (or "default credentials").
    const pending = /^arn:[^:]+:iam::(\d{12}):/.exec(label)?.[1] ?? label;
    this.runtime.scopes.add('account', pending);
    const identity = await this.call('sts:GetCallerIdentity', pending, 'account', (abortSignal) => this.send('sts:GetCallerIdentity', this.home, {}, abortSignal));
    if (identity.status !== 'ok' || !identity.value.Account) {
      const why = identity.status === 'failed' ? failureReason(identity.failure) : 'no account id returned';
      this.runtime.scopeNotAudited(pending, `cannot identify the account (${label}), so nothing was collected: ${why}`, awsCall('sts:GetCallerIdentity'));
      return;
    }
    this.account = identity.value.Account;
    if (pending !== this.account) {
      // The provisional name ("default credentials", or a role in another account) is not a scope of its own.
      this.runtime.scopes.forget(pending);
      this.runtime.scopes.add('account', this.account);
      this.runtime.scopes.succeeded(this.account);
    }
    this.partition = /^arn:([^:]+):/.exec(identity.value.Arn ?? '')?.[1] ?? 'aws';
    // The bucket listing needs no region list: it runs while the regions are described.
    const s3Listing = this.listS3();
    // Handled now, awaited in collectS3: a rejection while the regions are described is not "unhandled".
    s3Listing.catch(() => undefined);
    const regions = await this.resolveRegions();
    for (const r of regions) this.runtime.scopes.add('region', this.account, r);
    this.progress.expect('regions', regions.length);
    // A region is done when its own listings and its buckets are: its clients and sockets go then.
    for (const r of regions) this.partsLeft.set(r, 2);
    await Promise.all([this.collectS3(regions, s3Listing), ...regions.map((r) => this.collectRegion(r).finally(() => this.partDone(r)))]);
    this.sender.release(this.home);
  }

  private readonly partsLeft = new Map<string, number>();

  private partDone(region: string): void {
    // A bucket can live in a region that is not audited for its listings: only audited regions count.
    const audited = this.partsLeft.has(region);
    const left = (this.partsLeft.get(region) ?? 1) - 1;
    this.partsLeft.set(region, left);
    if (left === 0 && audited) this.progress.done('regions');
    // The home region also serves the account-wide calls; it goes last.
    if (left <= 0 && region !== this.home) this.sender.release(region);
  }

  /** Every enabled region, or the requested ones that are enabled (others are skipped with a note). */
  private async resolveRegions(): Promise<string[]> {
    const described = await this.call('ec2:DescribeRegions', this.account, 'account', (abortSignal) => this.send('ec2:DescribeRegions', this.home, { AllRegions: true }, abortSignal));
    if (described.status !== 'ok') {
      if (this.options.regions?.length) return this.options.regions;
      // The account is then partly audited: the failure is on its scope, and the reports say so.
      this.notice('error', `could not list regions (${described.status === 'failed' ? failureReason(described.failure) : 'skipped'}); only ${this.home} was audited, so the account is partly audited`, { call: 'ec2:DescribeRegions', permission: 'ec2:DescribeRegions' });
      return [this.home];
    }
    const all = described.value.Regions ?? [];
    const enabled = all.filter((r) => r.OptInStatus !== 'not-opted-in').flatMap((r) => (r.RegionName ? [r.RegionName] : []));
    if (!this.options.regions?.length) return enabled.sort();
    const chosen: string[] = [];
    for (const region of this.options.regions) {
      if (enabled.includes(region)) chosen.push(region);
      else if (all.some((r) => r.RegionName === region)) this.notice('note', `region ${region} is not enabled for account ${this.account}; skipped`, { region });
      else this.notice('warning', `region ${region} is not an AWS region this account knows; skipped`, { region });
    }
    return chosen;
  }

  /** The account's buckets and its Block Public Access, read at once. */
  private listS3(): Promise<[CallOutcome<Array<AwsOutput<'s3:ListBuckets'>>>, RawAccountPublicAccessBlock]> {
    const pageSize = this.options.pageSize ?? 1000;
    return Promise.all([
      this.pages('s3:ListBuckets', this.account, 'account', async (token, abortSignal): Promise<Page<AwsOutput<'s3:ListBuckets'>>> => {
        const page = await this.send('s3:ListBuckets', this.home, { MaxBuckets: pageSize, ...(token ? { ContinuationToken: token } : {}) }, abortSignal);
        return { value: page, next: page.ContinuationToken };
      }),
      this.call('s3control:GetPublicAccessBlock', this.account, `arn:${this.partition}::${this.account}:account`, (abortSignal) =>
        this.send('s3control:GetPublicAccessBlock', this.home, { AccountId: this.account }, abortSignal),
      ),
    ]);
  }

  private async collectS3(regions: string[], listing: ReturnType<AccountCollector['listS3']>): Promise<void> {
    const [listed, accountBpa] = await listing;
    if (this.runtime.isNeeded(awsCall('s3control:GetPublicAccessBlock'))) this.out.push(normalizeAccountPublicAccessBlock(this.account, accountBpa, this.partition));
    if (listed.status !== 'ok') {
      this.notice('error', `S3 buckets were not listed: ${listed.status === 'failed' ? failureReason(listed.failure) : 'skipped'}`, { call: 's3:ListBuckets', permission: 's3:ListAllMyBuckets' });
      for (const r of regions) this.partDone(r);
      return;
    }
    const wanted = new Set(regions);
    const buckets = listed.value
      .flatMap((page) => page.Buckets ?? [])
      // ListBuckets returns each bucket's region, so no GetBucketLocation call is needed.
      .flatMap((b) => (b.Name ? [{ name: b.Name, region: b.BucketRegion || this.home }] : []))
      .filter((b) => !this.options.regions?.length || wanted.has(b.region));
    const bucketsLeft = new Map<string, number>();
    for (const b of buckets) bucketsLeft.set(b.region, (bucketsLeft.get(b.region) ?? 0) + 1);
    for (const r of regions) if (!bucketsLeft.has(r)) this.partDone(r);
    this.progress.expect('S3 buckets', buckets.length);
    this.expectReads(buckets.length);
    const bucketBpaImplied = accountBlocksAllPublicAccess(accountBpa);
    // As many buckets at once as requests may be in flight: each has several calls, so the limit stays
    // full, and the calls of the rest are not all queued (memory stays flat however many buckets).
    const window = pLimit(this.runtime.concurrency);
    await Promise.all(
      buckets.map(({ name, region }) => window(async () => {
        const raw = await this.fetchBucket(name, region, bucketBpaImplied);
        this.progress.done('S3 buckets');
        // Normalized at once, so the raw answers are garbage as soon as each bucket is read.
        this.out.push(normalizeBucket(raw, accountBpa.status === 'skipped' ? { status: 'not-configured', code: 'not read' } : accountBpa));
        const left = (bucketsLeft.get(region) ?? 1) - 1;
        bucketsLeft.set(region, left);
        if (left === 0) this.partDone(region);
      })),
    );
  }

  /** The reads of one bucket; with `bpaImplied`, the account's Block Public Access decides every flag, so the bucket's is not read. */
  private async fetchBucket(name: string, region: string, bpaImplied: boolean): Promise<RawBucket> {
    const id = `arn:${this.partition}:s3:::${name}`;
    const scope = this.runtime.scopes.add('region', this.account, region);
    const input = { Bucket: name, ExpectedBucketOwner: this.account };
    // Every bucket read takes the same input (the bucket and its expected owner).
    const read = <K extends BucketReadId>(callId: K) => this.call(callId, scope, id, (abortSignal) => this.send(callId, region, input, abortSignal));
    // GetBucketPolicyStatus only has something to say about an existing policy: a bucket without one
    // answers NoSuchBucketPolicy to both, so the status call waits for the policy and is skipped then.
    const policyThenStatus = async () => {
      const policy = await read('s3:GetBucketPolicy');
      const policyStatus: RawBucket['policyStatus'] = policy.status === 'not-configured' ? policy : await read('s3:GetBucketPolicyStatus');
      return [policy, policyStatus] as const;
    };
    const [acl, [policy, policyStatus], publicAccessBlock, ownership, encryption, versioning, logging, objectLock, tagging] = await Promise.all([
      read('s3:GetBucketAcl'),
      policyThenStatus(),
      bpaImplied ? Promise.resolve({ status: 'skipped' } as const) : read('s3:GetPublicAccessBlock'),
      read('s3:GetBucketOwnershipControls'),
      read('s3:GetBucketEncryption'),
      read('s3:GetBucketVersioning'),
      read('s3:GetBucketLogging'),
      read('s3:GetObjectLockConfiguration'),
      read('s3:GetBucketTagging'),
    ]);
    return { name, region, account: this.account, partition: this.partition, acl, policy, policyStatus, publicAccessBlock, ownership, encryption, versioning, logging, objectLock, tagging };
  }

  private async collectRegion(region: string): Promise<void> {
    const scope = `${this.account}/${region}`;
    const ec2Page = this.options.pageSize ?? 1000;
    const rdsPage = Math.max(20, this.options.pageSize ?? 100);
    const regionId = `arn:${this.partition}:ec2:${region}:${this.account}`;
    const ec2Snapshots = (publicOnly: boolean) =>
      this.pages('ec2:DescribeSnapshots', scope, `${regionId}:snapshots`, async (token, abortSignal): Promise<Page<AwsOutput<'ec2:DescribeSnapshots'>>> => {
        const page = await this.send('ec2:DescribeSnapshots', region, { OwnerIds: ['self'], ...(publicOnly ? { RestorableByUserIds: ['all'] } : {}), MaxResults: ec2Page, NextToken: token }, abortSignal);
        return { value: page, next: page.NextToken };
      });
    const rdsList = <T extends { Marker?: string }>(id: AwsCallId, send: (marker: string | undefined, abortSignal: AbortSignal) => Promise<T>) =>
      this.pages(id, scope, `${regionId}:rds`, async (token, abortSignal): Promise<Page<T>> => {
        const page = await send(token, abortSignal);
        return { value: page, next: page.Marker };
      });
    const [groups, instances, ebsDefault, snapshots, publicSnapshots, dbInstances, dbClusters, dbSnapshots, clusterSnapshots] = await Promise.all([
      this.pages('ec2:DescribeSecurityGroups', scope, `${regionId}:security-groups`, async (token, abortSignal): Promise<Page<AwsOutput<'ec2:DescribeSecurityGroups'>>> => {
        const page = await this.send('ec2:DescribeSecurityGroups', region, { MaxResults: ec2Page, NextToken: token }, abortSignal);
        return { value: page, next: page.NextToken };
      }, (page) => (page.SecurityGroups ?? []).map((sg) => judgeSecurityGroup(sg, region, this.account, this.partition))),
      this.pages('ec2:DescribeInstances', scope, `${regionId}:instances`, async (token, abortSignal): Promise<Page<AwsOutput<'ec2:DescribeInstances'>>> => {
        const page = await this.send('ec2:DescribeInstances', region, { MaxResults: ec2Page, NextToken: token }, abortSignal);
        return { value: page, next: page.NextToken };
      }),
      this.call('ec2:GetEbsEncryptionByDefault', scope, `${regionId}:account-settings`, (abortSignal) => this.send('ec2:GetEbsEncryptionByDefault', region, {}, abortSignal)),
      ec2Snapshots(false),
      // Snapshots restorable by "all" are the public ones: one listing instead of one call per snapshot.
      ec2Snapshots(true),
      rdsList('rds:DescribeDBInstances', (Marker, abortSignal) => this.send('rds:DescribeDBInstances', region, { MaxRecords: rdsPage, Marker }, abortSignal)),
      rdsList('rds:DescribeDBClusters', (Marker, abortSignal) => this.send('rds:DescribeDBClusters', region, { MaxRecords: rdsPage, Marker }, abortSignal)),
      rdsList('rds:DescribeDBSnapshots', (Marker, abortSignal) => this.send('rds:DescribeDBSnapshots', region, { MaxRecords: rdsPage, Marker }, abortSignal)),
      rdsList('rds:DescribeDBClusterSnapshots', (Marker, abortSignal) => this.send('rds:DescribeDBClusterSnapshots', region, { MaxRecords: rdsPage, Marker }, abortSignal)),
    ]);
    const now = this.options.now ?? new Date();
    const sgList: CallOutcome<JudgedGroup[]> = mapOk(groups, (pages) => pages.flat());
    const exposure = judgedGroupExposure(sgList);
    const instanceList = mapOk(instances, (pages) => pages.flatMap((p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? [])).filter((i: Instance) => i.State?.Name !== 'terminated'));
    const dbList = mapOk(dbInstances, (pages) => pages.flatMap((p) => p.DBInstances ?? []));
    const clusterList = mapOk(dbClusters, (pages) => pages.flatMap((p) => p.DBClusters ?? []));

    if (sgList.status === 'ok') {
      const attachments = attachmentsByGroup(instanceList, dbList);
      for (const g of sgList.value) this.out.push(withAttachments(g, attachments?.get(g.groupId) ?? (attachments ? [] : undefined)));
    }
    if (instanceList.status === 'ok') for (const i of instanceList.value) this.out.push(normalizeInstance(i, region, this.account, exposure, this.partition));
    if (ebsDefault.status !== 'skipped') this.out.push(normalizeEbsDefaultEncryption(mapOk(ebsDefault, (v) => v.EbsEncryptionByDefault === true), region, this.account, this.partition));
    if (snapshots.status === 'ok') {
      const publicIds = mapOk(publicSnapshots, (pages) => new Set(pages.flatMap((p) => (p.Snapshots ?? []).flatMap((s: Snapshot) => (s.SnapshotId ? [s.SnapshotId] : [])))));
      for (const s of snapshots.value.flatMap((p) => p.Snapshots ?? [])) this.out.push(normalizeEbsSnapshot(s, region, this.account, publicIds, now, this.partition));
    }
    const [instanceGroups, clusterGroups] = await Promise.all([
      this.tlsParameters(region, 'instance', dbList.status === 'ok' ? dbList.value.filter((d) => !d.DBClusterIdentifier).map((d) => d.DBParameterGroups?.[0]?.DBParameterGroupName) : []),
      this.tlsParameters(region, 'cluster', clusterList.status === 'ok' ? clusterList.value.map((c) => c.DBClusterParameterGroup) : []),
    ]);
    if (dbList.status === 'ok') {
      for (const db of dbList.value) {
        // Cluster members take TLS settings from the cluster parameter group, judged on the cluster.
        const tls = db.DBClusterIdentifier ? undefined : instanceGroups.get(db.DBParameterGroups?.[0]?.DBParameterGroupName ?? '');
        this.out.push(normalizeDbInstance(db, region, this.account, exposure, this.partition, tls));
      }
    }
    if (clusterList.status === 'ok') {
      const members = dbList.status === 'ok' ? dbList.value : [];
      for (const c of clusterList.value) {
        const ids = new Set((c.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier));
        this.out.push(normalizeDbCluster(c, members.filter((m: DBInstance) => ids.has(m.DBInstanceIdentifier)), region, this.account, exposure, this.partition, clusterGroups.get(c.DBClusterParameterGroup ?? '')));
      }
    }
    await Promise.all([this.collectDbSnapshots(region, dbSnapshots, now), this.collectClusterSnapshots(region, clusterSnapshots, now)]);
  }

  /** The TLS parameters of each distinct parameter group, read once per group. */
  private async tlsParameters(region: string, level: 'instance' | 'cluster', groups: Array<string | undefined>): Promise<Map<string, TlsParameters>> {
    const scope = `${this.account}/${region}`;
    const names = [...new Set(groups.filter((g): g is string => !!g))];
    const id = level === 'instance' ? 'rds:DescribeDBParameters' : 'rds:DescribeDBClusterParameters';
    const entries = await Promise.all(
      names.map(async (group) => {
        const pages = await this.pages(id, scope, `arn:${this.partition}:rds:${region}:${this.account}:${level === 'instance' ? 'pg' : 'cluster-pg'}:${group}`, async (Marker, abortSignal) => {
          const page =
            level === 'instance'
              ? await this.send('rds:DescribeDBParameters', region, { DBParameterGroupName: group, MaxRecords: 100, Marker }, abortSignal)
              : await this.send('rds:DescribeDBClusterParameters', region, { DBClusterParameterGroupName: group, MaxRecords: 100, Marker }, abortSignal);
          return { value: page.Parameters ?? [], next: page.Marker };
        });
        const outcome = mapOk(pages, (list) => ({
          group,
          values: Object.fromEntries(
            list
              .flat()
              .filter((p) => p.ParameterName === 'rds.force_ssl' || p.ParameterName === 'require_secure_transport')
              .map((p) => [p.ParameterName ?? '', p.ParameterValue]),
          ),
        }));
        return [group, outcome] as const;
      }),
    );
    return new Map(entries);
  }

  private async collectDbSnapshots(region: string, listed: CallOutcome<Array<{ DBSnapshots?: DBSnapshot[] }>>, now: Date): Promise<void> {
    if (listed.status !== 'ok') return;
    const scope = `${this.account}/${region}`;
    const snapshots = listed.value.flatMap((p) => p.DBSnapshots ?? []);
    this.progress.expect('RDS snapshots', snapshots.length);
    this.expectReads(snapshots.filter((s) => s.SnapshotType !== 'automated').length);
    const resources = await Promise.all(
      snapshots.map(async (s) => {
        // Only manual snapshots can be shared; automated ones need no attribute call.
        const restore: CallOutcome<string[]> =
          s.SnapshotType === 'automated'
            ? { status: 'ok', value: [] }
            : mapOk(
                await this.call('rds:DescribeDBSnapshotAttributes', scope, s.DBSnapshotArn ?? s.DBSnapshotIdentifier ?? '?', (abortSignal) =>
                  this.send('rds:DescribeDBSnapshotAttributes', region, { DBSnapshotIdentifier: s.DBSnapshotIdentifier }, abortSignal),
                ),
                (v) => v.DBSnapshotAttributesResult?.DBSnapshotAttributes?.find((a) => a.AttributeName === 'restore')?.AttributeValues ?? [],
              );
        this.progress.done('RDS snapshots');
        return normalizeDbSnapshot(s, restore, region, this.account, now);
      }),
    );
    for (const r of resources) this.out.push(r);
  }

  private async collectClusterSnapshots(region: string, listed: CallOutcome<Array<{ DBClusterSnapshots?: DBClusterSnapshot[] }>>, now: Date): Promise<void> {
    if (listed.status !== 'ok') return;
    const scope = `${this.account}/${region}`;
    const snapshots = listed.value.flatMap((p) => p.DBClusterSnapshots ?? []);
    this.progress.expect('RDS snapshots', snapshots.length);
    this.expectReads(snapshots.filter((s) => s.SnapshotType !== 'automated').length);
    const resources = await Promise.all(
      snapshots.map(async (s) => {
        const restore: CallOutcome<string[]> =
          s.SnapshotType === 'automated'
            ? { status: 'ok', value: [] }
            : mapOk(
                await this.call('rds:DescribeDBClusterSnapshotAttributes', scope, s.DBClusterSnapshotArn ?? s.DBClusterSnapshotIdentifier ?? '?', (abortSignal) =>
                  this.send('rds:DescribeDBClusterSnapshotAttributes', region, { DBClusterSnapshotIdentifier: s.DBClusterSnapshotIdentifier }, abortSignal),
                ),
                (v) => v.DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes?.find((a) => a.AttributeName === 'restore')?.AttributeValues ?? [],
              );
        this.progress.done('RDS snapshots');
        return normalizeDbClusterSnapshot(s, restore, region, this.account, now);
      }),
    );
    for (const r of resources) this.out.push(r);
  }
}

/** What each security group guards: instances and RDS instances; undefined if either list is unknown. */
function attachmentsByGroup(instances: CallOutcome<Instance[]>, dbs: CallOutcome<DBInstance[]>): Map<string, string[]> | undefined {
  if (instances.status === 'failed' || dbs.status === 'failed') return undefined;
  const map = new Map<string, string[]>();
  const add = (group: string | undefined, what: string) => {
    if (!group) return;
    const list = map.get(group) ?? [];
    list.push(what);
    map.set(group, list);
  };
  if (instances.status === 'ok') for (const i of instances.value) for (const g of i.SecurityGroups ?? []) add(g.GroupId, `instance ${i.InstanceId}`);
  if (dbs.status === 'ok') for (const d of dbs.value) for (const g of d.VpcSecurityGroups ?? []) add(g.VpcSecurityGroupId, `rds:${d.DBInstanceIdentifier}`);
  return map;
}

