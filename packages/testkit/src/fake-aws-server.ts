import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { AWS_CALLS, type AwsCallId } from '@leakproof/aws/normalize';

/** A canned HTTP answer. */
export interface FakeResponse {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * An AWS estate as the wire sees it: per-bucket S3 answers keyed by sub-resource (acl, policy, ...),
 * and query-protocol answers keyed by `service/region/Action[.variant][.token]`.
 */
export interface FakeAwsEstate {
  account: string;
  callerArn: string;
  /** `regionName -> optInStatus` for DescribeRegions. */
  regions: Record<string, string>;
  accountPublicAccessBlock?: FakeResponse;
  buckets: Array<{ name: string; region: string; responses: Partial<Record<string, FakeResponse>> }>;
  bucketPageSize: number;
  query: Record<string, FakeResponse>;
  /** Answer the first N requests for a key with 503 SlowDown / RequestLimitExceeded. */
  throttleFirst?: Record<string, number>;
  /**
   * The AWS Organization the caller manages, for organizations:ListAccounts (JSON 1.1 protocol), paged
   * `pageSize` accounts at a time. Without it, ListAccounts answers AWSOrganizationsNotInUseException.
   */
  organization?: { id: string; pageSize?: number; accounts: Array<{ Id: string; Name: string; Status?: string; State?: string }> };
  /** Accounts whose roles cannot be assumed (AssumeRole answers AccessDenied). */
  denyAssumeRole?: string[];
}

/** A running fake AWS endpoint (S3, S3 Control, EC2, RDS, STS, Organizations): its URL, the requests it saw and how to stop it. */
export interface FakeAwsServer {
  endpoint: string;
  /** Every request seen, as `service Action-or-sub-resource`. */
  requests: string[];
  /** AssumeRole requests: role ARN and external id. */
  assumedRoles: Array<{ roleArn: string; externalId?: string }>;
  close(): Promise<void>;
}

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/**
 * The error code of a call's "not configured" answer, from the AWS call table: the server answers
 * with exactly the code the collector reads as the documented default.
 */
function notConfigured(id: AwsCallId): string {
  const code = AWS_CALLS.find((c) => c.id === id)?.notConfigured?.[0];
  if (!code) throw new Error(`the AWS call table gives ${id} no "not configured" code`);
  return code;
}

/** The documented "not configured" answer of each S3 sub-resource, when the fixture has no file. */
const S3_NOT_CONFIGURED: Record<string, FakeResponse> = {
  policy: s3Error(404, notConfigured('s3:GetBucketPolicy'), 'The bucket policy does not exist'),
  policyStatus: s3Error(404, notConfigured('s3:GetBucketPolicyStatus'), 'The bucket policy does not exist'),
  publicAccessBlock: s3Error(404, notConfigured('s3:GetPublicAccessBlock'), 'The public access block configuration was not found'),
  ownershipControls: s3Error(404, notConfigured('s3:GetBucketOwnershipControls'), 'The bucket ownership controls were not found'),
  encryption: s3Error(404, notConfigured('s3:GetBucketEncryption'), 'The server side encryption configuration was not found'),
  'object-lock': s3Error(404, notConfigured('s3:GetObjectLockConfiguration'), 'Object Lock configuration does not exist for this bucket'),
  tagging: s3Error(404, notConfigured('s3:GetBucketTagging'), 'The TagSet does not exist'),
  // These three have no "not configured" error: an empty document is the answer.
  versioning: xml(`<VersioningConfiguration xmlns="${S3_NS}"/>`),
  logging: xml(`<BucketLoggingStatus xmlns="${S3_NS}"/>`),
  acl: xml(`<AccessControlPolicy xmlns="${S3_NS}"><Owner><ID>owner</ID></Owner><AccessControlList/></AccessControlPolicy>`),
};

/** The S3 bucket sub-resources the fake server answers (`acl`, `policy`, …). */
export const S3_SUBRESOURCES = Object.keys(S3_NOT_CONFIGURED);

/** An XML answer as the AWS query and REST-XML protocols send it. */
export function xml(body: string, status = 200): FakeResponse {
  return { status, body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`, contentType: 'application/xml' };
}

/** An S3 error answer with its code and message, as S3 sends it. */
export function s3Error(status: number, code: string, message: string): FakeResponse {
  return xml(`<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAKE</RequestId></Error>`, status);
}

function jsonError(status: number, type: string, message: string): FakeResponse {
  return { status, body: JSON.stringify({ __type: type, Message: message }), contentType: 'application/x-amz-json-1.1' };
}

/** Organizations speaks JSON 1.1: `X-Amz-Target: AWSOrganizationsV20161128.<Action>`, a JSON body, NextToken paging. */
function organizationsAnswer(estate: FakeAwsEstate, action: string, body: string): FakeResponse {
  const org = estate.organization;
  if (!org) return jsonError(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  if (action !== 'ListAccounts') return jsonError(400, 'UnknownOperationException', `the fake server does not speak ${action}`);
  const request = (body ? JSON.parse(body) : {}) as { NextToken?: string; MaxResults?: number };
  const size = Math.min(org.pageSize ?? 20, request.MaxResults ?? 20);
  const start = request.NextToken ? Number(request.NextToken.replace('page-', '')) : 0;
  const page = org.accounts.slice(start, start + size).map((a) => ({
    ...a,
    Arn: `arn:aws:organizations::${estate.account}:account/${org.id}/${a.Id}`,
    Email: `aws+${a.Id}@example.com`,
    JoinedMethod: 'CREATED',
    JoinedTimestamp: 1_700_000_000,
  }));
  const next = start + size < org.accounts.length ? `page-${start + size}` : undefined;
  return { status: 200, body: JSON.stringify({ Accounts: page, ...(next ? { NextToken: next } : {}) }), contentType: 'application/x-amz-json-1.1' };
}

function queryError(service: string, status: number, code: string, message: string): FakeResponse {
  if (service === 'ec2') return xml(`<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>FAKE</RequestID></Response>`, status);
  return xml(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>FAKE</RequestId></ErrorResponse>`, status);
}

/** An empty successful answer: lists the SDK reads as absent. */
function emptyQueryResponse(service: string, action: string): FakeResponse {
  if (service === 'ec2') return xml(`<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>FAKE</requestId></${action}Response>`);
  return xml(`<${action}Response><${action}Result/><ResponseMetadata><RequestId>FAKE</RequestId></ResponseMetadata></${action}Response>`);
}

/** An error file holds `STATUS CODE message`, e.g. `403 AccessDenied Access Denied`. */
function parseErrorFile(text: string): { status: number; code: string; message: string } {
  const [status, code, ...rest] = text.trim().split(/\s+/);
  return { status: Number(status), code: code ?? 'Error', message: rest.join(' ') || code || 'error' };
}

/**
 * Reads an estate from readable fixture files:
 * - `estate.json`: account, caller ARN, regions, bucket page size, throttling;
 * - `s3/account-public-access-block.xml` (or `.error`);
 * - `s3/buckets/<name>/bucket.json` ({ "region": ... }) and one file per sub-resource:
 *   `acl.xml`, `policy.json`, `policyStatus.xml`, `publicAccessBlock.xml`, `ownershipControls.xml`,
 *   `encryption.xml`, `versioning.xml`, `logging.xml`, `object-lock.xml`, `tagging.xml`, or
 *   `<sub>.error`; a missing file gets the documented "not configured" answer;
 * - `<service>/<region>/<Action>[.variant][.token].xml` (or `.error`) for EC2, RDS and STS.
 */
export function loadFakeAwsEstate(dir: string): FakeAwsEstate {
  const meta = JSON.parse(readFileSync(join(dir, 'estate.json'), 'utf8')) as Omit<FakeAwsEstate, 'buckets' | 'query' | 'accountPublicAccessBlock'>;
  const estate: FakeAwsEstate = { ...meta, buckets: [], query: {} };
  const accountBpa = join(dir, 's3', 'account-public-access-block');
  if (existsSync(`${accountBpa}.xml`)) estate.accountPublicAccessBlock = xml(readFileSync(`${accountBpa}.xml`, 'utf8').replace(/^<\?xml[^>]*>\s*/, ''));
  else if (existsSync(`${accountBpa}.error`)) {
    const e = parseErrorFile(readFileSync(`${accountBpa}.error`, 'utf8'));
    estate.accountPublicAccessBlock = s3Error(e.status, e.code, e.message);
  }
  const bucketsDir = join(dir, 's3', 'buckets');
  for (const name of existsSync(bucketsDir) ? readdirSync(bucketsDir).sort() : []) {
    const bdir = join(bucketsDir, name);
    const { region } = JSON.parse(readFileSync(join(bdir, 'bucket.json'), 'utf8')) as { region: string };
    const responses: Partial<Record<string, FakeResponse>> = {};
    for (const file of readdirSync(bdir)) {
      const m = /^(.+)\.(xml|json|error)$/.exec(file);
      if (!m || file === 'bucket.json') continue;
      const text = readFileSync(join(bdir, file), 'utf8');
      if (m[2] === 'error') {
        const e = parseErrorFile(text);
        responses[m[1]!] = s3Error(e.status, e.code, e.message);
      } else if (m[2] === 'json') responses[m[1]!] = { status: 200, body: text, contentType: 'application/json' };
      else responses[m[1]!] = xml(text.replace(/^<\?xml[^>]*>\s*/, ''));
    }
    estate.buckets.push({ name, region, responses });
  }
  for (const service of ['ec2', 'rds', 'sts']) {
    const sdir = join(dir, service);
    if (!existsSync(sdir)) continue;
    for (const region of readdirSync(sdir)) {
      for (const file of readdirSync(join(sdir, region))) {
        const m = /^(.+)\.(xml|error)$/.exec(file);
        if (!m) continue;
        const text = readFileSync(join(sdir, region, file), 'utf8');
        const key = `${service}/${region}/${m[1]}`;
        if (m[2] === 'error') {
          const e = parseErrorFile(text);
          estate.query[key] = queryError(service, e.status, e.code, e.message);
        } else estate.query[key] = xml(text.replace(/^<\?xml[^>]*>\s*/, ''));
      }
    }
  }
  return estate;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => resolve(body));
  });
}

