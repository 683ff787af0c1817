import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureCustomRole, collectAzure, type AzureCollection } from '@leakproof/azure';
import { audit, auditVerdict, loadPolicies, type CollectionProgress, type Resource } from '@leakproof/core';
import { loadFakeArmEstate, seedAzuriteContainers, startAzurite, startFakeArm, type Azurite, type FakeArmServer } from '@leakproof/testkit';
import { factValue, resourceNamed } from './helpers/resources.js';

const estateDir = fileURLToPath(new URL('./fixtures/azure/estate/', import.meta.url));
let arm: FakeArmServer;
let collection: AzureCollection;
const progress: CollectionProgress[] = [];
const byName = (name: string, kind?: Resource['kind']): Resource => resourceNamed(collection.resources, name, kind);
const value = (name: string, fact: string, kind?: Resource['kind']) => factValue(collection.resources, name, fact, kind);

beforeAll(async () => {
  arm = await startFakeArm(loadFakeArmEstate(estateDir));
  collection = await collectAzure({ env: { LEAKPROOF_AZURE_ARM_ENDPOINT: arm.endpoint }, concurrency: 8, onProgress: (p) => progress.push(p) });
});
afterAll(() => arm.close());

describe('progress', () => {
  it('counts subscriptions, storage accounts, SQL, PostgreSQL and MySQL servers to the end, with the calls made', () => {
    const count = (type: string) => collection.resources.filter((r) => r.type === type).length;
    const subscriptions = collection.scopes.filter((s) => s.kind === 'subscription').length;
    const phases = progress.at(-1)?.phases ?? [];
    expect([...phases].sort((a, b) => a.phase.localeCompare(b.phase))).toEqual([
      { phase: 'MySQL servers', done: count('Microsoft.DBforMySQL/flexibleServers'), total: count('Microsoft.DBforMySQL/flexibleServers') },
      { phase: 'PostgreSQL servers', done: count('Microsoft.DBforPostgreSQL/flexibleServers'), total: count('Microsoft.DBforPostgreSQL/flexibleServers') },
      { phase: 'SQL servers', done: count('Microsoft.Sql/servers'), total: count('Microsoft.Sql/servers') },
      { phase: 'storage accounts', done: count('Microsoft.Storage/storageAccounts'), total: count('Microsoft.Storage/storageAccounts') },
      { phase: 'subscriptions', done: subscriptions, total: subscriptions },
    ]);
    expect(progress.at(-1)?.calls).toBe(collection.stats.calls);
  });
});

describe('storage accounts and containers (ARM)', () => {
  it('discovers subscriptions and follows nextLink paging', () => {
    expect(arm.requests).toContain('GET /subscriptions');
    expect(collection.resources.filter((r) => r.kind === 'storage-account')).toHaveLength(9);
    expect(arm.requests.filter((r) => r.endsWith('/providers/Microsoft.Storage/storageAccounts') && r.includes('000000000001'))).toHaveLength(5);
  });

  it.each([
    ['photos', 'publicRead', true],
    ['photos', 'publicList', true],
    ['thumbs', 'publicRead', true],
    ['thumbs', 'publicList', false],
    ['private', 'publicRead', false],
    ['scans', 'publicRead', false],
    ['scans', 'publicList', false],
    ['archive', 'publicRead', true],
    ['reports', 'publicRead', false],
  ] as const)('container %s has %s = %s', (name, fact, expected) => {
    expect(value(name, fact, 'storage-bucket')).toBe(expected);
  });

  it('explains that an account flag of false overrides a container level of "container"', () => {
    expect(byName('scans').facts.publicList).toEqual({
      value: false,
      evidence: ['storage account cliniclocked: allowBlobPublicAccess=false', 'storage account cliniclocked: network default action Deny (only listed networks reach it)'],
    });
    expect(byName('archive').facts.publicRead).toEqual({
      value: true,
      evidence: ['container archive: public access level blob (ARM)', 'storage account clinicold: allowBlobPublicAccess=not set (allowed)', 'storage account clinicold: network default action Allow'],
    });
  });

  it('keeps a public container private when the account firewall admits only listed networks', () => {
    expect(byName('reports').facts.publicRead).toEqual({ value: false, evidence: ['storage account clinicfirewalled: network default action Deny (only listed networks reach it)'] });
  });

  it('reads the account settings', () => {
    expect(value('clinicopen', 'networkOpenToInternet')).toBe(true);
    expect(value('cliniclocked', 'networkOpenToInternet')).toBe(false);
    expect(value('cliniclocked', 'encryptionAtRest')).toBe('customer-managed');
    expect(value('clinicold', 'minimumTlsVersion')).toBe('TLS1_0');
    expect(value('clinicold', 'blobSoftDelete')).toBe(false);
    expect(value('clinicopen', 'versioning')).toBe(false);
  });

  it('notes a 403 and goes on', () => {
    expect(collection.notices).toContainEqual(expect.objectContaining({ level: 'warning', call: 'blobContainers.list', permission: 'Microsoft.Storage/storageAccounts/blobServices/containers/read' }));
    expect(collection.notices).toContainEqual(expect.objectContaining({ level: 'warning', call: 'storageAccounts.list', account: '00000000-0000-0000-0000-000000000002' }));
    expect(value('clinicdenied', 'blobSoftDelete')).toBe('unknown');
  });

  it('reports a subscription whose storage listing was denied as partly audited, naming the call', () => {
    const second = collection.scopes.find((s) => s.id === '00000000-0000-0000-0000-000000000002');
    expect(second).toMatchObject({ kind: 'subscription', status: 'partial', reasons: expect.arrayContaining([expect.stringMatching(/^storageAccounts.list was denied/)]) });
  });

  it('honours 429 with Retry-After and then succeeds', () => {
    expect(arm.requests.filter((r) => r.endsWith('000000000002/providers/Microsoft.Network/networkSecurityGroups'))).toHaveLength(3);
  });
});

