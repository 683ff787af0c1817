import { fact, internetIngressFacts, judgeSourceRange, verdict, verdictFact, type Fact, type IngressEntry, type Resource, type Verdict } from '@leakproof/core';
import { attributeFactSources, type PlanContext } from '../context.js';
import type { ResourceChange } from '../plan.js';

export const GCP_TYPES = [
  'google_storage_bucket',
  'google_storage_bucket_iam_member',
  'google_storage_bucket_iam_binding',
  'google_storage_bucket_iam_policy',
  'google_storage_bucket_acl',
  'google_sql_database_instance',
  'google_compute_firewall',
] as const;

type Capability = 'read' | 'list' | 'write';

/** What a predefined Cloud Storage role lets its members do with objects. */
const ROLE_CAPABILITIES: Record<string, Capability[]> = {
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
/** Bucket ACL roles: READER lists, WRITER also writes, OWNER also changes the ACL. */
const ACL_CAPABILITIES: Record<string, Capability[]> = { READER: ['list'], WRITER: ['list', 'write'], OWNER: ['list', 'write'] };
const PREDEFINED_ACL: Record<string, string[]> = {
  publicRead: ['READER:allUsers'],
  publicReadWrite: ['WRITER:allUsers'],
  authenticatedRead: ['READER:allAuthenticatedUsers'],
};

interface Grant {
  member: 'allUsers' | 'allAuthenticatedUsers';
  capabilities: Capability[] | undefined;
  evidence: string;
  via: 'iam' | 'acl';
  rc: ResourceChange;
}

const PUBLIC_MEMBERS = new Set(['allUsers', 'allAuthenticatedUsers']);

function iamGrants(rc: ResourceChange, role: string | undefined, members: string[]): Grant[] {
  return members
    .filter((m) => PUBLIC_MEMBERS.has(m))
    .map((member) => ({
      member: member as Grant['member'],
      capabilities: role ? ROLE_CAPABILITIES[role] : undefined,
      evidence: `IAM binding ${role ?? '(unknown role)'} to ${member}${role && !ROLE_CAPABILITIES[role] ? ' (a role leakproof cannot place)' : ''}`,
      via: 'iam' as const,
      rc,
    }));
}

function bucketFacts(ctx: PlanContext, bucket: ResourceChange, joined: ResourceChange[]): Resource {
  const name = ctx.value<string>(bucket, 'name') ?? bucket.address;
  const unknowns: string[] = [];
  const grants: Grant[] = [];
  for (const rc of joined) {
    if (rc.type === 'google_storage_bucket_iam_member') {
      if (ctx.isUnknown(rc, 'member') || ctx.isUnknown(rc, 'role')) unknowns.push(ctx.unknownReason(rc, 'member'));
      else grants.push(...iamGrants(rc, ctx.value(rc, 'role'), [ctx.value<string>(rc, 'member') ?? '']));
    } else if (rc.type === 'google_storage_bucket_iam_binding') {
      if (ctx.isUnknown(rc, 'members') || ctx.isUnknown(rc, 'role')) unknowns.push(ctx.unknownReason(rc, 'members'));
      else grants.push(...iamGrants(rc, ctx.value(rc, 'role'), ctx.value<string[]>(rc, 'members') ?? []));
    } else if (rc.type === 'google_storage_bucket_iam_policy') {
      if (ctx.isUnknown(rc, 'policy_data')) unknowns.push(ctx.unknownReason(rc, 'policy_data'));
      else {
        const doc = JSON.parse(ctx.value<string>(rc, 'policy_data') ?? '{}') as { bindings?: Array<{ role?: string; members?: string[] }> };
        for (const b of doc.bindings ?? []) grants.push(...iamGrants(rc, b.role, b.members ?? []));
      }
    } else if (rc.type === 'google_storage_bucket_acl') {
      if (ctx.isUnknown(rc, 'role_entity') || ctx.isUnknown(rc, 'predefined_acl')) unknowns.push(ctx.unknownReason(rc, 'role_entity'));
      const entities = [...(ctx.value<string[]>(rc, 'role_entity') ?? []), ...(PREDEFINED_ACL[ctx.value<string>(rc, 'predefined_acl') ?? ''] ?? [])];
      for (const e of entities) {
        const [role, entity] = e.split(':');
        if (entity && PUBLIC_MEMBERS.has(entity)) grants.push({ member: entity as Grant['member'], capabilities: ACL_CAPABILITIES[role ?? ''] ?? [], evidence: `bucket ACL ${role} to ${entity}`, via: 'acl', rc });
      }
    }
  }
  const uniformKnown = !ctx.isUnknown(bucket, 'uniform_bucket_level_access');
  const uniform = ctx.value<boolean>(bucket, 'uniform_bucket_level_access') === true;
  const papValue = ctx.value<string>(bucket, 'public_access_prevention') ?? 'inherited';
  const pap: Verdict = ctx.isUnknown(bucket, 'public_access_prevention')
    ? verdict.unknown(ctx.unknownReason(bucket, 'public_access_prevention'))
    : verdict.of(papValue === 'enforced', `iamConfiguration.publicAccessPrevention=${papValue}`);
  const aclApplies: Verdict = uniformKnown
    ? verdict.of(!uniform, `uniform bucket-level access ${uniform ? 'on: ACLs do not apply' : 'off: ACLs apply'}`)
    : verdict.unknown(ctx.unknownReason(bucket, 'uniform_bucket_level_access'));
  const exposure = (members: Grant['member'][], cap: Capability | 'any'): Verdict => {
    const parts: Verdict[] = [];
    for (const g of grants.filter((x) => members.includes(x.member))) {
      const has = g.capabilities === undefined ? undefined : cap === 'any' ? g.capabilities.length > 0 : g.capabilities.includes(cap);
      const base = has === undefined ? verdict.unknown(`${g.evidence}; its permissions are not known`) : verdict.of(has, g.evidence);
      parts.push(g.via === 'acl' ? verdict.all(base, aclApplies) : base);
    }
    for (const u of unknowns) parts.push(verdict.unknown(u));
    const granted = parts.length ? verdict.any(...parts) : verdict.of(false, `no IAM binding or ACL grants ${members.join(' or ')} ${cap === 'any' ? 'access' : cap}`);
    // Public access prevention "enforced" refuses every allUsers/allAuthenticatedUsers grant.
    return verdict.all(granted, verdict.not(pap));
  };
  const facts: Record<string, Fact> = {
    publicRead: verdictFact(exposure(['allUsers'], 'read')),
    publicList: verdictFact(exposure(['allUsers'], 'list')),
    publicWrite: verdictFact(exposure(['allUsers'], 'write')),
    authenticatedUsersAccess: verdictFact(exposure(['allAuthenticatedUsers'], 'any')),
    publicAccessPrevention: verdictFact(pap),
    policyPublic: verdictFact(grants.some((g) => g.via === 'iam') ? verdict.of(true, ...grants.filter((g) => g.via === 'iam').map((g) => g.evidence)) : verdict.of(false, 'no IAM binding to allUsers or allAuthenticatedUsers')),
    aclPublic: verdictFact(grants.some((g) => g.via === 'acl') ? verdict.of(true, ...grants.filter((g) => g.via === 'acl').map((g) => g.evidence)) : verdict.of(false, 'no ACL grant to allUsers or allAuthenticatedUsers')),
    aclsDisabled: uniformKnown ? fact(uniform, `iamConfiguration.uniformBucketLevelAccess.enabled=${uniform}`) : { unknown: ctx.unknownReason(bucket, 'uniform_bucket_level_access') },
    tlsEnforced: fact(true, 'Cloud Storage JSON and XML APIs are served over HTTPS only'),
  };
  const kms = ctx.value<Array<{ default_kms_key_name?: string }>>(bucket, 'encryption')?.[0]?.default_kms_key_name;
  facts.encryptionAtRest = kms ? fact('customer-managed', `encryption.defaultKmsKeyName=${kms}`) : fact('provider-managed', 'Google-managed encryption keys (no default KMS key)');
  if (kms) facts.encryptionKeyId = fact(kms, 'encryption.defaultKmsKeyName');
  const versioning = ctx.value<Array<{ enabled?: boolean }>>(bucket, 'versioning')?.[0]?.enabled === true;
  facts.versioning = fact(versioning, `versioning.enabled=${versioning}`);
  const logBucket = ctx.value<Array<{ log_bucket?: string }>>(bucket, 'logging')?.[0]?.log_bucket;
  facts.accessLogging = logBucket ? fact(true, `logging.logBucket=${logBucket}`) : fact(false, 'usage logging: not configured');
  const retention = ctx.value<Array<{ is_locked?: boolean; retention_period?: number }>>(bucket, 'retention_policy')?.[0];
  facts.objectLock = fact(retention?.is_locked === true, retention ? `retentionPolicy: ${retention.retention_period ?? '?'} s, isLocked=${retention.is_locked === true}` : 'no retention policy');
  const resource: Resource = {
    id: `//storage.googleapis.com/projects/_/buckets/${name}`,
    kind: 'storage-bucket',
    provider: 'gcp',
    account: ctx.value<string>(bucket, 'project') ?? 'planned',
    region: (ctx.value<string>(bucket, 'location') ?? 'planned').toLowerCase(),
    name,
    type: 'storage.googleapis.com/Bucket',
    tags: ctx.value<Record<string, string>>(bucket, 'labels') ?? {},
    facts,
  };
  const source = ctx.source(bucket);
  if (source) resource.source = source;
  const grantSource = (re: RegExp) => grants.find((g) => re.test(g.evidence))?.rc;
  attributeFactSources(resource, [
    { evidence: /^IAM binding/, source: ctx.source(grantSource(/^IAM binding/)) },
    { evidence: /^bucket ACL/, source: ctx.source(grantSource(/^bucket ACL/)) },
  ]);
  return resource;
}

const ENGINES: Array<[RegExp, string, number]> = [
  [/^POSTGRES/, 'postgres', 5432],
  [/^MYSQL/, 'mysql', 3306],
  [/^SQLSERVER/, 'sqlserver', 1433],
];

function sqlInstance(ctx: PlanContext, rc: ResourceChange): Resource {
  const version = ctx.value<string>(rc, 'database_version') ?? '';
  const [, engine, port] = ENGINES.find(([re]) => re.test(version)) ?? [/./, version.toLowerCase() || 'unknown', undefined];
  const settings = ctx.value<Array<Record<string, unknown>>>(rc, 'settings')?.[0] ?? {};
  const ip = (settings.ip_configuration as Array<Record<string, unknown>> | undefined)?.[0] ?? {};
  const ipUnknown = ctx.isUnknown(rc, 'settings', 0, 'ip_configuration');
  // ipv4_enabled defaults to true in Cloud SQL.
  const ipv4 = ip.ipv4_enabled !== false;
  const networks = ((ip.authorized_networks as Array<{ value?: string; name?: string }> | undefined) ?? []).map((n) => n.value ?? '');
  const open = networks.filter((n) => judgeSourceRange(n).internet);
  const publicly: Fact = ipUnknown ? { unknown: ctx.unknownReason(rc, 'settings.ip_configuration') } : fact(ipv4, `ipConfiguration.ipv4Enabled=${ipv4}`);
  const label = port ? `${engine === 'postgres' ? 'PostgreSQL' : engine === 'mysql' ? 'MySQL/MariaDB' : 'SQL Server'} ${port}/tcp` : 'database port';
  const reachable: Fact = ipUnknown
    ? { unknown: ctx.unknownReason(rc, 'settings.ip_configuration') }
    : ipv4 && open.length
      ? fact(true, `ipConfiguration.ipv4Enabled=true (public IPv4 address)`, ...open.map((n) => `authorized network ${n} (${judgeSourceRange(n).reason})`))
      : fact(false, ipv4 ? (networks.length ? `authorized networks ${networks.join(', ')} are not broad public ranges` : 'no authorized networks') : 'ipConfiguration.ipv4Enabled=false (no public IPv4 address)');
  const sslMode = ip.ssl_mode as string | undefined;
  const tls = sslMode ? ['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'].includes(sslMode) : ip.require_ssl === true;
  const backup = (settings.backup_configuration as Array<{ enabled?: boolean; backup_retention_settings?: Array<{ retained_backups?: number }> }> | undefined)?.[0];
  const retained = backup?.backup_retention_settings?.[0]?.retained_backups ?? 7;
  const key = ctx.value<string>(rc, 'encryption_key_name');
  const deletion = ctx.value<boolean>(rc, 'deletion_protection') !== false || settings.deletion_protection_enabled === true;
  const name = ctx.value<string>(rc, 'name') ?? rc.address;
  const resource: Resource = {
    id: `//sqladmin.googleapis.com/projects/${ctx.value<string>(rc, 'project') ?? 'planned'}/instances/${name}`,
    kind: 'database-instance',
    provider: 'gcp',
    account: ctx.value<string>(rc, 'project') ?? 'planned',
    region: ctx.value<string>(rc, 'region') ?? 'planned',
    name,
    type: 'sqladmin.googleapis.com/Instance',
    tags: (settings.user_labels as Record<string, string> | undefined) ?? {},
    facts: {
      engine: fact(engine, `databaseVersion=${version}`),
      ...(port ? { port: fact(port, `${engine} listens on ${port}`) } : {}),
      publiclyAccessible: publicly,
      internetReachable: reachable,
      internetExposedPorts: fact(ipv4 ? open.map((n) => `${label} from ${n}`) : [], ...(open.length ? open.map((n) => `authorized network ${n}`) : ['no broad public authorized network'])),
      encryptionAtRest: key ? fact('customer-managed', `encryptionKeyName=${key}`) : fact('provider-managed', 'Cloud SQL encrypts data at rest with Google-managed keys'),
      tlsRequired: fact(tls, sslMode ? `sslMode=${sslMode}` : `requireSsl=${ip.require_ssl === true}`),
      backupsEnabled: fact(backup?.enabled === true, `backupConfiguration.enabled=${backup?.enabled === true}`),
      backupRetentionDays: fact(retained, `backupRetentionSettings.retainedBackups=${retained} (daily backups)`),
      deletionProtection: fact(deletion, `deletion_protection=${deletion}`),
    },
  };
  const source = ctx.source(rc);
  if (source) resource.source = source;
  return resource;
}

function portRanges(ports: string[] | undefined): Array<[number, number]> {
  if (!ports || ports.length === 0) return [[0, 65535]];
  return ports.map((p) => {
    const [a, b] = p.split('-').map(Number);
    return [a ?? 0, b ?? a ?? 0] as [number, number];
  });
}

function firewall(ctx: PlanContext, rc: ResourceChange): Resource {
  const name = ctx.value<string>(rc, 'name') ?? rc.address;
  const direction = (ctx.value<string>(rc, 'direction') ?? 'INGRESS').toUpperCase();
  const disabled = ctx.value<boolean>(rc, 'disabled') === true;
  const sources = ctx.value<string[]>(rc, 'source_ranges') ?? [];
  const entries: IngressEntry[] = [];
  if (direction === 'INGRESS' && !disabled) {
    for (const allow of ctx.value<Array<{ protocol?: string; ports?: string[] }>>(rc, 'allow') ?? []) {
      const protocol = (allow.protocol ?? 'all').toLowerCase();
      for (const [from, to] of portRanges(allow.ports)) {
        for (const source of sources) entries.push({ protocol, from, to, source, evidence: `firewall ${name} allows ${protocol}${protocol === 'all' ? '' : ` ${from === to ? from : `${from}-${to}`}`} from ${source}` });
      }
    }
  }
  const facts: Record<string, Fact> = {
    direction: fact(direction === 'EGRESS' ? 'egress' : 'ingress', `direction=${direction}`),
    enabled: fact(!disabled, `disabled=${disabled}`),
  };
  if (ctx.isUnknown(rc, 'source_ranges') || ctx.isUnknown(rc, 'allow')) {
    for (const f of ['internetIngressPorts', 'internetIngressDatabasePorts', 'internetIngressAllTraffic']) facts[f] = { unknown: ctx.unknownReason(rc, 'source_ranges') };
  } else Object.assign(facts, internetIngressFacts(entries));
  const tags = ctx.value<string[]>(rc, 'target_tags') ?? [];
  const accounts = ctx.value<string[]>(rc, 'target_service_accounts') ?? [];
  facts.appliesTo = fact([...tags.map((t) => `tag:${t}`), ...accounts.map((a) => `serviceAccount:${a}`)].length ? [...tags.map((t) => `tag:${t}`), ...accounts.map((a) => `serviceAccount:${a}`)] : ['every instance in the network'], tags.length || accounts.length ? 'targetTags / targetServiceAccounts' : 'no target tags or service accounts: applies to every instance in the network');
  const resource: Resource = {
    id: `//compute.googleapis.com/projects/${ctx.value<string>(rc, 'project') ?? 'planned'}/global/firewalls/${name}`,
    kind: 'network-firewall',
    provider: 'gcp',
    account: ctx.value<string>(rc, 'project') ?? 'planned',
    region: 'global',
    name,
    type: 'compute.googleapis.com/Firewall',
    tags: {},
    facts,
  };
  const source = ctx.source(rc);
  if (source) resource.source = source;
  return resource;
}

export function normalizeGcpPlan(ctx: PlanContext): Resource[] {
  const buckets = ctx.of('google_storage_bucket');
  const joined = new Map<ResourceChange, ResourceChange[]>(buckets.map((b) => [b, []]));
  for (const type of ['google_storage_bucket_iam_member', 'google_storage_bucket_iam_binding', 'google_storage_bucket_iam_policy', 'google_storage_bucket_acl']) {
    for (const rc of ctx.of(type)) {
      const targets = ctx.joinTo(rc, 'bucket', ['google_storage_bucket']);
      if (!targets.length) ctx.note(`could not join to a google_storage_bucket of this plan through its "bucket" reference; not judged`, rc);
      for (const b of targets) joined.get(b)!.push(rc);
    }
  }
  return [...buckets.map((b) => bucketFacts(ctx, b, joined.get(b)!)), ...ctx.of('google_sql_database_instance').map((rc) => sqlInstance(ctx, rc)), ...ctx.of('google_compute_firewall').map((rc) => firewall(ctx, rc))];
}
