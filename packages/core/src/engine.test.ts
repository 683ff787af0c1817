import { describe, expect, it } from 'vitest';
import { audit, blockingFindings } from './engine.js';
import { loadPolicies } from './policy/load.js';
import { known, resource, tempTree, unknown } from './test-helpers/fixtures.js';

const pack = `rules:
  - id: t-public
    title: Public
    description: Public bucket.
    severity: critical
    resource: storage-bucket
    assert:
      all:
        - { path: publicRead, equals: false }
        - { path: publicWrite, equals: false }
    message: "{{resource.name}} is public"
    remediation: Fix.
    controls: { hipaa: ["164.312(a)(1)"] }
  - id: t-scoped
    title: Scoped to PHI
    description: Only PHI buckets.
    severity: low
    resource: storage-bucket
    where: { path: resource.tags.data, equals: phi }
    assert: { path: versioning, equals: true }
    message: "{{resource.name}} has no versioning"
    remediation: Fix.
    controls: { gdpr: ["Art. 32(1)(b)"] }
  - id: t-either
    title: Either guard
    description: Any guard.
    severity: medium
    resource: storage-bucket
    assert:
      any:
        - { path: publicAccessPrevention, equals: true }
        - { path: aclsDisabled, equals: true }
    message: "{{resource.name}} has no guard"
    remediation: Fix.
    controls: { gdpr: ["Art. 25(2)"] }
`;

function run(...resources: ReturnType<typeof resource>[]) {
  const policies = loadPolicies({ builtIn: false, paths: ['pack.yaml', 'frameworks'], cwd: packDir });
  return audit({ resources, policies });
}
const packDir = tempTree({
  'pack.yaml': pack,
  'frameworks/f.yaml': 'frameworks:\n  - id: hipaa\n    title: H\n    controls: { "164.312(a)(1)": Access control }\n  - id: gdpr\n    title: G\n    controls: { "Art. 32(1)(b)": Security, "Art. 25(2)": Default }\n',
});
const find = (r: ReturnType<typeof run>, rule: string) => r.findings.find((f) => f.rule.id === rule);

describe('evaluating rules against resources', () => {
  it('fails with the evidence of the facts that decided it', () => {
    const r = run(resource('storage-bucket', { publicRead: known(true, 'ACL grant to AllUsers: READ', 'bucket IgnorePublicAcls=false'), publicWrite: known(false, 'no write grant') }));
    const f = find(r, 't-public')!;
    expect(f.status).toBe('fail');
    expect(f.status === 'fail' && f.evidence).toEqual(['ACL grant to AllUsers: READ', 'bucket IgnorePublicAcls=false']);
    expect(f.status === 'fail' && f.message).toBe('example is public');
  });

  it('passes when every part of the assertion holds', () => {
    const r = run(resource('storage-bucket', { publicRead: known(false), publicWrite: known(false) }));
    expect(find(r, 't-public')!.status).toBe('pass');
  });

  it('is not evaluated, never passed, when a fact it needs is unknown', () => {
    const r = run(resource('storage-bucket', { publicRead: unknown('s3:GetBucketAcl denied (AccessDenied)'), publicWrite: known(false) }));
    const f = find(r, 't-public')!;
    expect(f.status).toBe('not-evaluated');
    expect(f.status === 'not-evaluated' && f.reasons).toEqual(['publicRead: s3:GetBucketAcl denied (AccessDenied)']);
  });

  it('fails despite an unknown fact when another known fact already fails an all', () => {
    const r = run(resource('storage-bucket', { publicRead: unknown('denied'), publicWrite: known(true, 'WRITE to AllUsers') }));
    expect(find(r, 't-public')!.status).toBe('fail');
  });

  it('passes an any when one known part holds even if another is unknown', () => {
    const r = run(resource('storage-bucket', { publicAccessPrevention: unknown('denied'), aclsDisabled: known(true) }));
    expect(find(r, 't-either')!.status).toBe('pass');
  });

  it('treats a fact the collector did not gather as unknown', () => {
    const r = run(resource('storage-bucket', { publicWrite: known(false) }));
    const f = find(r, 't-public')!;
    expect(f.status === 'not-evaluated' && f.reasons).toEqual(['publicRead: not collected for this resource']);
  });

  it('skips resources outside the where scope and judges those inside', () => {
    const r = run(
      resource('storage-bucket', { versioning: known(false) }, { name: 'logs', id: 'b1' }),
      resource('storage-bucket', { versioning: known(false) }, { name: 'photos', id: 'b2', tags: { data: 'phi' } }),
    );
    const scoped = r.findings.filter((f) => f.rule.id === 't-scoped');
    expect(scoped.map((f) => [f.resource.name, f.status])).toEqual([['photos', 'fail']]);
  });

  it('counts outcomes in the summary and blocks only at or above the threshold', () => {
    const r = run(resource('storage-bucket', { publicRead: known(true), publicWrite: known(false), publicAccessPrevention: known(false), aclsDisabled: known(false) }));
    expect(r.summary).toMatchObject({ fail: 2, pass: 0, notEvaluated: 0, failBySeverity: { critical: 1, medium: 1 } });
    expect(blockingFindings(r, 'critical').map((f) => f.rule.id)).toEqual(['t-public']);
    expect(blockingFindings(r, 'medium').map((f) => f.rule.id).sort()).toEqual(['t-either', 't-public']);
  });

  it('selects only rules mapped to the requested framework', () => {
    const policies = loadPolicies({ builtIn: false, paths: ['pack.yaml', 'frameworks'], cwd: packDir });
    const r = audit({ resources: [], policies, frameworks: ['hipaa'] });
    expect(r.rules.map((x) => x.id)).toEqual(['t-public']);
  });
});
