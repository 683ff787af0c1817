import type {
  GetBucketAclCommandOutput,
  GetBucketEncryptionCommandOutput,
  GetBucketLoggingCommandOutput,
  GetBucketOwnershipControlsCommandOutput,
  GetBucketPolicyCommandOutput,
  GetBucketPolicyStatusCommandOutput,
  GetBucketTaggingCommandOutput,
  GetBucketVersioningCommandOutput,
  GetObjectLockConfigurationCommandOutput,
  GetPublicAccessBlockCommandOutput,
  PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { fact, verdict, verdictFact, type Fact, type Resource, type Verdict } from '@leakproof/core';
import { outcomeReason, type CallOutcome } from '@leakproof/core';
import { analyzeBucketPolicy, type Capability } from './s3-policy.js';

type Payload<T> = Omit<T, '$metadata'>;

/**
 * Everything fetched for one bucket. A call the rules do not need is `skipped`, and so is the bucket's
 * Block Public Access when the account's blocks everything (see `accountBlocksAllPublicAccess`).
 */
export interface RawBucket {
  name: string;
  region: string;
  account: string;
  partition?: string;
  acl: CallOutcome<Payload<GetBucketAclCommandOutput>>;
  policy: CallOutcome<Payload<GetBucketPolicyCommandOutput>>;
  policyStatus: CallOutcome<Payload<GetBucketPolicyStatusCommandOutput>>;
  publicAccessBlock: CallOutcome<Payload<GetPublicAccessBlockCommandOutput>>;
  ownership: CallOutcome<Payload<GetBucketOwnershipControlsCommandOutput>>;
  encryption: CallOutcome<Payload<GetBucketEncryptionCommandOutput>>;
  versioning: CallOutcome<Payload<GetBucketVersioningCommandOutput>>;
  logging: CallOutcome<Payload<GetBucketLoggingCommandOutput>>;
  objectLock: CallOutcome<Payload<GetObjectLockConfigurationCommandOutput>>;
  tagging: CallOutcome<Payload<GetBucketTaggingCommandOutput>>;
}

/** The account-level Block Public Access configuration (S3 Control). */
export type RawAccountPublicAccessBlock = CallOutcome<{ PublicAccessBlockConfiguration?: PublicAccessBlockConfiguration }>;

const BPA_FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
type BpaFlag = (typeof BPA_FLAGS)[number];

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

/** One Block Public Access flag at one level, as a verdict. */
function bpaFlag(level: 'bucket' | 'account', outcome: CallOutcome<{ PublicAccessBlockConfiguration?: PublicAccessBlockConfiguration }>, flag: BpaFlag): Verdict {
  switch (outcome.status) {
    case 'ok': {
      const on = outcome.value.PublicAccessBlockConfiguration?.[flag] === true;
      return verdict.of(on, `${level} ${flag}=${on}`);
    }
    case 'not-configured':
      return verdict.of(false, `${level} ${flag}=false (no Block Public Access configuration)`);
    default:
      return verdict.unknown(outcomeReason(outcome, `${level} Block Public Access`));
  }
}

/**
 * Whether the account-level Block Public Access has all four flags on. S3 applies the most restrictive
 * combination of the bucket's and the account's settings, so a bucket's own configuration then changes
 * no effective flag: its read is implied and can be skipped.
 */
export function accountBlocksAllPublicAccess(account: RawAccountPublicAccessBlock): boolean {
  return account.status === 'ok' && BPA_FLAGS.every((flag) => account.value.PublicAccessBlockConfiguration?.[flag] === true);
}

/** The effective flag: on at either the bucket or the account level (the most restrictive wins). */
export function effectiveBpa(bucket: RawBucket['publicAccessBlock'], account: RawAccountPublicAccessBlock, flag: BpaFlag): Verdict {
  return verdict.any(bpaFlag('bucket', bucket, flag), bpaFlag('account', account, flag));
}

interface AclAnalysis {
  allUsers: Record<Capability, Verdict>;
  authenticatedUsers: Verdict;
  aclPublic: Verdict;
}

/**
 * Bucket ACL grants to the global groups. On a bucket, READ lets the grantee list objects (reading an
 * object needs the object's own ACL, which leakproof never reads), WRITE lets it create, overwrite
 * and delete objects, WRITE_ACP lets it rewrite the ACL (so anything), FULL_CONTROL is all of these.
 */
function analyzeAcl(outcome: RawBucket['acl']): AclAnalysis {
  if (outcome.status !== 'ok') {
    const why = outcomeReason(outcome, 'the bucket ACL');
    const u = verdict.unknown(why);
    return { allUsers: { read: verdict.of(false, 'a bucket ACL never grants object reads'), list: u, write: u }, authenticatedUsers: u, aclPublic: u };
  }
  const grants = outcome.value.Grants ?? [];
  const perms = (uri: string) => grants.filter((g) => g.Grantee?.Type === 'Group' && g.Grantee.URI === uri).map((g) => String(g.Permission));
  const all = perms(ALL_USERS);
  const auth = perms(AUTHENTICATED_USERS);
  const has = (list: string[], ...p: string[]) => list.find((x) => p.includes(x));
  const listGrant = has(all, 'READ', 'FULL_CONTROL');
  const writeGrant = has(all, 'WRITE', 'WRITE_ACP', 'FULL_CONTROL');
  return {
    allUsers: {
      read: verdict.of(false, 'a bucket ACL never grants object reads'),
      list: listGrant ? verdict.of(true, `ACL grant to AllUsers: ${listGrant} (lists objects)`) : verdict.of(false, 'no ACL grant of READ or FULL_CONTROL to AllUsers'),
      write: writeGrant ? verdict.of(true, `ACL grant to AllUsers: ${writeGrant}${writeGrant === 'WRITE_ACP' ? ' (can rewrite the ACL)' : ''}`) : verdict.of(false, 'no ACL grant of WRITE, WRITE_ACP or FULL_CONTROL to AllUsers'),
    },
    authenticatedUsers: auth.length ? verdict.of(true, `ACL grant to AuthenticatedUsers: ${auth.join(', ')}`) : verdict.of(false, 'no ACL grant to AuthenticatedUsers'),
    aclPublic: all.length || auth.length
      ? verdict.of(true, ...all.map((p) => `ACL grant to AllUsers: ${p}`), ...auth.map((p) => `ACL grant to AuthenticatedUsers: ${p}`))
      : verdict.of(false, 'ACL grants nothing to AllUsers or AuthenticatedUsers'),
  };
}

interface PolicyAnalysis {
  grants: Record<Capability, Verdict>;
  policyPublic: Verdict;
  tlsEnforced: Verdict;
}

function analyzePolicy(policy: RawBucket['policy'], status: RawBucket['policyStatus']): PolicyAnalysis {
  if (policy.status === 'not-configured') {
    const none = verdict.of(false, 'bucket policy: none');
    return { grants: { read: none, list: none, write: none }, policyPublic: none, tlsEnforced: verdict.of(false, 'no bucket policy, so nothing denies requests without TLS') };
  }
  if (policy.status !== 'ok' || policy.value.Policy === undefined) {
    const u = verdict.unknown(policy.status === 'ok' ? 'the bucket policy is empty' : outcomeReason(policy, 'the bucket policy'));
    return { grants: { read: u, list: u, write: u }, policyPublic: crossCheck(u, status), tlsEnforced: u };
  }
  const analysis = analyzeBucketPolicy(policy.value.Policy);
  const awsSaysPublic = status.status === 'ok' ? status.value.PolicyStatus?.IsPublic === true : undefined;
  const grants = {} as Record<Capability, Verdict>;
  for (const cap of ['read', 'list', 'write'] as Capability[]) {
    const granting = analysis.publicGrants.filter((g) => g.capabilities.includes(cap));
    let v = granting.length
      ? verdict.of(true, ...granting.map((g) => `bucket policy statement ${g.statement}: Allow ${cap} to ${g.why}`))
      : verdict.of(false, analysis.restricted.length ? analysis.restricted.join('; ') : `bucket policy grants no public ${cap}`);
    // AWS's GetBucketPolicyStatus applies AWS's own definition. When it disagrees with this reading,
    // the evidence says so: a policy AWS calls public that leakproof cannot place is left unknown for
    // review; a statement AWS does not call public is not reported as public.
    if (awsSaysPublic === true && analysis.publicGrants.length === 0) {
      v = verdict.unknown(`GetBucketPolicyStatus reports the policy public but leakproof found no public statement granting ${cap}; review the policy`, ...v.evidence);
    } else if (awsSaysPublic === false && v.value === true) {
      v = verdict.of(false, ...v.evidence, "GetBucketPolicyStatus: IsPublic=false (disagrees; AWS's own verdict is used)");
    } else if (awsSaysPublic !== undefined && v.value === true) {
      v = verdict.of(true, ...v.evidence, `GetBucketPolicyStatus: IsPublic=${awsSaysPublic} (agrees)`);
    }
    grants[cap] = v;
  }
  const anyPublic = analysis.publicGrants.length
    ? verdict.of(true, ...analysis.publicGrants.map((g) => `bucket policy statement ${g.statement}: ${g.why}`))
    : verdict.of(false, analysis.restricted.length ? analysis.restricted.join('; ') : 'bucket policy grants nothing to everyone');
  return { grants, policyPublic: crossCheck(anyPublic, status), tlsEnforced: verdict.of(analysis.tlsEnforced.value, analysis.tlsEnforced.evidence) };
}

/** GetBucketPolicyStatus is AWS's own verdict on the whole policy; it is authoritative for `policyPublic`. */
function crossCheck(ours: Verdict, status: RawBucket['policyStatus']): Verdict {
  if (status.status !== 'ok') return ours;
  const aws = status.value.PolicyStatus?.IsPublic === true;
  if (ours.value === undefined) return verdict.of(aws, `GetBucketPolicyStatus: IsPublic=${aws} (the policy itself could not be read)`);
  if (ours.value === aws) return { ...ours, evidence: [...ours.evidence, `GetBucketPolicyStatus: IsPublic=${aws} (agrees)`] };
  return verdict.of(aws, ...ours.evidence, `GetBucketPolicyStatus: IsPublic=${aws} (disagrees with leakproof's reading of the policy; AWS's verdict is used)`);
}

/** Pure: raw S3 responses for one bucket (and the account BPA) to a storage-bucket resource. */
export function normalizeBucket(raw: RawBucket, accountBpa: RawAccountPublicAccessBlock): Resource {
  const partition = raw.partition ?? 'aws';
  const bpa = Object.fromEntries(BPA_FLAGS.map((f) => [f, effectiveBpa(raw.publicAccessBlock, accountBpa, f)])) as Record<BpaFlag, Verdict>;
  // For judging grants, an account-level Block Public Access that could not be read counts as off: a
  // public grant is then still reported, saying the unreadable guard might neutralise it.
  const grantGuard = (flag: BpaFlag): Verdict =>
    verdict.any(bpaFlag('bucket', raw.publicAccessBlock, flag), verdict.unreadableGuardAsOff(bpaFlag('account', accountBpa, flag), `account-level Block Public Access ${flag}`));
  const acl = analyzeAcl(raw.acl);
  const policy = analyzePolicy(raw.policy, raw.policyStatus);
  // IgnorePublicAcls cancels public ACL grants; RestrictPublicBuckets cancels public policies.
  const ignoreAcls = grantGuard('IgnorePublicAcls');
  const restrictPolicies = grantGuard('RestrictPublicBuckets');
  const viaAcl = (v: Verdict) => verdict.all(v, verdict.not(ignoreAcls));
  const viaPolicy = (v: Verdict) => verdict.all(v, verdict.not(restrictPolicies));
  const facts: Record<string, Fact> = {};
  const put = (name: string, v: Verdict) => (facts[name] = verdictFact(v));
  put('publicRead', verdict.any(viaAcl(acl.allUsers.read), viaPolicy(policy.grants.read)));
  put('publicList', verdict.any(viaAcl(acl.allUsers.list), viaPolicy(policy.grants.list)));
  put('publicWrite', verdict.any(viaAcl(acl.allUsers.write), viaPolicy(policy.grants.write)));
  put('authenticatedUsersAccess', viaAcl(acl.authenticatedUsers));
  put('publicAccessPrevention', verdict.all(...BPA_FLAGS.map((f) => bpa[f])));
  if (raw.acl.status !== 'skipped') put('aclPublic', acl.aclPublic);
  if (raw.policy.status !== 'skipped') {
    put('policyPublic', policy.policyPublic);
    put('tlsEnforced', policy.tlsEnforced);
  }
  Object.assign(facts, ownershipFacts(raw.ownership), encryptionFacts(raw.encryption), versioningFacts(raw.versioning), loggingFacts(raw.logging), objectLockFacts(raw.objectLock));
  return {
    id: `arn:${partition}:s3:::${raw.name}`,
    kind: 'storage-bucket',
    provider: 'aws',
    account: raw.account,
    region: raw.region,
    name: raw.name,
    type: 'AWS::S3::Bucket',
    tags: raw.tagging.status === 'ok' ? Object.fromEntries((raw.tagging.value.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])) : {},
    // NoSuchTagSet is a bucket without tags; a refused or failed read leaves its classification unknown.
    ...(raw.tagging.status === 'failed' || raw.tagging.status === 'unknown' ? { tagsUnknown: outcomeReason(raw.tagging, 'GetBucketTagging') } : {}),
    facts,
  };
}

