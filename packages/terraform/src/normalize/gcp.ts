import { normalizeFirewall, normalizeGcsBucket, normalizeSqlInstance, type GcpFirewall, type GcsBucket, type GcsIamPolicy } from '@leakproof/gcp/normalize';
import type { CallOutcome, Resource } from '@leakproof/core';
import { attributeFactSources, type PlanContext } from '../context.js';
import type { ResourceChange } from '../plan.js';

export const GCP_TYPES = [
  'google_storage_bucket',
  'google_storage_bucket_iam_member',
  'google_storage_bucket_iam_binding',
  'google_storage_bucket_iam_policy',
  'google_storage_bucket_acl',
  'google_storage_bucket_access_control',
  'google_storage_default_object_acl',
  'google_storage_default_object_access_control',
  'google_sql_database_instance',
  'google_compute_firewall',
] as const;

/** Terraform's predefined bucket ACLs as the entries Cloud Storage applies for them. */
const PREDEFINED_ACL: Record<string, Array<{ entity: string; role: string }>> = {
  publicRead: [{ entity: 'allUsers', role: 'READER' }],
  publicReadWrite: [{ entity: 'allUsers', role: 'WRITER' }],
  authenticatedRead: [{ entity: 'allAuthenticatedUsers', role: 'READER' }],
};

/**
 * The members of a list Terraform knows in part (`["allUsers", google_service_account.app.member]`), or
 * undefined when an element known only after apply could change who the role reaches: one element could be
 * allUsers, so only a known allUsers (which already reaches everyone) makes the unknown ones irrelevant.
 */
function knownMembers(members: Array<string | null> | undefined): string[] | undefined {
  const known = (members ?? []).filter((m): m is string => typeof m === 'string');
  return known.length === (members ?? []).length || known.includes('allUsers') ? known : undefined;
}

/** The bindings a planned data "google_iam_policy" read at apply will render, or why they stay unknown. */
function documentBindings(ctx: PlanContext, doc: ResourceChange): { bindings: NonNullable<GcsIamPolicy['bindings']> } | { unknown: string } {
  if (ctx.isUnknown(doc, 'binding')) return { unknown: ctx.unknownReason(doc, 'binding') };
  const blocks = (ctx.blocks<object>(doc, 'binding') ?? []).map((_, i) => ({ role: ctx.text(doc, 'binding', i, 'role'), members: ctx.texts(doc, 'binding', i, 'members') }));
  const pending = blocks.findIndex((b, i) => ctx.isUnknown(doc, 'binding', i, 'role') || ctx.isUnknown(doc, 'binding', i, 'members') || !knownMembers(b.members));
  if (pending >= 0) return { unknown: ctx.unknownReason(doc, `binding[${pending}].members`) };
  return { bindings: blocks.map((b) => ({ ...(b.role !== undefined ? { role: b.role } : {}), members: knownMembers(b.members) ?? [] })) };
}

/** A google_storage_bucket_iam_policy's `policy_data`: the policy as JSON text (from a google_iam_policy data source). */
function policyData(ctx: PlanContext, rc: ResourceChange): GcsIamPolicy {
  const text = ctx.text(rc, 'policy_data') ?? '{}';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw ctx.invalid(rc, ['policy_data'], `expected a policy as JSON text for ${rc.address}.policy_data, found ${JSON.stringify(text.slice(0, 40))}`);
  }
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isBinding = (b: unknown) => isObject(b) && (b.role === undefined || typeof b.role === 'string') && (b.members === undefined || (Array.isArray(b.members) && b.members.every((m) => typeof m === 'string')));
  if (!isObject(parsed) || (parsed.bindings !== undefined && !(Array.isArray(parsed.bindings) && parsed.bindings.every(isBinding)))) {
    throw ctx.invalid(rc, ['policy_data'], `expected a policy with a list of bindings (role, members) for ${rc.address}.policy_data`);
  }
  return parsed;
}

/** `role_entity` entries ("READER:allUsers") as ACL entries. */
function roleEntities(list: Array<string | null> | undefined): Array<{ entity: string; role: string }> {
  return (list ?? []).flatMap((e) => {
    if (e === null) return [];
    const [role, entity] = e.split(':');
    return role && entity ? [{ entity, role }] : [];
  });
}

/**
 * A planned bucket rebuilt as the JSON API bucket and IAM policy the live collector reads, then judged
 * by @leakproof/gcp's normalizer: one judgment for plans and live audits.
 */
