import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { collectAws, awsPermissionPolicy, type AwsCollection } from '@leakproof/aws';
import { audit, auditVerdict, loadPolicies, type CollectionProgress, type Resource } from '@leakproof/core';
import { loadFakeAwsEstate, startFakeAws, startFaultProxy, xml, type FakeAwsServer } from '@leakproof/testkit';
import { factValue, resourceNamed } from './helpers/resources.js';

const estateDir = fileURLToPath(new URL('./fixtures/aws/estate/', import.meta.url));
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET };

let server: FakeAwsServer;
let collection: AwsCollection;
const progress: CollectionProgress[] = [];
const byName = (name: string, kind?: Resource['kind']): Resource => resourceNamed(collection.resources, name, kind);
const value = (name: string, fact: string, kind?: Resource['kind']) => factValue(collection.resources, name, fact, kind);

beforeAll(async () => {
  server = await startFakeAws(loadFakeAwsEstate(estateDir));
  collection = await collectAws({ credentials, env: { AWS_ENDPOINT_URL: server.endpoint }, concurrency: 8, maxAttempts: 4, pageSize: 5, now: new Date('2026-11-25T00:00:00Z'), onProgress: (p) => progress.push(p) });
});
afterAll(() => server.close());

describe('S3 buckets judged by AWS’s meaning of public', () => {
  it('lists every bucket across ListBuckets pages, with the region ListBuckets returns', () => {
    const buckets = collection.resources.filter((r) => r.kind === 'storage-bucket');
    expect(buckets).toHaveLength(12);
    expect(byName('clinic-us-logs').region).toBe('us-east-1');
    expect(server.requests.filter((r) => r === 's3 ListBuckets')).toHaveLength(3);
    expect(server.requests.some((r) => r.includes('location'))).toBe(false);
  });

  it.each([
    ['clinic-photos-acl', 'publicList', true],
    ['clinic-photos-acl', 'publicRead', false],
    ['clinic-invoices-policy', 'publicRead', true],
    ['clinic-acl-ignored', 'publicList', false],
    ['clinic-policy-restricted', 'publicRead', false],
    ['clinic-vpce-only', 'publicRead', false],
    ['clinic-notprincipal', 'publicRead', true],
    ['clinic-broad-ip', 'publicRead', true],
    ['clinic-authenticated', 'authenticatedUsersAccess', true],
    ['clinic-authenticated', 'publicList', false],
    ['clinic-private', 'publicRead', false],
    ['clinic-private', 'publicAccessPrevention', true],
    ['clinic-private', 'encryptionAtRest', 'customer-managed'],
    ['clinic-private', 'tlsEnforced', true],
    ['clinic-private', 'versioning', true],
    ['clinic-private', 'mfaDelete', true],
    ['clinic-private', 'accessLogging', true],
    ['clinic-private', 'objectLock', true],
    ['clinic-private', 'aclsDisabled', true],
    ['clinic-photos-acl', 'encryptionAtRest', 'provider-managed'],
    ['clinic-photos-acl', 'tlsEnforced', false],
  ] as const)('%s has %s = %s', (bucket, fact, expected) => {
    expect(value(bucket, fact)).toBe(expected);
  });

  it('carries the evidence chain and AWS’s own policy status', () => {
    expect(byName('clinic-invoices-policy').facts.publicRead).toEqual({
      value: true,
      evidence: [
        'bucket policy statement "PublicRead": Allow read to Principal "*" with no condition',
        'GetBucketPolicyStatus: IsPublic=true (agrees)',
        'bucket RestrictPublicBuckets=false (no Block Public Access configuration)',
        'account RestrictPublicBuckets=false (no Block Public Access configuration)',
      ],
    });
    expect(byName('clinic-invoices-policy').facts.policyPublic).toMatchObject({ value: true, evidence: expect.arrayContaining(['GetBucketPolicyStatus: IsPublic=true (agrees)']) });
  });

  it('reads tags', () => expect(byName('clinic-private').tags).toEqual({ data: 'phi', owner: 'platform' }));

  it('retries a throttled call and gets the answer', () => {
    expect(value('clinic-throttled', 'publicRead')).toBe(true);
    expect(server.requests.filter((r) => r === 's3 policy clinic-throttled')).toHaveLength(3);
  });

  it('marks what a denied call feeds as unknown, keeps the rest, and says which permission is missing', () => {
    expect(byName('clinic-acl-denied').facts.publicList).toMatchObject({ unknown: 's3:GetBucketAcl was denied (AccessDenied); grant s3:GetBucketAcl' });
    expect(value('clinic-acl-denied', 'encryptionAtRest')).toBe('provider-managed');
    expect(collection.notices).toContainEqual(expect.objectContaining({ call: 's3:GetBucketAcl', permission: 's3:GetBucketAcl', resourceId: 'arn:aws:s3:::clinic-acl-denied', level: 'warning' }));
  });

  it('reports the account-wide Block Public Access', () => {
    expect(collection.resources.find((r) => r.id === 'arn:aws::111122223333:account')!.facts.storagePublicAccessPrevention).toMatchObject({ value: false });
  });
});

