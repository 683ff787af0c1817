import { describe, expect, it } from 'vitest';
import { analyzeBucketPolicy } from './s3-policy.js';

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const allowGet = (extra: object = {}) => ({ Sid: 'S', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', ...extra });
const isPublic = (text: string) => analyzeBucketPolicy(text).publicGrants.length > 0;

describe("a bucket policy is public by AWS's definition", () => {
  it.each([
    ['Principal "*"', policy(allowGet())],
    ['Principal {"AWS": "*"}', policy(allowGet({ Principal: { AWS: '*' } }))],
    ['Principal {"AWS": ["*"]}', policy(allowGet({ Principal: { AWS: ['*'] } }))],
    ['NotPrincipal with Allow', policy(allowGet({ Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } }))],
    ['a wildcard in a restricting value', policy(allowGet({ Condition: { StringLike: { 'aws:SourceVpc': 'vpc-*' } } }))],
    ['aws:SourceIp 0.0.0.0/0', policy(allowGet({ Condition: { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } } }))],
    ['aws:SourceIp with a broad public range among narrow ones', policy(allowGet({ Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '0.0.0.0/1'] } } }))],
    ['a negated operator', policy(allowGet({ Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }))],
    ['an IfExists operator (absent for anonymous callers)', policy(allowGet({ Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } } }))],
    ['ForAllValues (true when the key is absent)', policy(allowGet({ Condition: { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgPaths': 'o-a/r-b/ou-c/' } } }))],
    ['a condition on a key that does not identify the caller', policy(allowGet({ Condition: { StringEquals: { 's3:ExistingObjectTag/public': 'yes' } } }))],
    ['a policy variable in the value', policy(allowGet({ Condition: { StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } } }))],
    ['aws:userid in the AROLEID:* pattern', policy(allowGet({ Condition: { StringLike: { 'aws:userid': 'AROAEXAMPLEID:*' } } }))],
    ['an action wildcard', policy(allowGet({ Action: 's3:Get*' }))],
    ['NotAction that leaves reads allowed', policy(allowGet({ Action: undefined, NotAction: 's3:DeleteObject' }))],
  ])('%s is public', (_what, text) => {
    expect(isPublic(text)).toBe(true);
  });

  it.each([
    ['a fixed principal', policy(allowGet({ Principal: { AWS: 'arn:aws:iam::111122223333:role/reader' } }))],
    ['aws:SourceVpce pinned', policy(allowGet({ Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } } }))],
    ['aws:SourceVpc pinned', policy(allowGet({ Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-111bbb22' } } }))],
    ['aws:PrincipalOrgID pinned', policy(allowGet({ Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }))],
    ['aws:PrincipalAccount pinned', policy(allowGet({ Condition: { StringEquals: { 'aws:PrincipalAccount': '111122223333' } } }))],
    ['aws:SourceArn pinned with ArnEquals', policy(allowGet({ Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:cloudfront::111122223333:distribution/E1' } } }))],
    ['aws:SourceAccount pinned', policy(allowGet({ Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }))],
    ['aws:SourceOwner pinned', policy(allowGet({ Condition: { StringEquals: { 'aws:SourceOwner': '111122223333' } } }))],
    ['aws:userid pinned outside AROLEID:*', policy(allowGet({ Condition: { StringEquals: { 'aws:userid': 'AIDAEXAMPLEUSER' } } }))],
    ['aws:SourceIp with a narrow public CIDR', policy(allowGet({ Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } }))],
    ['aws:SourceIp with a private range', policy(allowGet({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }))],
    ['condition keys in another case', policy(allowGet({ Condition: { stringequals: { 'AWS:SOURCEVPCE': 'vpce-1a2b3c4d' } } }))],
    ['ForAnyValue with a fixed org path', policy(allowGet({ Condition: { 'ForAnyValue:StringEquals': { 'aws:PrincipalOrgPaths': 'o-a/r-b/ou-c/' } } }))],
    ['a Deny to everyone', policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' })],
    ['an Allow of an action that exposes nothing', policy(allowGet({ Action: 's3:GetBucketLocation' }))],
  ])('%s is not public', (_what, text) => {
    expect(isPublic(text)).toBe(false);
  });
});

describe('what a public statement exposes', () => {
  it('tells read, list and write apart', () => {
    const a = analyzeBucketPolicy(policy(allowGet({ Action: ['s3:GetObject', 's3:ListBucket'] }), allowGet({ Sid: 'W', Action: 's3:PutObject' })));
    expect(a.publicGrants).toEqual([
      { statement: '"S"', capabilities: ['read', 'list'], why: 'Principal "*" with no condition' },
      { statement: '"W"', capabilities: ['write'], why: 'Principal "*" with no condition' },
    ]);
  });

  it('treats s3:* as read, list and write', () => {
    expect(analyzeBucketPolicy(policy(allowGet({ Action: 's3:*' }))).publicGrants[0]!.capabilities).toEqual(['read', 'list', 'write']);
  });

  it('accepts a single statement object instead of a list', () => {
    expect(isPublic(JSON.stringify({ Statement: allowGet() }))).toBe(true);
  });

  it('reports an invalid document instead of throwing', () => {
    expect(analyzeBucketPolicy('{not json').invalid).toBe('bucket policy is not valid JSON');
  });
});

describe('TLS enforcement', () => {
  const denyInsecure = { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } };

  it('is enforced by a Deny on aws:SecureTransport=false', () => {
    expect(analyzeBucketPolicy(policy(denyInsecure)).tlsEnforced).toEqual({ value: true, evidence: 'bucket policy statement "DenyInsecureTransport": Deny s3:* when aws:SecureTransport=false' });
  });

  it('accepts a boolean false and a different case', () => {
    expect(analyzeBucketPolicy(policy({ ...denyInsecure, Condition: { bool: { 'AWS:SecureTransport': false } } })).tlsEnforced.value).toBe(true);
  });

  it('is not enforced when the Deny covers only some object actions', () => {
    expect(analyzeBucketPolicy(policy({ ...denyInsecure, Action: 's3:PutObject' })).tlsEnforced.value).toBe(false);
  });

  it('is not enforced by an Allow on aws:SecureTransport=true', () => {
    expect(analyzeBucketPolicy(policy({ ...denyInsecure, Effect: 'Allow', Condition: { Bool: { 'aws:SecureTransport': 'true' } } })).tlsEnforced.value).toBe(false);
  });
});
