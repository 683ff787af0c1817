import { databaseServicesIn, fact, judgeSourceRange, type Fact, type Resource } from '@leakproof/core';

/** A Cloud SQL instance as the Admin API (v1beta4) returns it. */
export interface SqlInstance {
  name: string;
  project?: string;
  region?: string;
  databaseVersion?: string;
  diskEncryptionConfiguration?: { kmsKeyName?: string };
  settings?: {
    userLabels?: Record<string, string>;
    deletionProtectionEnabled?: boolean;
    ipConfiguration?: { ipv4Enabled?: boolean; authorizedNetworks?: Array<{ value?: string; name?: string }>; requireSsl?: boolean; sslMode?: string };
    backupConfiguration?: { enabled?: boolean; backupRetentionSettings?: { retainedBackups?: number } };
  };
  /** Terraform's own deletion_protection flag, when the instance comes from a plan. */
  terraformDeletionProtection?: boolean;
}

const ENGINES: Array<[RegExp, string, number]> = [
  [/^POSTGRES/, 'postgres', 5432],
  [/^MYSQL/, 'mysql', 3306],
  [/^SQLSERVER/, 'sqlserver', 1433],
];

/**
 * Pure: a Cloud SQL instance to a database-instance resource. Reachable from the internet only when
 * a public IPv4 address is enabled AND an authorized network is a broad public range; sslMode
 * supersedes the older requireSsl.
 */
export function normalizeSqlInstance(i: SqlInstance, project: string, unknown: Partial<Record<'ipConfiguration' | 'sslMode', string>> = {}): Resource {
  const version = i.databaseVersion ?? '';
  const [, engine, port] = ENGINES.find(([re]) => re.test(version)) ?? [/./, version.toLowerCase() || 'unknown', undefined];
  const ip = i.settings?.ipConfiguration ?? {};
  const ipv4 = ip.ipv4Enabled !== false;
  const networks = (ip.authorizedNetworks ?? []).map((n) => n.value ?? '').filter(Boolean);
  const open = networks.filter((n) => judgeSourceRange(n).internet);
  const service = port ? (databaseServicesIn('tcp', port, port)[0] ?? `${port}/tcp`) : 'database port';
  const publicly: Fact = unknown.ipConfiguration ? { unknown: unknown.ipConfiguration } : fact(ipv4, `ipConfiguration.ipv4Enabled=${ipv4}${ipv4 ? ' (public IPv4 address)' : ''}`);
  const reachable: Fact = unknown.ipConfiguration
    ? { unknown: unknown.ipConfiguration }
    : ipv4 && open.length
      ? fact(true, 'ipConfiguration.ipv4Enabled=true (public IPv4 address)', ...open.map((n) => `authorized network ${n} (${judgeSourceRange(n).reason})`), `the database listens on ${port ?? 'its port'}`)
      : fact(false, ipv4 ? (networks.length ? `authorized networks ${networks.join(', ')} are not broad public ranges` : 'no authorized networks') : 'ipConfiguration.ipv4Enabled=false (no public IPv4 address)');
  const sslMode = ip.sslMode;
  const tls = sslMode ? ['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'].includes(sslMode) : ip.requireSsl === true;
  const backup = i.settings?.backupConfiguration;
  const retained = backup?.backupRetentionSettings?.retainedBackups ?? 7;
  const key = i.diskEncryptionConfiguration?.kmsKeyName;
  const deletion = i.settings?.deletionProtectionEnabled === true || i.terraformDeletionProtection === true;
  return {
    id: `//cloudsql.googleapis.com/projects/${project}/instances/${i.name}`,
    kind: 'database-instance',
    provider: 'gcp',
    account: project,
    region: i.region ?? 'unknown',
    name: i.name,
    type: 'sqladmin.googleapis.com/Instance',
    tags: i.settings?.userLabels ?? {},
    facts: {
      engine: fact(engine, `databaseVersion=${version || '?'}`),
      ...(port ? { port: fact(port, `${engine} listens on ${port}`) } : {}),
      publiclyAccessible: publicly,
      internetReachable: reachable,
      internetExposedPorts: fact(ipv4 ? open.map((n) => `${service} from ${n}`) : [], ...(open.length ? open.map((n) => `authorized network ${n}`) : ['no broad public authorized network'])),
      encryptionAtRest: key ? fact('customer-managed', `diskEncryptionConfiguration.kmsKeyName=${key}`) : fact('provider-managed', 'Cloud SQL encrypts data at rest with Google-managed keys'),
      tlsRequired: tlsFact(ip, tls, unknown.sslMode ?? unknown.ipConfiguration),
      backupsEnabled: fact(backup?.enabled === true, `backupConfiguration.enabled=${backup?.enabled === true}`),
      backupRetentionDays: fact(retained, `backupRetentionSettings.retainedBackups=${retained} (daily backups)`),
      deletionProtection: fact(deletion, i.terraformDeletionProtection !== undefined ? `deletion_protection=${i.terraformDeletionProtection}` : `settings.deletionProtectionEnabled=${i.settings?.deletionProtectionEnabled === true}`),
    },
  };
}

/**
 * Whether connections must use TLS. sslMode supersedes requireSsl; with sslMode unknown (a plan's value
 * known only after apply), requireSsl=true still decides it, since every sslMode the API pairs with it
 * (TRUSTED_CLIENT_CERTIFICATE_REQUIRED, or ENCRYPTED_ONLY on SQL Server) enforces TLS.
 */
function tlsFact(ip: NonNullable<NonNullable<SqlInstance['settings']>['ipConfiguration']>, tls: boolean, unknownReason: string | undefined): Fact {
  if (ip.sslMode) return fact(tls, `sslMode=${ip.sslMode} (supersedes requireSsl)`);
  if (ip.requireSsl === true) return fact(true, 'requireSsl=true');
  if (unknownReason) return { unknown: unknownReason };
  if (ip.requireSsl === false) return fact(false, 'requireSsl=false and no sslMode: Cloud SQL accepts unencrypted connections');
  return fact(false, 'neither sslMode nor requireSsl is set: Cloud SQL accepts unencrypted connections (ALLOW_UNENCRYPTED_AND_ENCRYPTED)');
}
