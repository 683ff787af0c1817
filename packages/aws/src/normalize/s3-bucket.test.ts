import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '@leakproof/core';
import { accountBlocksAllPublicAccess, normalizeBucket, type RawAccountPublicAccessBlock, type RawBucket } from './s3-bucket.js';

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTH_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';
const notConfigured = (code: string) => ({ status: 'not-configured', code }) as const;
const ok = <T>(value: T) => ({ status: 'ok', value }) as const;
const denied = (call: string, permission: string): CallOutcome<never> => ({ status: 'failed', failure: { call, permission, code: 'AccessDenied', category: 'access-denied', message: 'Access Denied' } });
const bpa = (flags: Partial<Record<'BlockPublicAcls' | 'IgnorePublicAcls' | 'BlockPublicPolicy' | 'RestrictPublicBuckets', boolean>>) => ok({ PublicAccessBlockConfiguration: flags });
const grant = (uri: string, Permission: string) => ({ Grantee: { Type: 'Group' as const, URI: uri }, Permission: Permission as 'READ' });
const publicReadPolicy = JSON.stringify({ Statement: [{ Sid: 'Public', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] });

function bucket(overrides: Partial<RawBucket> = {}): RawBucket {
  return {
    name: 'b',
    region: 'eu-west-1',
    account: '111122223333',
    acl: ok({ Grants: [] }),
    policy: notConfigured('NoSuchBucketPolicy'),
    policyStatus: notConfigured('NoSuchBucketPolicy'),
    publicAccessBlock: notConfigured('NoSuchPublicAccessBlockConfiguration'),
    ownership: ok({ OwnershipControls: { Rules: [{ ObjectOwnership: 'ObjectWriter' }] } }),
    encryption: ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }),
    versioning: ok({}),
    logging: ok({}),
    objectLock: notConfigured('ObjectLockConfigurationNotFoundError'),
    tagging: notConfigured('NoSuchTagSet'),
    ...overrides,
  };
}
const noAccountBpa: RawAccountPublicAccessBlock = notConfigured('NoSuchPublicAccessBlockConfiguration');
const facts = (raw: RawBucket, account: RawAccountPublicAccessBlock = noAccountBpa) => normalizeBucket(raw, account).facts;

describe('S3 ACL grants', () => {
  it('lets everyone list, not read, through a bucket ACL READ to AllUsers', () => {
    const f = facts(bucket({ acl: ok({ Grants: [grant(ALL_USERS, 'READ')] }) }));
    expect(f.publicList).toEqual({
      value: true,
      evidence: ['ACL grant to AllUsers: READ (lists objects)', 'bucket IgnorePublicAcls=false (no Block Public Access configuration)', 'account IgnorePublicAcls=false (no Block Public Access configuration)'],
    });
    expect(f.publicRead).toMatchObject({ value: false });
  });

  it('cancels public ACL grants with IgnorePublicAcls on the bucket', () => {
    const f = facts(bucket({ acl: ok({ Grants: [grant(ALL_USERS, 'READ')] }), publicAccessBlock: bpa({ IgnorePublicAcls: true }) }));
    expect(f.publicList).toEqual({ value: false, evidence: ['bucket IgnorePublicAcls=true', 'bucket policy: none'] });
  });

  it('cancels public ACL grants with IgnorePublicAcls on the account', () => {
    const f = facts(bucket({ acl: ok({ Grants: [grant(ALL_USERS, 'FULL_CONTROL')] }) }), bpa({ IgnorePublicAcls: true }));
    expect(f.publicList).toMatchObject({ value: false, evidence: ['account IgnorePublicAcls=true', 'bucket policy: none'] });
    expect(f.publicWrite).toMatchObject({ value: false });
  });

  it('does not cancel ACL grants with BlockPublicAcls alone (it only blocks new ACLs)', () => {
    const f = facts(bucket({ acl: ok({ Grants: [grant(ALL_USERS, 'READ')] }), publicAccessBlock: bpa({ BlockPublicAcls: true }) }));
    expect(f.publicList).toMatchObject({ value: true });
  });

  it('treats WRITE_ACP to AllUsers as public write', () => {
    expect(facts(bucket({ acl: ok({ Grants: [grant(ALL_USERS, 'WRITE_ACP')] }) })).publicWrite).toMatchObject({ value: true, evidence: ['ACL grant to AllUsers: WRITE_ACP (can rewrite the ACL)', expect.any(String), expect.any(String)] });
  });

  it('reports grants to AuthenticatedUsers separately', () => {
    const f = facts(bucket({ acl: ok({ Grants: [grant(AUTH_USERS, 'READ')] }) }));
    expect(f.authenticatedUsersAccess).toMatchObject({ value: true, evidence: ['ACL grant to AuthenticatedUsers: READ', expect.any(String), expect.any(String)] });
    expect(f.publicList).toMatchObject({ value: false });
  });
});