function bucket(ctx: PlanContext, rc: ResourceChange, joined: ResourceChange[], unresolved: Array<{ iam: boolean; reason: string }>): Resource {
  const unknown: Record<string, string> = {};
  if (ctx.isPending(rc, 'public_access_prevention')) unknown.publicAccessPrevention = ctx.unknownReason(rc, 'public_access_prevention');
  if (ctx.isPending(rc, 'uniform_bucket_level_access')) unknown.uniformBucketLevelAccess = ctx.unknownReason(rc, 'uniform_bucket_level_access');
  const bindings: NonNullable<GcsIamPolicy['bindings']> = [];
  const acl: Array<{ entity: string; role: string }> = [];
  const objectAcl: Array<{ entity: string; role: string }> = [];
  let iamUnknown: string | undefined;
  for (const g of joined) {
    if (g.type === 'google_storage_bucket_iam_member') {
      if (ctx.isUnknown(g, 'member') || ctx.isUnknown(g, 'role')) iamUnknown = ctx.unknownReason(g, 'member');
      else bindings.push({ role: ctx.text(g, 'role'), members: [ctx.text(g, 'member') ?? ''] });
    } else if (g.type === 'google_storage_bucket_iam_binding') {
      if (ctx.isUnknown(g, 'members') || ctx.isUnknown(g, 'role')) iamUnknown = ctx.unknownReason(g, 'members');
      else {
        const members = knownMembers(ctx.texts(g, 'members'));
        if (members) bindings.push({ role: ctx.text(g, 'role'), members });
        else iamUnknown = ctx.unknownReason(g, 'members');
      }
    } else if (g.type === 'google_storage_bucket_iam_policy') {
      if (!ctx.isUnknown(g, 'policy_data')) bindings.push(...(policyData(ctx, g).bindings ?? []));
      else {
        const doc = ctx.dataSourceOf(g, 'policy_data', 'google_iam_policy');
        const fromDoc = doc ? documentBindings(ctx, doc) : { unknown: ctx.unknownReason(g, 'policy_data') };
        if ('unknown' in fromDoc) iamUnknown = fromDoc.unknown;
        else bindings.push(...fromDoc.bindings);
      }
    } else if (g.type === 'google_storage_bucket_acl') {
      if (ctx.isUnknown(g, 'role_entity') || ctx.isUnknown(g, 'predefined_acl') || ctx.hasPendingElement(g, 'role_entity')) unknown.acl = ctx.unknownReason(g, 'role_entity');
      acl.push(...roleEntities(ctx.texts(g, 'role_entity')));
      acl.push(...(PREDEFINED_ACL[ctx.text(g, 'predefined_acl') ?? ''] ?? []));
      // default_acl is a predefined ACL for new objects; its public entries read like object ACLs.
      objectAcl.push(...(PREDEFINED_ACL[ctx.text(g, 'default_acl') ?? ''] ?? []));
    } else if (g.type === 'google_storage_bucket_access_control' || g.type === 'google_storage_default_object_access_control') {
      if (ctx.isPending(g, 'entity') || ctx.isPending(g, 'role')) unknown.acl = ctx.unknownReason(g, 'entity');
      const entry = { entity: ctx.text(g, 'entity') ?? '', role: ctx.text(g, 'role') ?? '' };
      (g.type === 'google_storage_bucket_access_control' ? acl : objectAcl).push(entry);
    } else if (g.type === 'google_storage_default_object_acl') {
      if (ctx.isPending(g, 'role_entity') || ctx.hasPendingElement(g, 'role_entity')) unknown.acl = ctx.unknownReason(g, 'role_entity');
      objectAcl.push(...roleEntities(ctx.texts(g, 'role_entity')));
    }
  }
  // Split resources whose bucket could not be followed: each may grant on this bucket, so what they grant is unknown here.
  for (const { iam, reason } of unresolved) {
    if (iam) iamUnknown = reason;
    else unknown.acl = reason;
  }
  const retention = ctx.block<{ is_locked?: boolean; retention_period?: number }>(rc, 'retention_policy');
  const logBucket = ctx.block<{ log_bucket?: string }>(rc, 'logging')?.log_bucket;
  const defaultKmsKeyName = ctx.block<{ default_kms_key_name?: string }>(rc, 'encryption')?.default_kms_key_name;
  const b: GcsBucket = {
    name: ctx.text(rc, 'name') ?? rc.address,
    location: ctx.text(rc, 'location') ?? 'planned',
    iamConfiguration: { uniformBucketLevelAccess: { enabled: ctx.flag(rc, 'uniform_bucket_level_access') === true }, publicAccessPrevention: ctx.text(rc, 'public_access_prevention') ?? 'inherited' },
    versioning: { enabled: ctx.block<{ enabled?: boolean }>(rc, 'versioning')?.enabled === true },
    ...(logBucket ? { logging: { logBucket } } : {}),
    ...(retention ? { retentionPolicy: { retentionPeriod: retention.retention_period ?? 0, isLocked: retention.is_locked === true } } : {}),
    ...(defaultKmsKeyName ? { encryption: { defaultKmsKeyName } } : {}),
    labels: ctx.tags(rc).tags,
    acl,
    ...(objectAcl.length ? { defaultObjectAcl: objectAcl } : {}),
  };
  const iam: CallOutcome<GcsIamPolicy> = iamUnknown ? { status: 'unknown', reason: iamUnknown } : { status: 'ok', value: { bindings } };
  const resource = normalizeGcsBucket({ project: ctx.text(rc, 'project') ?? 'planned', bucket: b, iam, unknown });
  ctx.place(rc, resource);
  const by = (types: string[]) => ctx.source(joined.find((g) => types.includes(g.type)));
  attributeFactSources(resource, [
    { evidence: /^IAM binding/, source: by(['google_storage_bucket_iam_member', 'google_storage_bucket_iam_binding', 'google_storage_bucket_iam_policy']) },
    { evidence: /default object ACL/, source: by(['google_storage_default_object_acl', 'google_storage_default_object_access_control']) },
    { evidence: /ACL/, source: by(['google_storage_bucket_acl', 'google_storage_bucket_access_control']) },
  ]);
  return resource;
}