describe('SQL servers and NSGs', () => {
  it('is reachable only with public network access AND a broad firewall range, naming each link', () => {
    expect(byName('clinic-sql-open').facts.internetReachable).toEqual({
      value: true,
      evidence: ['publicNetworkAccess=Enabled', 'firewall rule AllowAll 0.0.0.0-255.255.255.255: 0.0.0.0-255.255.255.255 is a broad public range (4,294,967,296 addresses)', 'SQL Server listens on 1433'],
    });
    expect(value('clinic-sql-private', 'internetReachable')).toBe(false);
    expect(value('clinic-sql-office', 'internetReachable')).toBe(false);
  });

  it('reports "Allow Azure services" as open to every Azure tenant', () => {
    expect(value('clinic-sql-azure-only', 'openToCloudTenants')).toBe(true);
    expect(value('clinic-sql-azure-only', 'internetReachable')).toBe(false);
  });

  it('reads TLS, the encryption protector and server auditing', () => {
    expect(value('clinic-sql-open', 'tlsRequired')).toBe(false);
    // "None" is no minimum at all: a fail, like 1.0.
    expect(byName('clinic-sql-azure-only').facts.tlsRequired).toEqual({ value: false, evidence: ['minimalTlsVersion=None'] });
    expect(value('clinic-sql-private', 'tlsRequired')).toBe(true);
    expect(byName('clinic-sql-open').facts.auditLogging).toEqual({ value: false, evidence: ['server auditing: Disabled'] });
    expect(value('clinic-sql-office', 'auditLogging')).toBe(true);
    expect(value('clinic-sql-office', 'encryptionAtRest')).toBe('customer-managed');
  });

  it('judges inbound Allow rules from Internet, *, and public ranges, with what they guard', () => {
    expect(value('db-nsg', 'internetIngressDatabasePorts')).toEqual(['PostgreSQL 5432/tcp from 0.0.0.0/0']);
    expect(value('db-nsg', 'appliesTo')).toEqual(['subnet vnet-clinic/subnets/db']);
    expect(value('app-nsg', 'internetIngressAllTraffic')).toBe(true);
    expect(value('app-nsg', 'appliesTo')).toEqual(['NIC app-vm-nic']);
    expect(value('internal-nsg', 'internetIngressDatabasePorts')).toEqual([]);
    expect(value('deny-nsg', 'internetIngressDatabasePorts')).toEqual([]);
  });

  it('fails the exposures in an audit and passes the guarded resources', () => {
    const result = audit({ resources: collection.resources, policies: loadPolicies() });
    const status = (rule: string, name: string) => result.findings.find((f) => f.rule.id === rule && f.resource.name === name)?.status;
    expect(status('storage-public-read', 'photos')).toBe('fail');
    expect(status('storage-public-read', 'scans')).toBe('pass');
    expect(status('database-internet-reachable', 'clinic-sql-open')).toBe('fail');
    expect(status('database-open-to-cloud-tenants', 'clinic-sql-azure-only')).toBe('fail');
    expect(status('network-database-port-internet', 'db-nsg')).toBe('fail');
  });

  it.each([
    ['shadowed-nsg', 'internetIngressPorts', ['1000-1432/tcp from 0.0.0.0/0', '1434-2000/tcp from 0.0.0.0/0']],
    // 1433 is denied first; Oracle's 1521 is still in what is left.
    ['shadowed-nsg', 'internetIngressDatabasePorts', ['Oracle 1521/tcp from 0.0.0.0/0']],
    ['deny-first-nsg', 'internetIngressPorts', []],
    ['deny-first-nsg', 'internetIngressAllTraffic', false],
    ['allow-first-nsg', 'internetIngressDatabasePorts', ['PostgreSQL 5432/tcp from 0.0.0.0/0']],
    ['media-nsg', 'internetIngressDatabasePorts', []],
    ['media-nsg', 'internetIngressUdpServices', []],
  ] as const)('evaluates NSG rules in priority order: %s has %s = %j', (nsg, fact, expected) => {
    expect(value(nsg, fact)).toEqual(expected);
  });

  it('names the deny that takes precedence in the evidence of what is left open', () => {
    expect(byName('shadowed-nsg').facts.internetIngressPorts).toMatchObject({ evidence: [expect.stringMatching(/rule allow-range \(priority 200\) allows tcp 1000-2000 from \*; deny rule deny-sql \(priority 100\) takes precedence, so it is open only for tcp 1000-1432, 1434-2000$/)] });
  });

  it('judges transparent data encryption per user database, skipping master, and only the denied one is not evaluated', () => {
    const result = audit({ resources: collection.resources, policies: loadPolicies() });
    const tde = Object.fromEntries(result.findings.filter((f) => f.rule.id === 'sql-database-encryption-at-rest').map((f) => [f.resource.name, f.status]));
    expect(tde).toEqual({ 'clinic-sql-open/patients': 'pass', 'clinic-sql-open/billing': 'fail', 'clinic-sql-private/records': 'not-evaluated' });
    expect(collection.notices).toContainEqual(expect.objectContaining({ call: 'transparentDataEncryptions.get', permission: 'Microsoft.Sql/servers/databases/transparentDataEncryption/read', resourceId: expect.stringMatching(/clinic-sql-private\/databases\/records$/) }));
    expect(byName('clinic-sql-open/billing', 'database').facts.encryptionAtRest).toEqual({ value: 'none', evidence: ['transparent data encryption: Disabled'] });
  });

  it.each([
    ['storage-account-network-open', 'clinicopen', 'fail'],
    ['storage-account-network-open', 'clinicnoflag', 'fail'],
    ['storage-account-network-open', 'clinicprivate', 'pass'],
    ['storage-account-network-open', 'cliniclocked', 'pass'],
    ['storage-account-network-open', 'clinicfirewalled', 'pass'],
    ['storage-account-network-open', 'clinicbroadip', 'fail'],
    ['storage-account-https-only', 'clinicnoflag', 'fail'],
    ['storage-account-https-only', 'clinicopen', 'pass'],
    ['storage-account-minimum-tls', 'clinicold', 'fail'],
    ['storage-account-minimum-tls', 'clinicopen', 'pass'],
  ] as const)('judges the storage account itself: %s on %s is %s', (rule, name, expected) => {
    const result = audit({ resources: collection.resources, policies: loadPolicies() });
    expect(result.findings.find((f) => f.rule.id === rule && f.resource.kind === 'storage-account' && f.resource.name === name)?.status).toBe(expected);
  });
});

