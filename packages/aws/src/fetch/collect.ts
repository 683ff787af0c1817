import { DescribeRegionsCommand, GetEbsEncryptionByDefaultCommand, paginateDescribeInstances, paginateDescribeSecurityGroups, paginateDescribeSnapshots, type Instance, type SecurityGroup, type Snapshot } from '@aws-sdk/client-ec2';
import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  paginateDescribeDBClusterParameters,
  paginateDescribeDBClusters,
  paginateDescribeDBParameters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  type DBClusterSnapshot,
  type DBInstance,
  type DBSnapshot,
} from '@aws-sdk/client-rds';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { mapOutcome as mapOk, silentLogger, type CollectionNotice, type Logger, type Resource } from '@leakproof/core';
import pLimit, { type LimitFunction } from 'p-limit';
import { awsCall, isCallNeeded, type AwsCallId, type NeededFacts } from '../calls.js';
import { failureReason, outcomeOfError, type CallOutcome, type CallFailure } from '../outcome.js';
import { groupExposure, normalizeEbsDefaultEncryption, normalizeEbsSnapshot, normalizeInstance, normalizeSecurityGroup } from '../normalize/ec2.js';
import { normalizeDbCluster, normalizeDbClusterSnapshot, normalizeDbInstance, normalizeDbSnapshot, type TlsParameters } from '../normalize/rds.js';
import { normalizeAccountPublicAccessBlock, normalizeBucket, type RawBucket } from '../normalize/s3-bucket.js';
import { AwsClients, type Credentials } from './clients.js';

export interface AwsProgress {
  phase: string;
  done: number;
  total: number;
}

export interface CollectAwsOptions {
  /** Credentials for one account (default: the SDK's default chain, honouring `profile`). */
  credentials?: Credentials;
  profile?: string;
  /** Assume these roles (one per account) instead of auditing the caller's own account. */
  roleArns?: string[];
  externalId?: string;
  /** Regions to audit (default: every region enabled for the account). */
  regions?: string[];
  /** The region used for global calls (STS, DescribeRegions, S3 Control). Default us-east-1. */
  homeRegion?: string;
  /** Requests in flight at once (default 128). */
  concurrency?: number;
  /** Attempts per call, with backoff and jitter on throttling (default 5). */
  maxAttempts?: number;
  /** Facts the enabled rules need; calls that feed none of them are not made. Default: all. */
  needed?: NeededFacts;
  /** Items per page for paginated calls (default: the service maximum). */
  pageSize?: number;
  env?: Record<string, string | undefined>;
  logger?: Logger;
  onProgress?: (progress: AwsProgress) => void;
  /** The time snapshot ages are measured from (default: now). */
  now?: Date;
}

export interface AwsCollection {
  resources: Resource[];
  notices: CollectionNotice[];
  /** How many API calls of each kind were made (for benchmarks and debugging). */
  callCounts: Record<string, number>;
}

/** Collects and normalizes AWS resources: one account, or one per assumed role. */
export async function collectAws(options: CollectAwsOptions = {}): Promise<AwsCollection> {
  const env = options.env ?? process.env;
  const concurrency = options.concurrency ?? 128;
  const limit = pLimit(concurrency);
  const logger = options.logger ?? silentLogger;
  const result: AwsCollection = { resources: [], notices: [], callCounts: {} };
  const base = options.credentials ?? (await defaultCredentials(options.profile));
  const targets: Array<{ label: string; credentials: Credentials }> = (options.roleArns?.length ? options.roleArns : [undefined]).map((roleArn) => ({
    label: roleArn ?? 'default credentials',
    credentials: roleArn ? assumeRole(base, roleArn, options.externalId, options.homeRegion ?? 'us-east-1') : base,
  }));
  for (const target of targets) {
    const clients = new AwsClients({ credentials: target.credentials, concurrency, maxAttempts: options.maxAttempts ?? 5, env });
    try {
      await new AccountCollector(clients, limit, options, logger, result).run(target.label);
    } finally {
      clients.destroy();
    }
  }
  return result;
}

