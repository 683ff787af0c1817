import type { Instance, IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import { normalizeBucket, normalizeDbCluster, normalizeDbInstance, normalizeInstance, normalizeSecurityGroup, internetIngressOf, type GroupExposure, type RawBucket, type TlsParameters } from '@leakproof/aws/normalize';
import { isUnknownFact, type CallOutcome, type Resource } from '@leakproof/core';
import { attributeFactSources, type PlanContext } from '../context.js';
import { documentPolicy, evaluatedPolicy, inlinePolicy } from './aws-policy-document.js';
import { AWS_SNAPSHOT_TYPES, PLAN_ACCOUNT, PLAN_REGION, awsEbsDefaultEncryption, awsSnapshots } from './aws-snapshots.js';
import type { ResourceChange } from '../plan.js';

export const AWS_TYPES = [
  'aws_s3_bucket',
  'aws_s3_bucket_acl',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_account_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_logging',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_object_lock_configuration',
  'aws_security_group',
  'aws_default_security_group',
  'aws_security_group_rule',
  'aws_vpc_security_group_ingress_rule',
  'aws_db_instance',
  'aws_rds_cluster',
  'aws_rds_cluster_instance',
  'aws_db_parameter_group',
  'aws_rds_cluster_parameter_group',
  'aws_instance',
  ...AWS_SNAPSHOT_TYPES,
] as const;

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
/** Canned ACLs as the grants S3 applies for them. */
const CANNED: Record<string, Array<[string, string]>> = {
  private: [],
  'public-read': [[ALL_USERS, 'READ']],
  'public-read-write': [
    [ALL_USERS, 'READ'],
    [ALL_USERS, 'WRITE'],
  ],
  'authenticated-read': [[AUTH_USERS, 'READ']],
  'log-delivery-write': [],
  'bucket-owner-read': [],
  'bucket-owner-full-control': [],
  'aws-exec-read': [],
};


type Ctx = PlanContext;
const ok = <T>(value: T): CallOutcome<T> => ({ status: 'ok', value });
const unknownOf = <T>(ctx: Ctx, rc: ResourceChange, attribute: string): CallOutcome<T> => ({ status: 'unknown', reason: ctx.unknownReason(rc, attribute) });
/** The single split resource of `type` joined to `bucket`, noting extras. */
function splitFor(ctx: Ctx, type: string, bucket: ResourceChange, joined: Map<ResourceChange, ResourceChange[]>): ResourceChange | undefined {
  const list = (joined.get(bucket) ?? []).filter((rc) => rc.type === type);
  if (list.length > 1) ctx.note(`${list.length} ${type} resources configure this bucket; the last one in the plan is used`, bucket);
  return list[list.length - 1];
}

function aclOutcome(ctx: Ctx, bucket: ResourceChange, acl: ResourceChange | undefined): RawBucket['acl'] {
  const holder = acl ?? bucket;
  if (ctx.isPending(holder, 'acl')) return unknownOf(ctx, holder, 'acl');
  const canned = ctx.text(holder, 'acl');
  // With a canned ACL, Terraform computes access_control_policy after apply; the canned ACL decides.
  if (acl && canned === undefined && ctx.isPending(acl, 'access_control_policy')) return unknownOf(ctx, acl, 'access_control_policy');
  const policyGrants = acl && canned === undefined ? ctx.blocks<object>(acl, 'access_control_policy', 0, 'grant') : undefined;
  if (acl && policyGrants) {
    const Grants = policyGrants.map((_, i) => {
      const at = ['access_control_policy', 0, 'grant', i] as const;
      const uri = ctx.text(acl, ...at, 'grantee', 0, 'uri');
      return { Grantee: { Type: (ctx.text(acl, ...at, 'grantee', 0, 'type') ?? 'CanonicalUser') as 'Group', ...(uri ? { URI: uri } : {}) }, Permission: ctx.text(acl, ...at, 'permission') as 'READ' };
    });
    return ok({ Grants });
  }
  // The legacy inline `grant` blocks of aws_s3_bucket (provider v3), when no split ACL resource replaces them.
  const inline = !acl && !ctx.isPending(bucket, 'grant') ? (ctx.blocks<object>(bucket, 'grant') ?? []) : [];
  if (canned === undefined && inline.length) {
    const Grants = inline.flatMap((_, i) => {
      const uri = ctx.text(bucket, 'grant', i, 'uri');
      const Type = (ctx.text(bucket, 'grant', i, 'type') === 'Group' ? 'Group' : 'CanonicalUser') as 'Group';
      return ctx.knownTexts(bucket, 'grant', i, 'permissions').map((p) => ({ Grantee: { Type, ...(uri ? { URI: uri } : {}) }, Permission: p as 'READ' }));
    });
    return ok({ Grants });
  }
  if (canned === undefined) return ok({ Grants: [] });
  const grants = CANNED[canned];
  if (!grants) ctx.note(`canned ACL "${canned}" is not known to leakproof; treated as private`, holder);
  return ok({ Grants: (grants ?? []).map(([URI, Permission]) => ({ Grantee: { Type: 'Group' as const, URI }, Permission: Permission as 'READ' })) });
}

function policyOutcome(ctx: Ctx, bucket: ResourceChange, policy: ResourceChange | undefined): RawBucket['policy'] {
  const holder = policy ?? bucket;
  if (ctx.isPending(holder, 'policy')) {
    const doc = ctx.dataSourceOf(holder, 'policy', 'aws_iam_policy_document');
    // A data source's statements, or the block's own jsonencode/heredoc document read from its .tf source.
    // Else the expression evaluated from the module's sources (`policy = local.policy`, a replace() of a document).
    const inline = doc ? undefined : inlinePolicy(ctx, holder);
    const rendered = doc ? documentPolicy(ctx, doc) : inline && 'text' in inline ? inline : (evaluatedPolicy(ctx, holder) ?? inline);
    return rendered && 'text' in rendered ? ok({ Policy: rendered.text }) : { status: 'unknown', reason: rendered?.unknown ?? ctx.unknownReason(holder, 'policy') };
  }
  const text = ctx.text(holder, 'policy');
  return text ? ok({ Policy: text }) : { status: 'not-configured', code: 'NoSuchBucketPolicy' };
}

function bpaOutcome(ctx: Ctx, rc: ResourceChange | undefined, creating: boolean): RawBucket['publicAccessBlock'] {
  if (!rc) {
    // New buckets get all four Block Public Access settings from S3 since April 2023.
    return creating
      ? ok({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } })
      : { status: 'not-configured', code: 'NoSuchPublicAccessBlockConfiguration' };
  }
  const names = ['block_public_acls', 'ignore_public_acls', 'block_public_policy', 'restrict_public_buckets'];
  const unknown = names.find((n) => ctx.isPending(rc, n));
  if (unknown) return unknownOf(ctx, rc, unknown);
  return ok({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: ctx.flag(rc, 'block_public_acls') === true,
      IgnorePublicAcls: ctx.flag(rc, 'ignore_public_acls') === true,
      BlockPublicPolicy: ctx.flag(rc, 'block_public_policy') === true,
      RestrictPublicBuckets: ctx.flag(rc, 'restrict_public_buckets') === true,
    },
  });
}