describe('PostgreSQL flexible servers', () => {
  it('is reachable only with public access AND a broad firewall range, naming each link', () => {
    expect(byName('clinic-pg-open').facts.internetReachable).toEqual({
      value: true,
      evidence: ['publicNetworkAccess=Enabled', 'firewall rule AllowAll_2024-1-1 0.0.0.0-255.255.255.255: 0.0.0.0-255.255.255.255 is a broad public range (4,294,967,296 addresses)', 'PostgreSQL listens on 5432'],
    });
    expect(byName('clinic-pg-private').facts.internetReachable).toEqual({ value: false, evidence: ['publicNetworkAccess=Disabled'] });
    expect(value('clinic-pg-azure-only', 'internetReachable')).toBe(false);
    expect(value('clinic-pg-azure-only', 'openToCloudTenants')).toBe(true);
  });

  it('reads TLS and pgAudit from the server parameters, retention and the key from the server', () => {
    expect(byName('clinic-pg-open').facts.tlsRequired).toEqual({ value: false, evidence: ['require_secure_transport=off'] });
    expect(byName('clinic-pg-open').facts.auditLogging).toEqual({ value: false, evidence: ['pgAudit is not in shared_preload_libraries'] });
    expect(value('clinic-pg-private', 'tlsRequired')).toBe(true);
    expect(byName('clinic-pg-private').facts.auditLogging).toEqual({ value: true, evidence: ['shared_preload_libraries includes pgaudit', 'pgaudit.log=write,ddl'] });
    expect(byName('clinic-pg-open').facts.backupRetentionDays).toEqual({ value: 7, evidence: ['backup.backupRetentionDays=7'] });
    expect(value('clinic-pg-private', 'encryptionAtRest')).toBe('customer-managed');
  });

  it('fails the exposures in an audit, and leaves what a denied read decides not evaluated', () => {
    const result = audit({ resources: collection.resources, policies: loadPolicies() });
    const status = (rule: string, name: string) => result.findings.find((f) => f.rule.id === rule && f.resource.name === name)?.status;
    expect(status('database-internet-reachable', 'clinic-pg-open')).toBe('fail');
    expect(status('database-publicly-accessible', 'clinic-pg-open')).toBe('fail');
    expect(status('database-tls-required', 'clinic-pg-open')).toBe('fail');
    expect(status('database-internet-reachable', 'clinic-pg-private')).toBe('pass');
    expect(status('database-audit-logging', 'clinic-pg-private')).toBe('pass');
    expect(status('database-open-to-cloud-tenants', 'clinic-pg-azure-only')).toBe('fail');
    expect(status('database-tls-required', 'clinic-pg-azure-only')).toBe('not-evaluated');
    expect(collection.notices).toContainEqual(expect.objectContaining({ call: 'postgresFlexibleConfigurations.listByServer', permission: 'Microsoft.DBforPostgreSQL/flexibleServers/configurations/read' }));
  });
});