function sql(ctx: PlanContext, rc: ResourceChange): Resource {
  const setting = ['settings', 0] as const;
  const ip = [...setting, 'ip_configuration', 0] as const;
  const backup = [...setting, 'backup_configuration', 0] as const;
  const project = ctx.text(rc, 'project') ?? 'planned';
  const key = ctx.text(rc, 'encryption_key_name');
  const labels = ctx.value<unknown>(rc, ...setting, 'user_labels');
  const requireSsl = ctx.flag(rc, ...ip, 'require_ssl');
  const sslMode = ctx.text(rc, ...ip, 'ssl_mode');
  const resource = normalizeSqlInstance(
    {
      name: ctx.text(rc, 'name') ?? rc.address,
      region: ctx.text(rc, 'region') ?? 'planned',
      databaseVersion: ctx.text(rc, 'database_version') ?? '',
      ...(key ? { diskEncryptionConfiguration: { kmsKeyName: key } } : {}),
      settings: {
        userLabels: labels !== null && typeof labels === 'object' ? Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')) : {},
        deletionProtectionEnabled: ctx.flag(rc, ...setting, 'deletion_protection_enabled') === true,
        ipConfiguration: {
          ipv4Enabled: ctx.flag(rc, ...ip, 'ipv4_enabled') !== false,
          authorizedNetworks: (ctx.blocks<object>(rc, ...ip, 'authorized_networks') ?? []).map((_, i) => ({ value: ctx.text(rc, ...ip, 'authorized_networks', i, 'value') ?? '', name: ctx.text(rc, ...ip, 'authorized_networks', i, 'name') ?? '' })),
          // google provider 6 removed require_ssl; older plans may still carry it.
          ...(requireSsl !== undefined ? { requireSsl } : {}),
          ...(sslMode ? { sslMode } : {}),
        },
        backupConfiguration: { enabled: ctx.flag(rc, ...backup, 'enabled') === true, backupRetentionSettings: { retainedBackups: ctx.count(rc, ...backup, 'backup_retention_settings', 0, 'retained_backups') ?? 7 } },
      },
      // Terraform's deletion_protection defaults to true and blocks `terraform destroy`.
      terraformDeletionProtection: ctx.flag(rc, 'deletion_protection') !== false,
    },
    project,
    {
      ...(ctx.isPending(rc, 'settings', 0, 'ip_configuration') ? { ipConfiguration: ctx.unknownReason(rc, 'settings.ip_configuration') } : {}),
      ...(ctx.isPending(rc, 'settings', 0, 'ip_configuration', 0, 'ssl_mode') ? { sslMode: ctx.unknownReason(rc, 'settings.ip_configuration.ssl_mode') } : {}),
    },
  );
  ctx.place(rc, resource);
  return resource;
}

/**
 * An ingress rule with no source_ranges, source_tags or source_service_accounts admits 0.0.0.0/0: Compute
 * Engine fills in that range, and the live API returns it.
 */
function sourceRangesOf(ctx: PlanContext, rc: ResourceChange): string[] {
  // Elements known only after apply (null) make the rule's verdicts unknown (see `firewalls`).
  const ranges = ctx.knownTexts(rc, 'source_ranges');
  const direction = ctx.text(rc, 'direction') ?? 'INGRESS';
  const otherSources = [...(ctx.texts(rc, 'source_tags') ?? []), ...(ctx.texts(rc, 'source_service_accounts') ?? [])];
  if (direction === 'INGRESS' && ranges.length === 0 && otherSources.length === 0) return ['0.0.0.0/0'];
  return ranges;
}

