import { allowPublicVerdict, networkOpenVerdict, normalizeContainer, normalizeCosmosAccount, judgeFirewallRules, normalizeFlexibleServer, normalizeNsg, normalizeSqlDatabase, normalizeSqlServer, normalizeStorageAccount, nsgRuleIsOpen, type AzureFirewallRule, type AzureSecurityRule, type FlexibleServerEngine, type AzureStorageAccount } from '@leakproof/azure/normalize';
import { fact, verdict, type CallOutcome, type Resource, type Verdict } from '@leakproof/core';
import { attributeFactSources, type PlanContext } from '../context.js';
import type { ResourceChange } from '../plan.js';

export const AZURE_TYPES = [
  'azurerm_storage_account',
  'azurerm_storage_container',
  'azurerm_mssql_server',
  'azurerm_mssql_firewall_rule',
  'azurerm_network_security_group',
  'azurerm_network_security_rule',
  'azurerm_mssql_server_extended_auditing_policy',
  'azurerm_mssql_database',
  'azurerm_storage_account_network_rules',
  'azurerm_storage_account_customer_managed_key',
  'azurerm_mssql_server_transparent_data_encryption',
  'azurerm_postgresql_flexible_server',
  'azurerm_postgresql_flexible_server_firewall_rule',
  'azurerm_postgresql_flexible_server_configuration',
  'azurerm_mysql_flexible_server',
  'azurerm_mysql_flexible_server_firewall_rule',
  'azurerm_mysql_flexible_server_configuration',
  'azurerm_cosmosdb_account',
  'azurerm_management_lock',
  // azurerm v3's older SQL resources (removed in v4), still in many estates.
  'azurerm_sql_server',
  'azurerm_sql_firewall_rule',
  'azurerm_sql_database',
] as const;

/** The server types a firewall rule, database or auditing policy can refer to. */
const SQL_SERVER_TYPES = ['azurerm_mssql_server', 'azurerm_sql_server'];

/** azurerm v4 renamed some arguments; read whichever the plan carries. */
function eitherFlag(ctx: PlanContext, rc: ResourceChange, ...names: string[]): boolean | undefined {
  for (const n of names) {
    const v = ctx.flag(rc, n);
    if (v !== undefined) return v;
  }
  return undefined;
}


/**
 * The parents a split resource joins through any of `attributes` (see PlanContext.splitParents), noting the ones it
 * cannot join: `candidates` are the parents the plan creates when the reference waits for apply and cannot be followed.
 */
function splitTargets(ctx: PlanContext, rc: ResourceChange, through: Array<[attribute: string, identity: string | undefined]>, parentTypes: string[], what: string): { targets: ResourceChange[]; candidates: ResourceChange[]; reason: string } {
  const present = through.filter(([a]) => ctx.config.referencesOf(rc, a).length > 0 || ctx.text(rc, a) !== undefined || ctx.isPending(rc, a));
  const attribute = (present[0] ?? through[0])?.[0] ?? '';
  for (const [a, identity] of present) {
    const found = ctx.splitParents(rc, a, parentTypes, identity);
    if (found.targets.length || found.candidates.length) {
      if (found.candidates.length) ctx.note(`could not tell which ${what} of this plan it configures: its ${found.why}; what it sets is unknown for each ${what} it may configure`, rc);
      return { targets: found.targets, candidates: found.candidates, reason: `${rc.address} may configure this resource: its ${found.why}` };
    }
  }
  ctx.note(`could not join to an ${what} of this plan through "${attribute}"; not judged`, rc);
  return { targets: [], candidates: [], reason: '' };
}

/** For each parent a split resource may configure, per kind of setting, the first reason it is unknown there. */
type MayConfigure<K extends string> = Map<ResourceChange, Partial<Record<K, string>>>;

function mayAdd<K extends string>(map: MayConfigure<K>, parents: ResourceChange[], kind: K, reason: string): void {
  for (const p of parents) map.set(p, { [kind]: reason, ...map.get(p) });
}

function located(ctx: PlanContext, rc: ResourceChange, resource: Resource): Resource {
  ctx.place(rc, resource);
  if (!ctx.text(rc, 'id')) resource.id = `terraform:${rc.address}`;
  return resource;
}

/** A planned storage account rebuilt as the ARM account the live collector reads, judged by @leakproof/azure. */
interface StorageSplits {
  /** An `azurerm_storage_account_network_rules` resource, which replaces the inline `network_rules`. */
  networkRules?: ResourceChange;
  customerKey?: ResourceChange;
}