describe('EC2 and RDS exposure', () => {
  it('reads security groups across pages and names the exposed database ports', () => {
    expect(collection.resources.filter((r) => r.kind === 'network-firewall')).toHaveLength(5);
    expect(value('db-public (sg-0db0public0000001)', 'internetIngressDatabasePorts')).toEqual(['PostgreSQL 5432/tcp from 0.0.0.0/0']);
    expect(value('search-broad (sg-0es0broad00000002)', 'internetIngressDatabasePorts')).toEqual(['Elasticsearch/OpenSearch 9200/tcp from 0.0.0.0/1', 'Elasticsearch/OpenSearch transport 9300/tcp from 0.0.0.0/1']);
    expect(value('legacy-open (sg-0all0ipv600000003)', 'internetIngressAllTraffic')).toBe(true);
    expect(value('db-private (sg-0private000000004)', 'internetIngressDatabasePorts')).toEqual([]);
    expect(value('db-office (sg-0narrow0000000005)', 'internetIngressDatabasePorts')).toEqual([]);
    expect(value('db-public (sg-0db0public0000001)', 'appliesTo')).toEqual(['instance i-0worker0000000002', 'rds:patients-public', 'rds:analytics-private']);
  });

  it('finds an instance with a public IP behind a group open on a database port', () => {
    expect(value('search-node (i-0search0000000001)', 'internetReachableDatabase')).toBe(true);
    expect(value('worker (i-0worker0000000002)', 'internetReachableDatabase')).toBe(false);
  });

  it('calls a database reachable only when it is public AND a group admits a public range on its port', () => {
    expect(byName('patients-public').facts.internetReachable).toEqual({
      value: true,
      evidence: ['PubliclyAccessible=true', 'security group sg-0db0public0000001 (db-public) allows tcp 5432 from 0.0.0.0/0', 'the database listens on 5432'],
    });
    expect(value('patients-office', 'internetReachable')).toBe(false);
    expect(value('patients-office', 'publiclyAccessible')).toBe(true);
    expect(value('analytics-private', 'internetReachable')).toBe(false);
    expect(value('analytics-private', 'encryptionAtRest')).toBe('none');
  });

  it('reads TLS enforcement from each parameter group once, with the engine default when unset', () => {
    expect(byName('patients-public').facts.tlsRequired).toEqual({ value: false, evidence: ['parameter group pg-legacy: rds.force_ssl=0'] });
    expect(value('patients-office', 'tlsRequired')).toBe(true);
    expect(byName('analytics-private').facts.tlsRequired).toEqual({ value: false, evidence: ['parameter group mysql-default: require_secure_transport not set (engine default off)'] });
    expect(server.requests.filter((r) => r === 'rds DescribeDBParameters')).toHaveLength(3);
  });

  it('finds public EBS and RDS snapshots, and ignores automated ones', () => {
    expect(value('snap-0public00000001', 'public')).toBe(true);
    expect(value('snap-0private0000002', 'public')).toBe(false);
    expect(value('patients-2024-export', 'public')).toBe(true);
    expect(value('patients-2024-export', 'ageDays')).toBe(841);
    expect(value('patients-manual-private', 'public')).toBe(false);
    expect(value('rds:patients-public-2026-11-24', 'public')).toBe(false);
    expect(server.requests.filter((r) => r === 'rds DescribeDBSnapshotAttributes')).toHaveLength(2);
  });

  it('goes on with other regions when one call is denied in a region, and says so', () => {
    expect(collection.notices).toContainEqual(expect.objectContaining({ call: 'rds:DescribeDBInstances', permission: 'rds:DescribeDBInstances' }));
    expect(collection.resources.some((r) => r.region === 'us-east-1' && r.kind === 'account')).toBe(true);
  });
});