/**
 * The network a planned firewall is on, as a key for comparing rules: the planned value when known, else the
 * google_compute_network of this plan its `network` refers to (`network = google_compute_network.vpc.id` is
 * known only after apply, yet every rule written that way is on that one network), else '' (not compared).
 */
function networkOf(ctx: PlanContext, rc: ResourceChange): string {
  const literal = ctx.text(rc, 'network');
  // "default", "projects/p/global/networks/default" and the full self link name one network.
  if (literal) return literal.split('/').pop() ?? literal;
  const [target, ...more] = ctx.joinTo(rc, 'network', ['google_compute_network']);
  return target && more.length === 0 ? `terraform:${target.address}` : '';
}

/** A planned google_compute_firewall in the Compute API's shape. */
function firewallOf(ctx: PlanContext, rc: ResourceChange): GcpFirewall {
  const rules = (name: string) =>
    (ctx.blocks<object>(rc, name) ?? []).map((_, i) => ({ IPProtocol: ctx.text(rc, name, i, 'protocol') ?? 'all', ports: ctx.knownTexts(rc, name, i, 'ports') }));
  const priority = ctx.count(rc, 'priority');
  return {
    name: ctx.text(rc, 'name') ?? rc.address,
    network: networkOf(ctx, rc),
    ...(typeof priority === 'number' ? { priority } : {}),
    direction: ctx.text(rc, 'direction') ?? 'INGRESS',
    disabled: ctx.flag(rc, 'disabled') === true,
    sourceRanges: sourceRangesOf(ctx, rc),
    allowed: rules('allow'),
    denied: rules('deny'),
    targetTags: ctx.knownTexts(rc, 'target_tags'),
    targetServiceAccounts: ctx.knownTexts(rc, 'target_service_accounts'),
  };
}

function firewalls(ctx: PlanContext): Resource[] {
  const planned = ctx.of('google_compute_firewall');
  // A deny rule shadows only rules on its own network; rules whose network is known only after apply are not compared.
  // One list for every rule, so the normalizer indexes its deny rules once.
  const network = planned.map((rc) => firewallOf(ctx, rc)).filter((f) => f.network !== '');
  return planned.map((rc) => firewall(ctx, rc, network));
}

function firewall(ctx: PlanContext, rc: ResourceChange, network: readonly GcpFirewall[]): Resource {
  const pending =
    ['source_ranges', 'source_tags', 'source_service_accounts', 'allow', 'deny', 'direction', 'disabled', 'priority'].find((a) => ctx.isPending(rc, a)) ??
    // A list with one element known only after apply: that element could be any range, tag or account.
    ['source_ranges', 'source_tags', 'source_service_accounts', 'target_tags', 'target_service_accounts'].find((a) => ctx.hasPendingElement(rc, a));
  const unknown = pending ? ctx.unknownReason(rc, pending) : undefined;
  const resource = normalizeFirewall(
    firewallOf(ctx, rc),
    ctx.text(rc, 'project') ?? 'planned',
    unknown,
    network,
  );
  ctx.place(rc, resource);
  return resource;
}

export function normalizeGcpPlan(ctx: PlanContext): Resource[] {
  const buckets = ctx.of('google_storage_bucket');
  const joined = new Map<ResourceChange, ResourceChange[]>(buckets.map((b) => [b, []]));
  const unresolved = new Map<ResourceChange, Array<{ iam: boolean; reason: string }>>();
  for (const type of ['google_storage_bucket_iam_member', 'google_storage_bucket_iam_binding', 'google_storage_bucket_iam_policy', 'google_storage_bucket_acl', 'google_storage_bucket_access_control', 'google_storage_default_object_acl', 'google_storage_default_object_access_control']) {
    for (const rc of ctx.of(type)) {
      const { targets, candidates, why } = ctx.splitParents(rc, 'bucket', ['google_storage_bucket'], 'name');
      if (candidates.length) ctx.note(`could not tell which google_storage_bucket of this plan it grants on: its ${why}; what it grants is unknown for each bucket it may grant on`, rc);
      else if (!targets.length) ctx.note('could not join to a google_storage_bucket of this plan through its "bucket" reference; not judged', rc);
      for (const b of targets) joined.get(b)?.push(rc);
      for (const b of candidates) unresolved.set(b, [...(unresolved.get(b) ?? []), { iam: type.startsWith('google_storage_bucket_iam_'), reason: `${rc.address} may grant on this bucket: its ${why}` }]);
    }
  }
  return [...buckets.map((b) => bucket(ctx, b, joined.get(b) ?? [], unresolved.get(b) ?? [])), ...ctx.of('google_sql_database_instance').map((rc) => sql(ctx, rc)), ...firewalls(ctx)];
}
