import type * as sarif from 'sarif';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { audit } from '../engine.js';
import { loadPolicies } from '../policy/load.js';
import { known, resource, unknown } from '../test-helpers/fixtures.js';
import { FINGERPRINT_KEY, LINE_HASH_KEY, fingerprint } from '../finding-identity.js';
import { toSarif, type SarifResult } from './sarif.js';

const policies = loadPolicies();
const bucket = (name: string, publicRead: boolean, source?: { file: string; line: number }) =>
  resource('storage-bucket', { publicRead: known(publicRead, 'ACL grant to AllUsers: READ', 'bucket IgnorePublicAcls=false') }, { name, id: `arn:aws:s3:::${name}`, ...(source ? { source } : {}) });

function sarifFor(resources: ReturnType<typeof resource>[], notices = [] as Parameters<typeof audit>[0]['notices']) {
  const log = toSarif(audit({ resources, policies, notices }), { toolVersion: '1.2.3', category: 'prod' });
  return { log, run: log.runs[0] };
}

const publicRead = (results: readonly sarif.Result[]) => {
  const found = results.find((r) => r.ruleId === 'storage-public-read');
  expect(found).toBeDefined();
  return found!;
};

describe('SARIF output', () => {
  it('gives each failure a fingerprint that depends only on rule and resource', () => {
    const a = publicRead(sarifFor([bucket('photos', true)]).run.results);
    const b = publicRead(sarifFor([bucket('other', false), bucket('photos', true)]).run.results);
    expect(a.partialFingerprints?.[FINGERPRINT_KEY]).toBe(fingerprint('storage-public-read', 'arn:aws:s3:::photos'));
    expect(a.partialFingerprints).toEqual(b.partialFingerprints);
  });

  it('gives every result its own primaryLocationLineHash, unchanged when unrelated resources are added', () => {
    const few = sarifFor([bucket('photos', true), bucket('scans', true)]).run.results;
    const many = sarifFor([bucket('photos', true), bucket('scans', true), ...Array.from({ length: 50 }, (_, i) => bucket(`other-${i}`, i % 2 === 0))]).run.results;
    for (const results of [few, many]) {
      const keys = results.map((r) => `${r.ruleId} ${r.partialFingerprints[LINE_HASH_KEY] ?? ''}`);
      expect(new Set(keys).size).toBe(keys.length);
      for (const r of results) expect(r.partialFingerprints[LINE_HASH_KEY]).toMatch(/^[0-9a-f]{16}:1$/);
    }
    const byResource = (results: SarifResult[]) => new Map(results.map((r) => [`${r.ruleId} ${r.locations[0]?.logicalLocations?.[0]?.fullyQualifiedName ?? ''}`, r.partialFingerprints]));
    const before = byResource(few);
    const after = byResource(many);
    for (const [key, fps] of before) expect(after.get(key)).toEqual(fps);
  });

  it('puts the evidence in the message and the resource id in a logical location', () => {
    const r = publicRead(sarifFor([bucket('photos', true)]).run.results);
    expect(r.message.text).toBe('photos lets anyone on the internet read its objects. Evidence: ACL grant to AllUsers: READ; bucket IgnorePublicAcls=false.');
    expect(r.locations?.[0]?.logicalLocations?.[0]).toEqual({ fullyQualifiedName: 'arn:aws:s3:::photos', name: 'photos', kind: 'resource' });
    expect(r.level).toBe('error');
  });

  it("anchors a result at its rule's YAML line when no IaC source is known", () => {
    const r = publicRead(sarifFor([bucket('photos', true)]).run.results);
    expect(r.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'policies/storage.yaml' }, region: { startLine: 4 } });
  });

  it('anchors a result at the IaC declaration when the resource has one', () => {
    const r = publicRead(sarifFor([bucket('photos', true, { file: 'infra/s3.tf', line: 12 })]).run.results);
    expect(r.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'infra/s3.tf' }, region: { startLine: 12 } });
  });

  it('describes rules with markdown help, a help URI, control tags and a security severity', () => {
    const rule = sarifFor([]).run.tool.driver.rules?.find((r) => r.id === 'storage-public-read');
    expect(rule?.help?.markdown).toContain('**Remediation**');
    expect(rule?.helpUri).toMatch(/^https:\/\//);
    expect(rule?.properties?.tags).toEqual(expect.arrayContaining(['hipaa/164.312(a)(1)', 'gdpr/Art. 25(2)', 'security']));
    expect(rule?.properties?.['security-severity']).toBe('9.5');
  });

  it('reports collection errors and not-evaluated rules as tool execution notifications', () => {
    const denied = resource('storage-bucket', { publicRead: unknown('s3:GetBucketAcl denied (AccessDenied)') }, { id: 'arn:aws:s3:::secret' });
    const { run } = sarifFor([denied], [{ level: 'warning', message: 'AccessDenied on GetBucketAcl for secret', call: 's3:GetBucketAcl', permission: 's3:GetBucketAcl', resourceId: 'arn:aws:s3:::secret' }]);
    const notes = run.invocations?.[0]?.toolExecutionNotifications ?? [];
    expect(notes[0]).toMatchObject({ level: 'warning', message: { text: 'AccessDenied on GetBucketAcl for secret.' }, properties: { call: 's3:GetBucketAcl', permission: 's3:GetBucketAcl' } });
    expect(notes.some((n) => n.associatedRule?.id === 'storage-public-read' && n.message.text?.includes('arn:aws:s3:::secret (publicRead: s3:GetBucketAcl denied (AccessDenied))') === true)).toBe(true);
  });

  it('returns a log of the SARIF types that needs no cast to read', () => {
    expectTypeOf(sarifFor([]).log).toExtend<sarif.Log>();
    expectTypeOf(sarifFor([]).run.results).toEqualTypeOf<SarifResult[]>();
  });

  it('sets the automation category', () => {
    expect(sarifFor([]).run.automationDetails).toEqual({ id: 'prod/' });
  });
});
