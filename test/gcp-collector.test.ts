import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectGcp, gcpCustomRole, type GcpCollection } from '@leakproof/gcp';
import { audit, auditVerdict, loadPolicies, type CollectionProgress, type Resource } from '@leakproof/core';
import { loadFakeGcpEstate, startFakeGcp, type FakeGcpServer } from '@leakproof/testkit';
import { factValue, resourceNamed } from './helpers/resources.js';

const estateDir = fileURLToPath(new URL('./fixtures/gcp/estate/', import.meta.url));
let server: FakeGcpServer;
let collection: GcpCollection;
const progress: CollectionProgress[] = [];
const env = () => ({ STORAGE_EMULATOR_HOST: server.endpoint, LEAKPROOF_GCP_API_ENDPOINT: server.endpoint });
const byName = (name: string, kind?: Resource['kind']): Resource => resourceNamed(collection.resources, name, kind);
const value = (name: string, fact: string, kind?: Resource['kind']) => factValue(collection.resources, name, fact, kind);

beforeAll(async () => {
  server = await startFakeGcp(loadFakeGcpEstate(estateDir));
  collection = await collectGcp({ env: env(), concurrency: 8, onProgress: (p) => progress.push(p) });
});
afterAll(() => server.close());

describe('progress', () => {
  it('counts projects and GCS buckets to the end, with the calls made', () => {
    const buckets = collection.resources.filter((r) => r.kind === 'storage-bucket').length;
    const projects = collection.scopes.filter((s) => s.kind === 'project').length;
    expect(progress.at(-1)?.phases).toEqual([
      { phase: 'projects', done: projects, total: projects },
      { phase: 'GCS buckets', done: buckets, total: buckets },
    ]);
    expect(progress.at(-1)?.calls).toBe(collection.stats.calls);
  });
});

describe('Cloud Storage buckets', () => {
  it('discovers every visible project and lists buckets across pages with their ACLs', () => {
    expect(server.requests).toContain('cloudresourcemanager projects.search');
    expect(collection.resources.filter((r) => r.kind === 'storage-bucket')).toHaveLength(9);
    expect(server.requests.filter((r) => r === 'storage buckets.list clinic-prod')).toHaveLength(3);
  });

  it.each([
    ['clinic-gcs-photos', 'publicRead', true],
    ['clinic-gcs-photos', 'publicList', true],
    ['clinic-gcs-photos', 'publicWrite', false],
    ['clinic-gcs-guarded', 'publicRead', false],
    ['clinic-gcs-guarded', 'publicAccessPrevention', true],
    ['clinic-gcs-legacy', 'publicList', true],
    ['clinic-gcs-legacy', 'publicRead', true],
    ['clinic-gcs-legacy', 'aclsDisabled', false],
    ['clinic-gcs-stale-acl', 'publicList', false],
    ['clinic-gcs-authenticated', 'authenticatedUsersAccess', true],
    ['clinic-gcs-authenticated', 'publicRead', false],
    ['clinic-gcs-dropbox', 'publicWrite', true],
    ['clinic-gcs-dropbox', 'publicRead', false],
    ['clinic-gcs-private', 'encryptionAtRest', 'customer-managed'],
    ['clinic-gcs-private', 'versioning', true],
    ['clinic-gcs-private', 'accessLogging', true],
    ['clinic-gcs-private', 'objectLock', true],
    ['clinic-gcs-photos', 'encryptionAtRest', 'provider-managed'],
  ] as const)('%s has %s = %s', (bucket, fact, expected) => {
    expect(value(bucket, fact)).toBe(expected);
  });

  it('treats public access prevention enforced by organization policy as enforced, even when the bucket says "inherited"', () => {
    expect(byName('clinic-gcs-regulated').facts.publicRead).toEqual({ value: false, evidence: ['organization policy storage.publicAccessPrevention enforced for project clinic-regulated'] });
    expect(value('clinic-gcs-regulated', 'publicAccessPrevention')).toBe(true);
    expect(value('clinic-gcs-photos', 'publicAccessPrevention')).toBe(false);
  });

  it('carries the evidence chain', () => {
    expect(byName('clinic-gcs-photos').facts.publicRead).toEqual({
      value: true,
      evidence: ['IAM binding roles/storage.objectViewer to allUsers', 'iamConfiguration.publicAccessPrevention=inherited', 'organization policy storage.publicAccessPrevention not enforced for project clinic-prod'],
    });
    expect(byName('clinic-gcs-legacy').facts.publicRead).toMatchObject({ value: true, evidence: expect.arrayContaining(['default object ACL READER to allUsers', 'uniform bucket-level access off: ACLs apply']) });
  });

  it('retries a throttled IAM call with backoff and gets the answer', () => {
    expect(server.requests.filter((r) => r === 'storage getIamPolicy clinic-gcs-photos')).toHaveLength(3);
  });

  it('makes what a denied call feeds unknown, says which permission is missing, and goes on', () => {
    expect(byName('clinic-gcs-iam-denied').facts.publicRead).toMatchObject({ unknown: expect.stringMatching(/^storage.buckets.getIamPolicy was denied \(forbidden\); grant storage.buckets.getIamPolicy/) });
    expect(collection.notices).toContainEqual(expect.objectContaining({ call: 'storage.buckets.getIamPolicy', permission: 'storage.buckets.getIamPolicy', resourceId: '//storage.googleapis.com/projects/_/buckets/clinic-gcs-iam-denied' }));
  });
});