function storageAccount(ctx: PlanContext, rc: ResourceChange, splits: StorageSplits, may: Partial<Record<keyof StorageSplits, string>>): { resource: Resource; allowPublic: Verdict; networkOpen: Verdict } {
  const network = splits.networkRules
    ? { default_action: ctx.text(splits.networkRules, 'default_action'), ip_rules: ctx.texts(splits.networkRules, 'ip_rules') }
    : ctx.block(rc, 'network_rules') && { default_action: ctx.text(rc, 'network_rules', 0, 'default_action'), ip_rules: ctx.texts(rc, 'network_rules', 0, 'ip_rules') };
  // An IP rule known only after apply (null in the list) could admit the internet.
  const networkPending =
    (splits.networkRules ? ctx.isPending(splits.networkRules, 'default_action') || ctx.isPending(splits.networkRules, 'ip_rules') : ctx.isPending(rc, 'network_rules')) || network?.ip_rules?.includes(null) === true;
  const blob = ctx.block<{ versioning_enabled?: boolean; delete_retention_policy?: Array<{ days?: number }> }>(rc, 'blob_properties');
  const allow = eitherFlag(ctx, rc, 'allow_nested_items_to_be_public', 'allow_blob_public_access');
  const a: AzureStorageAccount = {
    ...(ctx.text(rc, 'id') ? { id: ctx.text(rc, 'id') } : {}),
    name: ctx.text(rc, 'name') ?? rc.address,
    location: ctx.text(rc, 'location') ?? 'planned',
    tags: ctx.tags(rc).tags,
    ...(allow !== undefined ? { allowBlobPublicAccess: allow } : {}),
    publicNetworkAccess: ctx.flag(rc, 'public_network_access_enabled') === false ? 'Disabled' : 'Enabled',
    networkRuleSet: { defaultAction: network?.default_action ?? 'Allow', ipRules: (network?.ip_rules ?? []).map((ip) => ({ ...(ip !== null ? { iPAddressOrRange: ip } : {}), action: 'Allow' })) },
    enableHttpsTrafficOnly: eitherFlag(ctx, rc, 'https_traffic_only_enabled', 'enable_https_traffic_only') !== false,
    // azurerm defaults min_tls_version to TLS1_2.
    minimumTlsVersion: ctx.text(rc, 'min_tls_version') ?? 'TLS1_2',
    allowSharedKeyAccess: ctx.flag(rc, 'shared_access_key_enabled') !== false,
    encryption: { keySource: (ctx.list(rc, 'customer_managed_key') ?? []).length || splits.customerKey ? 'Microsoft.Keyvault' : 'Microsoft.Storage' },
  };
  const unknown = ctx.isPending(rc, 'allow_nested_items_to_be_public') ? { allowBlobPublicAccess: ctx.unknownReason(rc, 'allow_nested_items_to_be_public') } : {};
  const resource = located(ctx, rc, normalizeStorageAccount(a, { status: 'ok', value: { deleteRetentionPolicy: { enabled: (blob?.delete_retention_policy?.[0]?.days ?? 0) > 0, days: blob?.delete_retention_policy?.[0]?.days ?? 0 }, isVersioningEnabled: blob?.versioning_enabled === true } }, unknown));
  let networkOpen = networkOpenVerdict(a);
  const pendingReason = ctx.isPending(rc, 'public_network_access_enabled')
    ? ctx.unknownReason(rc, 'public_network_access_enabled')
    : networkPending && a.publicNetworkAccess !== 'Disabled'
      ? ctx.unknownReason(splits.networkRules ?? rc, splits.networkRules ? 'ip_rules' : 'network_rules')
      : a.publicNetworkAccess !== 'Disabled'
        ? may.networkRules
        : undefined;
  if (pendingReason) {
    networkOpen = verdict.unknown(pendingReason);
    resource.facts.networkOpenToInternet = { unknown: pendingReason };
    if (ctx.isPending(rc, 'public_network_access_enabled')) resource.facts.publicNetworkAccess = { unknown: pendingReason };
  }
  if (may.customerKey && !splits.customerKey && a.encryption?.keySource !== 'Microsoft.Keyvault') resource.facts.encryptionAtRest = { unknown: may.customerKey };
  // A finding about the network points at the split resource that decided it.
  const networkSource = ctx.source(splits.networkRules);
  const keySource = ctx.source(splits.customerKey);
  if (networkSource || keySource) resource.factSources = { ...(networkSource ? { networkOpenToInternet: networkSource } : {}), ...(keySource ? { encryptionAtRest: keySource } : {}) };
  return { resource, allowPublic: allowPublicVerdict(a, unknown.allowBlobPublicAccess), networkOpen };
}