async function defaultCredentials(profile: string | undefined): Promise<Credentials> {
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  return fromNodeProviderChain(profile ? { profile } : {});
}

/**
 * Credentials for an assumed role, shared by every client of that account: one AssumeRole call,
 * repeated only when the temporary credentials are about to expire.
 */
function assumeRole(base: Credentials, roleArn: string, externalId: string | undefined, region: string): Credentials {
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
          clientConfig: { region },
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

class AccountCollector {
  private account = '';
  private partition = 'aws';
  private readonly failures = new Map<string, { failure: CallFailure; resources: string[]; facts: Set<string> }>();

  constructor(
    private readonly clients: AwsClients,
    private readonly limit: LimitFunction,
    private readonly options: CollectAwsOptions,
    private readonly logger: Logger,
    private readonly out: AwsCollection,
  ) {}

  private get home(): string {
    return this.options.homeRegion ?? 'us-east-1';
  }

  /** Runs one call under the shared concurrency limit and turns errors into outcomes. */
  private call<T>(id: AwsCallId, resourceId: string, run: () => Promise<T>): Promise<CallOutcome<T>> {
    const def = awsCall(id);
    if (!isCallNeeded(def, this.options.needed)) return Promise.resolve({ status: 'skipped' });
    return this.limit(async () => {
      this.out.callCounts[id] = (this.out.callCounts[id] ?? 0) + 1;
      try {
        return { status: 'ok', value: await run() } as CallOutcome<T>;
      } catch (error) {
        const outcome = outcomeOfError<T>(error, def);
        if (outcome.status === 'failed') this.recordFailure(outcome.failure, resourceId, def.feeds);
        return outcome;
      }
    });
  }

  /** A paginated call: every page, counted per request. */
  private paged<T>(id: AwsCallId, resourceId: string, pages: () => AsyncIterable<T>): Promise<CallOutcome<T[]>> {
    return this.call(id, resourceId, async () => {
      const all: T[] = [];
      let first = true;
      for await (const page of pages()) {
        if (!first) this.out.callCounts[id] = (this.out.callCounts[id] ?? 0) + 1;
        first = false;
        all.push(page);
      }
      return all;
    });
  }

  private recordFailure(failure: CallFailure, resourceId: string, feeds: Partial<Record<string, string[]>>): void {
    const key = `${failure.call}|${failure.code}`;
    const entry = this.failures.get(key) ?? { failure, resources: [], facts: new Set<string>() };
    entry.resources.push(resourceId);
    for (const facts of Object.values(feeds)) for (const f of facts ?? []) entry.facts.add(f);
    this.failures.set(key, entry);
  }

  private notice(level: CollectionNotice['level'], message: string, extra: Partial<CollectionNotice> = {}): void {
    this.out.notices.push({ level, message, provider: 'aws', ...(this.account ? { account: this.account } : {}), ...extra });
    (level === 'error' ? this.logger.error : level === 'warning' ? this.logger.warning : this.logger.info).call(this.logger, message);
  }

  private progress(phase: string, done: number, total: number): void {
    this.options.onProgress?.({ phase, done, total });
  }

  async run(label: string): Promise<void> {
    const identity = await this.call('sts:GetCallerIdentity', 'account', () => this.clients.sts(this.home).send(new GetCallerIdentityCommand({})));
    if (identity.status !== 'ok' || !identity.value.Account) {
      const why = identity.status === 'failed' ? failureReason(identity.failure) : 'no account id returned';
      this.notice('error', `AWS (${label}): cannot identify the account, so nothing was collected: ${why}`, { call: 'sts:GetCallerIdentity', permission: 'sts:GetCallerIdentity', fatal: true });
      return;
    }
    this.account = identity.value.Account;
    this.partition = /^arn:([^:]+):/.exec(identity.value.Arn ?? '')?.[1] ?? 'aws';
    const regions = await this.resolveRegions();
    await Promise.all([this.collectS3(regions), ...regions.map((r) => this.collectRegion(r))]);
    this.flushFailures();
  }

  /** Every enabled region, or the requested ones that are enabled (others are skipped with a note). */
  private async resolveRegions(): Promise<string[]> {
    const described = await this.call('ec2:DescribeRegions', 'account', () => this.clients.ec2(this.home).send(new DescribeRegionsCommand({ AllRegions: true })));
    if (described.status !== 'ok') {
      if (this.options.regions?.length) return this.options.regions;
      this.notice('warning', `could not list regions (${described.status === 'failed' ? failureReason(described.failure) : 'skipped'}); auditing ${this.home} only`);
      return [this.home];
    }
    const all = described.value.Regions ?? [];
    const enabled = all.filter((r) => r.OptInStatus !== 'not-opted-in').map((r) => r.RegionName!).filter(Boolean);
    if (!this.options.regions?.length) return enabled.sort();
    const chosen: string[] = [];
    for (const region of this.options.regions) {
      if (enabled.includes(region)) chosen.push(region);
      else if (all.some((r) => r.RegionName === region)) this.notice('note', `region ${region} is not enabled for account ${this.account}; skipped`, { region });
      else this.notice('warning', `region ${region} is not an AWS region this account knows; skipped`, { region });
    }
    return chosen;
  }

  private async collectS3(regions: string[]): Promise<void> {
    const listed = await this.paged('s3:ListBuckets', 'account', () =>
      paginateListBuckets({ client: this.clients.s3(this.home), pageSize: this.options.pageSize ?? 1000 }, {}),
    );
    const accountBpa = await this.call('s3control:GetPublicAccessBlock', `arn:${this.partition}::${this.account}:account`, () =>
      this.clients.s3control(this.home).send(new GetAccountPublicAccessBlockCommand({ AccountId: this.account })),
    );
    if (isCallNeeded(awsCall('s3control:GetPublicAccessBlock'), this.options.needed)) this.out.resources.push(normalizeAccountPublicAccessBlock(this.account, accountBpa, this.partition));
    if (listed.status !== 'ok') {
      this.notice('error', `S3 buckets were not listed: ${listed.status === 'failed' ? failureReason(listed.failure) : 'skipped'}`, { call: 's3:ListBuckets', permission: 's3:ListAllMyBuckets' });
      return;
    }
    const wanted = new Set(regions);
    const buckets = listed.value
      .flatMap((page) => page.Buckets ?? [])
      // ListBuckets returns each bucket's region, so no GetBucketLocation call is needed.
      .map((b) => ({ name: b.Name!, region: b.BucketRegion || this.home }))
      .filter((b) => b.name && (!this.options.regions?.length || wanted.has(b.region)));
    let done = 0;
    this.progress('S3 buckets', 0, buckets.length);
    const resources = await Promise.all(
      buckets.map(async ({ name, region }) => {
        const raw = await this.fetchBucket(name, region);
        this.progress('S3 buckets', ++done, buckets.length);
        return normalizeBucket(raw, accountBpa.status === 'skipped' ? { status: 'not-configured', code: 'not read' } : accountBpa);
      }),
    );
    this.out.resources.push(...resources);
  }

  private async fetchBucket(name: string, region: string): Promise<RawBucket> {
    const s3 = this.clients.s3(region);
    const id = `arn:${this.partition}:s3:::${name}`;
    const input = { Bucket: name, ExpectedBucketOwner: this.account };
    const strip = <T extends { $metadata?: unknown }>(o: T): Omit<T, '$metadata'> => {
      const { $metadata: _m, ...rest } = o;
      return rest;
    };
    // GetBucketPolicyStatus only has something to say about an existing policy: a bucket without one
    // answers NoSuchBucketPolicy to both, so the status call waits for the policy and is skipped then.
    const policyThenStatus = async () => {
      const policy = await this.call('s3:GetBucketPolicy', id, async () => strip(await s3.send(new GetBucketPolicyCommand(input))));
      const policyStatus: RawBucket['policyStatus'] =
        policy.status === 'not-configured'
          ? policy
          : await this.call('s3:GetBucketPolicyStatus', id, async () => strip(await s3.send(new GetBucketPolicyStatusCommand(input))));
      return [policy, policyStatus] as const;
    };
    const [acl, [policy, policyStatus], publicAccessBlock, ownership, encryption, versioning, logging, objectLock, tagging] = await Promise.all([
      this.call('s3:GetBucketAcl', id, async () => strip(await s3.send(new GetBucketAclCommand(input)))),
      policyThenStatus(),
      this.call('s3:GetPublicAccessBlock', id, async () => strip(await s3.send(new GetPublicAccessBlockCommand(input)))),
      this.call('s3:GetBucketOwnershipControls', id, async () => strip(await s3.send(new GetBucketOwnershipControlsCommand(input)))),
      this.call('s3:GetBucketEncryption', id, async () => strip(await s3.send(new GetBucketEncryptionCommand(input)))),
      this.call('s3:GetBucketVersioning', id, async () => strip(await s3.send(new GetBucketVersioningCommand(input)))),
      this.call('s3:GetBucketLogging', id, async () => strip(await s3.send(new GetBucketLoggingCommand(input)))),
      this.call('s3:GetObjectLockConfiguration', id, async () => strip(await s3.send(new GetObjectLockConfigurationCommand(input)))),
      this.call('s3:GetBucketTagging', id, async () => strip(await s3.send(new GetBucketTaggingCommand(input)))),
    ]);
    return { name, region, account: this.account, partition: this.partition, acl, policy, policyStatus, publicAccessBlock, ownership, encryption, versioning, logging, objectLock, tagging };
  }

  private async collectRegion(region: string): Promise<void> {
    const ec2 = this.clients.ec2(region);
    const rds = this.clients.rds(region);
    const pageSize = this.options.pageSize;
    const regionId = `arn:${this.partition}:ec2:${region}:${this.account}`;
    const [groups, instances, ebsDefault, snapshots, publicSnapshots, dbInstances, dbClusters, dbSnapshots, clusterSnapshots] = await Promise.all([
      this.paged('ec2:DescribeSecurityGroups', `${regionId}:security-groups`, () => paginateDescribeSecurityGroups({ client: ec2, pageSize: pageSize ?? 1000 }, {})),
      this.paged('ec2:DescribeInstances', `${regionId}:instances`, () => paginateDescribeInstances({ client: ec2, pageSize: pageSize ?? 1000 }, {})),
      this.call('ec2:GetEbsEncryptionByDefault', `${regionId}:account-settings`, () => ec2.send(new GetEbsEncryptionByDefaultCommand({}))),
      this.paged('ec2:DescribeSnapshots', `${regionId}:snapshots`, () => paginateDescribeSnapshots({ client: ec2, pageSize: pageSize ?? 1000 }, { OwnerIds: ['self'] })),
      // Snapshots restorable by "all" are the public ones: one listing instead of one call per snapshot.
      this.paged('ec2:DescribeSnapshots', `${regionId}:snapshots`, () => paginateDescribeSnapshots({ client: ec2, pageSize: pageSize ?? 1000 }, { OwnerIds: ['self'], RestorableByUserIds: ['all'] })),
      this.paged('rds:DescribeDBInstances', `${regionId}:rds`, () => paginateDescribeDBInstances({ client: rds, pageSize: pageSize ?? 100 }, {})),
      this.paged('rds:DescribeDBClusters', `${regionId}:rds`, () => paginateDescribeDBClusters({ client: rds, pageSize: pageSize ?? 100 }, {})),
      this.paged('rds:DescribeDBSnapshots', `${regionId}:rds`, () => paginateDescribeDBSnapshots({ client: rds, pageSize: pageSize ?? 100 }, {})),
      this.paged('rds:DescribeDBClusterSnapshots', `${regionId}:rds`, () => paginateDescribeDBClusterSnapshots({ client: rds, pageSize: pageSize ?? 100 }, {})),
    ]);
    const now = this.options.now ?? new Date();
    const sgList: CallOutcome<SecurityGroup[]> = mapOk(groups, (pages) => pages.flatMap((p) => p.SecurityGroups ?? []));
    const exposure = groupExposure(sgList);
    const instanceList = mapOk(instances, (pages) => pages.flatMap((p) => (p.Reservations ?? []).flatMap((r) => r.Instances ?? [])).filter((i: Instance) => i.State?.Name !== 'terminated'));
    const dbList = mapOk(dbInstances, (pages) => pages.flatMap((p) => p.DBInstances ?? []));
    const clusterList = mapOk(dbClusters, (pages) => pages.flatMap((p) => p.DBClusters ?? []));

    if (sgList.status === 'ok') {
      const attachments = attachmentsByGroup(instanceList, dbList);
      for (const sg of sgList.value) this.out.resources.push(normalizeSecurityGroup(sg, region, this.account, attachments?.get(sg.GroupId ?? '') ?? (attachments ? [] : undefined), this.partition));
    }
    if (instanceList.status === 'ok') for (const i of instanceList.value) this.out.resources.push(normalizeInstance(i, region, this.account, exposure, this.partition));
    if (ebsDefault.status !== 'skipped') this.out.resources.push(normalizeEbsDefaultEncryption(mapOk(ebsDefault, (v) => v.EbsEncryptionByDefault === true), region, this.account, this.partition));
    if (snapshots.status === 'ok') {
      const publicIds = mapOk(publicSnapshots, (pages) => new Set(pages.flatMap((p) => (p.Snapshots ?? []).map((s: Snapshot) => s.SnapshotId!))));
      for (const s of snapshots.value.flatMap((p) => p.Snapshots ?? [])) this.out.resources.push(normalizeEbsSnapshot(s, region, this.account, publicIds, now, this.partition));
    }
    const instanceGroups = await this.tlsParameters(region, 'instance', dbList.status === 'ok' ? dbList.value.filter((d) => !d.DBClusterIdentifier).map((d) => d.DBParameterGroups?.[0]?.DBParameterGroupName) : []);
    const clusterGroups = await this.tlsParameters(region, 'cluster', clusterList.status === 'ok' ? clusterList.value.map((c) => c.DBClusterParameterGroup) : []);
    if (dbList.status === 'ok') {
      for (const db of dbList.value) {
        // Cluster members take TLS settings from the cluster parameter group, judged on the cluster.
        const tls = db.DBClusterIdentifier ? undefined : instanceGroups.get(db.DBParameterGroups?.[0]?.DBParameterGroupName ?? '');
        this.out.resources.push(normalizeDbInstance(db, region, this.account, exposure, this.partition, tls));
      }
    }
    if (clusterList.status === 'ok') {
      const members = dbList.status === 'ok' ? dbList.value : [];
      for (const c of clusterList.value) {
        const ids = new Set((c.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier));
        this.out.resources.push(normalizeDbCluster(c, members.filter((m: DBInstance) => ids.has(m.DBInstanceIdentifier)), region, this.account, exposure, this.partition, clusterGroups.get(c.DBClusterParameterGroup ?? '')));
      }
    }
    await Promise.all([this.collectDbSnapshots(region, dbSnapshots, now), this.collectClusterSnapshots(region, clusterSnapshots, now)]);
  }

  /** The TLS parameters of each distinct parameter group, read once per group. */
  private async tlsParameters(region: string, level: 'instance' | 'cluster', groups: Array<string | undefined>): Promise<Map<string, TlsParameters>> {
    const rds = this.clients.rds(region);
    const names = [...new Set(groups.filter((g): g is string => !!g))];
    const id = level === 'instance' ? 'rds:DescribeDBParameters' : 'rds:DescribeDBClusterParameters';
    const entries = await Promise.all(
      names.map(async (group) => {
        const pages = await this.paged(id, `arn:${this.partition}:rds:${region}:${this.account}:${level === 'instance' ? 'pg' : 'cluster-pg'}:${group}`, () =>
          level === 'instance'
            ? paginateDescribeDBParameters({ client: rds, pageSize: 100 }, { DBParameterGroupName: group })
            : paginateDescribeDBClusterParameters({ client: rds, pageSize: 100 }, { DBClusterParameterGroupName: group }),
        );
        const outcome = mapOk(pages, (list) => ({
          group,
          values: Object.fromEntries(
            list
              .flatMap((p) => p.Parameters ?? [])
              .filter((p) => p.ParameterName === 'rds.force_ssl' || p.ParameterName === 'require_secure_transport')
              .map((p) => [p.ParameterName!, p.ParameterValue]),
          ),
        }));
        return [group, outcome] as const;
      }),
    );
    return new Map(entries);
  }

  private async collectDbSnapshots(region: string, listed: CallOutcome<Array<{ DBSnapshots?: DBSnapshot[] }>>, now: Date): Promise<void> {
    if (listed.status !== 'ok') return;
    const rds = this.clients.rds(region);
    const resources = await Promise.all(
      listed.value.flatMap((p) => p.DBSnapshots ?? []).map(async (s) => {
        // Only manual snapshots can be shared; automated ones need no attribute call.
        const restore: CallOutcome<string[]> =
          s.SnapshotType === 'automated'
            ? { status: 'ok', value: [] }
            : mapOk(
                await this.call('rds:DescribeDBSnapshotAttributes', s.DBSnapshotArn ?? s.DBSnapshotIdentifier ?? '?', () => rds.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: s.DBSnapshotIdentifier }))),
                (v) => v.DBSnapshotAttributesResult?.DBSnapshotAttributes?.find((a) => a.AttributeName === 'restore')?.AttributeValues ?? [],
              );
        return normalizeDbSnapshot(s, restore, region, this.account, now);
      }),
    );
    this.out.resources.push(...resources);
  }

  private async collectClusterSnapshots(region: string, listed: CallOutcome<Array<{ DBClusterSnapshots?: DBClusterSnapshot[] }>>, now: Date): Promise<void> {
    if (listed.status !== 'ok') return;
    const rds = this.clients.rds(region);
    const resources = await Promise.all(
      listed.value.flatMap((p) => p.DBClusterSnapshots ?? []).map(async (s) => {
        const restore: CallOutcome<string[]> =
          s.SnapshotType === 'automated'
            ? { status: 'ok', value: [] }
            : mapOk(
                await this.call('rds:DescribeDBClusterSnapshotAttributes', s.DBClusterSnapshotArn ?? s.DBClusterSnapshotIdentifier ?? '?', () =>
                  rds.send(new DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: s.DBClusterSnapshotIdentifier })),
                ),
                (v) => v.DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes?.find((a) => a.AttributeName === 'restore')?.AttributeValues ?? [],
              );
        return normalizeDbClusterSnapshot(s, restore, region, this.account, now);
      }),
    );
    this.out.resources.push(...resources);
  }

  /** One notice per failing call and error code, naming the permission and the resources affected. */
  private flushFailures(): void {
    for (const { failure, resources, facts } of this.failures.values()) {
      const listed = resources.slice(0, 10).join(', ') + (resources.length > 10 ? ` and ${resources.length - 10} more` : '');
      const level = failure.category === 'access-denied' || failure.category === 'not-found' ? 'warning' : 'error';
      this.notice(level, `${failureReason(failure)}; affected ${resources.length === 1 ? '' : `${resources.length} resources: `}${listed}. Rules that need ${[...facts].join(', ') || 'it'} are not evaluated there`, {
        call: failure.call,
        permission: failure.permission,
        ...(resources.length === 1 ? { resourceId: resources[0]! } : {}),
        facts: [...facts],
      });
    }
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