/**
 * Object Lock as GetObjectLockConfiguration returns it. Lock is enabled on the bucket
 * (`object_lock_enabled`, or the legacy inline `object_lock_configuration`); the default retention comes
 * from `aws_s3_bucket_object_lock_configuration`, which can also enable it on an existing bucket.
 */
function objectLockOutcome(ctx: Ctx, bucket: ResourceChange, split: ResourceChange | undefined): RawBucket['objectLock'] {
  const legacy = ctx.block<{ object_lock_enabled?: string; rule?: unknown }>(bucket, 'object_lock_configuration');
  const holder = split ?? (legacy ? bucket : undefined);
  if (ctx.isPending(bucket, 'object_lock_enabled') && !split) return unknownOf(ctx, bucket, 'object_lock_enabled');
  const enabled = ctx.flag(bucket, 'object_lock_enabled') === true || legacy?.object_lock_enabled === 'Enabled' || (split !== undefined && (ctx.text(split, 'object_lock_enabled') ?? 'Enabled') === 'Enabled');
  if (!enabled) return { status: 'not-configured', code: 'ObjectLockConfigurationNotFoundError' };
  const rulePath = split ? ['rule'] : ['object_lock_configuration', 0, 'rule'];
  const retention = holder ? ctx.block<{ default_retention?: Array<{ mode?: string; days?: number; years?: number }> }>(holder, ...rulePath)?.default_retention?.[0] : undefined;
  return ok({
    ObjectLockConfiguration: {
      ObjectLockEnabled: 'Enabled',
      ...(retention ? { Rule: { DefaultRetention: { ...(retention.mode ? { Mode: retention.mode as 'COMPLIANCE' } : {}), ...(retention.days ? { Days: retention.days } : {}), ...(retention.years ? { Years: retention.years } : {}) } } } : {}),
    },
  });
}