function sqlTls(planned: string | undefined): string {
  if (planned === undefined) return '1.2';
  return planned === 'Disabled' ? 'None' : planned;
}

/**
 * Whether a server audits: a separate auditing policy resource decides; azurerm_sql_server may instead
 * carry an inline extended_auditing_policy block. Without either, the server has no auditing.
 */
function sqlAuditing(ctx: PlanContext, rc: ResourceChange, auditing: ResourceChange | undefined): CallOutcome<{ state?: string }> {
  if (auditing) {
    return ctx.isPending(auditing, 'enabled') ? { status: 'unknown', reason: ctx.unknownReason(auditing, 'enabled') } : { status: 'ok', value: { state: ctx.flag(auditing, 'enabled') === false ? 'Disabled' : 'Enabled' } };
  }
  if (rc.type === 'azurerm_sql_server') {
    if (ctx.isPending(rc, 'extended_auditing_policy')) return { status: 'unknown', reason: ctx.unknownReason(rc, 'extended_auditing_policy') };
    const inline = ctx.list(rc, 'extended_auditing_policy') ?? [];
    if (inline.length) return { status: 'ok', value: { state: 'Enabled' } };
  }
  return { status: 'ok', value: { state: 'Disabled' } };
}

/**
 * Planned server-level firewall rules (SQL, PostgreSQL and MySQL share their arguments) as the ARM rules the live
 * collector reads, and where the facts they decide point: the rule that opens the server (a broad public range, or
 * "allow Azure services"), as `judgeFirewallRules` judges it.
 */
function plannedFirewallRules(ctx: PlanContext, rules: ResourceChange[], may?: string): { outcome: CallOutcome<AzureFirewallRule[]>; sources: NonNullable<Resource['factSources']> } {
  const pending = rules.find((r) => ctx.isPending(r, 'start_ip_address') || ctx.isPending(r, 'end_ip_address'));
  const arm = rules.map((r) => ({ name: ctx.text(r, 'name') ?? r.address, startIpAddress: ctx.text(r, 'start_ip_address') ?? '', endIpAddress: ctx.text(r, 'end_ip_address') ?? '' }));
  const opening = rules.find((_, i) => {
    const judged = judgeFirewallRules(arm.slice(i, i + 1));
    return judged.internet.length > 0 || judged.tenants.length > 0;
  });
  const source = ctx.source(opening);
  return {
    outcome: pending ? { status: 'unknown', reason: ctx.unknownReason(pending, 'start_ip_address') } : may ? { status: 'unknown', reason: may } : { status: 'ok', value: arm },
    sources: source ? { internetReachable: source, internetExposedPorts: source, openToCloudTenants: source } : {},
  };
}

function sqlServer(ctx: PlanContext, rc: ResourceChange, rules: ResourceChange[], auditing: ResourceChange | undefined, tde: ResourceChange | undefined, may: Partial<Record<'rules' | 'auditing' | 'tde', string>>): Resource {
  const firewall = plannedFirewallRules(ctx, rules, may.rules);
  const resource = normalizeSqlServer(
    {
      ...(ctx.text(rc, 'id') ? { id: ctx.text(rc, 'id') } : {}),
      name: ctx.text(rc, 'name') ?? rc.address,
      location: ctx.text(rc, 'location') ?? 'planned',
      tags: ctx.tags(rc).tags,
      publicNetworkAccess: ctx.flag(rc, 'public_network_access_enabled') === false ? 'Disabled' : 'Enabled',
      // azurerm_mssql_server defaults minimum_tls_version to 1.2; "Disabled" is ARM's "None" (no minimum).
      // azurerm_sql_server sends none when unset, and Azure SQL has refused TLS below 1.2 since August 2025.
      minimalTlsVersion: sqlTls(ctx.text(rc, 'minimum_tls_version')),
    },
    firewall.outcome,
    // TDE with a service-managed key is the default; azurerm_mssql_server_transparent_data_encryption with a
    // key_vault_key_id (or managed_hsm_key_id) makes the protector a customer key.
    // A key id known only after apply is still a configured key.
    may.tde && !tde
      ? { status: 'unknown', reason: may.tde }
      : { status: 'ok', value: { serverKeyType: tde && ['key_vault_key_id', 'managed_hsm_key_id'].some((k) => ctx.text(tde, k) || ctx.isPending(tde, k)) ? 'AzureKeyVault' : 'ServiceManaged' } },
    ctx.isPending(rc, 'public_network_access_enabled') ? { publicNetworkAccess: ctx.unknownReason(rc, 'public_network_access_enabled') } : {},
    may.auditing && !auditing ? { status: 'unknown', reason: may.auditing } : sqlAuditing(ctx, rc, auditing),
  );
  located(ctx, rc, resource);
  if (Object.keys(firewall.sources).length) resource.factSources = firewall.sources;
  return resource;
}

