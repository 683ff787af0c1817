import { xml, type FakeAwsEstate, type FakeResponse } from './fake-aws-server.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/**
 * A generated estate for benchmarks: `buckets` buckets over three regions, a fifth with a public ACL,
 * a seventh with a public policy, a third with Block Public Access, the rest private.
 */
export function syntheticAwsEstate(options: { buckets: number; account?: string }): FakeAwsEstate {
  const account = options.account ?? '111122223333';
  const regions = ['eu-west-1', 'us-east-1', 'eu-central-1'];
  const buckets = Array.from({ length: options.buckets }, (_, i) => {
    const name = `bench-bucket-${String(i).padStart(5, '0')}`;
    const responses: Partial<Record<string, FakeResponse>> = {
      encryption: xml(`<ServerSideEncryptionConfiguration xmlns="${NS}"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`),
    };
    if (i % 5 === 0) {
      responses.acl = xml(
        `<AccessControlPolicy xmlns="${NS}"><Owner><ID>o</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`,
      );
    }
    if (i % 7 === 0) {
      responses.policy = { status: 200, contentType: 'application/json', body: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${name}/*` }] }) };
      responses.policyStatus = xml(`<PolicyStatus xmlns="${NS}"><IsPublic>true</IsPublic></PolicyStatus>`);
    }
    if (i % 3 === 0) {
      responses.publicAccessBlock = xml(
        `<PublicAccessBlockConfiguration xmlns="${NS}"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`,
      );
    }
    return { name, region: regions[i % regions.length]!, responses };
  });
  return {
    account,
    callerArn: `arn:aws:iam::${account}:user/bench`,
    regions: Object.fromEntries(regions.map((r) => [r, 'opt-in-not-required'])),
    buckets,
    bucketPageSize: 1000,
    query: {},
  };
}