/** Which response of the bucket each split resource type stands for. */
const SPLIT_OUTCOME: Record<string, keyof RawBucket> = {
  aws_s3_bucket_acl: 'acl',
  aws_s3_bucket_policy: 'policy',
  aws_s3_bucket_public_access_block: 'publicAccessBlock',
  aws_s3_bucket_server_side_encryption_configuration: 'encryption',
  aws_s3_bucket_versioning: 'versioning',
  aws_s3_bucket_logging: 'logging',
  aws_s3_bucket_ownership_controls: 'ownership',
  aws_s3_bucket_object_lock_configuration: 'objectLock',
};

/**
 * `unresolved` are split resources whose bucket is known only after apply and whose reference could not be
 * followed to a bucket: each may configure this one, so what they set is unknown here, never taken as absent.
 */
function buildBucket(ctx: Ctx, bucket: ResourceChange, joined: Map<ResourceChange, ResourceChange[]>, accountBpa: ResourceChange | undefined, unresolved: Array<{ rc: ResourceChange; why: string }>): Resource {
  const creating = bucket.change.actions.includes('create');
  const acl = splitFor(ctx, 'aws_s3_bucket_acl', bucket, joined);
  const policy = splitFor(ctx, 'aws_s3_bucket_policy', bucket, joined);
  const pab = splitFor(ctx, 'aws_s3_bucket_public_access_block', bucket, joined);
  const sse = splitFor(ctx, 'aws_s3_bucket_server_side_encryption_configuration', bucket, joined);
  const versioning = splitFor(ctx, 'aws_s3_bucket_versioning', bucket, joined);
  const logging = splitFor(ctx, 'aws_s3_bucket_logging', bucket, joined);
  const ownership = splitFor(ctx, 'aws_s3_bucket_ownership_controls', bucket, joined);
  const objectLock = splitFor(ctx, 'aws_s3_bucket_object_lock_configuration', bucket, joined);
  const name = ctx.text(bucket, 'bucket') ?? bucket.address;

  const sseRule = (rc: ResourceChange, path: Array<string | number>): RawBucket['encryption'] => {
    if (ctx.isUnknown(rc, ...path)) return unknownOf(ctx, rc, 'server side encryption');
    const byDefault = [...path, 0, 'apply_server_side_encryption_by_default', 0];
    const algorithm = ctx.text(rc, ...byDefault, 'sse_algorithm');
    if (!algorithm) return { status: 'not-configured', code: 'ServerSideEncryptionConfigurationNotFoundError' };
    const keyId = ctx.text(rc, ...byDefault, 'kms_master_key_id');
    return ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: algorithm as 'AES256', ...(keyId ? { KMSMasterKeyID: keyId } : {}) } }] } });
  };
  const legacySse = ctx.block<{ rule?: unknown }>(bucket, 'server_side_encryption_configuration');
  const encryption: RawBucket['encryption'] = sse ? sseRule(sse, ['rule']) : legacySse ? sseRule(bucket, ['server_side_encryption_configuration', 0, 'rule']) : { status: 'not-configured', code: 'ServerSideEncryptionConfigurationNotFoundError' };

  const lock = objectLockOutcome(ctx, bucket, objectLock);
  let versioningOutcome: RawBucket['versioning'];
  if (versioning) {
    if (ctx.isUnknown(versioning, 'versioning_configuration')) versioningOutcome = unknownOf(ctx, versioning, 'versioning_configuration');
    else {
      const conf = ctx.block<{ status?: string; mfa_delete?: string }>(versioning, 'versioning_configuration');
      versioningOutcome = ok({ ...(conf?.status && conf.status !== 'Disabled' ? { Status: conf.status as 'Enabled' } : {}), ...(conf?.mfa_delete ? { MFADelete: conf.mfa_delete as 'Enabled' } : {}) });
    }
  } else {
    const legacy = ctx.block<{ enabled?: boolean; mfa_delete?: boolean }>(bucket, 'versioning');
    // S3 turns versioning on for every bucket with Object Lock, and it cannot be suspended.
    const locked = lock.status === 'ok';
    versioningOutcome = ok({ ...(legacy?.enabled || locked ? { Status: 'Enabled' as const } : {}), ...(legacy?.mfa_delete ? { MFADelete: 'Enabled' as const } : {}) });
  }

  let loggingOutcome: RawBucket['logging'];
  if (logging) {
    loggingOutcome = ctx.isUnknown(logging, 'target_bucket')
      ? unknownOf(ctx, logging, 'target_bucket')
      : ok({ LoggingEnabled: { TargetBucket: ctx.text(logging, 'target_bucket') ?? '?', TargetPrefix: ctx.text(logging, 'target_prefix') ?? '' } });
  } else {
    const legacy = ctx.block<{ target_bucket?: string; target_prefix?: string }>(bucket, 'logging');
    loggingOutcome = ok(legacy?.target_bucket ? { LoggingEnabled: { TargetBucket: legacy.target_bucket, TargetPrefix: legacy.target_prefix ?? '' } } : {});
  }

  let ownershipOutcome: RawBucket['ownership'];
  if (ownership) {
    const rule = ctx.block<{ object_ownership?: string }>(ownership, 'rule');
    ownershipOutcome = ctx.isUnknown(ownership, 'rule') ? unknownOf(ctx, ownership, 'rule') : ok({ OwnershipControls: { Rules: [{ ObjectOwnership: (rule?.object_ownership ?? 'ObjectWriter') as 'BucketOwnerEnforced' }] } });
  } else {
    // New buckets have ACLs disabled (BucketOwnerEnforced) by default since April 2023.
    ownershipOutcome = creating ? ok({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }) : { status: 'not-configured', code: 'OwnershipControlsNotFoundError' };
  }

  const tags = ctx.tags(bucket).tags;
  const raw: RawBucket = {
    name,
    region: PLAN_REGION,
    account: PLAN_ACCOUNT,
    acl: aclOutcome(ctx, bucket, acl),
    policy: policyOutcome(ctx, bucket, policy),
    policyStatus: { status: 'skipped' },
    publicAccessBlock: bpaOutcome(ctx, pab, creating),
    ownership: ownershipOutcome,
    encryption,
    versioning: versioningOutcome,
    logging: loggingOutcome,
    objectLock: lock,
    tagging: ok({ TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }),
  };
  for (const { rc, why } of unresolved) {
    const key = SPLIT_OUTCOME[rc.type];
    if (key) Object.assign(raw, { [key]: { status: 'unknown', reason: `${rc.address} may configure this bucket: its ${why}` } });
  }
  const accountOutcome = accountBpa ? bpaOutcome(ctx, accountBpa, false) : ({ status: 'not-configured', code: 'NoSuchPublicAccessBlockConfiguration' } as const);
  const resource = normalizeBucket(raw, accountOutcome);
  ctx.place(bucket, resource);
  attributeFactSources(resource, [
    { evidence: /^ACL grant/, source: ctx.source(acl) },
    { evidence: /^bucket policy|^no bucket policy statement denies/, source: ctx.source(policy) },
    { evidence: /^bucket (BlockPublicAcls|IgnorePublicAcls|BlockPublicPolicy|RestrictPublicBuckets)/, source: ctx.source(pab) },
    { evidence: /^account (BlockPublicAcls|IgnorePublicAcls|BlockPublicPolicy|RestrictPublicBuckets)/, source: ctx.source(accountBpa) },
    { evidence: /^default encryption/, source: ctx.source(sse) },
    { evidence: /^(versioning|MFADelete)/, source: ctx.source(versioning) },
    { evidence: /^server access logging/, source: ctx.source(logging) },
    { evidence: /^ObjectOwnership/, source: ctx.source(ownership) },
    { evidence: /^object lock/, source: ctx.source(objectLock) },
  ]);
  return resource;
}