describe('the audit over a collected estate', () => {
  const outcome = (rule: string, resource: string) => {
    const result = audit({ resources: collection.resources, policies: loadPolicies(), notices: collection.notices });
    return result.findings.find((f) => f.rule.id === rule && f.resource.name === resource)?.status;
  };

  it('fails the real exposures and passes the restricted buckets', () => {
    expect(outcome('storage-public-read', 'clinic-invoices-policy')).toBe('fail');
    expect(outcome('storage-public-read', 'clinic-notprincipal')).toBe('fail');
    expect(outcome('storage-public-read', 'clinic-broad-ip')).toBe('fail');
    expect(outcome('storage-public-list', 'clinic-photos-acl')).toBe('fail');
    expect(outcome('storage-public-read', 'clinic-vpce-only')).toBe('pass');
    expect(outcome('storage-public-read', 'clinic-policy-restricted')).toBe('pass');
    expect(outcome('storage-public-list', 'clinic-acl-ignored')).toBe('pass');
    expect(outcome('database-internet-reachable', 'patients-public')).toBe('fail');
    expect(outcome('database-internet-reachable', 'patients-office')).toBe('pass');
    expect(outcome('snapshot-public', 'patients-2024-export')).toBe('fail');
  });

  it('does not evaluate rules whose facts a denied call would have given', () => {
    expect(outcome('storage-public-list', 'clinic-acl-denied')).toBe('not-evaluated');
    expect(outcome('storage-encryption-at-rest', 'clinic-acl-denied')).toBe('pass');
  });

  it('classifies a public snapshot by the database it was taken from, so it shows as PHI', () => {
    const result = audit({ resources: collection.resources, policies: loadPolicies(), classificationTags: [{ key: 'data' }] });
    const exported = result.findings.find((f) => f.rule.id === 'snapshot-public' && f.resource.name === 'patients-2024-export');
    expect(exported).toMatchObject({ status: 'fail', severity: 'critical', classification: 'phi', resource: { tags: {}, dataFrom: ['arn:aws:rds:eu-west-1:111122223333:db:patients-public'] } });
    expect(exported?.resource.facts.dataClassification).toEqual({ value: 'phi', evidence: ['tag data=phi on patients-public, whose data it holds'] });
  });

  it('leaves the classification of a bucket whose tags it could not read unknown, and the severity of its failures in doubt', () => {
    expect(byName('clinic-acl-denied').tagsUnknown).toBe('s3:GetBucketTagging was denied (AccessDenied); grant s3:GetBucketTagging');
    const result = audit({ resources: collection.resources, policies: loadPolicies(), notices: collection.notices, scopes: collection.scopes });
    const versioning = result.findings.find((f) => f.rule.id === 'storage-versioning' && f.resource.name === 'clinic-acl-denied');
    expect(versioning).toMatchObject({ status: 'fail', severity: 'low', potentialSeverity: 'high' });
    expect(auditVerdict(result, { failOn: 'high' }).incomplete).toContainEqual(expect.stringMatching(/^rule storage-versioning failed at low on 1 resource\(s\) whose tags could not be read; on classified data it is up to high, at or above high: .*clinic-acl-denied/));
  });
});