/** Per engine, the flexible server type, how its rules and parameters join it, and the parameters leakproof judges. */
const FLEXIBLE: Record<FlexibleServerEngine, { server: string; rule: string; parameter: string; joinedBy: string; judged: readonly string[]; auditParameter: string }> = {
  postgres: {
    server: 'azurerm_postgresql_flexible_server',
    rule: 'azurerm_postgresql_flexible_server_firewall_rule',
    parameter: 'azurerm_postgresql_flexible_server_configuration',
    joinedBy: 'server_id',
    judged: ['require_secure_transport', 'shared_preload_libraries', 'pgaudit.log'],
    auditParameter: 'pgaudit.log',
  },
  mysql: {
    server: 'azurerm_mysql_flexible_server',
    rule: 'azurerm_mysql_flexible_server_firewall_rule',
    parameter: 'azurerm_mysql_flexible_server_configuration',
    joinedBy: 'server_name',
    judged: ['require_secure_transport', 'audit_log_enabled', 'audit_log_events'],
    auditParameter: 'audit_log_enabled',
  },
};

/**
 * Public access as planned: `public_network_access_enabled` (PostgreSQL, and MySQL before azurerm renamed it) or
 * `public_network_access` (`Enabled`/`Disabled`, MySQL); a server with a `delegated_subnet_id` has private access
 * only, as Azure decides.
 */
function flexibleAccess(ctx: PlanContext, rc: ResourceChange, delegated: boolean): { access: string; pending?: string } {
  // Azure refuses public access with virtual network integration, whatever waits for apply.
  if (delegated) return { access: 'Disabled' };
  for (const attribute of ['public_network_access_enabled', 'public_network_access']) {
    if (ctx.isPending(rc, attribute)) return { access: 'Enabled', pending: ctx.unknownReason(rc, attribute) };
  }
  const flag = ctx.flag(rc, 'public_network_access_enabled');
  const text = ctx.text(rc, 'public_network_access');
  if (flag !== undefined) return { access: flag ? 'Enabled' : 'Disabled' };
  if (text !== undefined) return { access: text === 'Disabled' ? 'Disabled' : 'Enabled' };
  return { access: 'Enabled' };
}

/**
 * A planned PostgreSQL or MySQL flexible server rebuilt as the ARM server, firewall rules and server parameters the
 * live collector reads. Parameters the plan does not set keep Azure's defaults (`require_secure_transport` on; no
 * pgAudit; MySQL's audit log off).
 */
function flexibleServer(ctx: PlanContext, engine: FlexibleServerEngine, rc: ResourceChange, rules: ResourceChange[], parameters: ResourceChange[], may: Partial<Record<'rules' | 'parameters', string>>): Resource {
  const kind = FLEXIBLE[engine];
  const firewall = plannedFirewallRules(ctx, rules, may.rules);
  const named = parameters.map((p) => ({ rc: p, name: (ctx.text(p, 'name') ?? '').toLowerCase() }));
  const unknownParameter = named.find((p) => ctx.isPending(p.rc, 'name') || (kind.judged.includes(p.name) && ctx.isPending(p.rc, 'value')));
  const delegated = Boolean(ctx.text(rc, 'delegated_subnet_id')) || ctx.isPending(rc, 'delegated_subnet_id');
  const access = flexibleAccess(ctx, rc, delegated);
  const keyed = (ctx.list(rc, 'customer_managed_key') ?? []).length > 0 || ctx.isPending(rc, 'customer_managed_key');
  const resource = normalizeFlexibleServer(
    engine,
    {
      ...(ctx.text(rc, 'id') ? { id: ctx.text(rc, 'id') } : {}),
      name: ctx.text(rc, 'name') ?? rc.address,
      location: ctx.text(rc, 'location') ?? 'planned',
      tags: ctx.tags(rc).tags,
      ...(ctx.text(rc, 'version') ? { version: ctx.text(rc, 'version') } : {}),
      network: { publicNetworkAccess: access.access },
      backup: { backupRetentionDays: ctx.count(rc, 'backup_retention_days') ?? 7 },
      dataEncryption: { type: keyed ? 'AzureKeyVault' : 'SystemManaged' },
    },
    firewall.outcome,
    unknownParameter
      ? { status: 'unknown', reason: ctx.unknownReason(unknownParameter.rc, ctx.isPending(unknownParameter.rc, 'name') ? 'name' : 'value') }
      : may.parameters
        ? { status: 'unknown', reason: may.parameters }
        : { status: 'ok', value: named.map((p) => ({ name: p.name, value: ctx.text(p.rc, 'value') ?? '' })) },
    {
      ...(access.pending ? { publicNetworkAccess: access.pending } : {}),
      ...(ctx.isPending(rc, 'backup_retention_days') ? { backupRetentionDays: ctx.unknownReason(rc, 'backup_retention_days') } : {}),
    },
  );
  located(ctx, rc, resource);
  const sources: NonNullable<Resource['factSources']> = { ...firewall.sources };
  const tls = ctx.source(named.find((p) => p.name === 'require_secure_transport')?.rc);
  if (tls) sources.tlsRequired = tls;
  const audit = ctx.source(named.find((p) => p.name === kind.auditParameter)?.rc ?? named.find((p) => kind.judged.includes(p.name) && p.name !== 'require_secure_transport')?.rc);
  if (audit) sources.auditLogging = audit;
  if (Object.keys(sources).length) resource.factSources = sources;
  return resource;
}