const SPLIT_TYPES = [
  'aws_s3_bucket_acl',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_versioning',
  'aws_s3_bucket_logging',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_object_lock_configuration',
];

function s3(ctx: Ctx): Resource[] {
  const buckets = ctx.of('aws_s3_bucket');
  const accountBpas = ctx.of('aws_s3_account_public_access_block');
  const joined = new Map<ResourceChange, ResourceChange[]>();
  const unresolved = new Map<ResourceChange, Array<{ rc: ResourceChange; why: string }>>();
  for (const type of SPLIT_TYPES) {
    for (const rc of ctx.of(type)) {
      const { targets, candidates, why } = ctx.splitParents(rc, 'bucket', ['aws_s3_bucket'], 'bucket');
      if (targets.length === 0) {
        // It configures one of these buckets, which the plan does not say: what it sets is unknown for each.
        if (candidates.length) {
          ctx.note(`could not tell which aws_s3_bucket of this plan it configures: its ${why}; what it sets is unknown for each bucket it may configure`, rc);
          for (const b of candidates) unresolved.set(b, [...(unresolved.get(b) ?? []), { rc, why }]);
        } else ctx.note(`could not join to an aws_s3_bucket of this plan through its "bucket" reference (bucket = ${JSON.stringify(ctx.value(rc, 'bucket') ?? 'unknown')}); its settings were not judged`, rc);
        continue;
      }
      for (const b of targets) joined.set(b, [...(joined.get(b) ?? []), rc]);
    }
  }
  return buckets.map((b) => buildBucket(ctx, b, joined, accountBpas[0], unresolved.get(b) ?? []));
}