describe('calls follow the enabled rules', () => {
  it('makes only the calls the enabled rules need', async () => {
    const s = await startFakeAws(loadFakeAwsEstate(estateDir));
    try {
      const policies = loadPolicies();
      const rules = policies.rules.filter((r) => r.id === 'storage-public-read');
      const needed = { 'storage-bucket': new Set(rules.flatMap((r) => r.assert.facts)) };
      await collectAws({ credentials, env: { AWS_ENDPOINT_URL: s.endpoint }, needed, regions: ['eu-west-1'] });
      const kinds = new Set(s.requests.map((r) => r.split(' ').slice(0, 2).join(' ')));
      expect(kinds.has('s3 acl')).toBe(true);
      expect(kinds.has('s3 policy')).toBe(true);
      expect(kinds.has('s3 versioning')).toBe(false);
      expect(kinds.has('s3 logging')).toBe(false);
      expect(kinds.has('rds DescribeDBInstances')).toBe(false);
    } finally {
      await s.close();
    }
  });

  it("does not read a bucket's Block Public Access when the account's blocks all public access", async () => {
    const estate = loadFakeAwsEstate(estateDir);
    estate.accountPublicAccessBlock = xml(
      '<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>',
    );
    const s = await startFakeAws(estate);
    try {
      const blocked = await collectAws({ credentials, env: { AWS_ENDPOINT_URL: s.endpoint }, regions: ['eu-west-1'] });
      expect(s.requests.filter((r) => r.startsWith('s3 publicAccessBlock '))).toEqual([]);
      expect(s.requests.some((r) => r.startsWith('s3 acl '))).toBe(true);
      const photos = resourceNamed(blocked.resources, 'clinic-photos-acl');
      expect(photos.facts.publicList).toEqual({ value: false, evidence: ['account IgnorePublicAcls=true', 'bucket policy: none', 'account RestrictPublicBuckets=true'] });
      expect(photos.facts.publicAccessPrevention).toMatchObject({ value: true });
      expect(photos.facts.aclPublic).toMatchObject({ value: true });
    } finally {
      await s.close();
    }
  });

  it('generates a least-privilege policy from the same table', () => {
    const policy = awsPermissionPolicy({ 'storage-bucket': new Set(['versioning']) });
    expect(policy.Statement[0]!.Action).toEqual(['ec2:DescribeRegions', 'organizations:ListAccounts', 's3:GetBucketTagging', 's3:GetBucketVersioning', 's3:ListAllMyBuckets', 'sts:GetCallerIdentity']);
    expect(awsPermissionPolicy({ 'storage-bucket': new Set(['publicRead']) }).Statement[0]!.Action).toContain('s3:GetBucketPolicyStatus');
  });

  it('skips a requested region that is not enabled, with a note', async () => {
    const s = await startFakeAws(loadFakeAwsEstate(estateDir));
    try {
      const c = await collectAws({ credentials, env: { AWS_ENDPOINT_URL: s.endpoint }, regions: ['ap-east-1', 'eu-west-1'] });
      expect(c.notices).toContainEqual(expect.objectContaining({ level: 'note', message: 'region ap-east-1 is not enabled for account 111122223333; skipped' }));
      expect(c.resources.some((r) => r.region === 'ap-east-1')).toBe(false);
      expect(c.resources.some((r) => r.region === 'eu-west-1')).toBe(true);
    } finally {
      await s.close();
    }
  });
});

describe('order of calls', () => {
  it('lists the buckets while the regions are still being described', async () => {
    const s = await startFakeAws(loadFakeAwsEstate(estateDir));
    // STS and EC2 speak the query protocol (POST /): the first is GetCallerIdentity, the second
    // DescribeRegions, which never answers; the regions' own listings follow its timeout.
    const proxy = await startFaultProxy(s.endpoint, [
      { match: /^POST /, fault: { kind: 'delay', ms: 0 }, times: 1 },
      { match: /^POST /, fault: { kind: 'hang' }, times: 1 },
    ]);
    try {
      const c = await collectAws({ credentials, env: { AWS_ENDPOINT_URL: proxy.endpoint }, timeouts: { connect: 1000, response: 2000 }, maxAttempts: 1 });
      const posts = proxy.requests.flatMap((r, i) => (r.startsWith('POST ') ? [i] : []));
      const listingPages = proxy.requests.flatMap((r, i) => (r.includes('x-id=ListBuckets') ? [i] : []));
      // Three pages, each asked for once the one before answered: all before the first region call.
      expect(listingPages).toHaveLength(3);
      expect(Math.max(...listingPages)).toBeLessThan(posts[2]!);
      expect(c.resources.filter((r) => r.kind === 'storage-bucket')).toHaveLength(12);
      expect(c.notices.some((n) => n.call === 'ec2:DescribeRegions')).toBe(true);
    } finally {
      await proxy.close();
      await s.close();
    }
  });
});