/**
 * A planned Cosmos DB account as ARM returns it. `ip_range_filter` is a set of addresses and CIDRs (azurerm v4) or
 * one comma-separated string (v3). Without a `backup` block Azure takes periodic backups every 240 minutes, kept
 * 8 hours.
 */
function cosmosAccount(ctx: PlanContext, rc: ResourceChange): Resource {
  const filter = ctx.value<unknown>(rc, 'ip_range_filter');
  const rules = typeof filter === 'string' ? filter.split(',').map((r) => r.trim()).filter((r) => r !== '') : ctx.knownTexts(rc, 'ip_range_filter');
  const ipPending = ctx.isPending(rc, 'ip_range_filter') || (typeof filter !== 'string' && ctx.hasPendingElement(rc, 'ip_range_filter')) || ctx.isPending(rc, 'is_virtual_network_filter_enabled');
  const backup = ['backup', 0] as const;
  const resource = normalizeCosmosAccount(
    {
      ...(ctx.text(rc, 'id') ? { id: ctx.text(rc, 'id') } : {}),
      name: ctx.text(rc, 'name') ?? rc.address,
      location: ctx.text(rc, 'location') ?? 'planned',
      tags: ctx.tags(rc).tags,
      ...(ctx.text(rc, 'kind') ? { kind: ctx.text(rc, 'kind') } : {}),
      publicNetworkAccess: ctx.flag(rc, 'public_network_access_enabled') === false ? 'Disabled' : 'Enabled',
      ipRules: rules.map((ipAddressOrRange) => ({ ipAddressOrRange })),
      isVirtualNetworkFilterEnabled: ctx.flag(rc, 'is_virtual_network_filter_enabled') === true,
      minimalTlsVersion: ctx.text(rc, 'minimal_tls_version') ?? 'Tls12',
      ...(ctx.text(rc, 'key_vault_key_id') || ctx.isPending(rc, 'key_vault_key_id') ? { keyVaultKeyUri: ctx.text(rc, 'key_vault_key_id') ?? 'known after apply' } : {}),
      backupPolicy:
        ctx.text(rc, ...backup, 'type') === 'Continuous'
          ? { type: 'Continuous', continuousModeProperties: { tier: ctx.text(rc, ...backup, 'tier') ?? 'Continuous30Days' } }
          : { type: 'Periodic', periodicModeProperties: { backupIntervalInMinutes: ctx.count(rc, ...backup, 'interval_in_minutes') ?? 240, backupRetentionIntervalInHours: ctx.count(rc, ...backup, 'retention_in_hours') ?? 8 } },
    },
    {
      ...(ctx.isPending(rc, 'public_network_access_enabled') ? { publicNetworkAccess: ctx.unknownReason(rc, 'public_network_access_enabled') } : {}),
      ...(ipPending ? { ipRules: ctx.unknownReason(rc, 'ip_range_filter') } : {}),
      ...(ctx.isPending(rc, 'backup') || ['type', 'tier', 'retention_in_hours'].some((f) => ctx.isPending(rc, ...backup, f)) ? { backupPolicy: ctx.unknownReason(rc, 'backup') } : {}),
    },
  );
  return located(ctx, rc, resource);
}

