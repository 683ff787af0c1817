import { fact, outcomeReason, type CallOutcome, type Fact, type Resource } from '@leakproof/core';
import { armResource } from './arm.js';
import { judgeFirewallRules, type AzureFirewallRule } from './sql.js';

/** The engines of Azure Database flexible servers, which share their ARM shape, firewall rules and server parameters. */
export type FlexibleServerEngine = 'postgres' | 'mysql';

/** An Azure Database for PostgreSQL or MySQL flexible server as ARM returns it (the fields leakproof reads). */
export interface AzureFlexibleServer {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
  version?: string;
  network?: { publicNetworkAccess?: string; delegatedSubnetResourceId?: string };
  backup?: { backupRetentionDays?: number };
  dataEncryption?: { type?: string };
}

/** A server parameter of a flexible server (`require_secure_transport`, `shared_preload_libraries`, …). */
export interface AzureServerConfiguration {
  name?: string;
  value?: string;
  defaultValue?: string;
}

/** A parameter's value, else its default, lower-cased; undefined when the server does not list it. */
function parameter(configurations: readonly AzureServerConfiguration[], name: string): string | undefined {
  const c = configurations.find((p) => (p.name ?? '').toLowerCase() === name);
  const v = c?.value ?? c?.defaultValue;
  return v === undefined ? undefined : v.toLowerCase();
}

/** What differs between the engines: names, port, and how auditing is switched on. */
const ENGINES: Record<FlexibleServerEngine, { what: string; listens: string; port: number; type: string; audit: (params: readonly AzureServerConfiguration[]) => Fact }> = {
  postgres: {
    what: 'Azure Database for PostgreSQL flexible server',
    listens: 'PostgreSQL',
    port: 5432,
    type: 'Microsoft.DBforPostgreSQL/flexibleServers',
    // pgAudit: loaded through shared_preload_libraries, with pgaudit.log naming what to log (default none).
    audit: (params) => {
      const libraries = (parameter(params, 'shared_preload_libraries') ?? '').split(',').map((l) => l.trim());
      const logged = parameter(params, 'pgaudit.log') ?? 'none';
      return !libraries.includes('pgaudit') ? fact(false, 'pgAudit is not in shared_preload_libraries') : fact(logged !== 'none' && logged !== '', 'shared_preload_libraries includes pgaudit', `pgaudit.log=${logged}`);
    },
  },
  mysql: {
    what: 'Azure Database for MySQL flexible server',
    listens: 'MySQL',
    port: 3306,
    type: 'Microsoft.DBforMySQL/flexibleServers',
    // The audit log: audit_log_enabled (default OFF); audit_log_events says which events (default CONNECTION).
    audit: (params) => {
      const on = parameter(params, 'audit_log_enabled') ?? 'off';
      return fact(on === 'on', `audit_log_enabled=${on.toUpperCase()}`, ...(on === 'on' ? [`audit_log_events=${(parameter(params, 'audit_log_events') ?? 'connection').toUpperCase()}`] : []));
    },
  },
};

/**
 * Pure: an Azure Database for PostgreSQL or MySQL flexible server with its firewall rules and server parameters.
 * - Reachable from the internet only with public access (no virtual network integration) and a firewall rule
 *   whose range holds public addresses; 0.0.0.0-0.0.0.0 ("allow public access from any Azure service") admits
 *   every Azure tenant.
 * - TLS is required while `require_secure_transport` is on (its default on both engines).
 * - Auditing: pgAudit on PostgreSQL, the audit log on MySQL.
 * - Backups cannot be turned off; they are kept `backup.backupRetentionDays` (default 7). Storage is always
 *   encrypted, with the service's key unless `dataEncryption.type` is AzureKeyVault.
 */
