import { fact, outcomeReason, verdict, verdictFact, type CallOutcome, type Fact, type Resource, type Verdict } from '@leakproof/core';

/** A Cloud Storage bucket as the JSON API returns it (projection=full). */
export interface GcsBucket {
  name: string;
  location?: string;
  iamConfiguration?: { uniformBucketLevelAccess?: { enabled?: boolean }; publicAccessPrevention?: string };
  versioning?: { enabled?: boolean };
  logging?: { logBucket?: string };
  retentionPolicy?: { retentionPeriod?: string | number; isLocked?: boolean };
  encryption?: { defaultKmsKeyName?: string };
  labels?: Record<string, string>;
  acl?: Array<{ entity?: string; role?: string }>;
  defaultObjectAcl?: Array<{ entity?: string; role?: string }>;
}

/** A bucket's IAM policy as Cloud Storage returns it. */
export interface GcsIamPolicy {
  bindings?: Array<{ role?: string; members?: string[]; condition?: { title?: string; expression?: string } }>;
}

/** A Cloud Storage bucket as the JSON API returns it (the fields leakproof reads). */
export interface RawGcsBucket {
  project: string;
  bucket: GcsBucket;
  /** Unknown parts of the metadata (a Terraform plan value known after apply), by field. */
  unknown?: Partial<Record<'publicAccessPrevention' | 'uniformBucketLevelAccess' | 'acl', string>>;
  iam: CallOutcome<GcsIamPolicy>;
  /** Whether the project's effective organization policy enforces public access prevention. */
  orgEnforced?: CallOutcome<boolean>;
}

/** What a member may do with a bucket's objects. */
export type Capability = 'read' | 'list' | 'write';

/** What a predefined Cloud Storage role lets its members do with objects. */
export const GCS_ROLE_CAPABILITIES: Record<string, Capability[]> = {
  'roles/storage.objectViewer': ['read', 'list'],
  'roles/storage.objectCreator': ['write'],
  'roles/storage.objectUser': ['read', 'list', 'write'],
  'roles/storage.objectAdmin': ['read', 'list', 'write'],
  'roles/storage.admin': ['read', 'list', 'write'],
  'roles/storage.legacyObjectReader': ['read'],
  'roles/storage.legacyObjectOwner': ['read', 'write'],
  'roles/storage.legacyBucketReader': ['list'],
  'roles/storage.legacyBucketWriter': ['list', 'write'],
  'roles/storage.legacyBucketOwner': ['list', 'write'],
};

/**
 * Bucket ACL roles: READER lists, WRITER also writes, OWNER also changes the ACL. A default object ACL
 * entry applies to every new object, so READER there means new objects are readable.
 */
const BUCKET_ACL: Record<string, Capability[]> = { READER: ['list'], WRITER: ['list', 'write'], OWNER: ['list', 'write'] };
const OBJECT_ACL: Record<string, Capability[]> = { READER: ['read'], OWNER: ['read', 'write'] };
const PUBLIC = ['allUsers', 'allAuthenticatedUsers'] as const;
type Member = (typeof PUBLIC)[number];

interface Grant {
  member: Member;
  capabilities: Capability[] | undefined;
  evidence: string;
  viaAcl: boolean;
}

function grantsOf(raw: RawGcsBucket): { grants: Grant[]; iamUnknown?: string } {
  const grants: Grant[] = [];
  for (const b of raw.iam.status === 'ok' ? (raw.iam.value.bindings ?? []) : []) {
    for (const m of b.members ?? []) {
      if (!(PUBLIC as readonly string[]).includes(m)) continue;
      const caps = b.role ? GCS_ROLE_CAPABILITIES[b.role] : undefined;
      const cond = b.condition ? ` (condition: ${b.condition.title ?? b.condition.expression ?? 'set'})` : '';
      grants.push({ member: m as Member, capabilities: caps, evidence: `IAM binding ${b.role ?? '?'} to ${m}${cond}${caps ? '' : ' (a role leakproof cannot place)'}`, viaAcl: false });
    }
  }
  for (const [list, table, what] of [
    [raw.bucket.acl, BUCKET_ACL, 'bucket ACL'],
    [raw.bucket.defaultObjectAcl, OBJECT_ACL, 'default object ACL'],
  ] as const) {
    for (const entry of list ?? []) {
      if (!entry.entity || !(PUBLIC as readonly string[]).includes(entry.entity)) continue;
      grants.push({ member: entry.entity as Member, capabilities: table[entry.role ?? ''] ?? [], evidence: `${what} ${entry.role} to ${entry.entity}`, viaAcl: true });
    }
  }
  const iamUnknown = raw.iam.status === 'ok' || raw.iam.status === 'not-configured' ? undefined : outcomeReason(raw.iam, 'the bucket IAM policy');
  return iamUnknown ? { grants, iamUnknown } : { grants };
}

/**
 * Pure: a bucket's metadata and IAM policy to a storage-bucket resource. Public means a grant to
 * allUsers (or allAuthenticatedUsers) through IAM, or through legacy ACLs while uniform bucket-level
 * access is off, and public access prevention not "enforced".
 */