describe('Cloud SQL and firewalls', () => {
  it('is reachable only with a public IP AND a broad public authorized network', () => {
    expect(byName('patients-sql').facts.internetReachable).toEqual({
      value: true,
      evidence: ['ipConfiguration.ipv4Enabled=true (public IPv4 address)', 'authorized network 0.0.0.0/0 (0.0.0.0/0 is every IPv4 address)', 'the database listens on 5432'],
    });
    expect(value('office-sql', 'internetReachable')).toBe(false);
    expect(value('private-sql', 'internetReachable')).toBe(false);
    expect(value('broad-sql', 'internetReachable')).toBe(true);
  });

  it('lets sslMode supersede requireSsl', () => {
    expect(byName('patients-sql').facts.tlsRequired).toEqual({ value: false, evidence: ['sslMode=ALLOW_UNENCRYPTED_AND_ENCRYPTED (supersedes requireSsl)'] });
    expect(value('office-sql', 'tlsRequired')).toBe(true);
  });

  it('judges enabled ingress allow rules from public ranges on the database port catalogue', () => {
    expect(value('allow-postgres', 'internetIngressDatabasePorts')).toEqual(['PostgreSQL 5432/tcp from 0.0.0.0/0']);
    expect(value('allow-postgres', 'appliesTo')).toEqual(['tag:db']);
    expect(value('allow-es-broad', 'internetIngressDatabasePorts')).toEqual(['Elasticsearch/OpenSearch 9200/tcp from 0.0.0.0/1', 'Elasticsearch/OpenSearch transport 9300/tcp from 0.0.0.0/1']);
    expect(value('allow-all-disabled', 'internetIngressAllTraffic')).toBe(false);
    expect(value('allow-internal', 'internetIngressDatabasePorts')).toEqual([]);
    expect(value('egress-all', 'internetIngressPorts')).toEqual([]);
  });

  it.each([
    ['allow-mysql-app', 'internetIngressDatabasePorts', []],
    ['allow-range-web', 'internetIngressPorts', ['1000-1432/tcp from 0.0.0.0/0', '1434-2000/tcp from 0.0.0.0/0']],
    ['allow-mssql-other', 'internetIngressDatabasePorts', ['SQL Server 1433/tcp from 0.0.0.0/0']],
    ['allow-webrtc-media', 'internetIngressDatabasePorts', []],
    ['allow-webrtc-media', 'internetIngressUdpServices', []],
    ['allow-sql-browser', 'internetIngressUdpServices', ['SQL Server Browser 1434/udp from 0.0.0.0/0']],
    ['deny-mysql-app', 'internetIngressPorts', []],
  ] as const)('applies higher-priority DENY rules on the same targets: %s has %s = %j', (rule, fact, expected) => {
    expect(value(rule, fact)).toEqual(expected);
  });

  it('notes a disabled API for that project and warns about a denied list', () => {
    expect(collection.notices).toContainEqual(expect.objectContaining({ level: 'note', message: 'sqladmin.googleapis.com is disabled in clinic-sandbox; it holds nothing to audit (sqladmin.instances.list: SERVICE_DISABLED)' }));
    expect(collection.notices).toContainEqual(expect.objectContaining({ level: 'warning', call: 'compute.firewalls.list', permission: 'compute.firewalls.list' }));
  });

  it('reports each project as audited, or partly audited with the reason, never silently whole', () => {
    const status = Object.fromEntries(collection.scopes.map((s) => [s.id, s.status]));
    expect(status).toMatchObject({ 'clinic-sandbox': 'partial', 'clinic-prod': 'partial' });
    expect(collection.scopes.find((s) => s.id === 'clinic-sandbox')?.reasons).toEqual([expect.stringMatching(/^compute.firewalls.list was denied/)]);
    expect(Object.values(status)).toContain('audited');
  });
});

describe('the audit over a collected GCP estate', () => {
  it('fails the exposures and passes the guarded resources', () => {
    const result = audit({ resources: collection.resources, policies: loadPolicies() });
    const status = (rule: string, name: string) => result.findings.find((f) => f.rule.id === rule && f.resource.name === name)?.status;
    expect(status('storage-public-read', 'clinic-gcs-photos')).toBe('fail');
    expect(status('storage-public-read', 'clinic-gcs-guarded')).toBe('pass');
    expect(status('storage-public-write', 'clinic-gcs-dropbox')).toBe('fail');
    expect(status('storage-public-list', 'clinic-gcs-stale-acl')).toBe('pass');
    expect(status('storage-public-read', 'clinic-gcs-iam-denied')).toBe('not-evaluated');
    expect(status('database-internet-reachable', 'patients-sql')).toBe('fail');
    expect(status('network-database-port-internet', 'allow-postgres')).toBe('fail');
  });
});