/** Facts from one call: unknown (with the reason) when it failed, absent when skipped. */
function fromCall<T>(outcome: CallOutcome<T>, names: string[], ok: (value: T | undefined, notConfigured: string | undefined) => Record<string, Fact>): Record<string, Fact> {
  if (outcome.status === 'skipped') return {};
  if (outcome.status === 'failed' || outcome.status === 'unknown') return Object.fromEntries(names.map((n) => [n, { unknown: outcomeReason(outcome) }]));
  return ok(outcome.status === 'ok' ? outcome.value : undefined, outcome.status === 'not-configured' ? outcome.code : undefined);
}

function ownershipFacts(o: RawBucket['ownership']): Record<string, Fact> {
  return fromCall(o, ['aclsDisabled'], (v) => {
    const setting = v?.OwnershipControls?.Rules?.[0]?.ObjectOwnership;
    return { aclsDisabled: fact(setting === 'BucketOwnerEnforced', setting ? `ObjectOwnership=${setting}` : 'no ownership controls (ACLs enabled)') };
  });
}

function encryptionFacts(o: RawBucket['encryption']): Record<string, Fact> {
  return fromCall(o, ['encryptionAtRest', 'encryptionKeyId'], (v, notConfigured): Record<string, Fact> => {
    const rule = v?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault;
    if (notConfigured || !rule?.SSEAlgorithm) {
      // Since January 2023 S3 encrypts every new object with SSE-S3 when no default is configured.
      return { encryptionAtRest: fact('provider-managed', 'no default encryption configured; S3 applies SSE-S3 to new objects') };
    }
    const algorithm = rule.SSEAlgorithm;
    const key = rule.KMSMasterKeyID;
    if (algorithm === 'AES256') return { encryptionAtRest: fact('provider-managed', 'default encryption: SSE-S3 (AES256)') };
    if (!key || /alias\/aws\/s3$/.test(key)) return { encryptionAtRest: fact('provider-managed', `default encryption: ${algorithm} with the AWS managed key aws/s3`) };
    return { encryptionAtRest: fact('customer-managed', `default encryption: ${algorithm} with ${key}`), encryptionKeyId: fact(key, `KMSMasterKeyID=${key}`) };
  });
}

