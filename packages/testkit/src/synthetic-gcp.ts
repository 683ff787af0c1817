import type { FakeGcpEstate } from './fake-gcp-server.js';

/**
 * A generated GCP estate for benchmarks: `buckets` buckets in one project, every fifth public through
 * IAM, and `firewalls` firewall rules (a tenth open to the internet on PostgreSQL).
 */
export function syntheticGcpEstate(options: { buckets: number; firewalls?: number; project?: string }): FakeGcpEstate {
  const project = options.project ?? 'bench-project';
  const buckets = Array.from({ length: options.buckets }, (_, i) => ({
    kind: 'storage#bucket',
    id: `bench-gcs-${String(i).padStart(5, '0')}`,
    name: `bench-gcs-${String(i).padStart(5, '0')}`,
    location: 'EUROPE-WEST4',
    iamConfiguration: { uniformBucketLevelAccess: { enabled: i % 2 === 0 }, publicAccessPrevention: i % 3 === 0 ? 'enforced' : 'inherited' },
    ...(i % 7 === 0 ? { acl: [{ entity: 'allUsers', role: 'READER' }] } : {}),
  }));
  const iam = Object.fromEntries(
    buckets.filter((_, i) => i % 5 === 0).map((b) => [b.name, { status: 200, body: { bindings: [{ role: 'roles/storage.objectViewer', members: ['allUsers'] }] } }]),
  );
  const network = `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/default`;
  const firewalls = Array.from({ length: options.firewalls ?? 0 }, (_, i) => ({
    kind: 'compute#firewall',
    id: String(900_000_000 + i),
    name: `bench-fw-${i}`,
    network,
    priority: 1000,
    direction: 'INGRESS',
    disabled: false,
    sourceRanges: [i % 10 === 0 ? '0.0.0.0/0' : '10.0.0.0/16'],
    allowed: [{ IPProtocol: 'tcp', ports: [i % 10 === 0 ? '5432' : '443'] }],
    selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/firewalls/bench-fw-${i}`,
  }));
  return { projects: [project], pageSize: 1000, buckets: { [project]: buckets }, iam, sqlInstances: {}, firewalls: { [project]: { status: 200, body: { kind: 'compute#firewallList', items: firewalls } } } };
}
