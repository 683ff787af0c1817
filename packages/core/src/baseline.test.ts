import { describe, expect, it } from 'vitest';
import { applyBaseline, parseBaseline } from './baseline.js';
import { audit } from './engine.js';
import { loadPolicies } from './policy/load.js';
import { sarifMessage, toSarif } from './report/sarif.js';
import { known, resource } from './test-helpers/fixtures.js';

const policies = loadPolicies();
const bucket = (name: string, evidence: string) => resource('storage-bucket', { publicRead: known(true, evidence) }, { id: `arn:aws:s3:::${name}`, name });
const sarifOf = (...resources: ReturnType<typeof bucket>[]) => JSON.stringify(toSarif(audit({ resources, policies }), { toolVersion: '1' }));

describe('baseline comparison by fingerprint', () => {
  const before = parseBaseline(sarifOf(bucket('kept', 'ACL'), bucket('changed', 'ACL'), bucket('fixed', 'ACL')), 'base.sarif');
  const audited = audit({ resources: [bucket('kept', 'ACL'), bucket('changed', 'policy'), bucket('brand-new', 'ACL')], policies });
  const result = { ...audited, baseline: applyBaseline(audited, before, sarifMessage) };
  const state = (name: string) => result.findings.find((f) => f.status === 'fail' && f.rule.id === 'storage-public-read' && f.resource.name === name);

  it('marks new, unchanged and updated failures', () => {
    expect(state('kept')).toMatchObject({ baselineState: 'unchanged' });
    expect(state('changed')).toMatchObject({ baselineState: 'updated' });
    expect(state('brand-new')).toMatchObject({ baselineState: 'new' });
  });

  it('reports baseline failures that no longer fail as absent passes in SARIF', () => {
    const results = toSarif(result, { toolVersion: '1' }).runs[0].results;
    const absent = results.filter((r) => r.baselineState === 'absent');
    expect(absent.map((r) => r.locations[0]?.logicalLocations?.[0]?.fullyQualifiedName)).toContain('arn:aws:s3:::fixed');
    expect(absent.every((r) => r.kind === 'pass' && r.level === 'none')).toBe(true);
  });

  it('refuses a baseline that is not SARIF', () => {
    expect(() => parseBaseline('{"hello": 1}', 'base.sarif')).toThrow('base.sarif#/runs: the baseline is not a SARIF log (no "runs" list)');
  });
});
