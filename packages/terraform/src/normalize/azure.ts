import { fact, internetIngressFacts, judgeAddressRange, judgeSourceRange, verdict, verdictFact, type Fact, type IngressEntry, type Resource, type Verdict } from '@leakproof/core';
import { attributeFactSources, type PlanContext } from '../context.js';
import type { ResourceChange } from '../plan.js';

export const AZURE_TYPES = [
  'azurerm_storage_account',
  'azurerm_storage_container',
  'azurerm_mssql_server',
  'azurerm_mssql_firewall_rule',
  'azurerm_network_security_group',
  'azurerm_network_security_rule',
] as const;

/** azurerm v4 renamed some arguments; read whichever the plan carries. */
function either<T>(ctx: PlanContext, rc: ResourceChange, ...names: string[]): T | undefined {
  for (const n of names) {
    const v = ctx.value<T>(rc, n);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function accountId(ctx: PlanContext, rc: ResourceChange): string {
  return ctx.value<string>(rc, 'id') ?? `terraform:${rc.address}`;
}

/** Account-level settings as facts; `allowPublic` also decides its containers' exposure. */
function storageAccount(ctx: PlanContext, rc: ResourceChange): { resource: Resource; allowPublic: Verdict; https: Fact; encryption: Fact; versioning: Fact } {
  const name = ctx.value<string>(rc, 'name') ?? rc.address;
  const allowKnown = !ctx.isUnknown(rc, 'allow_nested_items_to_be_public') && !ctx.isUnknown(rc, 'allow_blob_public_access');
  // Unset means allowed: that is Azure's behaviour for accounts that never set the flag.
  const allow = either<boolean>(ctx, rc, 'allow_nested_items_to_be_public', 'allow_blob_public_access') !== false;
  const allowPublic = allowKnown ? verdict.of(allow, `storage account ${name}: allowBlobPublicAccess=${allow}`) : verdict.unknown(ctx.unknownReason(rc, 'allow_nested_items_to_be_public'));
  const network = ctx.value<Array<{ default_action?: string; ip_rules?: string[] }>>(rc, 'network_rules')?.[0];
  const defaultAction = network?.default_action ?? 'Allow';
  const broad = (network?.ip_rules ?? []).filter((ip) => judgeSourceRange(ip).internet);
  const publicNetwork = ctx.value<boolean>(rc, 'public_network_access_enabled') !== false;
  const httpsOnly = either<boolean>(ctx, rc, 'https_traffic_only_enabled', 'enable_https_traffic_only') !== false;
  const tls = ctx.value<string>(rc, 'min_tls_version') ?? 'TLS1_2';
  const cmk = (ctx.value<unknown[]>(rc, 'customer_managed_key') ?? []).length > 0;
  const blob = ctx.value<Array<{ versioning_enabled?: boolean; delete_retention_policy?: Array<{ days?: number }> }>>(rc, 'blob_properties')?.[0];
  const https = fact(httpsOnly, `storage account ${name}: supportsHttpsTrafficOnly=${httpsOnly}`);
  const encryption = cmk ? fact('customer-managed', `storage account ${name}: customer-managed key`) : fact('provider-managed', `storage account ${name}: Microsoft-managed keys`);
  const versioning = fact(blob?.versioning_enabled === true, `storage account ${name}: blob versioning ${blob?.versioning_enabled === true ? 'on' : 'off'}`);
  const resource: Resource = {
    id: accountId(ctx, rc),
    kind: 'storage-account',
    provider: 'azure',
    account: 'planned',
    region: ctx.value<string>(rc, 'location') ?? 'planned',
    name,
    type: 'Microsoft.Storage/storageAccounts',
    tags: ctx.value<Record<string, string>>(rc, 'tags') ?? {},
    facts: {
      allowBlobPublicAccess: verdictFact(allowPublic),
      publicNetworkAccess: fact(publicNetwork, `publicNetworkAccess=${publicNetwork ? 'Enabled' : 'Disabled'}`),
      networkOpenToInternet: fact(publicNetwork && (defaultAction === 'Allow' || broad.length > 0), `networkRuleSet.defaultAction=${defaultAction}`, ...broad.map((ip) => `IP rule ${ip} is a broad public range`)),
      httpsOnly: https,
      minimumTlsVersion: fact(tls, `minimumTlsVersion=${tls}`),
      sharedKeyAccess: fact(ctx.value<boolean>(rc, 'shared_access_key_enabled') !== false, `allowSharedKeyAccess=${ctx.value<boolean>(rc, 'shared_access_key_enabled') !== false}`),
      encryptionAtRest: encryption,
      blobSoftDelete: fact((blob?.delete_retention_policy?.[0]?.days ?? 0) > 0, `blob delete retention: ${blob?.delete_retention_policy?.[0]?.days ?? 0} days`),
      versioning,
    },
  };
  const source = ctx.source(rc);
  if (source) resource.source = source;
  return { resource, allowPublic, https, encryption, versioning };
}

function container(ctx: PlanContext, rc: ResourceChange, account: ReturnType<typeof storageAccount> | undefined): Resource {
  const name = ctx.value<string>(rc, 'name') ?? rc.address;
  const accessKnown = !ctx.isUnknown(rc, 'container_access_type');
  const access = ctx.value<string>(rc, 'container_access_type') ?? 'private';
  const level = (levels: string[]): Verdict =>
    accessKnown ? verdict.of(levels.includes(access), `container ${name}: public access level ${access}`) : verdict.unknown(ctx.unknownReason(rc, 'container_access_type'));
  const allow = account?.allowPublic ?? verdict.unknown(`${rc.address} is not joined to a storage account in this plan`);
  const facts: Record<string, Fact> = {
    // Anonymous access needs both: the container's level AND the account's allowBlobPublicAccess.
    publicRead: verdictFact(verdict.all(level(['blob', 'container']), allow)),
    publicList: verdictFact(verdict.all(level(['container']), allow)),
    publicWrite: fact(false, 'anonymous access to Azure blobs is read-only'),
    authenticatedUsersAccess: fact(false, 'Azure Storage has no "any authenticated user" grant'),
    publicAccessPrevention: verdictFact(verdict.not(allow)),
    aclPublic: verdictFact(level(['blob', 'container'])),
  };
  if (account) Object.assign(facts, { tlsEnforced: account.https, encryptionAtRest: account.encryption, versioning: account.versioning });
  const resource: Resource = {
    id: ctx.value<string>(rc, 'id') ?? `terraform:${rc.address}`,
    kind: 'storage-bucket',
    provider: 'azure',
    account: 'planned',
    region: account?.resource.region ?? 'planned',
    name,
    type: 'Microsoft.Storage/storageAccounts/blobServices/containers',
    tags: {},
    facts,
  };
  const source = ctx.source(rc);
  if (source) resource.source = source;
  return resource;
}

function sqlServer(ctx: PlanContext, rc: ResourceChange, rules: ResourceChange[]): Resource {
  const name = ctx.value<string>(rc, 'name') ?? rc.address;
  const publicNetwork = ctx.value<boolean>(rc, 'public_network_access_enabled') !== false;
  const publicly: Fact = ctx.isUnknown(rc, 'public_network_access_enabled') ? { unknown: ctx.unknownReason(rc, 'public_network_access_enabled') } : fact(publicNetwork, `publicNetworkAccess=${publicNetwork ? 'Enabled' : 'Disabled'}`);
  const internet: string[] = [];
  const tenants: string[] = [];
  let unknownRule: string | undefined;
  for (const r of rules) {
    if (ctx.isUnknown(r, 'start_ip_address') || ctx.isUnknown(r, 'end_ip_address')) {
      unknownRule = ctx.unknownReason(r, 'start_ip_address');
      continue;
    }
    const start = ctx.value<string>(r, 'start_ip_address') ?? '';
    const end = ctx.value<string>(r, 'end_ip_address') ?? '';
    const ruleName = ctx.value<string>(r, 'name') ?? r.address;
    if (start === '0.0.0.0' && end === '0.0.0.0') tenants.push(`firewall rule ${ruleName} 0.0.0.0-0.0.0.0 ("Allow Azure services") admits every Azure tenant`);
    else {
      const judged = judgeAddressRange(start, end);
      if (judged.internet) internet.push(`firewall rule ${ruleName} ${start}-${end}: ${judged.reason}`);
    }
  }
  const tls = ctx.value<string>(rc, 'minimum_tls_version') ?? '1.2';
  const reachable: Fact =
    'unknown' in publicly
      ? publicly
      : publicNetwork && internet.length
        ? fact(true, 'publicNetworkAccess=Enabled', ...internet)
        : unknownRule && publicNetwork
          ? { unknown: unknownRule }
          : fact(false, publicNetwork ? 'no firewall rule admits a broad public range' : 'publicNetworkAccess=Disabled');
  const resource: Resource = {
    id: ctx.value<string>(rc, 'id') ?? `terraform:${rc.address}`,
    kind: 'database-instance',
    provider: 'azure',
    account: 'planned',
    region: ctx.value<string>(rc, 'location') ?? 'planned',
    name,
    type: 'Microsoft.Sql/servers',
    tags: ctx.value<Record<string, string>>(rc, 'tags') ?? {},
    facts: {
      engine: fact('sqlserver', 'Azure SQL Database'),
      port: fact(1433, 'Azure SQL listens on 1433'),
      publiclyAccessible: publicly,
      internetReachable: reachable,
      internetExposedPorts: fact(publicNetwork && internet.length ? ['SQL Server 1433/tcp from the internet'] : [], ...(internet.length ? internet : ['no broad public firewall range'])),
      openToCloudTenants: fact(publicNetwork && tenants.length > 0, ...(tenants.length ? tenants : ['no 0.0.0.0-0.0.0.0 firewall rule'])),
      tlsRequired: fact(tls !== 'Disabled', `minimalTlsVersion=${tls}`),
      encryptionAtRest: fact('provider-managed', 'transparent data encryption is on by default for Azure SQL'),
      backupsEnabled: fact(true, 'Azure SQL takes automated backups'),
    },
  };
  const source = ctx.source(rc);
  if (source) resource.source = source;
  const ruleSource = internet.length || tenants.length ? ctx.source(rules.find((r) => internet.concat(tenants).some((e) => e.includes(ctx.value<string>(r, 'name') ?? r.address)))) : undefined;
  if (ruleSource) resource.factSources = { internetReachable: ruleSource, internetExposedPorts: ruleSource, openToCloudTenants: ruleSource };
  return resource;
}

const INTERNET_TAGS = new Set(['*', 'internet', 'any', '0.0.0.0/0', '::/0']);

function nsgEntries(rule: Record<string, unknown>, where: string): IngressEntry[] {
  if (String(rule.direction ?? '').toLowerCase() !== 'inbound' || String(rule.access ?? '').toLowerCase() !== 'allow') return [];
  const protocol = String(rule.protocol ?? '*').toLowerCase();
  const proto = protocol === '*' ? 'all' : protocol;
  const sources = [rule.source_address_prefix, ...((rule.source_address_prefixes as string[] | undefined) ?? [])].filter((s): s is string => typeof s === 'string' && s !== '');
  const ports = [rule.destination_port_range, ...((rule.destination_port_ranges as string[] | undefined) ?? [])].filter((p): p is string => typeof p === 'string' && p !== '');
  const out: IngressEntry[] = [];
  for (const s of sources) {
    // Service tags "*", "Internet" and "Any" mean every address.
    const source = INTERNET_TAGS.has(s.toLowerCase()) ? (s === '::/0' ? '::/0' : '0.0.0.0/0') : s;
    for (const p of ports.length ? ports : ['*']) {
      const [from, to] = p === '*' ? [0, 65535] : (p.split('-').map(Number) as [number, number?]);
      const entryProto = proto === 'all' && p === '*' ? 'all' : proto === 'all' ? 'tcp' : proto;
      out.push({ protocol: entryProto, from: from ?? 0, to: to ?? from ?? 0, source, evidence: `${where} rule ${String(rule.name ?? '?')} allows ${protocol} ${p} from ${s}` });
      if (proto === 'all' && p !== '*') out.push({ protocol: 'udp', from: from ?? 0, to: to ?? from ?? 0, source, evidence: `${where} rule ${String(rule.name ?? '?')} allows ${protocol} ${p} from ${s}` });
    }
  }
  return out;
}

function nsg(ctx: PlanContext, rc: ResourceChange, extra: ResourceChange[]): Resource {
  const name = ctx.value<string>(rc, 'name') ?? rc.address;
  const inline = ctx.value<Array<Record<string, unknown>>>(rc, 'security_rule') ?? [];
  const entries = [...inline.flatMap((r) => nsgEntries(r, `NSG ${name}`)), ...extra.flatMap((r) => nsgEntries((r.change.after ?? {}) as Record<string, unknown>, `NSG ${name}`))];
  const facts: Record<string, Fact> = { direction: fact('ingress', 'inbound security rules'), enabled: fact(true, 'NSG rules are always in force') };
  const unknown = ctx.isUnknown(rc, 'security_rule') ? ctx.unknownReason(rc, 'security_rule') : extra.find((r) => ctx.isUnknown(r, 'source_address_prefix') || ctx.isUnknown(r, 'destination_port_range'));
  if (unknown) {
    const reason = typeof unknown === 'string' ? unknown : ctx.unknownReason(unknown, 'source_address_prefix');
    for (const f of ['internetIngressPorts', 'internetIngressDatabasePorts', 'internetIngressAllTraffic']) facts[f] = { unknown: reason };
  } else Object.assign(facts, internetIngressFacts(entries));
  const resource: Resource = {
    id: ctx.value<string>(rc, 'id') ?? `terraform:${rc.address}`,
    kind: 'network-firewall',
    provider: 'azure',
    account: 'planned',
    region: ctx.value<string>(rc, 'location') ?? 'planned',
    name,
    type: 'Microsoft.Network/networkSecurityGroups',
    tags: ctx.value<Record<string, string>>(rc, 'tags') ?? {},
    facts,
  };
  const source = ctx.source(rc);
  if (source) resource.source = source;
  const exposingRule = extra.find((r) => nsgEntries((r.change.after ?? {}) as Record<string, unknown>, '').some((e) => judgeSourceRange(e.source).internet));
  const inlineExposes = inline.some((r) => nsgEntries(r, '').some((e) => judgeSourceRange(e.source).internet));
  if (exposingRule && !inlineExposes) attributeFactSources(resource, [{ evidence: /rule/, source: ctx.source(exposingRule) }]);
  return resource;
}

export function normalizeAzurePlan(ctx: PlanContext): Resource[] {
  const accounts = new Map(ctx.of('azurerm_storage_account').map((rc) => [rc, storageAccount(ctx, rc)]));
  const out: Resource[] = [...[...accounts.values()].map((a) => a.resource)];
  for (const rc of ctx.of('azurerm_storage_container')) {
    const targets = [...ctx.joinTo(rc, 'storage_account_id', ['azurerm_storage_account']), ...ctx.joinTo(rc, 'storage_account_name', ['azurerm_storage_account'])];
    if (!targets.length) ctx.note('could not join to an azurerm_storage_account of this plan; its public exposure is unknown', rc);
    out.push(container(ctx, rc, targets[0] ? accounts.get(targets[0]) : undefined));
  }
  const rules = ctx.of('azurerm_mssql_firewall_rule');
  const rulesByServer = new Map<ResourceChange, ResourceChange[]>();
  for (const r of rules) {
    const targets = ctx.joinTo(r, 'server_id', ['azurerm_mssql_server']);
    if (!targets.length) ctx.note('could not join to an azurerm_mssql_server of this plan through "server_id"; not judged', r);
    for (const s of targets) rulesByServer.set(s, [...(rulesByServer.get(s) ?? []), r]);
  }
  for (const rc of ctx.of('azurerm_mssql_server')) out.push(sqlServer(ctx, rc, rulesByServer.get(rc) ?? []));
  const nsgRules = new Map<ResourceChange, ResourceChange[]>();
  for (const r of ctx.of('azurerm_network_security_rule')) {
    const targets = ctx.joinTo(r, 'network_security_group_name', ['azurerm_network_security_group']);
    if (!targets.length) ctx.note('could not join to an azurerm_network_security_group of this plan; not judged', r);
    for (const g of targets) nsgRules.set(g, [...(nsgRules.get(g) ?? []), r]);
  }
  for (const rc of ctx.of('azurerm_network_security_group')) out.push(nsg(ctx, rc, nsgRules.get(rc) ?? []));
  return out;
}
