import { xml, type FakeAwsEstate, type FakeResponse } from './fake-aws-server.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const S3_CONTROL_NS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';

/** Seventeen commercial regions, as an account with every default region enabled has them. */
export const SYNTHETIC_AWS_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
] as const;

/** DescribeSecurityGroups answers at most 1,000 groups a page. */
const SG_PAGE = 1000;

/**
 * A generated estate for benchmarks over 17 regions: `buckets` buckets (a fifth with a public ACL, a
 * seventh with a public policy, a third with Block Public Access, the rest private) and
 * `securityGroups` security groups (a tenth open to the internet on PostgreSQL, the rest admitting
 * HTTPS from a private range), paged as EC2 pages them. With `accountBlockPublicAccess`, the account's
 * S3 Block Public Access has all four flags on, as AWS's recommended setting for accounts has them.
 */
export function syntheticAwsEstate(options: { buckets: number; securityGroups?: number; account?: string; accountBlockPublicAccess?: boolean }): FakeAwsEstate {
  const account = options.account ?? '111122223333';
  const regions = SYNTHETIC_AWS_REGIONS;
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
    query: securityGroupPages(account, options.securityGroups ?? 0),
    ...(options.accountBlockPublicAccess
      ? { accountPublicAccessBlock: xml(`<PublicAccessBlockConfiguration xmlns="${S3_CONTROL_NS}"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>`) }
      : {}),
  };
}

/** `ec2/<region>/DescribeSecurityGroups[.<token>]` answers for `count` groups spread over the regions. */
function securityGroupPages(account: string, count: number): Record<string, FakeResponse> {
  const byRegion = new Map<string, string[]>();
  for (let i = 0; i < count; i++) {
    const region = SYNTHETIC_AWS_REGIONS[i % SYNTHETIC_AWS_REGIONS.length]!;
    const id = `sg-${i.toString(16).padStart(17, '0')}`;
    const source = i % 10 === 0 ? '0.0.0.0/0' : '10.0.0.0/16';
    const port = i % 10 === 0 ? 5432 : 443;
    const rule = `<item><ipProtocol>tcp</ipProtocol><fromPort>${port}</fromPort><toPort>${port}</toPort><groups/><ipRanges><item><cidrIp>${source}</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>`;
    const ssh = `<item><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><groups/><ipRanges><item><cidrIp>10.1.0.0/24</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item>`;
    const item = `<item><ownerId>${account}</ownerId><groupId>${id}</groupId><groupName>bench-${i}</groupName><groupDescription>bench group ${i}</groupDescription><vpcId>vpc-0bench</vpcId><ipPermissions>${rule}${ssh}</ipPermissions><ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress></item>`;
    const list = byRegion.get(region) ?? [];
    list.push(item);
    byRegion.set(region, list);
  }
  const query: Record<string, FakeResponse> = {};
  for (const [region, items] of byRegion) {
    for (let start = 0, page = 0; start < items.length; start += SG_PAGE, page++) {
      const next = start + SG_PAGE < items.length ? `<nextToken>p${page + 1}</nextToken>` : '';
      const key = `ec2/${region}/DescribeSecurityGroups${page ? `.p${page}` : ''}`;
      query[key] = xml(`<DescribeSecurityGroupsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>BENCH</requestId><securityGroupInfo>${items.slice(start, start + SG_PAGE).join('')}</securityGroupInfo>${next}</DescribeSecurityGroupsResponse>`);
    }
  }
  return query;
}