/** `Credential=AKID/20261125/eu-west-1/ec2/aws4_request` -> region and service. */
function scopeOf(req: IncomingMessage): { region: string; service: string } {
  const m = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '');
  return { region: m?.[1] ?? 'us-east-1', service: m?.[2] ?? 's3' };
}

/**
 * Starts an HTTP server on 127.0.0.1 that answers the S3 REST-XML, S3 Control, EC2 query and RDS/STS
 * query protocols from the estate. `latencyMs` delays every answer, for benchmarks.
 */
export async function startFakeAws(estate: FakeAwsEstate, options: { latencyMs?: number } = {}): Promise<FakeAwsServer> {
  const requests: string[] = [];
  const assumedRoles: Array<{ roleArn: string; externalId?: string }> = [];
  // Temporary access key id -> the account of the role it was issued for.
  const sessions = new Map<string, string>();
  const throttleLeft = new Map(Object.entries(estate.throttleFirst ?? {}));
  // Buckets by name, rebuilt when the estate grows: a linear search per request would make a large
  // synthetic estate measure the server instead of the collector.
  let bucketIndex = new Map<string, FakeAwsEstate['buckets'][number]>();
  const bucketNamed = (name: string) => {
    if (bucketIndex.size !== estate.buckets.length) bucketIndex = new Map(estate.buckets.map((b) => [b.name, b]));
    return bucketIndex.get(name);
  };
  const answer = async (req: IncomingMessage): Promise<FakeResponse> => {
    const { region, service } = scopeOf(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string' && target.startsWith('AWSOrganizationsV20161128.')) {
      const action = target.split('.')[1] ?? '?';
      requests.push(`organizations ${action}`);
      return organizationsAnswer(estate, action, await readBody(req));
    }
    if (req.method === 'POST') {
      const params = new URLSearchParams(await readBody(req));
      const action = params.get('Action') ?? '?';
      requests.push(`${service} ${action}`);
      const throttleKey = `${service}/${action}`;
      if ((throttleLeft.get(throttleKey) ?? 0) > 0) {
        throttleLeft.set(throttleKey, throttleLeft.get(throttleKey)! - 1);
        return queryError(service, 503, service === 'ec2' ? 'RequestLimitExceeded' : 'Throttling', 'Rate exceeded');
      }
      if (service === 'sts' && action === 'AssumeRole') {
        const roleArn = params.get('RoleArn') ?? '';
        const externalId = params.get('ExternalId') ?? undefined;
        assumedRoles.push({ roleArn, ...(externalId ? { externalId } : {}) });
        const roleAccount = /^arn:aws:iam::(\d{12}):role\//.exec(roleArn)?.[1];
        if (!roleAccount) return queryError('sts', 400, 'ValidationError', 'invalid role ARN');
        if (estate.denyAssumeRole?.includes(roleAccount)) return queryError('sts', 403, 'AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
        const keyId = `ASIAFAKE${String(sessions.size).padStart(12, '0')}`;
        sessions.set(keyId, roleAccount);
        return xml(
          `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser><Arn>${roleArn.replace(':role/', ':assumed-role/').replace('arn:aws:iam', 'arn:aws:sts')}/leakproof-audit</Arn><AssumedRoleId>AROAFAKE:leakproof-audit</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>${keyId}</AccessKeyId><SecretAccessKey>tempSECRETfor${keyId}</SecretAccessKey><SessionToken>tempTOKENfor${keyId}</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>FAKE</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        );
      }
      if (service === 'sts') {
        const keyId = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
        const sessionAccount = sessions.get(keyId);
        if (sessionAccount) return estateCallerIdentity({ ...estate, account: sessionAccount, callerArn: `arn:aws:sts::${sessionAccount}:assumed-role/audit/leakproof-audit` }, region);
        return estate.query[`sts/*/${action}`] ?? estateCallerIdentity(estate, region);
      }
      if (service === 'ec2' && action === 'DescribeRegions') return describeRegions(estate);
      const variant = params.get('RestorableBy.1') === 'all' ? '.restorable-by-all' : '';
      const target = params.get('DBSnapshotIdentifier') ?? params.get('DBClusterSnapshotIdentifier') ?? params.get('DBParameterGroupName') ?? params.get('DBClusterParameterGroupName');
      const token = params.get('NextToken') ?? params.get('Marker');
      const key = `${service}/${region}/${action}${variant}${target ? `.${target}` : ''}${token ? `.${token}` : ''}`;
      return estate.query[key] ?? estate.query[`${service}/*/${action}${variant}${target ? `.${target}` : ''}${token ? `.${token}` : ''}`] ?? emptyQueryResponse(service, action);
    }
    // S3 Control
    if (url.pathname === '/v20180820/configuration/publicAccessBlock') {
      requests.push('s3control GetPublicAccessBlock');
      return estate.accountPublicAccessBlock ?? s3Error(404, notConfigured('s3control:GetPublicAccessBlock'), 'The public access block configuration was not found');
    }
    // S3, path style: "/" lists buckets, "/<bucket>?<sub>" reads a sub-resource.
    const bucketName = decodeURIComponent(url.pathname.slice(1).split('/')[0] ?? '');
    if (!bucketName) {
      requests.push('s3 ListBuckets');
      return listBuckets(estate, url.searchParams);
    }
    const sub = S3_SUBRESOURCES.find((s) => url.searchParams.has(s));
    requests.push(`s3 ${sub ?? 'unknown'} ${bucketName}`);
    const bucket = bucketNamed(bucketName);
    if (!bucket) return s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (!sub) return s3Error(400, 'InvalidRequest', 'leakproof never reads objects; the fake server refuses object requests');
    const throttleKey = `s3/${sub}/${bucketName}`;
    if ((throttleLeft.get(throttleKey) ?? 0) > 0) {
      throttleLeft.set(throttleKey, throttleLeft.get(throttleKey)! - 1);
      return s3Error(503, 'SlowDown', 'Please reduce your request rate.');
    }
    return bucket.responses[sub] ?? S3_NOT_CONFIGURED[sub]!;
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void answer(req).then((r) => {
      const send = () => {
        res.writeHead(r.status, { 'content-type': r.contentType ?? 'application/xml', 'x-amz-request-id': 'FAKE' });
        res.end(r.body);
      };
      if (options.latencyMs) setTimeout(send, options.latencyMs);
      else send();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    assumedRoles,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function estateCallerIdentity(estate: FakeAwsEstate, _region: string): FakeResponse {
  return xml(
    `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>${estate.callerArn}</Arn><UserId>AIDAEXAMPLEUSERID</UserId><Account>${estate.account}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>FAKE</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
  );
}

function describeRegions(estate: FakeAwsEstate): FakeResponse {
  const items = Object.entries(estate.regions)
    .map(([name, optIn]) => `<item><regionName>${name}</regionName><regionEndpoint>ec2.${name}.amazonaws.com</regionEndpoint><optInStatus>${optIn}</optInStatus></item>`)
    .join('');
  return xml(`<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>FAKE</requestId><regionInfo>${items}</regionInfo></DescribeRegionsResponse>`);
}

/** Paginated ListBuckets with each bucket's region, as the current S3 API returns it. */
function listBuckets(estate: FakeAwsEstate, params: URLSearchParams): FakeResponse {
  const size = Math.min(Number(params.get('max-buckets') ?? estate.bucketPageSize), estate.bucketPageSize);
  const start = Number(params.get('continuation-token') ?? 0);
  const page = estate.buckets.slice(start, start + size);
  const next = start + size < estate.buckets.length ? `<ContinuationToken>${start + size}</ContinuationToken>` : '';
  const items = page.map((b) => `<Bucket><Name>${b.name}</Name><CreationDate>2024-03-01T10:00:00.000Z</CreationDate><BucketRegion>${b.region}</BucketRegion></Bucket>`).join('');
  return xml(`<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>owner</ID><DisplayName>owner</DisplayName></Owner><Buckets>${items}</Buckets>${next}</ListAllMyBucketsResult>`);
}