describe('MySQL flexible servers', () => {
  it('judges public access, firewall rules, TLS, the audit log and retention as for PostgreSQL, on 3306', () => {
    expect(byName('clinic-mysql-open').facts.internetReachable).toEqual({
      value: true,
      evidence: ['publicNetworkAccess=Enabled', 'firewall rule AllowAll_2024-1-1 0.0.0.0-255.255.255.255: 0.0.0.0-255.255.255.255 is a broad public range (4,294,967,296 addresses)', 'MySQL listens on 3306'],
    });
    expect(byName('clinic-mysql-open').facts.tlsRequired).toEqual({ value: false, evidence: ['require_secure_transport=off'] });
    expect(byName('clinic-mysql-open').facts.auditLogging).toEqual({ value: false, evidence: ['audit_log_enabled=OFF'] });
    expect(byName('clinic-mysql-audited').facts.auditLogging).toEqual({ value: true, evidence: ['audit_log_enabled=ON', 'audit_log_events=CONNECTION,DML'] });
    expect(value('clinic-mysql-audited', 'internetReachable')).toBe(false);
    expect(value('clinic-mysql-open', 'engine')).toBe('mysql');
  });

  it('fails the exposures in an audit, short retention included', () => {
    const result = audit({ resources: collection.resources, policies: loadPolicies() });
    const status = (rule: string, name: string) => result.findings.find((f) => f.rule.id === rule && f.resource.name === name)?.status;
    expect(status('database-internet-reachable', 'clinic-mysql-open')).toBe('fail');
    expect(status('database-backup-retention', 'clinic-mysql-open')).toBe('fail');
    expect(status('database-backup-retention', 'clinic-mysql-audited')).toBe('pass');
    expect(status('database-tls-required', 'clinic-mysql-audited')).toBe('pass');
    expect(status('database-audit-logging', 'clinic-mysql-audited')).toBe('pass');
  });
});