/**
 * Deletion protection of the planned database servers, from `azurerm_management_lock`: a `CanNotDelete` or
 * `ReadOnly` lock whose `scope` refers to the server, to the resource group its `resource_group_name` refers to,
 * or is a subscription id. A lock whose level or scope waits for apply, and that could be one of these, leaves
 * the server unknown.
 */
function deletionLocks(ctx: PlanContext, servers: ReadonlyMap<ResourceChange, Resource>): void {
  const locks = ctx.of('azurerm_management_lock');
  const serverTypes = [...new Set([...servers.keys()].map((rc) => rc.type))];
  for (const [rc, server] of servers) {
    const groups = new Set(ctx.joinTo(rc, 'resource_group_name', ['azurerm_resource_group']));
    let found: { lock: ResourceChange; on: string } | undefined;
    let pending: ResourceChange | undefined;
    for (const lock of locks) {
      const level = ctx.text(lock, 'lock_level');
      const scope = ctx.text(lock, 'scope');
      const onServer = ctx.joinTo(lock, 'scope', serverTypes).includes(rc);
      const onGroup = ctx.joinTo(lock, 'scope', ['azurerm_resource_group']).some((g) => groups.has(g));
      const onSubscription = scope !== undefined && /^\/subscriptions\/[^/]+\/?$/i.test(scope);
      if (!onServer && !onGroup && !onSubscription) {
        // A scope known only after apply that refers to nothing of the plan could still be this server's.
        if (ctx.isPending(lock, 'scope') && !ctx.config.resolveTargets(lock, 'scope').length) pending ??= lock;
        continue;
      }
      if (ctx.isPending(lock, 'lock_level')) pending ??= lock;
      else if (level === 'CanNotDelete' || level === 'ReadOnly') found ??= { lock, on: onServer ? 'the resource' : onGroup ? 'its resource group' : 'the subscription' };
    }
    if (found) {
      server.facts.deletionProtection = fact(true, `${found.lock.address}: ${ctx.text(found.lock, 'lock_level') ?? '?'} lock on ${found.on}`);
      const source = ctx.source(found.lock);
      if (source) server.factSources = { ...server.factSources, deletionProtection: source };
    } else if (pending) server.facts.deletionProtection = { unknown: ctx.unknownReason(pending, ctx.isPending(pending, 'scope') ? 'scope' : 'lock_level') };
    else server.facts.deletionProtection = fact(false, 'no azurerm_management_lock (CanNotDelete or ReadOnly) on the server, its resource group or the subscription in this plan');
  }
}

/** azurerm security rule arguments in ARM's shape. */
/** A security rule at `path` of `rc` (an inline `security_rule` block, or a separate rule resource at []). */
function ruleOf(ctx: PlanContext, rc: ResourceChange, path: Array<string | number>): AzureSecurityRule {
  const at = (n: string) => [...path, n];
  const text = (n: string) => ctx.text(rc, ...at(n));
  const rule: AzureSecurityRule = { sourceAddressPrefixes: ctx.knownTexts(rc, ...at('source_address_prefixes')), destinationPortRanges: ctx.knownTexts(rc, ...at('destination_port_ranges')) };
  for (const [key, attribute] of [['name', 'name'], ['direction', 'direction'], ['access', 'access'], ['protocol', 'protocol']] as const) {
    const v = text(attribute);
    if (v !== undefined) rule[key] = v;
  }
  const priority = ctx.count(rc, ...at('priority'));
  if (priority !== undefined) rule.priority = priority;
  // An empty prefix or range is no prefix or range.
  const prefix = text('source_address_prefix');
  if (prefix) rule.sourceAddressPrefix = prefix;
  const range = text('destination_port_range');
  if (range) rule.destinationPortRange = range;
  return rule;
}