describe("the account's Block Public Access implying the bucket's", () => {
  const allOn = bpa({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });

  it.each([
    ['all four flags on', allOn, true],
    ['one flag off', bpa({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false }), false],
    ['one flag absent', bpa({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true }), false],
    ['no configuration', noAccountBpa, false],
    ['a denied read', denied('s3control:GetPublicAccessBlock', 's3:GetAccountPublicAccessBlock'), false],
  ] as const)('implies every bucket flag with %s: %s', (_, account, implied) => {
    expect(accountBlocksAllPublicAccess(account)).toBe(implied);
  });

  it("decides every access verdict without the bucket's own configuration, on the account's evidence", () => {
    const f = facts(bucket({ acl: ok({ Grants: [grant(ALL_USERS, 'FULL_CONTROL')] }), policy: ok({ Policy: publicReadPolicy }), publicAccessBlock: { status: 'skipped' } }), allOn);
    expect(f.publicList).toEqual({ value: false, evidence: ['account IgnorePublicAcls=true', 'bucket policy grants no public list', 'account RestrictPublicBuckets=true'] });
    expect(f.publicRead).toMatchObject({ value: false });
    expect(f.publicWrite).toMatchObject({ value: false });
    expect(f.publicAccessPrevention).toEqual({ value: true, evidence: ['account BlockPublicAcls=true', 'account IgnorePublicAcls=true', 'account BlockPublicPolicy=true', 'account RestrictPublicBuckets=true'] });
    // What the bucket's own ACL and policy grant is still reported, for a rule that judges them.
    expect(f.aclPublic).toMatchObject({ value: true });
    expect(f.policyPublic).toMatchObject({ value: true });
  });
});

describe('S3 bucket policies', () => {
  it('makes the bucket publicly readable through a public policy', () => {
    const f = facts(bucket({ policy: ok({ Policy: publicReadPolicy }), policyStatus: ok({ PolicyStatus: { IsPublic: true } }) }));
    expect(f.publicRead).toMatchObject({ value: true, evidence: expect.arrayContaining(['bucket policy statement "Public": Allow read to Principal "*" with no condition', 'account RestrictPublicBuckets=false (no Block Public Access configuration)']) });
    expect(f.policyPublic).toMatchObject({ value: true, evidence: expect.arrayContaining(['GetBucketPolicyStatus: IsPublic=true (agrees)']) });
  });

  it('cancels a public policy with RestrictPublicBuckets on the account', () => {
    const f = facts(bucket({ policy: ok({ Policy: publicReadPolicy }) }), bpa({ RestrictPublicBuckets: true }));
    expect(f.publicRead).toEqual({ value: false, evidence: ['a bucket ACL never grants object reads', 'account RestrictPublicBuckets=true'] });
  });

  it('does not cancel an existing public policy with BlockPublicPolicy alone', () => {
    expect(facts(bucket({ policy: ok({ Policy: publicReadPolicy }), publicAccessBlock: bpa({ BlockPublicPolicy: true }) })).publicRead).toMatchObject({ value: true });
  });

  it('leaves access unknown, for review, when AWS calls a policy public that leakproof reads as restricted', () => {
    const restricted = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }] });
    const f = facts(bucket({ policy: ok({ Policy: restricted }), policyStatus: ok({ PolicyStatus: { IsPublic: true } }) }));
    expect(f.publicRead).toMatchObject({ unknown: expect.stringContaining('GetBucketPolicyStatus reports the policy public but leakproof found no public statement granting read') });
    expect(f.policyPublic).toMatchObject({ value: true, evidence: expect.arrayContaining([expect.stringContaining('GetBucketPolicyStatus: IsPublic=true (disagrees')]) });
  });

  it("follows AWS's verdict when AWS does not call a policy public", () => {
    const f = facts(bucket({ policy: ok({ Policy: publicReadPolicy }), policyStatus: ok({ PolicyStatus: { IsPublic: false } }) }));
    expect(f.publicRead).toMatchObject({ value: false, evidence: expect.arrayContaining(["GetBucketPolicyStatus: IsPublic=false (disagrees; AWS's own verdict is used)"]) });
  });
});