interface PlannedRule {
  rc: ResourceChange;
  protocol?: string;
  from?: number;
  to?: number;
  cidrs: string[];
  ipv6: string[];
  unknown?: string;
}

function permission(rule: PlannedRule): IpPermission {
  const protocol = rule.protocol === 'all' ? '-1' : (rule.protocol ?? '-1');
  return {
    IpProtocol: protocol,
    ...(rule.from !== undefined ? { FromPort: rule.from } : {}),
    ...(rule.to !== undefined ? { ToPort: rule.to } : {}),
    IpRanges: rule.cidrs.map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: rule.ipv6.map((CidrIpv6) => ({ CidrIpv6 })),
  };
}

function ruleFields(ctx: Ctx, rc: ResourceChange, path: Array<string | number>, names: { protocol: string; from: string; to: string; cidrs: string; ipv6: string }, single = false): PlannedRule {
  const at = (n: string) => [...path, n];
  const unknown =
    Object.values(names).find((n) => ctx.isUnknown(rc, ...at(n))) ??
    // A CIDR known only after apply (null in its list) could be the internet.
    (single ? undefined : [names.cidrs, names.ipv6].find((n) => ctx.hasPendingElement(rc, ...at(n))));
  const list = (n: string): string[] => {
    if (single) {
      const v = ctx.text(rc, ...at(n));
      return v === undefined ? [] : [v];
    }
    return ctx.knownTexts(rc, ...at(n));
  };
  return {
    rc,
    protocol: ctx.text(rc, ...at(names.protocol)),
    from: ctx.count(rc, ...at(names.from)),
    to: ctx.count(rc, ...at(names.to)),
    cidrs: list(names.cidrs),
    ipv6: list(names.ipv6),
    ...(unknown ? { unknown: ctx.unknownReason(rc, `${path.join('.')}${path.length ? '.' : ''}${unknown}`) } : {}),
  };
}

/**
 * Groups that rules and attachments join to. Terraform adopting a VPC's default group with
 * aws_default_security_group removes every rule its configuration does not list, so its inline rules are all
 * of them, as for aws_security_group.
 */
const SECURITY_GROUP_TYPES = ['aws_security_group', 'aws_default_security_group'];

const INLINE = { protocol: 'protocol', from: 'from_port', to: 'to_port', cidrs: 'cidr_blocks', ipv6: 'ipv6_cidr_blocks' };

const INGRESS_FACTS = ['internetIngressPorts', 'internetIngressDatabasePorts', 'internetIngressUdpServices', 'internetIngressAllTraffic'];

/** Whether known rules let the internet in, as the live normalizer judges a group with only them. */
function opensToInternet(rules: PlannedRule[], facts: readonly string[] = INGRESS_FACTS): boolean {
  const known = rules.filter((r) => !r.unknown);
  if (!known.length) return false;
  const judged = normalizeSecurityGroup({ GroupId: 'planned', IpPermissions: known.map(permission) }, PLAN_REGION, PLAN_ACCOUNT, undefined).facts;
  return facts.some((f) => {
    const v = judged[f];
    return v !== undefined && !isUnknownFact(v) && (v.value === true || (Array.isArray(v.value) && v.value.length > 0));
  });
}