function nsg(ctx: PlanContext, rc: ResourceChange, extra: ResourceChange[], may?: string): Resource {
  const inline = (ctx.blocks<object>(rc, 'security_rule') ?? []).map((_, i) => ruleOf(ctx, rc, ['security_rule', i]));
  const separate = extra.map((r) => ({ rc: r, rule: ruleOf(ctx, r, []) }));
  const ruleAttributes = ['source_address_prefix', 'source_address_prefixes', 'destination_port_range', 'destination_port_ranges', 'access', 'direction', 'priority', 'protocol'];
  const unknownRule = extra.flatMap((r) => {
    const attribute = ruleAttributes.find((a) => ctx.isPending(r, a));
    return attribute ? [{ r, attribute }] : [];
  })[0];
  const unknown = ctx.isPending(rc, 'security_rule') ? ctx.unknownReason(rc, 'security_rule') : unknownRule ? ctx.unknownReason(unknownRule.r, unknownRule.attribute) : may;
  const resource = located(
    ctx,
    rc,
    normalizeNsg({ ...(ctx.text(rc, 'id') ? { id: ctx.text(rc, 'id') } : {}), name: ctx.text(rc, 'name') ?? rc.address, location: ctx.text(rc, 'location') ?? 'planned', tags: ctx.tags(rc).tags, securityRules: [...inline, ...separate.map((s) => s.rule)] }, unknown),
  );
  // The plan does not say what the NSG guards (associations are separate resources).
  delete resource.facts.appliesTo;
  // A finding points at the separate rule its evidence names: the one that wins on priority, not merely the first open one.
  const escape = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  attributeFactSources(
    resource,
    separate.flatMap((x) => (nsgRuleIsOpen(x.rule) && x.rule.name ? [{ evidence: new RegExp(`rule ${escape(x.rule.name)} (\\(priority|allows)`), source: ctx.source(x.rc) }] : [])),
  );
  return resource;
}

