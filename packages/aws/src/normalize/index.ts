// `@leakproof/aws/normalize`: the call table and the normalizers, pure functions from raw AWS API
// responses to facts with evidence. Nothing here loads a cloud SDK, so the Terraform plan reader and
// the test servers use them without one.
export { AWS_CALLS, AWS_ERROR_CLASSES, AWS_RATE_LIMITS, AWS_RUNTIME, awsPermissionPolicy, describeAwsError, neededCalls } from '../calls.js';
export type { AwsCall, AwsCallId, NeededFacts } from '../calls.js';
export { analyzeBucketPolicy, RESTRICTING_KEYS } from './s3-policy.js';
export type { BucketPolicyAnalysis, Capability, PublicGrant } from './s3-policy.js';
export { accountBlocksAllPublicAccess, normalizeAccountPublicAccessBlock, normalizeBucket } from './s3-bucket.js';
export type { RawAccountPublicAccessBlock, RawBucket } from './s3-bucket.js';
export { groupExposure, internetIngressOf, judgedGroupExposure, judgeSecurityGroup, normalizeEbsDefaultEncryption, normalizeEbsSnapshot, normalizeInstance, normalizeSecurityGroup, withAttachments } from './ec2.js';
export type { GroupExposure, InternetIngress, JudgedGroup } from './ec2.js';
export { normalizeDbCluster, normalizeDbClusterSnapshot, normalizeDbInstance, normalizeDbSnapshot, tlsRequiredFact } from './rds.js';
export type { RestoreAttribute, TlsParameters } from './rds.js';