/** Security groups with their inline and separate ingress rules; the exposure index keyed by block address. */
function securityGroups(ctx: Ctx): { resources: Resource[]; exposure: Map<string, GroupExposure> } {
  const groups = SECURITY_GROUP_TYPES.flatMap((t) => ctx.of(t));
  const rules = new Map<ResourceChange, PlannedRule[]>(groups.map((g) => [g, []]));
  const rulesOf = (g: ResourceChange): PlannedRule[] => {
    let list = rules.get(g);
    if (!list) rules.set(g, (list = []));
    return list;
  };
  for (const g of groups) {
    if (ctx.isPending(g, 'ingress')) rulesOf(g).push({ rc: g, cidrs: [], ipv6: [], unknown: ctx.unknownReason(g, 'ingress') });
    else (ctx.list(g, 'ingress') ?? []).forEach((_, i) => rulesOf(g).push(ruleFields(ctx, g, ['ingress', i], INLINE)));
  }
  const separate: Array<{ rc: ResourceChange; rule: PlannedRule }> = [
    ...ctx.of('aws_security_group_rule').flatMap((rc) => (ctx.text(rc, 'type') === 'ingress' ? [{ rc, rule: ruleFields(ctx, rc, [], INLINE) }] : [])),
    ...ctx.of('aws_vpc_security_group_ingress_rule').map((rc) => ({ rc, rule: ruleFields(ctx, rc, [], { protocol: 'ip_protocol', from: 'from_port', to: 'to_port', cidrs: 'cidr_ipv4', ipv6: 'cidr_ipv6' }, true) })),
  ];
  for (const { rc, rule } of separate) {
    const { targets, candidates, why } = ctx.splitParents(rc, 'security_group_id', SECURITY_GROUP_TYPES, 'id');
    for (const g of targets) rulesOf(g).push(rule);
    if (targets.length) continue;
    // A rule whose group waits for apply and cannot be followed belongs to one of the groups the plan creates:
    // if it lets the internet in (or may), each of them may be open.
    if (candidates.length && (rule.unknown || opensToInternet([rule]))) {
      ctx.note(`could not tell which security group of this plan it belongs to: its ${why}; each group it may belong to may be open`, rc);
      const unknown = `${rc.address} may be a rule of this group: its ${why}`;
      for (const g of candidates) rulesOf(g).push({ rc, cidrs: [], ipv6: [], unknown });
    } else ctx.note('could not join to an aws_security_group of this plan through "security_group_id"; not judged', rc);
  }
  const resources: Resource[] = [];
  const exposure = new Map<string, GroupExposure>();
  for (const g of groups) {
    const list = rulesOf(g);
    const key = g.address;
    const sg: SecurityGroup = { GroupId: ctx.text(g, 'id') ?? key, GroupName: ctx.text(g, 'name') ?? (g.type === 'aws_default_security_group' ? 'default' : g.name), IpPermissions: list.filter((r) => !r.unknown).map(permission) };
    const resource = normalizeSecurityGroup(sg, PLAN_REGION, PLAN_ACCOUNT, undefined);
    resource.id = ctx.text(g, 'arn') ?? `terraform:${g.address}`;
    const unknown = list.find((r) => r.unknown)?.unknown;
    if (unknown) for (const f of INGRESS_FACTS) resource.facts[f] = { unknown };
    ctx.place(g, resource);
    // A finding caused by a separate rule resource points at the rule that alone causes it, unless an
    // inline rule of the group already does.
    const sources: NonNullable<Resource['factSources']> = {};
    for (const f of INGRESS_FACTS) {
      if (opensToInternet(list.filter((r) => r.rc === g), [f])) continue;
      const rule = list.find((r) => r.rc !== g && opensToInternet([r], [f]));
      const source = rule ? ctx.source(rule.rc) : undefined;
      if (source) sources[f] = source;
    }
    if (Object.keys(sources).length) resource.factSources = sources;
    resources.push(resource);
    exposure.set(
      key,
      unknown ? { known: false, reason: unknown } : { known: true, byGroup: new Map([[key, internetIngressOf({ ...sg, GroupId: key })]]) },
    );
  }
  return { resources, exposure };
}

/** Exposure of the groups a database refers to, or unknown when one is not in the plan. */
function exposureFor(ctx: Ctx, rc: ResourceChange, index: Map<string, GroupExposure>): { groups: string[]; exposure: GroupExposure } {
  const targets = ctx.joinTo(rc, 'vpc_security_group_ids', SECURITY_GROUP_TYPES).map((g) => g.address);
  const literal = (ctx.texts(rc, 'vpc_security_group_ids') ?? []).length;
  if (ctx.isUnknown(rc, 'vpc_security_group_ids') && targets.length === 0) return { groups: [], exposure: { known: false, reason: ctx.unknownReason(rc, 'vpc_security_group_ids') } };
  if (literal > targets.length) return { groups: targets, exposure: { known: false, reason: `${rc.address} uses security groups that are not in this plan` } };
  const byGroup = new Map<string, ReturnType<typeof internetIngressOf>>();
  for (const t of targets) {
    const e = index.get(t);
    if (!e || !e.known) return { groups: targets, exposure: e ?? { known: false, reason: `${t} is not in this plan` } };
    for (const [k, v] of e.byGroup) byGroup.set(k, v);
  }
  return { groups: targets, exposure: { known: true, byGroup } };
}