export function normalizeGcsBucket(raw: RawGcsBucket): Resource {
  const b = raw.bucket;
  const { grants, iamUnknown } = grantsOf(raw);
  const papValue = b.iamConfiguration?.publicAccessPrevention ?? 'inherited';
  const bucketPap: Verdict = raw.unknown?.publicAccessPrevention ? verdict.unknown(raw.unknown.publicAccessPrevention) : verdict.of(papValue === 'enforced', `iamConfiguration.publicAccessPrevention=${papValue}`);
  // "inherited" defers to the organization policy constraint storage.publicAccessPrevention.
  const org = raw.orgEnforced;
  const orgPap: Verdict | undefined =
    org === undefined || org.status === 'skipped'
      ? undefined
      : org.status === 'ok'
        ? verdict.of(org.value, `organization policy storage.publicAccessPrevention ${org.value ? 'enforced' : 'not enforced'} for project ${raw.project}`)
        : verdict.unknown(outcomeReason(org, 'the organization policy'));
  const pap: Verdict = orgPap && papValue !== 'enforced' ? verdict.any(bucketPap, orgPap) : bucketPap;
  const grantPap: Verdict = orgPap && papValue !== 'enforced' ? verdict.any(bucketPap, verdict.unreadableGuardAsOff(orgPap, 'the organization policy storage.publicAccessPrevention')) : bucketPap;
  const uniform = b.iamConfiguration?.uniformBucketLevelAccess?.enabled === true;
  const aclApplies: Verdict = raw.unknown?.uniformBucketLevelAccess
    ? verdict.unknown(raw.unknown.uniformBucketLevelAccess)
    : verdict.of(!uniform, uniform ? 'uniform bucket-level access on: ACLs do not apply' : 'uniform bucket-level access off: ACLs apply');
  const exposure = (members: Member[], cap: Capability | 'any'): Verdict => {
    const parts: Verdict[] = grants
      .filter((g) => members.includes(g.member))
      .map((g) => {
        const has = g.capabilities === undefined ? undefined : cap === 'any' ? g.capabilities.length > 0 : g.capabilities.includes(cap);
        const v = has === undefined ? verdict.unknown(`${g.evidence}; its permissions are not known`) : verdict.of(has, g.evidence);
        return g.viaAcl ? verdict.all(v, aclApplies) : v;
      });
    if (iamUnknown) parts.push(verdict.unknown(iamUnknown));
    if (raw.unknown?.acl) parts.push(verdict.all(verdict.unknown(raw.unknown.acl), aclApplies));
    const granted = parts.length ? verdict.any(...parts) : verdict.of(false, `no IAM binding or ACL grants ${members.join(' or ')} ${cap === 'any' ? 'access' : cap}`);
    // Public access prevention "enforced" refuses every allUsers/allAuthenticatedUsers grant. For judging a
    // grant, an organization policy that could not be read counts as not enforced: a public grant is still
    // reported, saying the unreadable policy might neutralise it.
    return verdict.all(granted, verdict.not(grantPap));
  };
  const iamGrants = grants.filter((g) => !g.viaAcl);
  const aclGrants = grants.filter((g) => g.viaAcl);
  const facts: Record<string, Fact> = {
    publicRead: verdictFact(exposure(['allUsers'], 'read')),
    publicList: verdictFact(exposure(['allUsers'], 'list')),
    publicWrite: verdictFact(exposure(['allUsers'], 'write')),
    authenticatedUsersAccess: verdictFact(exposure(['allAuthenticatedUsers'], 'any')),
    publicAccessPrevention: verdictFact(pap),
    aclPublic: aclGrants.length ? fact(true, ...aclGrants.map((g) => g.evidence)) : fact(false, 'no ACL entry for allUsers or allAuthenticatedUsers'),
    aclsDisabled: raw.unknown?.uniformBucketLevelAccess ? { unknown: raw.unknown.uniformBucketLevelAccess } : fact(uniform, `iamConfiguration.uniformBucketLevelAccess.enabled=${uniform}`),
    tlsEnforced: fact(true, 'Cloud Storage JSON and XML APIs are served over HTTPS only'),
  };
  if (raw.iam.status !== 'skipped') {
    facts.policyPublic = iamUnknown ? { unknown: iamUnknown } : iamGrants.length ? fact(true, ...iamGrants.map((g) => g.evidence)) : fact(false, 'no IAM binding to allUsers or allAuthenticatedUsers');
  }
  const kms = b.encryption?.defaultKmsKeyName;
  facts.encryptionAtRest = kms ? fact('customer-managed', `encryption.defaultKmsKeyName=${kms}`) : fact('provider-managed', 'Google-managed encryption keys (no default KMS key)');
  if (kms) facts.encryptionKeyId = fact(kms, 'encryption.defaultKmsKeyName');
  facts.versioning = fact(b.versioning?.enabled === true, `versioning.enabled=${b.versioning?.enabled === true}`);
  facts.accessLogging = b.logging?.logBucket ? fact(true, `logging.logBucket=${b.logging.logBucket}`) : fact(false, 'usage logging: not configured');
  const r = b.retentionPolicy;
  facts.objectLock = fact(r?.isLocked === true, r ? `retentionPolicy: ${r.retentionPeriod ?? '?'} s, isLocked=${r.isLocked === true}` : 'no retention policy');
  return {
    id: `//storage.googleapis.com/projects/_/buckets/${b.name}`,
    kind: 'storage-bucket',
    provider: 'gcp',
    account: raw.project,
    region: (b.location ?? 'unknown').toLowerCase(),
    name: b.name,
    type: 'storage.googleapis.com/Bucket',
    tags: b.labels ?? {},
    facts,
  };
}