export function normalizeFlexibleServer(
  engine: FlexibleServerEngine,
  server: AzureFlexibleServer,
  rules: CallOutcome<AzureFirewallRule[]>,
  configurations: CallOutcome<AzureServerConfiguration[]> = { status: 'skipped' },
  /** Settings a Terraform plan knows only after apply, with the reason. */
  unknown: { publicNetworkAccess?: string; backupRetentionDays?: string } = {},
): Resource {
  const kind = ENGINES[engine];
  const access = server.network?.publicNetworkAccess ?? (server.network?.delegatedSubnetResourceId ? 'Disabled' : 'Enabled');
  const publicNetwork = access === 'Enabled';
  const accessEvidence = server.network?.publicNetworkAccess ? `publicNetworkAccess=${access}` : `publicNetworkAccess not set (${server.network?.delegatedSubnetResourceId ? 'virtual network integration: private access' : 'public access'})`;
  const { internet, tenants } = judgeFirewallRules(rules.status === 'ok' ? rules.value : []);
  const rulesUnknown = rules.status === 'ok' ? undefined : outcomeReason(rules, 'the firewall rules');
  const reachable: Fact = unknown.publicNetworkAccess
    ? { unknown: unknown.publicNetworkAccess }
    : !publicNetwork
      ? fact(false, accessEvidence)
      : internet.length
        ? fact(true, accessEvidence, ...internet, `${kind.listens} listens on ${kind.port}`)
        : rulesUnknown
          ? { unknown: rulesUnknown }
          : fact(false, accessEvidence, 'no firewall rule admits a broad public range');
  const retention = server.backup?.backupRetentionDays ?? 7;
  const facts: Record<string, Fact> = {
    engine: fact(engine, `${kind.what}${server.version ? ` ${server.version}` : ''}`),
    port: fact(kind.port, `${kind.listens} flexible servers listen on ${kind.port}`),
    publiclyAccessible: unknown.publicNetworkAccess ? { unknown: unknown.publicNetworkAccess } : fact(publicNetwork, accessEvidence),
    internetReachable: reachable,
    internetExposedPorts: unknown.publicNetworkAccess ? { unknown: unknown.publicNetworkAccess } : !publicNetwork ? fact([], accessEvidence) : rulesUnknown ? { unknown: rulesUnknown } : fact(internet.length ? [`${kind.listens} ${kind.port}/tcp from the internet`] : [], ...(internet.length ? internet : ['no broad public firewall range'])),
    openToCloudTenants: unknown.publicNetworkAccess ? { unknown: unknown.publicNetworkAccess } : !publicNetwork ? fact(false, accessEvidence) : rulesUnknown ? { unknown: rulesUnknown } : fact(tenants.length > 0, ...(tenants.length ? tenants : ['no 0.0.0.0-0.0.0.0 firewall rule'])),
    backupsEnabled: fact(true, 'flexible servers always take automated backups'),
    backupRetentionDays: unknown.backupRetentionDays ? { unknown: unknown.backupRetentionDays } : fact(retention, `backup.backupRetentionDays=${server.backup?.backupRetentionDays ?? 'not set (7)'}`),
    encryptionAtRest:
      server.dataEncryption?.type === 'AzureKeyVault'
        ? fact('customer-managed', 'dataEncryption.type=AzureKeyVault')
        : server.dataEncryption?.type
          ? fact('provider-managed', `dataEncryption.type=${server.dataEncryption.type}: storage is always encrypted`)
          : // MySQL's client (API 2021-05-01) does not return the key type; the storage is encrypted either way.
            fact('provider-managed', 'storage is always encrypted (dataEncryption not reported: a service-managed key unless a customer key is configured)'),
  };
  if (configurations.status === 'ok') {
    const params = configurations.value;
    const secure = parameter(params, 'require_secure_transport');
    facts.tlsRequired = fact(secure !== 'off', `require_secure_transport=${secure ?? 'not listed (on by default)'}`);
    facts.auditLogging = kind.audit(params);
  } else if (configurations.status !== 'skipped') {
    const why = outcomeReason(configurations, 'the server parameters');
    facts.tlsRequired = { unknown: why };
    facts.auditLogging = { unknown: why };
  }
  return armResource(server, 'database-instance', kind.type, facts);
}