/**
 * The TLS parameters a planned database gets: from the aws_db_parameter_group its
 * parameter_group_name refers to, the engine default when unset, unknown for a group outside the plan.
 */
function tlsParameters(ctx: Ctx, rc: ResourceChange, attribute = 'parameter_group_name', groupType = 'aws_db_parameter_group'): TlsParameters {
  const [group] = ctx.joinTo(rc, attribute, [groupType]);
  if (group) {
    if (ctx.isPending(group, 'parameter')) return { status: 'unknown', reason: ctx.unknownReason(group, 'parameter') };
    const values = Object.fromEntries((ctx.blocks<object>(group, 'parameter') ?? []).map((_, i) => [ctx.text(group, 'parameter', i, 'name') ?? '', ctx.text(group, 'parameter', i, 'value')]));
    return { status: 'ok', value: { group: ctx.text(group, 'name') ?? group.address, values } };
  }
  if (ctx.isPending(rc, attribute)) return { status: 'unknown', reason: ctx.unknownReason(rc, attribute) };
  const name = ctx.text(rc, attribute);
  if (!name || name.startsWith('default.')) return { status: 'ok', value: { group: name ?? 'the default parameter group', values: {} } };
  return { status: 'unknown', reason: `parameter group ${name} of ${rc.address} is not in this plan` };
}

function databases(ctx: Ctx, index: Map<string, GroupExposure>): Resource[] {
  const out: Resource[] = [];
  ctx.of('aws_db_parameter_group'); // judged through the databases that use them
  ctx.of('aws_rds_cluster_parameter_group');
  for (const rc of ctx.of('aws_db_instance')) {
    const { groups, exposure } = exposureFor(ctx, rc, index);
    const db: DBInstance = {
      DBInstanceIdentifier: ctx.text(rc, 'identifier') ?? rc.address,
      DBInstanceArn: ctx.text(rc, 'arn') ?? `terraform:${rc.address}`,
      Engine: ctx.text(rc, 'engine'),
      EngineVersion: ctx.text(rc, 'engine_version'),
      ...(ctx.count(rc, 'port') ? { Endpoint: { Port: ctx.count(rc, 'port') } } : {}),
      PubliclyAccessible: ctx.flag(rc, 'publicly_accessible') === true,
      VpcSecurityGroups: groups.map((g) => ({ VpcSecurityGroupId: g, Status: 'active' })),
      StorageEncrypted: ctx.flag(rc, 'storage_encrypted') === true,
      KmsKeyId: ctx.text(rc, 'kms_key_id'),
      // Unset, RDS keeps automated backups for one day.
      BackupRetentionPeriod: ctx.count(rc, 'backup_retention_period') ?? 1,
      DeletionProtection: ctx.flag(rc, 'deletion_protection') === true,
      TagList: Object.entries(ctx.tags(rc).tags).map(([Key, Value]) => ({ Key, Value })),
    };
    const resource = normalizeDbInstance(db, PLAN_REGION, PLAN_ACCOUNT, exposure, 'aws', tlsParameters(ctx, rc));
    markUnknown(ctx, rc, resource, { publicly_accessible: ['publiclyAccessible', 'internetReachable'], storage_encrypted: ['encryptionAtRest'], backup_retention_period: ['backupsEnabled', 'backupRetentionDays'] });
    ctx.place(rc, resource);
    out.push(resource);
  }
  const members = ctx.of('aws_rds_cluster_instance');
  for (const rc of ctx.of('aws_rds_cluster')) {
    const { groups, exposure } = exposureFor(ctx, rc, index);
    const mine = members.filter((m) => ctx.joinTo(m, 'cluster_identifier', ['aws_rds_cluster']).includes(rc));
    const cluster: DBCluster = {
      DBClusterIdentifier: ctx.text(rc, 'cluster_identifier') ?? rc.address,
      DBClusterArn: ctx.text(rc, 'arn') ?? `terraform:${rc.address}`,
      Engine: ctx.text(rc, 'engine'),
      EngineVersion: ctx.text(rc, 'engine_version'),
      ...(ctx.count(rc, 'port') ? { Port: ctx.count(rc, 'port') } : {}),
      VpcSecurityGroups: groups.map((g) => ({ VpcSecurityGroupId: g, Status: 'active' })),
      StorageEncrypted: ctx.flag(rc, 'storage_encrypted') === true,
      KmsKeyId: ctx.text(rc, 'kms_key_id'),
      BackupRetentionPeriod: ctx.count(rc, 'backup_retention_period') ?? 1,
      DeletionProtection: ctx.flag(rc, 'deletion_protection') === true,
    };
    const memberInstances: DBInstance[] = mine.map((m) => ({ DBInstanceIdentifier: ctx.text(m, 'identifier') ?? m.address, PubliclyAccessible: ctx.flag(m, 'publicly_accessible') === true }));
    const resource = normalizeDbCluster(cluster, memberInstances, PLAN_REGION, PLAN_ACCOUNT, exposure, 'aws', tlsParameters(ctx, rc, 'db_cluster_parameter_group_name', 'aws_rds_cluster_parameter_group'));
    markUnknown(ctx, rc, resource, { storage_encrypted: ['encryptionAtRest'] });
    ctx.place(rc, resource);
    out.push(resource);
  }
  return out;
}

