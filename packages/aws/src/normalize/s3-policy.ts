import { judgeSourceRange, wildcardRegExp } from '@leakproof/core';

/** What a public statement lets everyone do. */
export type Capability = 'read' | 'list' | 'write';

/** One statement of a bucket policy that grants access to anyone: its actions and why it counts as public. */
export interface PublicGrant {
  statement: string;
  capabilities: Capability[];
  /** Why it counts as public, e.g. `Principal "*" with no restricting condition`. */
  why: string;
}

/** What a bucket policy grants to the public, judged by the S3 rules of "public" (see `analyzeBucketPolicy`). */
export interface BucketPolicyAnalysis {
  /** Statements that grant access to everyone, by AWS's meaning of "public". */
  publicGrants: PublicGrant[];
  /** Allow statements to everyone that a fixed condition restricts (not public), for evidence. */
  restricted: string[];
  /** A Deny on aws:SecureTransport=false covering object reads and writes. */
  tlsEnforced: { value: boolean; evidence: string };
  /** Set when the document is not valid JSON or not a policy. */
  invalid?: string;
}

interface Statement {
  Sid?: string;
  // Parsed from the bucket's policy text: values may be of any JSON type.
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Condition?: Record<string, Record<string, unknown> | null>;
}

/**
 * Condition keys that, pinned to a fixed value, keep a statement to everyone non-public. From the S3
 * documentation of "public": a fixed AWS principal or service principal, aws:SourceIp CIDRs,
 * aws:SourceArn, aws:SourceVpc, aws:SourceVpce, aws:SourceOwner, aws:SourceAccount,
 * s3:x-amz-server-side-encryption-aws-kms-key-id, aws:userid outside "AROLEID:*", and the
 * principal/organization and access-point keys that identify a fixed caller. Compared lowercased:
 * IAM condition keys are case-insensitive.
 */
export const RESTRICTING_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:SourceIp',
    'aws:SourceArn',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceOwner',
    'aws:SourceAccount',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalServiceName',
    'aws:userid',
    's3:DataAccessPointArn',
    's3:DataAccessPointAccount',
    's3:x-amz-server-side-encryption-aws-kms-key-id',
  ].map((k) => k.toLowerCase()),
);

/**
 * Operators whose fixed values narrow who may call. Negated operators (StringNotEquals, NotIpAddress),
 * `...IfExists` variants (true when the key is absent, as it is for anonymous callers) and Null do not.
 */
const PINNING_OPERATORS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike', 'ipaddress']);

/** Actions grouped by what they expose; wildcards in the policy are matched against these. */
const CAPABILITY_ACTIONS: Record<Capability, string[]> = {
  read: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTorrent', 's3:RestoreObject'],
  list: ['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads', 's3:ListMultipartUploadParts'],
  write: [
    's3:PutObject',
    's3:DeleteObject',
    's3:DeleteObjectVersion',
    's3:PutObjectAcl',
    's3:PutBucketAcl',
    's3:PutBucketPolicy',
    's3:DeleteBucketPolicy',
    's3:PutBucketPublicAccessBlock',
    's3:AbortMultipartUpload',
    's3:DeleteBucket',
  ],
};

/** Judges a bucket policy document by AWS's meaning of "public" for S3 bucket policies. */
export function analyzeBucketPolicy(policyText: string): BucketPolicyAnalysis {
  let doc: { Statement?: Statement | Statement[] };
  try {
    doc = JSON.parse(policyText) as { Statement?: Statement | Statement[] };
  } catch {
    return { publicGrants: [], restricted: [], tlsEnforced: { value: false, evidence: 'bucket policy is not valid JSON' }, invalid: 'bucket policy is not valid JSON' };
  }
  const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
  const publicGrants: PublicGrant[] = [];
  const restricted: string[] = [];
  let tls: { value: boolean; evidence: string } | undefined;
  statements.forEach((st, i) => {
    const label = st.Sid ? `"${st.Sid}"` : `#${i + 1}`;
    const effect = typeof st.Effect === 'string' ? st.Effect.toLowerCase() : '';
    const everyone = st.NotPrincipal !== undefined || principalIsEveryone(st.Principal);
    if (effect === 'deny') {
      if (!tls && everyone && deniesInsecureTransport(st)) tls = { value: true, evidence: `bucket policy statement ${label}: Deny ${describeActions(st)} when aws:SecureTransport=false` };
      return; // Deny statements grant nothing.
    }
    if (effect !== 'allow' || !everyone) return;
    const capabilities = capabilitiesOf(st);
    if (capabilities.length === 0) return;
    const restriction = restrictingCondition(st.Condition);
    const who = st.NotPrincipal !== undefined ? 'NotPrincipal (everyone except the listed principals)' : 'Principal "*"';
    if (restriction) {
      restricted.push(`bucket policy statement ${label}: ${who} is restricted by ${restriction}`);
      return;
    }
    const why = `${who} ${st.Condition ? 'with no condition that pins a fixed caller' : 'with no condition'}`;
    publicGrants.push({ statement: label, capabilities, why });
  });
  return { publicGrants, restricted, tlsEnforced: tls ?? { value: false, evidence: 'no bucket policy statement denies requests when aws:SecureTransport=false' } };
}