describe('discovery under an organization or folders', () => {
  const hierarchy = {
    'organizations/100': { folders: ['folders/10', { name: 'folders/19', state: 'DELETE_REQUESTED' }], projects: ['clinic-prod'] },
    'folders/10': { folders: ['folders/11'], projects: [{ id: 'clinic-old', state: 'DELETE_REQUESTED' }] },
    'folders/11': { projects: ['clinic-regulated'] },
    'folders/19': { projects: ['clinic-sandbox'] },
    'folders/20': { projects: ['clinic-sandbox'] },
  };
  const withHierarchy = async (extra: Partial<Parameters<typeof startFakeGcp>[0]>, options: Parameters<typeof collectGcp>[0]) => {
    const s = await startFakeGcp({ ...loadFakeGcpEstate(estateDir), hierarchy, ...extra });
    try {
      const c = await collectGcp({ env: { STORAGE_EMULATOR_HOST: s.endpoint, LEAKPROOF_GCP_API_ENDPOINT: s.endpoint }, concurrency: 8, ...options });
      return { c, requests: s.requests };
    } finally {
      await s.close();
    }
  };
  const projectsOf = (c: GcpCollection) => c.scopes.filter((x) => x.kind === 'project').map((x) => x.account).sort();

  it('walks every folder below the organization, not only its direct children, and skips deleted projects and folders', async () => {
    const { c, requests } = await withHierarchy({}, { organization: '100' });
    expect(projectsOf(c)).toEqual(['clinic-prod', 'clinic-regulated']);
    expect(requests).toContain('cloudresourcemanager folders.list folders/10');
    expect(requests).toContain('cloudresourcemanager projects.list folders/11');
    expect(requests).not.toContain('cloudresourcemanager projects.search');
    expect(c.scopes.every((x) => x.status !== 'not-audited')).toBe(true);
  });

  it('audits the projects of several folders once each', async () => {
    const { c } = await withHierarchy({}, { folders: ['folders/11', '20', '11'] });
    expect(projectsOf(c)).toEqual(['clinic-regulated', 'clinic-sandbox']);
  });

  it('reports a folder it may not list as not audited and audits the rest of the tree', async () => {
    const { c } = await withHierarchy({ deniedParents: ['folders/10'] }, { organization: 'organizations/100' });
    expect(projectsOf(c)).toEqual(['clinic-prod']);
    const denied = c.scopes.find((x) => x.kind === 'discovery' && x.account === 'folders/10');
    expect(denied?.status).toBe('not-audited');
    expect(denied?.reasons.join(' ')).toMatch(/projects of folders\/10 could not be listed.*resourcemanager\.projects\.list|resourcemanager\.(projects|folders)\.list/);
  });

  it('never passes a folder in which it sees no project: the folder was not audited', async () => {
    const { c } = await withHierarchy({ hierarchy: { ...hierarchy, 'folders/30': { projects: [{ id: 'clinic-gone', state: 'DELETE_REQUESTED' }] } } }, { folders: ['folders/30'] });
    expect(projectsOf(c)).toEqual([]);
    expect(c.scopes).toEqual([expect.objectContaining({ kind: 'discovery', account: 'folders/30', status: 'not-audited' })]);
    expect(c.notices).toContainEqual(expect.objectContaining({ fatal: true, message: expect.stringContaining('the caller can see no active projects under folders/30') }));
    expect(auditVerdict(audit({ resources: c.resources, policies: loadPolicies(), notices: c.notices, scopes: c.scopes }), { failOn: 'high' }).verdict).toBe('incomplete');
  });
});

describe('calls and permissions', () => {
  it('skips calls no enabled rule needs', async () => {
    const s = await startFakeGcp(loadFakeGcpEstate(estateDir));
    try {
      await collectGcp({ env: { STORAGE_EMULATOR_HOST: s.endpoint, LEAKPROOF_GCP_API_ENDPOINT: s.endpoint }, projects: ['clinic-prod'], needed: { 'network-firewall': new Set(['internetIngressDatabasePorts']) } });
      expect(s.requests.some((r) => r.startsWith('compute firewalls.list'))).toBe(true);
      expect(s.requests.some((r) => r.startsWith('sqladmin'))).toBe(false);
      expect(s.requests.some((r) => r.startsWith('storage getIamPolicy'))).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('generates a least-privilege custom role from the same table', () => {
    expect(gcpCustomRole({ 'database-instance': new Set(['internetReachable']) }).includedPermissions).toEqual(['cloudsql.instances.list', 'resourcemanager.folders.list', 'resourcemanager.projects.get', 'resourcemanager.projects.list', 'storage.buckets.getIamPolicy', 'storage.buckets.list']);
    expect(gcpCustomRole({ 'storage-bucket': new Set(['publicRead']) }).includedPermissions).toContain('orgpolicy.policy.get');
  });
});