function versioningFacts(o: RawBucket['versioning']): Record<string, Fact> {
  return fromCall(o, ['versioning', 'mfaDelete'], (v) => ({
    versioning: fact(v?.Status === 'Enabled', `versioning: ${v?.Status ?? 'never enabled'}`),
    mfaDelete: fact(v?.MFADelete === 'Enabled', `MFADelete: ${v?.MFADelete ?? 'not enabled'}`),
  }));
}

function loggingFacts(o: RawBucket['logging']): Record<string, Fact> {
  return fromCall(o, ['accessLogging'], (v) => {
    const target = v?.LoggingEnabled;
    return { accessLogging: target ? fact(true, `server access logging to ${target.TargetBucket ?? '?'}/${target.TargetPrefix ?? ''}`) : fact(false, 'server access logging: not enabled') };
  });
}

function objectLockFacts(o: RawBucket['objectLock']): Record<string, Fact> {
  return fromCall(o, ['objectLock'], (v) => {
    const c = v?.ObjectLockConfiguration;
    const retention = c?.Rule?.DefaultRetention;
    const detail = retention ? ` (${retention.Mode ?? ''} ${retention.Days ?? retention.Years ?? ''}${retention.Days ? ' days' : retention.Years ? ' years' : ''})` : '';
    return { objectLock: fact(c?.ObjectLockEnabled === 'Enabled', c?.ObjectLockEnabled === 'Enabled' ? `object lock: Enabled${detail}` : 'object lock: not configured') };
  });
}

/** The account-wide S3 Block Public Access as an `account` resource. */
export function normalizeAccountPublicAccessBlock(account: string, outcome: RawAccountPublicAccessBlock, partition = 'aws'): Resource {
  const v = verdict.all(...BPA_FLAGS.map((f) => bpaFlag('account', outcome, f)));
  return {
    id: `arn:${partition}::${account}:account`,
    kind: 'account',
    provider: 'aws',
    account,
    region: 'global',
    name: account,
    type: 'AWS::Account',
    tags: {},
    facts: { storagePublicAccessPrevention: verdictFact(v) },
  };
}