describe('denied calls', () => {
  it('makes access verdicts unknown when the ACL cannot be read and nothing else decides them', () => {
    const f = facts(bucket({ acl: denied('s3:GetBucketAcl', 's3:GetBucketAcl') }));
    expect(f.publicList).toEqual({ unknown: 's3:GetBucketAcl was denied (AccessDenied); grant s3:GetBucketAcl', evidence: expect.any(Array) });
  });

  it('still decides a verdict that Block Public Access settles without the denied call', () => {
    const f = facts(bucket({ acl: denied('s3:GetBucketAcl', 's3:GetBucketAcl'), publicAccessBlock: bpa({ IgnorePublicAcls: true, RestrictPublicBuckets: true }) }));
    expect(f.publicList).toMatchObject({ value: false, evidence: expect.arrayContaining(['bucket IgnorePublicAcls=true']) });
  });

  it('leaves the facts of other calls known', () => {
    const f = facts(bucket({ acl: denied('s3:GetBucketAcl', 's3:GetBucketAcl') }));
    expect(f.encryptionAtRest).toEqual({ value: 'provider-managed', evidence: ['default encryption: SSE-S3 (AES256)'] });
  });
});

describe('other bucket settings', () => {
  it('recognises a customer-managed KMS key', () => {
    const f = facts(bucket({ encryption: ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'arn:aws:kms:eu-west-1:1:key/k' } }] } }) }));
    expect(f.encryptionAtRest).toEqual({ value: 'customer-managed', evidence: ['default encryption: aws:kms with arn:aws:kms:eu-west-1:1:key/k'] });
  });

  it('counts aws:kms with the AWS managed key as provider-managed', () => {
    const f = facts(bucket({ encryption: ok({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] } }) }));
    expect(f.encryptionAtRest).toMatchObject({ value: 'provider-managed' });
  });

  it('reads versioning, MFA delete, logging, object lock, ownership and tags', () => {
    const r = normalizeBucket(
      bucket({
        versioning: ok({ Status: 'Enabled', MFADelete: 'Enabled' }),
        logging: ok({ LoggingEnabled: { TargetBucket: 'logs', TargetPrefix: 'b/' } }),
        objectLock: ok({ ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 30 } } } }),
        ownership: ok({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }),
        tagging: ok({ TagSet: [{ Key: 'data', Value: 'phi' }] }),
      }),
      noAccountBpa,
    );
    expect(r.facts).toMatchObject({
      versioning: { value: true },
      mfaDelete: { value: true },
      accessLogging: { value: true, evidence: ['server access logging to logs/b/'] },
      objectLock: { value: true, evidence: ['object lock: Enabled (COMPLIANCE 30 days)'] },
      aclsDisabled: { value: true },
    });
    expect(r.tags).toEqual({ data: 'phi' });
    expect(r.id).toBe('arn:aws:s3:::b');
  });

  it('omits the facts of calls that were skipped', () => {
    expect(facts(bucket({ logging: { status: 'skipped' } })).accessLogging).toBeUndefined();
  });
});