/**
 * EC2 instances with the exposure of their security groups. Whether an instance gets a public IPv4
 * address is `associate_public_ip_address`; unset, the subnet decides after apply, so a database port
 * open to the internet on such an instance makes reachability unknown, never a pass.
 */
function instances(ctx: Ctx, index: Map<string, GroupExposure>): Resource[] {
  return ctx.of('aws_instance').map((rc) => {
    const { groups, exposure } = exposureFor(ctx, rc, index);
    const associate = ctx.isUnknown(rc, 'associate_public_ip_address') ? undefined : ctx.flag(rc, 'associate_public_ip_address');
    const ipv6 = (ctx.count(rc, 'ipv6_address_count') ?? 0) > 0 || (ctx.texts(rc, 'ipv6_addresses') ?? []).length > 0;
    const instance: Instance = {
      InstanceId: ctx.text(rc, 'id') ?? rc.address,
      ...(associate ? { PublicIpAddress: 'assigned at launch (associate_public_ip_address = true)' } : {}),
      ...(ipv6 ? { NetworkInterfaces: [{ Ipv6Addresses: [{ Ipv6Address: 'assigned at launch' }] }] } : {}),
      SecurityGroups: groups.map((GroupId) => ({ GroupId })),
      Tags: Object.entries(ctx.tags(rc).tags).map(([Key, Value]) => ({ Key, Value })),
    };
    const resource = normalizeInstance(instance, PLAN_REGION, PLAN_ACCOUNT, exposure);
    if (associate === undefined && !ipv6) {
      const reason = `${rc.address}.associate_public_ip_address is unset or known only after apply (the subnet's map_public_ip_on_launch decides)`;
      resource.facts.publicIp = { unknown: reason };
      const db = resource.facts.internetExposedDatabasePorts;
      if (db && (isUnknownFact(db) || (Array.isArray(db.value) && db.value.length > 0))) resource.facts.internetReachableDatabase = { unknown: reason };
    }
    resource.id = ctx.text(rc, 'arn') ?? `terraform:${rc.address}`;
    ctx.place(rc, resource);
    return resource;
  });
}

/** Facts whose planned attribute is known only after apply become unknown, saying so. */
function markUnknown(ctx: Ctx, rc: ResourceChange, resource: Resource, map: Record<string, string[]>): void {
  for (const [attribute, facts] of Object.entries(map)) {
    if (!ctx.isPending(rc, attribute)) continue;
    for (const f of facts) resource.facts[f] = { unknown: ctx.unknownReason(rc, attribute) };
  }
}

/** Every AWS resource of the plan as leakproof resources, judged by the live collector's normalizers. */
export function normalizeAwsPlan(ctx: PlanContext): Resource[] {
  const { resources: firewalls, exposure } = securityGroups(ctx);
  const place = (rc: ResourceChange, r: Resource) => ctx.place(rc, r);
  return [...s3(ctx), ...firewalls, ...databases(ctx, exposure), ...instances(ctx, exposure), ...awsSnapshots(ctx, place), ...awsEbsDefaultEncryption(ctx, place)];
}