export function normalizeAzurePlan(ctx: PlanContext): Resource[] {
  const splits = new Map<ResourceChange, StorageSplits>();
  const accountMay: MayConfigure<keyof StorageSplits> = new Map();
  const toAccount: Array<[string, string | undefined]> = [
    ['storage_account_id', 'id'],
    ['storage_account_name', 'name'],
  ];
  for (const [type, key] of [
    ['azurerm_storage_account_network_rules', 'networkRules'],
    ['azurerm_storage_account_customer_managed_key', 'customerKey'],
  ] as const) {
    for (const r of ctx.of(type)) {
      const { targets: [account], candidates, reason } = splitTargets(ctx, r, toAccount, ['azurerm_storage_account'], 'azurerm_storage_account');
      if (account) splits.set(account, { ...splits.get(account), [key]: r });
      mayAdd(accountMay, candidates, key, reason);
    }
  }
  const accounts = new Map(ctx.of('azurerm_storage_account').map((rc) => [rc, storageAccount(ctx, rc, splits.get(rc) ?? {}, accountMay.get(rc) ?? {})]));
  const out: Resource[] = [...[...accounts.values()].map((a) => a.resource)];
  for (const rc of ctx.of('azurerm_storage_container')) {
    const targets = toAccount.flatMap(([attribute, identity]) => ctx.splitParents(rc, attribute, ['azurerm_storage_account'], identity).targets);
    if (!targets.length) ctx.note('could not join to an azurerm_storage_account of this plan; its public exposure is unknown', rc);
    const account = targets[0] ? accounts.get(targets[0]) : undefined;
    const unknown = ctx.isPending(rc, 'container_access_type') ? { publicAccess: ctx.unknownReason(rc, 'container_access_type') } : {};
    const container = normalizeContainer({ ...(ctx.text(rc, 'id') ? { id: ctx.text(rc, 'id') } : {}), name: ctx.text(rc, 'name') ?? rc.address, publicAccess: ctx.text(rc, 'container_access_type') ?? 'private' }, account, unknown, 'plan');
    out.push(located(ctx, rc, container));
  }
  // SQL server names are global DNS names (<name>.database.windows.net); ids are known for existing servers.
  const toServer = (r: ResourceChange): Array<[string, string | undefined]> => (r.type.startsWith('azurerm_sql_') ? [['server_name', 'name']] : [['server_id', 'id']]);
  const serverMay: MayConfigure<'rules' | 'auditing' | 'tde'> = new Map();
  const rulesByServer = new Map<ResourceChange, ResourceChange[]>();
  for (const r of [...ctx.of('azurerm_mssql_firewall_rule'), ...ctx.of('azurerm_sql_firewall_rule')]) {
    const { targets, candidates, reason } = splitTargets(ctx, r, toServer(r), SQL_SERVER_TYPES, 'SQL server');
    for (const s of targets) rulesByServer.set(s, [...(rulesByServer.get(s) ?? []), r]);
    mayAdd(serverMay, candidates, 'rules', reason);
  }
  const auditingByServer = new Map<ResourceChange, ResourceChange>();
  for (const a of ctx.of('azurerm_mssql_server_extended_auditing_policy')) {
    const { targets: [server], candidates, reason } = splitTargets(ctx, a, toServer(a), SQL_SERVER_TYPES, 'SQL server');
    if (server) auditingByServer.set(server, a);
    mayAdd(serverMay, candidates, 'auditing', reason);
  }
  const tdeByServer = new Map<ResourceChange, ResourceChange>();
  for (const t of ctx.of('azurerm_mssql_server_transparent_data_encryption')) {
    const { targets: [server], candidates, reason } = splitTargets(ctx, t, toServer(t), SQL_SERVER_TYPES, 'SQL server');
    if (server) tdeByServer.set(server, t);
    mayAdd(serverMay, candidates, 'tde', reason);
  }
  const servers = new Map<ResourceChange, Resource>();
  for (const rc of [...ctx.of('azurerm_mssql_server'), ...ctx.of('azurerm_sql_server')]) {
    const server = sqlServer(ctx, rc, rulesByServer.get(rc) ?? [], auditingByServer.get(rc), tdeByServer.get(rc), serverMay.get(rc) ?? {});
    servers.set(rc, server);
    out.push(server);
  }
  // Each database carries its own transparent data encryption switch (azurerm default: on). An
  // azurerm_sql_database has none: Azure enables TDE on every new database.
  for (const rc of [...ctx.of('azurerm_mssql_database'), ...ctx.of('azurerm_sql_database')]) {
    const through = rc.type === 'azurerm_sql_database' ? 'server_name' : 'server_id';
    const [serverRc] = ctx.joinTo(rc, through, SQL_SERVER_TYPES);
    const server = serverRc ? servers.get(serverRc) : undefined;
    if (!server) {
      ctx.note(`could not join to an SQL server of this plan through "${through}"; not judged`, rc);
      continue;
    }
    const tde = ctx.isPending(rc, 'transparent_data_encryption_enabled')
      ? ({ status: 'unknown', reason: ctx.unknownReason(rc, 'transparent_data_encryption_enabled') } as const)
      : ({ status: 'ok', value: { state: ctx.flag(rc, 'transparent_data_encryption_enabled') === false ? 'Disabled' : 'Enabled' } } as const);
    const db = normalizeSqlDatabase({ ...(ctx.text(rc, 'id') ? { id: ctx.text(rc, 'id') } : {}), name: ctx.text(rc, 'name') ?? rc.address, tags: ctx.tags(rc).tags }, server, tde);
    out.push(located(ctx, rc, db));
  }
  for (const engine of ['postgres', 'mysql'] as const) {
    const kind = FLEXIBLE[engine];
    const parts = new Map<ResourceChange, { rules: ResourceChange[]; parameters: ResourceChange[] }>();
    const flexibleMay: MayConfigure<'rules' | 'parameters'> = new Map();
    for (const [type, key] of [
      [kind.rule, 'rules'],
      [kind.parameter, 'parameters'],
    ] as const) {
      for (const r of ctx.of(type)) {
        // Flexible server names are global DNS names too (<name>.postgres.database.azure.com).
        const { targets, candidates, reason } = splitTargets(ctx, r, [[kind.joinedBy, kind.joinedBy === 'server_name' ? 'name' : 'id']], [kind.server], kind.server);
        mayAdd(flexibleMay, candidates, key, reason);
        for (const s of targets) {
          const found = parts.get(s) ?? { rules: [], parameters: [] };
          found[key].push(r);
          parts.set(s, found);
        }
      }
    }
    for (const rc of ctx.of(kind.server)) {
      const server = flexibleServer(ctx, engine, rc, parts.get(rc)?.rules ?? [], parts.get(rc)?.parameters ?? [], flexibleMay.get(rc) ?? {});
      servers.set(rc, server);
      out.push(server);
    }
  }
  for (const rc of ctx.of('azurerm_cosmosdb_account')) {
    const account = cosmosAccount(ctx, rc);
    servers.set(rc, account);
    out.push(account);
  }
  deletionLocks(ctx, servers);
  const nsgRules = new Map<ResourceChange, ResourceChange[]>();
  const nsgMay: MayConfigure<'rules'> = new Map();
  for (const r of ctx.of('azurerm_network_security_rule')) {
    // NSG names are unique only within a resource group: never joined by name.
    const { targets, candidates, reason } = splitTargets(ctx, r, [['network_security_group_name', undefined]], ['azurerm_network_security_group'], 'azurerm_network_security_group');
    for (const g of targets) nsgRules.set(g, [...(nsgRules.get(g) ?? []), r]);
    mayAdd(nsgMay, candidates, 'rules', reason);
  }
  for (const rc of ctx.of('azurerm_network_security_group')) out.push(nsg(ctx, rc, nsgRules.get(rc) ?? [], nsgMay.get(rc)?.rules));
  return out;
}
