// The input and output of every AWS call leakproof makes, keyed by its id in the call table. Only
// types are imported here: a request crosses to a request thread as plain data, and the SDK module
// of a service loads only where its requests are made.
import type * as EC2 from '@aws-sdk/client-ec2';
import type * as Organizations from '@aws-sdk/client-organizations';
import type * as RDS from '@aws-sdk/client-rds';
import type * as S3 from '@aws-sdk/client-s3';
import type * as S3Control from '@aws-sdk/client-s3-control';
import type * as STS from '@aws-sdk/client-sts';
import type { AwsCallId } from '../calls.js';
import type { AwsService } from './endpoints.js';

/** `[input, output]` of each call, as the SDK command of that name types them. */
export interface AwsOperations {
  'sts:GetCallerIdentity': [STS.GetCallerIdentityCommandInput, STS.GetCallerIdentityCommandOutput];
  'organizations:ListAccounts': [Organizations.ListAccountsCommandInput, Organizations.ListAccountsCommandOutput];
  'ec2:DescribeRegions': [EC2.DescribeRegionsCommandInput, EC2.DescribeRegionsCommandOutput];
  's3:ListBuckets': [S3.ListBucketsCommandInput, S3.ListBucketsCommandOutput];
  's3control:GetPublicAccessBlock': [S3Control.GetPublicAccessBlockCommandInput, S3Control.GetPublicAccessBlockCommandOutput];
  's3:GetBucketAcl': [S3.GetBucketAclCommandInput, S3.GetBucketAclCommandOutput];
  's3:GetBucketPolicy': [S3.GetBucketPolicyCommandInput, S3.GetBucketPolicyCommandOutput];
  's3:GetBucketPolicyStatus': [S3.GetBucketPolicyStatusCommandInput, S3.GetBucketPolicyStatusCommandOutput];
  's3:GetPublicAccessBlock': [S3.GetPublicAccessBlockCommandInput, S3.GetPublicAccessBlockCommandOutput];
  's3:GetBucketOwnershipControls': [S3.GetBucketOwnershipControlsCommandInput, S3.GetBucketOwnershipControlsCommandOutput];
  's3:GetBucketEncryption': [S3.GetBucketEncryptionCommandInput, S3.GetBucketEncryptionCommandOutput];
  's3:GetBucketVersioning': [S3.GetBucketVersioningCommandInput, S3.GetBucketVersioningCommandOutput];
  's3:GetBucketLogging': [S3.GetBucketLoggingCommandInput, S3.GetBucketLoggingCommandOutput];
  's3:GetObjectLockConfiguration': [S3.GetObjectLockConfigurationCommandInput, S3.GetObjectLockConfigurationCommandOutput];
  's3:GetBucketTagging': [S3.GetBucketTaggingCommandInput, S3.GetBucketTaggingCommandOutput];
  'ec2:DescribeSecurityGroups': [EC2.DescribeSecurityGroupsCommandInput, EC2.DescribeSecurityGroupsCommandOutput];
  'ec2:DescribeInstances': [EC2.DescribeInstancesCommandInput, EC2.DescribeInstancesCommandOutput];
  'ec2:GetEbsEncryptionByDefault': [EC2.GetEbsEncryptionByDefaultCommandInput, EC2.GetEbsEncryptionByDefaultCommandOutput];
  'ec2:DescribeSnapshots': [EC2.DescribeSnapshotsCommandInput, EC2.DescribeSnapshotsCommandOutput];
  'rds:DescribeDBInstances': [RDS.DescribeDBInstancesCommandInput, RDS.DescribeDBInstancesCommandOutput];
  'rds:DescribeDBClusters': [RDS.DescribeDBClustersCommandInput, RDS.DescribeDBClustersCommandOutput];
  'rds:DescribeDBSnapshots': [RDS.DescribeDBSnapshotsCommandInput, RDS.DescribeDBSnapshotsCommandOutput];
  'rds:DescribeDBSnapshotAttributes': [RDS.DescribeDBSnapshotAttributesCommandInput, RDS.DescribeDBSnapshotAttributesCommandOutput];
  'rds:DescribeDBClusterSnapshots': [RDS.DescribeDBClusterSnapshotsCommandInput, RDS.DescribeDBClusterSnapshotsCommandOutput];
  'rds:DescribeDBClusterSnapshotAttributes': [RDS.DescribeDBClusterSnapshotAttributesCommandInput, RDS.DescribeDBClusterSnapshotAttributesCommandOutput];
  'rds:DescribeDBParameters': [RDS.DescribeDBParametersCommandInput, RDS.DescribeDBParametersCommandOutput];
  'rds:DescribeDBClusterParameters': [RDS.DescribeDBClusterParametersCommandInput, RDS.DescribeDBClusterParametersCommandOutput];
}

/** A call leakproof makes through an SDK: every id of the call table. */
export type AwsOperationId = keyof AwsOperations & AwsCallId;

// The map and the call table name the same calls: a call added to one and not the other fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const OPERATIONS_MATCH_CALL_TABLE: Same<keyof AwsOperations, AwsCallId> = true;

/** The input of a call. */
export type AwsInput<K extends AwsOperationId> = AwsOperations[K][0];

/** The output of a call as the collector sees it: without the SDK's `$metadata`, which stays where the request was made. */
export type AwsOutput<K extends AwsOperationId> = Omit<AwsOperations[K][1], '$metadata'>;

/** One request, as it crosses to a request thread: plain data only. */
export interface AwsRequest<K extends AwsOperationId = AwsOperationId> {
  id: K;
  region: string;
  input: AwsInput<K>;
}

/** The service of a call id (`s3:GetBucketAcl` -> `s3`) and its SDK command's name (`GetBucketAclCommand`). */
export function commandOf(id: AwsOperationId): { service: AwsService; command: string } {
  const colon = id.indexOf(':');
  return { service: id.slice(0, colon) as AwsService, command: `${id.slice(colon + 1)}Command` };
}