/** `*`, `{"AWS": "*"}`, `{"AWS": ["*"]}` and any principal value with a wildcard mean everyone. */
function principalIsEveryone(principal: unknown): boolean {
  if (principal === undefined) return false;
  if (typeof principal === 'string') return principal.includes('*');
  if (typeof principal === 'object' && principal !== null) {
    return Object.values(principal as Record<string, unknown>).some((v) => (Array.isArray(v) ? v : [v]).some((x) => typeof x === 'string' && x.includes('*')));
  }
  return false;
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** An IAM action pattern: `*` and `?`, case-insensitive. */
const globToRegExp = (glob: string): RegExp => wildcardRegExp(glob, 'aws-action');

function capabilitiesOf(st: Statement): Capability[] {
  const allows = (action: string): boolean => {
    if (st.NotAction !== undefined) return !asList(st.NotAction).some((p) => globToRegExp(p).test(action));
    return asList(st.Action).some((p) => globToRegExp(p).test(action));
  };
  return (Object.keys(CAPABILITY_ACTIONS) as Capability[]).filter((cap) => CAPABILITY_ACTIONS[cap].some(allows));
}

function describeActions(st: Statement): string {
  if (st.NotAction !== undefined) return `all actions except ${asList(st.NotAction).join(', ')}`;
  return asList(st.Action).join(', ') || 'nothing';
}

/** The first condition that pins a restricting key to fixed values, described; undefined if none. */
function restrictingCondition(condition: Statement['Condition']): string | undefined {
  if (!condition) return undefined;
  for (const [operator, entries] of Object.entries(condition)) {
    const op = operator.toLowerCase();
    // ForAllValues: is true when the key is absent (as for anonymous callers), so it pins nothing;
    // ForAnyValue: is false then, so it keeps the operator's meaning.
    if (op.startsWith('forallvalues:')) continue;
    const bare = op.replace(/^foranyvalue:/, '');
    if (!PINNING_OPERATORS.has(bare)) continue;
    for (const [key, raw] of Object.entries(entries ?? {})) {
      const k = key.toLowerCase();
      if (!RESTRICTING_KEYS.has(k)) continue;
      const values = (Array.isArray(raw) ? raw : [raw]).map(String);
      if (values.length === 0) continue;
      if (k === 'aws:sourceip') {
        if (bare !== 'ipaddress') continue;
        const broad = values.find((v) => judgeSourceRange(v).internet);
        if (broad) continue; // 0.0.0.0/0 or another broad public range restricts nothing.
        return `${operator} ${key} = ${values.join(', ')}`;
      }
      if (values.some((v) => v.includes('*') || v.includes('?') || v.includes('${'))) continue;
      if (k === 'aws:userid' && values.some((v) => /:\*$/.test(v))) continue;
      return `${operator} ${key} = ${values.join(', ')}`;
    }
  }
  return undefined;
}

function deniesInsecureTransport(st: Statement): boolean {
  const objectActions = ['s3:GetObject', 's3:PutObject'];
  const covers = st.NotAction !== undefined ? objectActions.every((a) => !asList(st.NotAction).some((p) => globToRegExp(p).test(a))) : objectActions.every((a) => asList(st.Action).some((p) => globToRegExp(p).test(a)));
  if (!covers) return false;
  for (const [operator, entries] of Object.entries(st.Condition ?? {})) {
    if (!/^bool(ifexists)?$/i.test(operator)) continue;
    for (const [key, value] of Object.entries(entries ?? {})) {
      if (key.toLowerCase() === 'aws:securetransport' && (Array.isArray(value) ? value : [value]).some((v) => String(v).toLowerCase() === 'false')) return true;
    }
  }
  return false;
}