describe('Cosmos DB accounts', () => {
  it('accepts every network with public access and neither an IP rule nor a virtual network filter', () => {
    expect(byName('clinic-cosmos-open').facts.internetReachable).toEqual({ value: true, evidence: ['publicNetworkAccess=Enabled', 'no IP rule and no virtual network filter: every network is accepted'] });
    expect(value('clinic-cosmos-firewalled', 'internetReachable')).toBe(false);
    expect(byName('clinic-cosmos-firewalled').facts.openToCloudTenants).toEqual({ value: true, evidence: ['IP rule 0.0.0.0 ("accept connections from within public Azure datacenters") admits every Azure tenant'] });
    expect(value('clinic-cosmos-private', 'publiclyAccessible')).toBe(false);
  });

  it('reads TLS, backup retention and the key from the account', () => {
    expect(value('clinic-cosmos-private', 'tlsRequired')).toBe(false);
    expect(value('clinic-cosmos-open', 'tlsRequired')).toBe(true);
    expect(byName('clinic-cosmos-open').facts.backupRetentionDays).toEqual({ value: 0.33, evidence: ['periodic backup kept 8 hours'] });
    expect(value('clinic-cosmos-firewalled', 'backupRetentionDays')).toBe(30);
    expect(value('clinic-cosmos-firewalled', 'encryptionAtRest')).toBe('customer-managed');
  });

  it('fails the exposures in an audit and does not judge auditing, which lives in diagnostic settings', () => {
    const result = audit({ resources: collection.resources, policies: loadPolicies() });
    const status = (rule: string, name: string) => result.findings.find((f) => f.rule.id === rule && f.resource.name === name)?.status;
    expect(status('database-internet-reachable', 'clinic-cosmos-open')).toBe('fail');
    expect(status('database-backup-retention', 'clinic-cosmos-open')).toBe('fail');
    expect(status('database-open-to-cloud-tenants', 'clinic-cosmos-firewalled')).toBe('fail');
    expect(status('database-tls-required', 'clinic-cosmos-private')).toBe('fail');
    expect(status('database-audit-logging', 'clinic-cosmos-open')).toBeUndefined();
  });
});

describe('deletion protection from management locks', () => {
  it('protects a server with a CanNotDelete or ReadOnly lock on it, never through a lock on a child resource', () => {
    expect(byName('clinic-sql-private').facts.deletionProtection).toEqual({ value: true, evidence: ['management lock no-delete (CanNotDelete) on the resource'] });
    expect(value('clinic-pg-private', 'deletionProtection')).toBe(true);
    expect(byName('clinic-sql-open').facts.deletionProtection).toEqual({ value: false, evidence: ['no CanNotDelete or ReadOnly lock on the resource, its resource group or the subscription'] });
    const result = audit({ resources: collection.resources, policies: loadPolicies() });
    const status = (name: string) => result.findings.find((f) => f.rule.id === 'database-deletion-protection' && f.resource.name === name)?.status;
    expect([status('clinic-sql-private'), status('clinic-sql-open'), status('clinic-cosmos-open')]).toEqual(['pass', 'fail', 'fail']);
  });
});

