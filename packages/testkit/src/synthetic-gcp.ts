import type { FakeGcpEstate } from './fake-gcp-server.js';

/** A generated GCP estate for benchmarks: `buckets` buckets in one project; every fifth public through IAM. */
export function syntheticGcpEstate(options: { buckets: number; project?: string }): FakeGcpEstate {
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
  return { projects: [project], pageSize: 1000, buckets: { [project]: buckets }, iam, sqlInstances: {}, firewalls: {} };
}
