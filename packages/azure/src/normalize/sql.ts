import { fact, judgeAddressRange, outcomeReason, type CallOutcome, type Fact, type Resource } from '@leakproof/core';
import { armResource } from './arm.js';

/** An Azure SQL logical server as ARM returns it (the fields leakproof reads). */
export interface AzureSqlServer {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  publicNetworkAccess?: string;
  minimalTlsVersion?: string;
}

/** A server-level firewall rule of an Azure SQL server as ARM returns it. */
export interface AzureFirewallRule {
  name?: string;
  startIpAddress?: string;
  endIpAddress?: string;
}

/**
 * Pure: what server-level firewall rules (Azure SQL, and Azure Database for PostgreSQL and MySQL flexible
 * servers, which share their shape) let in. 0.0.0.0-0.0.0.0 is the documented "allow Azure services" rule: it
 * admits every Azure tenant. A range that holds public addresses admits the internet.
 */
export function judgeFirewallRules(rules: readonly AzureFirewallRule[]): { internet: string[]; tenants: string[] } {
  const internet: string[] = [];
  const tenants: string[] = [];
  for (const r of rules) {
    const start = r.startIpAddress ?? '';
    const end = r.endIpAddress ?? '';
    if (start === '0.0.0.0' && end === '0.0.0.0') tenants.push(`firewall rule ${r.name} 0.0.0.0-0.0.0.0 ("Allow Azure services") admits every Azure tenant`);
    else {
      const judged = judgeAddressRange(start, end);
      if (judged.internet) internet.push(`firewall rule ${r.name} ${start}-${end}: ${judged.reason}`);
    }
  }
  return { internet, tenants };
}

/**
 * Pure: an Azure SQL server with its firewall rules. 0.0.0.0-0.0.0.0 ("Allow Azure services") opens it
 * to every Azure tenant; a broad public range opens it to the internet, but only with public network
 * access enabled. The evidence names each link.
 */
export function normalizeSqlServer(
  server: AzureSqlServer,
  rules: CallOutcome<AzureFirewallRule[]>,
  protector: CallOutcome<{ serverKeyType?: string }>,
  unknown: { publicNetworkAccess?: string } = {},
  auditing: CallOutcome<{ state?: string }> = { status: 'skipped' },
): Resource {
  const publicNetwork = (server.publicNetworkAccess ?? 'Enabled') === 'Enabled';
  const publicly: Fact = unknown.publicNetworkAccess ? { unknown: unknown.publicNetworkAccess } : fact(publicNetwork, `publicNetworkAccess=${server.publicNetworkAccess ?? 'not set (Enabled)'}`);
  const { internet, tenants } = judgeFirewallRules(rules.status === 'ok' ? rules.value : []);
  const rulesUnknown = rules.status === 'ok' ? undefined : outcomeReason(rules, 'the firewall rules');
  const reachable: Fact =
    'unknown' in publicly
      ? publicly
      : !publicNetwork
        ? fact(false, 'publicNetworkAccess=Disabled')
        : internet.length
          ? fact(true, 'publicNetworkAccess=Enabled', ...internet, 'SQL Server listens on 1433')
          : rulesUnknown
            ? { unknown: rulesUnknown }
            : fact(false, 'publicNetworkAccess=Enabled', 'no firewall rule admits a broad public range');
  const tls = server.minimalTlsVersion ?? 'None';
  const facts: Record<string, Fact> = {
    engine: fact('sqlserver', 'Azure SQL Database server'),
    port: fact(1433, 'Azure SQL listens on 1433'),
    publiclyAccessible: publicly,
    internetReachable: reachable,
    internetExposedPorts: rulesUnknown ? { unknown: rulesUnknown } : fact(publicNetwork && internet.length ? ['SQL Server 1433/tcp from the internet'] : [], ...(internet.length ? internet : ['no broad public firewall range'])),
    openToCloudTenants: rulesUnknown ? { unknown: rulesUnknown } : fact(publicNetwork && tenants.length > 0, ...(tenants.length ? tenants : ['no 0.0.0.0-0.0.0.0 firewall rule'])),
    tlsRequired: fact(tls === '1.2' || tls === '1.3', `minimalTlsVersion=${tls}`),
    backupsEnabled: fact(true, 'Azure SQL Database takes automated backups'),
  };
  if (protector.status === 'ok') {
    // The protector says whose key transparent data encryption uses; whether each database has TDE on is
    // judged on the database itself (normalizeSqlDatabase), since the protector alone does not prove it.
    facts.encryptionAtRest = protector.value.serverKeyType === 'AzureKeyVault' ? fact('customer-managed', 'encryption protector: AzureKeyVault (the key of transparent data encryption; each database is judged on its own)') : fact('provider-managed', `encryption protector: ${protector.value.serverKeyType ?? 'ServiceManaged'} (the key of transparent data encryption; each database is judged on its own)`);
  } else if (protector.status !== 'skipped') facts.encryptionAtRest = { unknown: outcomeReason(protector, 'the encryption protector') };
  if (auditing.status === 'ok') facts.auditLogging = fact(auditing.value.state === 'Enabled', `server auditing: ${auditing.value.state ?? 'Disabled'}`);
  else if (auditing.status !== 'skipped') facts.auditLogging = { unknown: outcomeReason(auditing, 'the auditing settings') };
  return armResource(server, 'database-instance', 'Microsoft.Sql/servers', facts);
}

/** A database of an Azure SQL server, as the ARM SDK lists it. */
export interface AzureSqlDatabase {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
}

/** The system database every logical server has; it holds no user data and TDE does not apply to it. */
export function isSystemDatabase(db: AzureSqlDatabase): boolean {
  return (db.name ?? '').toLowerCase() === 'master';
}

/**
 * Pure: one Azure SQL database with its transparent data encryption state, as a `database` resource:
 * state Disabled is no encryption at rest; Enabled is encrypted with the server protector's key.
 */
export function normalizeSqlDatabase(db: AzureSqlDatabase, server: Resource, tde: CallOutcome<{ state?: string }>): Resource {
  const name = db.name ?? '?';
  const facts: Record<string, Fact> = {};
  if (tde.status === 'ok') {
    const on = (tde.value.state ?? '').toLowerCase() === 'enabled';
    const key = server.facts.encryptionAtRest && 'value' in server.facts.encryptionAtRest ? String(server.facts.encryptionAtRest.value) : 'provider-managed';
    facts.encryptionAtRest = on ? fact(key === 'customer-managed' ? 'customer-managed' : 'provider-managed', `transparent data encryption: Enabled (server ${server.name}, ${key} key)`) : fact('none', `transparent data encryption: ${tde.value.state ?? 'not set'}`);
  } else if (tde.status !== 'skipped') facts.encryptionAtRest = { unknown: outcomeReason(tde, 'the transparent data encryption state') };
  return {
    id: db.id ?? `${server.id}/databases/${name}`,
    kind: 'database',
    provider: 'azure',
    account: server.account,
    region: db.location ?? server.region,
    name: `${server.name}/${name}`,
    type: 'Microsoft.Sql/servers/databases',
    tags: db.tags ?? {},
    facts,
  };
}