describe('paged listings', () => {
  it('makes one bounded call per page, and asks a throttled page again from its link, not the listing from the start', async () => {
    const nsgPath = '/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Network/networkSecurityGroups';
    // The fixture pages two items at a time: the second page is throttled once.
    const fresh = await startFakeArm({ ...loadFakeArmEstate(estateDir), throttleFirst: { [`${nsgPath}?$skiptoken=2`]: 1 } });
    try {
      const c = await collectAzure({ env: { LEAKPROOF_AZURE_ARM_ENDPOINT: fresh.endpoint }, concurrency: 8, subscriptions: ['00000000-0000-0000-0000-000000000001'] });
      const pages = Math.ceil(c.resources.filter((r) => r.kind === 'network-firewall').length / 2);
      expect(pages).toBeGreaterThanOrEqual(3);
      // One request per page and one for the throttled page again; a listing retried whole would ask page one twice.
      expect(fresh.requests.filter((r) => r.endsWith(nsgPath))).toHaveLength(pages + 1);
      expect(c.callCounts['networkSecurityGroups.listAll']).toBe(pages + 1);
      expect(c.stats.throttled).toBe(1);
      expect(c.notices.filter((n) => n.call === 'networkSecurityGroups.listAll')).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});

describe('the data plane, against Azurite', () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await startAzurite();
    await seedAzuriteContainers(azurite.connectionString, [
      { name: 'dp-container', access: 'container' },
      { name: 'dp-blob', access: 'blob' },
      { name: 'dp-private' },
    ]);
  });
  afterAll(() => azurite.stop());

  it('reads container access levels from the Blob service and applies the account flag from ARM', async () => {
    const c = await collectAzure({ env: { LEAKPROOF_AZURE_ARM_ENDPOINT: arm.endpoint, AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString }, subscriptions: ['00000000-0000-0000-0000-000000000001'], containers: 'data-plane', needed: { 'storage-bucket': new Set(['publicRead', 'publicList']) } });
    const fact = (name: string, f: string) => {
      const r = c.resources.find((x) => x.name === name)!;
      const v = r.facts[f]!;
      return 'value' in v ? v.value : 'unknown';
    };
    expect(fact('dp-container', 'publicList')).toBe(true);
    expect(fact('dp-blob', 'publicRead')).toBe(true);
    expect(fact('dp-blob', 'publicList')).toBe(false);
    expect(fact('dp-private', 'publicRead')).toBe(false);
    expect(c.resources.find((x) => x.name === 'dp-container')!.facts.publicList!.evidence).toContain('container dp-container: public access level container (data plane)');
  });
});

describe('discovery under management groups', () => {
  const collect = (managementGroups: string[]) => collectAzure({ env: { LEAKPROOF_AZURE_ARM_ENDPOINT: arm.endpoint }, concurrency: 8, managementGroups, needed: { 'network-firewall': new Set(['internetIngressPorts']) } });
  const subscriptionsOf = (c: AzureCollection) => c.scopes.filter((x) => x.kind === 'subscription').map((x) => x.account).sort();

  it('audits every subscription below the group, those of its child groups included, and lists no other', async () => {
    const before = arm.requests.length;
    const c = await collect(['clinic-root']);
    expect(subscriptionsOf(c)).toEqual(['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002']);
    const made = arm.requests.slice(before);
    expect(made).toContain('GET /providers/Microsoft.Management/managementGroups/clinic-root/descendants');
    expect(made).not.toContain('GET /subscriptions');
  });

  it('reports a group it may not read as not audited, naming the permission, and audits the other groups', async () => {
    const c = await collect(['clinic-secret', 'clinic-root']);
    expect(subscriptionsOf(c)).toHaveLength(2);
    const denied = c.scopes.find((x) => x.kind === 'discovery');
    expect(denied).toMatchObject({ account: 'management group clinic-secret', status: 'not-audited' });
    expect(denied!.reasons.join(' ')).toContain('Microsoft.Management/managementGroups/descendants/read');
  });

  it('never passes a group below which it finds no subscription: the group was not audited', async () => {
    const c = await collect(['clinic-empty']);
    expect(subscriptionsOf(c)).toEqual([]);
    expect(c.scopes).toEqual([expect.objectContaining({ kind: 'discovery', account: 'management group clinic-empty', status: 'not-audited' })]);
    expect(c.notices).toContainEqual(expect.objectContaining({ level: 'error', fatal: true, message: expect.stringContaining('no subscriptions were found under management group clinic-empty') }));
    expect(auditVerdict(audit({ resources: c.resources, policies: loadPolicies(), notices: c.notices, scopes: c.scopes }), { failOn: 'high' }).verdict).toBe('incomplete');
  });
});

describe('permissions', () => {
  it('generates a least-privilege custom role from the call table', () => {
    expect(azureCustomRole({ 'database-instance': new Set(['internetReachable']) }).Actions).toEqual([
      'Microsoft.DBforMySQL/flexibleServers/firewallRules/read',
      'Microsoft.DBforMySQL/flexibleServers/read',
      'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read',
      'Microsoft.DBforPostgreSQL/flexibleServers/read',
      'Microsoft.DocumentDB/databaseAccounts/read',
      'Microsoft.Management/managementGroups/descendants/read',
      'Microsoft.Resources/subscriptions/read',
      'Microsoft.Sql/servers/firewallRules/read',
      'Microsoft.Sql/servers/read',
      'Microsoft.Storage/storageAccounts/blobServices/containers/read',
      'Microsoft.Storage/storageAccounts/read',
    ]);
  });
});