describe('secrets', () => {
  it('never puts a credential into resources or notices', () => {
    const text = JSON.stringify(collection);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(credentials.accessKeyId);
  });
});

describe('progress', () => {
  it('counts regions, S3 buckets and RDS snapshots to the end, with the calls made', () => {
    const last = progress.at(-1);
    const count = (...types: string[]) => collection.resources.filter((r) => types.includes(r.type ?? '')).length;
    const regions = collection.scopes.filter((s) => s.kind === 'region').length;
    const snapshots = count('AWS::RDS::DBSnapshot', 'AWS::RDS::DBClusterSnapshot');
    expect(snapshots).toBeGreaterThan(0);
    // Phases appear in the order they begin, and the regions' listings race the bucket reads.
    expect([...(last?.phases ?? [])].sort((a, b) => a.phase.localeCompare(b.phase))).toEqual([
      { phase: 'RDS snapshots', done: snapshots, total: snapshots },
      { phase: 'regions', done: regions, total: regions },
      { phase: 'S3 buckets', done: count('AWS::S3::Bucket'), total: count('AWS::S3::Bucket') },
    ]);
    expect(last?.calls).toBe(collection.stats.calls);
    // The count of calls only grows.
    for (const [i, p] of progress.entries()) if (i > 0) expect(p.calls).toBeGreaterThanOrEqual(progress[i - 1]?.calls ?? 0);
  });
});

describe('request threads', () => {
  const collectWith = async (cores: number, requestThreadsFrom?: number): Promise<AwsCollection> => {
    const fresh = await startFakeAws(loadFakeAwsEstate(estateDir));
    try {
      return await collectAws({ credentials, env: { AWS_ENDPOINT_URL: fresh.endpoint }, concurrency: 8, maxAttempts: 4, pageSize: 5, now: new Date('2026-11-25T00:00:00Z'), cores, ...(requestThreadsFrom === undefined ? {} : { requestThreadsFrom }) });
    } finally {
      await fresh.close();
    }
  };
  const byId = (c: AwsCollection) => [...c.resources].sort((a, b) => a.id.localeCompare(b.id) || a.kind.localeCompare(b.kind));
  // The backoff is jittered, so the time waited differs from run to run.
  const messages = (c: AwsCollection) => c.notices.map((n) => `${n.level} ${n.message.replace(/waited [\d.]+ s/, 'waited … s')}`).sort();

  it('gives the same resources, notices, calls and verdicts with one core as with request threads, throttled calls included', async () => {
    const one = await collectWith(1);
    const threaded = await collectWith(2, 0);
    expect(one.requestThreads).toBe(0);
    expect(threaded.requestThreads).toBe(2);
    expect(byId(threaded)).toEqual(byId(one));
    expect(threaded.callCounts).toEqual(one.callCounts);
    expect(threaded.callCounts['s3:GetBucketPolicy']).toBeGreaterThan(12);
    expect(messages(threaded)).toEqual(messages(one));
    const policies = loadPolicies();
    const verdicts = (c: AwsCollection) => audit({ resources: byId(c), policies }).findings.map((f) => `${f.rule.id} ${f.resource.id} ${f.status} ${f.severity}`).sort();
    expect(verdicts(threaded)).toEqual(verdicts(one));
  });

  it('starts no request thread for an estate with fewer buckets and snapshots than the threshold', async () => {
    // The fixture estate has 12 buckets and 2 manual RDS snapshots (automated ones take no read of their own).
    expect((await collectWith(2)).requestThreads).toBe(0);
    expect((await collectWith(2, 14)).requestThreads).toBe(2);
    expect((await collectWith(2, 15)).requestThreads).toBe(0);
  });
});
