import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectAws } from '@leakproof/aws';
import { audit, loadPolicies, type Resource } from '@leakproof/core';
import { collectGcp } from '@leakproof/gcp';
import { loadFakeAwsEstate, loadFakeGcpEstate, startFakeAws, startFakeGcp, startFaultProxy } from '@leakproof/testkit';

// A public grant behind an outer guard that cannot be read is still reported: the worst leak of an
// estate must not disappear into a warning because the auditor may not read the organization policy.

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}/`, import.meta.url));
const policies = loadPolicies();
const named = (resources: Resource[], name: string) => resources.find((r) => r.name === name && r.kind === 'storage-bucket')!;
const statusOf = (resources: Resource[], rule: string, name: string) => audit({ resources, policies }).findings.find((f) => f.rule.id === rule && f.resource.name === name)?.status;

describe('a public grant behind a guard that cannot be read', () => {
  it('GCP: fails storage-public-read when the organization policy is unreadable, naming the policy and the permission', async () => {
    const server = await startFakeGcp(loadFakeGcpEstate(fixture('gcp/estate')));
    const denied = JSON.stringify({ error: { code: 403, status: 'PERMISSION_DENIED', message: "Permission 'orgpolicy.policy.get' denied", errors: [{ reason: 'forbidden' }] } });
    const proxy = await startFaultProxy(server.endpoint, [{ match: /getEffectiveOrgPolicy/, fault: { kind: 'status', status: 403, body: denied } }]);
    try {
      const c = await collectGcp({ env: { STORAGE_EMULATOR_HOST: proxy.endpoint, LEAKPROOF_GCP_API_ENDPOINT: proxy.endpoint }, concurrency: 8 });
      expect(proxy.faulted).toBeGreaterThan(0);
      const photos = named(c.resources, 'clinic-gcs-photos');
      expect(photos.facts.publicRead).toMatchObject({
        value: true,
        evidence: expect.arrayContaining([expect.stringMatching(/^the organization policy storage.publicAccessPrevention could not be read \(.*denied.*grant orgpolicy.policy.get.*\); it might neutralise this grant$/)]),
      });
      expect(statusOf(c.resources, 'storage-public-read', 'clinic-gcs-photos')).toBe('fail');
      // The guard itself stays unknown: nothing claims prevention is off.
      expect(photos.facts.publicAccessPrevention).toMatchObject({ unknown: expect.any(String) });
      // A bucket without a public grant is still private, and one with PAP enforced on itself still guarded.
      expect(statusOf(c.resources, 'storage-public-read', 'clinic-gcs-private')).toBe('pass');
      expect(statusOf(c.resources, 'storage-public-read', 'clinic-gcs-guarded')).toBe('pass');
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it('AWS: fails storage-public-read when account-level Block Public Access is unreadable, and keeps unknown what the bucket itself hides', async () => {
    const server = await startFakeAws(loadFakeAwsEstate(fixture('aws/estate')));
    const proxy = await startFaultProxy(server.endpoint, [
      { match: /\/v20180820\/configuration\/publicAccessBlock/, fault: { kind: 'status', status: 403, body: '<?xml version="1.0"?><ErrorResponse><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error></ErrorResponse>' } },
    ]);
    try {
      const c = await collectAws({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' }, env: { AWS_ENDPOINT_URL: proxy.endpoint }, regions: ['eu-west-1', 'us-east-1'], concurrency: 8, now: new Date('2026-11-25T00:00:00Z') });
      expect(proxy.faulted).toBeGreaterThan(0);
      const invoices = named(c.resources, 'clinic-invoices-policy');
      expect(invoices.facts.publicRead).toMatchObject({
        value: true,
        evidence: expect.arrayContaining([expect.stringMatching(/^account-level Block Public Access RestrictPublicBuckets could not be read \(s3control:GetPublicAccessBlock was denied.*grant s3:GetAccountPublicAccessBlock\); it might neutralise this grant$/)]),
      });
      expect(statusOf(c.resources, 'storage-public-read', 'clinic-invoices-policy')).toBe('fail');
      expect(statusOf(c.resources, 'storage-public-read', 'clinic-policy-restricted')).toBe('pass');
      // An unreadable bucket ACL still makes its verdicts unknown: only outer guards are taken as off.
      expect(named(c.resources, 'clinic-acl-denied').facts.publicList).toMatchObject({ unknown: expect.any(String) });
    } finally {
      await proxy.close();
      await server.close();
    }
  });
});
